import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Resampler, resizeRgb, type ResampleFilter } from "../../src/preprocess/resize.js";

const FILTERS: ResampleFilter[] = ["box", "bilinear", "hamming", "bicubic", "lanczos"];

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed = 7): Uint8Array {
  const a = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s >>> 24;
  }
  return a;
}

/** A grey row or column: every pixel's three channels equal `values[i]`. */
function grey(values: number[]): Uint8Array {
  return Uint8Array.from(values.flatMap((v) => [v, v, v]));
}

/**
 * Bilinear with antialiasing in plain floating point: every input pixel weighted by the triangle of radius
 * max(1, scale), normalised, rounded to uint8 after each pass. Pillow's fixed point may differ from it by one.
 */
function floatBilinear(src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array {
  const pass = (get: (o: number, i: number, c: number) => number, n: number, on: number, lines: number) => {
    const scale = n / on;
    const radius = Math.max(1, scale);
    const out = new Float64Array(lines * on * 3);
    for (let l = 0; l < lines; l++) {
      for (let o = 0; o < on; o++) {
        const center = (o + 0.5) * scale;
        let total = 0;
        const acc = [0, 0, 0];
        for (let i = 0; i < n; i++) {
          const wt = Math.max(0, 1 - Math.abs(i + 0.5 - center) / radius);
          total += wt;
          for (let c = 0; c < 3; c++) acc[c] += wt * get(l, i, c);
        }
        for (let c = 0; c < 3; c++)
          out[(l * on + o) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc[c] / total)));
      }
    }
    return out;
  };
  const rows = w === ow ? Float64Array.from(src) : pass((y, x, c) => src[(y * w + x) * 3 + c], w, ow, h);
  // `rows` is [h, ow]; the vertical pass walks columns.
  const cols = h === oh ? rows : pass((x, y, c) => rows[(y * ow + x) * 3 + c], h, oh, ow);
  const out = new Uint8Array(oh * ow * 3);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let c = 0; c < 3; c++)
        out[(y * ow + x) * 3 + c] = h === oh ? cols[(y * ow + x) * 3 + c] : cols[(x * oh + y) * 3 + c];
    }
  }
  return out;
}

describe("resizeRgb (Pillow resize)", () => {
  it("matches hand-computed Pillow bilinear values, horizontally and vertically", () => {
    // 4 -> 2: scale 2 widens the triangle to radius 2; weights 3/7, 3/7, 1/7 and mirrored.
    assert.deepEqual(resizeRgb(grey([0, 70, 140, 210]), 1, 4, 1, 2), grey([50, 160]));
    assert.deepEqual(resizeRgb(grey([0, 70, 140, 210]), 4, 1, 2, 1), grey([50, 160]));
    // 2 -> 4: plain interpolation, edges clamp to the border pixel; x.5 rounds down through fixed point.
    assert.deepEqual(resizeRgb(grey([0, 200]), 1, 2, 1, 4), grey([0, 50, 150, 200]));
  });

  it("returns a same-size image unchanged, for every filter", () => {
    const img = noise(9 * 11 * 3);
    for (const f of FILTERS) assert.deepEqual(resizeRgb(img, 9, 11, 9, 11, f), img);
  });

  it("keeps a constant image constant when up- and downscaling, for every filter", () => {
    for (const f of FILTERS) {
      for (const v of [0, 1, 128, 254, 255]) {
        const img = new Uint8Array(37 * 23 * 3).fill(v);
        for (const [oh, ow] of [
          [7, 5],
          [80, 61],
          [37, 9],
          [100, 23],
        ]) {
          assert.ok(
            resizeRgb(img, 37, 23, oh, ow, f).every((x) => x === v),
            `${f} ${v} to ${oh}x${ow}`,
          );
        }
      }
    }
  });

  it("is within 1 of floating-point antialiased bilinear on odd sizes (17x13 to 7 shortest edge, and more)", () => {
    for (const [h, w, oh, ow] of [
      [13, 17, 7, 9],
      [31, 19, 57, 35],
      [50, 3, 11, 3],
      [6, 90, 6, 13],
    ]) {
      const img = noise(h * w * 3, h * w);
      const actual = resizeRgb(img, h, w, oh, ow);
      const expected = floatBilinear(img, h, w, oh, ow);
      let offByOne = 0;
      for (let i = 0; i < actual.length; i++) {
        const d = Math.abs(actual[i] - expected[i]);
        assert.ok(d <= 1, `${h}x${w} to ${oh}x${ow}: byte ${i} differs by ${d}`);
        offByOne += d;
      }
      assert.ok(offByOne <= actual.length * 0.05, `${h}x${w}: ${offByOne} bytes off by one`);
    }
  });

  it("produces a window with the bytes of the full resize there", () => {
    for (const f of FILTERS) {
      for (const [h, w, oh, ow] of [
        [40, 64, 21, 33],
        [20, 9, 47, 9],
        [20, 9, 20, 30],
      ]) {
        const img = noise(h * w * 3, oh);
        const full = resizeRgb(img, h, w, oh, ow, f);
        const r = new Resampler(h, w, oh, ow, f);
        for (const win of [
          { top: 0, left: 0, height: oh, width: ow },
          { top: 3, left: 2, height: oh - 5, width: ow - 4 },
          { top: oh - 1, left: ow - 1, height: 1, width: 1 },
        ]) {
          const out = new Uint8Array(win.height * win.width * 3 + 2);
          r.resize(img, 0, win, out, 2);
          for (let y = 0; y < win.height; y++) {
            const start = ((win.top + y) * ow + win.left) * 3;
            assert.deepEqual(
              out.subarray(2 + y * win.width * 3, 2 + (y + 1) * win.width * 3),
              full.subarray(start, start + win.width * 3),
              `${f} ${h}x${w} to ${oh}x${ow}, window ${JSON.stringify(win)}, row ${y}`,
            );
          }
        }
      }
    }
  });
});
