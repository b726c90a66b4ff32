import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { encodeNpy, npyToMatrix, parseNpy, readNpy, writeNpy } from "../../src/io/npy.js";
import { npy, sklearnPath } from "../classify/helpers.js";

/** A hand-built .npy file: magic, version, header length, header text, data bytes. */
function handMade(header: string, data: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, prefix + header.length);
  return out;
}

describe("npy", () => {
  it("reads the float32 fixtures written by numpy", () => {
    const X = npy("iris/X_train.npy");
    assert.equal(X.dtype, "<f4");
    assert.deepEqual(X.shape, [112, 4]);
    assert.ok(X.data instanceof Float32Array);
    const m = npyToMatrix(X);
    assert.deepEqual([m.rows, m.cols], [112, 4]);
  });

  it("reads int64 and float64 fixtures", () => {
    const neighbors = npy("iris/knn_euclidean/test_neighbors.npy");
    assert.equal(neighbors.dtype, "<i8");
    assert.ok(neighbors.data instanceof BigInt64Array);
    assert.deepEqual(neighbors.shape, [38, 5]);
    assert.equal(npy("iris/standard_scaler/mean.npy").dtype, "<f8");
  });

  it("round-trips every dtype and shape through bytes, with numpy's 64-byte header alignment", () => {
    const cases = [
      { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) },
      { shape: [4], data: new Float64Array([0.1, -2, 1e300, -0]) },
      { shape: [], data: new Float64Array([42]) },
      { shape: [2, 1], data: new BigInt64Array([-1n, 9007199254740993n]) },
      { shape: [0, 3], data: new Float32Array(0) },
    ];
    for (const c of cases) {
      const bytes = encodeNpy(c);
      const headerLength = new DataView(bytes.buffer).getUint16(8, true);
      assert.equal((10 + headerLength) % 64, 0);
      const back = parseNpy(bytes);
      assert.deepEqual(back.shape, c.shape);
      assert.deepEqual(back.data, c.data);
    }
  });

  it("writes files numpy's reader layout expects and reads them back", () => {
    const dir = mkdtempSync(join(tmpdir(), "vidmae-npy-"));
    try {
      const path = join(dir, "m.npy");
      writeNpy(path, { data: new Float64Array([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 });
      const text = new TextDecoder("latin1").decode(readFileSync(path).subarray(0, 128));
      assert.match(
        text,
        /^\x93NUMPY\x01\x00.{2}\{'descr': '<f8', 'fortran_order': False, 'shape': \(3, 2\), \} *\n$/s,
      );
      const back = readNpy(path);
      assert.deepEqual(back.shape, [3, 2]);
      assert.deepEqual(back.data, new Float64Array([1, 2, 3, 4, 5, 6]));
      // Writing a fixture back gives numpy's own bytes.
      const fixture = readFileSync(sklearnPath("iris/standard_scaler/mean.npy"));
      assert.deepEqual(
        encodeNpy(readNpy(sklearnPath("iris/standard_scaler/mean.npy"))),
        new Uint8Array(fixture),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads format version 2.0 headers", () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n";
    const a = parseNpy(handMade(header, new Uint8Array(new Float64Array([2.5]).buffer), 2));
    assert.deepEqual(a.data, new Float64Array([2.5]));
  });

  it("rejects malformed files, Fortran order, unsupported dtypes and truncated data", () => {
    assert.throws(() => parseNpy(new Uint8Array(16)), {
      code: "E_DATA",
      message: "buffer is not a valid .npy file: bad magic string",
    });
    const fortran = "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }\n";
    assert.throws(() => parseNpy(handMade(fortran, new Uint8Array(8))), {
      code: "E_DATA",
      message:
        "buffer is not a valid .npy file: Fortran-order arrays are not supported; save with np.ascontiguousarray",
    });
    const bigEndian = "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }\n";
    assert.throws(() => parseNpy(handMade(bigEndian, new Uint8Array(8))), {
      code: "E_UNSUPPORTED_DTYPE",
      message: "buffer has dtype '>f8'; supported: <f4, <f8, <i8 (little-endian)",
    });
    const short = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
    assert.throws(() => parseNpy(handMade(short, new Uint8Array(8))), {
      code: "E_DATA",
      message: "buffer is not a valid .npy file: expected 16 data bytes but found 8",
    });
    assert.throws(() => readNpy("/nonexistent/x.npy"), { code: "E_IO" });
    assert.throws(() => encodeNpy({ shape: [3], data: new Float32Array(2) }), { code: "E_SHAPE" });
    assert.throws(() => npyToMatrix({ dtype: "<f8", shape: [3], data: new Float64Array(3) }), {
      code: "E_SHAPE",
    });
  });
});
