import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraphBuilder, int } from "../../src/model/onnx/graph.js";
import { BlockingSession, releaseResident } from "../../src/numeric/blocking-session.js";
import { assertVidmaeError } from "../helpers/errors.js";

const FLOAT = 1;
const DOUBLE = 11;

/** `y = Gemm(a, b, transB=1)`: [m, d] × [n, d]ᵀ. */
function gemm(elem: number): Uint8Array {
  const g = new GraphBuilder();
  const a = g.input("a", elem, ["m", "d"]);
  const b = g.input("b", elem, ["n", "d"]);
  g.output(g.node("Gemm", [a, b], "y", { transB: int(1) }), elem, ["m", "n"]);
  return g.toModel({ producer: "test" });
}

describe("BlockingSession", () => {
  const f32 = new BlockingSession(gemm(FLOAT));
  const f64 = new BlockingSession(gemm(DOUBLE));

  it("runs a graph synchronously, in float32 and float64", () => {
    const a = { data: new Float32Array([1, 2, 3, 4]), dims: [2, 2] };
    const b = { data: new Float32Array([1, 0, 1, 1]), dims: [2, 2] };
    assert.deepEqual(f32.run({ a, b }, ["y"])[0], new Float32Array([1, 3, 3, 7]));
    const y = f64.run(
      {
        a: { data: new Float64Array([0.1, 0.2]), dims: [1, 2] },
        b: { data: new Float64Array([3, 5]), dims: [1, 2] },
      },
      ["y"],
    )[0];
    assert.ok(y instanceof Float64Array);
    assert.equal(y[0], 0.1 * 3 + 0.2 * 5);
  });

  it("keeps a resident copy per buffer and reads windows of it by offset", () => {
    const rows = new Float32Array([1, 0, 0, 1, 2, 2]);
    const q = { data: new Float32Array([1, 1]), dims: [1, 2] };
    const window = (start: number, count: number) => ({
      data: rows.subarray(start * 2, (start + count) * 2),
      dims: [count, 2],
      resident: "copy" as const,
    });
    assert.deepEqual(f32.run({ a: q, b: window(0, 3) }, ["y"])[0], new Float32Array([1, 1, 4]));
    rows[4] = 100; // the worker kept the copy made at the first run
    assert.deepEqual(f32.run({ a: q, b: window(1, 2) }, ["y"])[0], new Float32Array([1, 4]));
  });

  it("uploads a released resident buffer again on its next use", () => {
    const rows = new Float32Array([1, 2]);
    const feeds = () => ({
      a: { data: new Float32Array([1]), dims: [1, 1] },
      b: { data: rows, dims: [2, 1], resident: "copy" as const },
    });
    assert.deepEqual(f32.run(feeds(), ["y"])[0], new Float32Array([1, 2]));
    rows[1] = 5;
    assert.deepEqual(f32.run(feeds(), ["y"])[0], new Float32Array([1, 2]));
    releaseResident(rows);
    assert.deepEqual(f32.run(feeds(), ["y"])[0], new Float32Array([1, 5]));
  });

  it("moves a resident buffer: the caller's array is emptied and stands for the upload in later runs", () => {
    const b = new Float64Array([1, 2, 3, 4]);
    const feed = { data: b, dims: [2, 2], resident: "move" as const };
    const a = { data: new Float64Array([1, 1]), dims: [1, 2] };
    assert.deepEqual(f64.run({ a, b: feed }, ["y"])[0], new Float64Array([3, 7]));
    assert.equal(b.length, 0);
    assert.deepEqual(
      f64.run({ a: { data: new Float64Array([1, 0]), dims: [1, 2] }, b: feed }, ["y"])[0],
      new Float64Array([1, 3]),
    );
  });

  it("reports onnxruntime's failure as E_INFERENCE", async () => {
    const a = { data: new Float32Array(3), dims: [1, 3] };
    const b = { data: new Float32Array(4), dims: [2, 2] };
    await assertVidmaeError(() => f32.run({ a, b }, ["y"])[0], "E_INFERENCE", /^onnxruntime failed: /);
    // The worker is still usable afterwards.
    assert.deepEqual(
      f32.run(
        {
          a: { data: new Float32Array([2]), dims: [1, 1] },
          b: { data: new Float32Array([3]), dims: [1, 1] },
        },
        ["y"],
      )[0],
      new Float32Array([6]),
    );
  });
});
