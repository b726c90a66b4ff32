import assert from "node:assert/strict";
import { describe, it } from "node:test";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { VidmaeError } from "../../../src/errors.js";
import {
  ELEM,
  GraphBuilder,
  IR_VERSION,
  OPSETS,
  float,
  int,
  ints,
  str,
} from "../../../src/model/onnx/graph.js";

const { onnx } = onnxProto;

/** A graph y = gelu(x @ w + b), softmax over the last axis, with every attribute kind in use. */
function tinyGraph(): { g: GraphBuilder; w: Float32Array; b: Float32Array } {
  const g = new GraphBuilder();
  const x = g.input("x", ELEM.float, ["batch", 3]);
  const w = Float32Array.of(1, -1, 0.5, 2, 0, 1);
  const b = Float32Array.of(0.25, -0.5);
  const xw = g.node("MatMul", [x, g.initializer("w", [3, 2], w)], "xw");
  const sum = g.node("Add", [xw, g.initializer("b", [2], b)], "sum");
  const act = g.node("Gelu", [sum], "act", { approximate: str("none") });
  const t = g.node("Transpose", [act], "t", { perm: ints([1, 0]) });
  const back = g.node("Transpose", [t], "back", { perm: ints([1, 0]) });
  const scaled = g.node("LeakyRelu", [back], "scaled", { alpha: float(0.5) });
  g.output(g.node("Softmax", [scaled], "y", { axis: int(-1) }), ELEM.float, ["batch", 2]);
  return { g, w, b };
}

const gelu = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
/** Abramowitz–Stegun 7.1.26 is too coarse; a series is exact enough for |v| < 3. */
function erf(v: number): number {
  let term = v;
  let sum = v;
  for (let n = 1; n < 60; n++) {
    term *= (-v * v) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

describe("GraphBuilder", () => {
  it("serialises a model stamped with its IR version, opsets, producer and metadata", () => {
    const { g } = tinyGraph();
    const bytes = g.toModel({ producer: "vidmae-test", producerVersion: "1", metadata: { labels: "a,b" } });
    const model = onnx.ModelProto.decode(bytes);
    assert.equal(Number(model.irVersion), IR_VERSION);
    assert.deepEqual(
      model.opsetImport.map((o) => [o.domain, Number(o.version)]),
      Object.entries(OPSETS),
    );
    assert.equal(model.producerName, "vidmae-test");
    assert.deepEqual(
      model.metadataProps.map((p) => [p.key, p.value]),
      [["labels", "a,b"]],
    );
    assert.deepEqual(
      model.graph?.node?.map((n) => n.opType),
      ["MatMul", "Add", "Gelu", "Transpose", "Transpose", "LeakyRelu", "Softmax"],
    );
    assert.equal(model.graph?.input?.[0].type?.tensorType?.shape?.dim?.[0].dimParam, "batch");
  });

  it("builds a graph onnxruntime runs with the numbers the maths gives", async () => {
    const { g, w, b } = tinyGraph();
    const session = await ort.InferenceSession.create(g.toModel({ producer: "vidmae-test" }));
    const x = Float32Array.of(1, 2, 3, -1, 0, 0.5);
    const { y } = await session.run({ x: new ort.Tensor("float32", x, [2, 3]) });
    for (let r = 0; r < 2; r++) {
      const z = [0, 1].map((c) => {
        let s = b[c];
        for (let k = 0; k < 3; k++) s += x[r * 3 + k] * w[k * 2 + c];
        const a = gelu(s);
        return a >= 0 ? a : 0.5 * a;
      });
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const expected = e.map((v) => v / (e[0] + e[1]));
      for (let c = 0; c < 2; c++)
        assert.ok(Math.abs((y.data as Float32Array)[r * 2 + c] - expected[c]) < 1e-6);
    }
    await session.release();
  });

  it("stores int8 and int64 initializers with their types, scalars with empty dims", () => {
    const g = new GraphBuilder();
    g.initializer("q", [2], Int8Array.of(-128, 127));
    g.int64s("shape", [1, -1]);
    g.int64s("axis", [0], []);
    const [q, shape, axis] = onnx.ModelProto.decode(g.toModel({ producer: "t" })).graph!.initializer!;
    assert.equal(q.dataType, ELEM.int8);
    assert.deepEqual([...new Int8Array(q.rawData!.buffer, q.rawData!.byteOffset, 2)], [-128, 127]);
    assert.equal(shape.dataType, ELEM.int64);
    assert.deepEqual(shape.dims?.map(Number), [2]);
    assert.deepEqual(axis.dims, []);
  });

  it("refuses an initializer whose data does not fill its dims", () => {
    const g = new GraphBuilder();
    assert.throws(
      () => g.initializer("encoder.layer.0.w", [2, 3], new Float32Array(5)),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_SHAPE" &&
        e.message === "initializer encoder.layer.0.w: 5 values do not fill dims [2, 3]",
    );
  });

  it("refuses a value name defined twice instead of renaming it", () => {
    const g = new GraphBuilder();
    const x = g.input("x", ELEM.float, [2]);
    g.node("Relu", [x], "y");
    assert.throws(
      () => g.node("Neg", [x], "y"),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.code === "E_INFERENCE" &&
        e.message === "ONNX graph: the value name y is defined twice",
    );
    assert.throws(() => g.initializer("x", [1], new Float32Array(1)), /the value name x is defined twice/);
  });

  it("refuses inputs and outputs that name values not defined before them", () => {
    const g = new GraphBuilder();
    assert.throws(
      () => g.node("Relu", ["nowhere"], "y"),
      (e: unknown) =>
        e instanceof VidmaeError &&
        e.message === "ONNX graph: Relu node y uses nowhere, which is not defined before it",
    );
    assert.throws(() => g.output("y", ELEM.float, [1]), /the graph output uses y, which is not defined/);
  });

  it("skips omitted optional inputs and outputs", () => {
    const g = new GraphBuilder();
    const x = g.input("x", ELEM.float, [4]);
    const [first] = g.nodeOutputs("Split", [x, ""], ["first", ""], { axis: int(0), num_outputs: int(2) });
    assert.equal(first, "first");
    const node = onnx.ModelProto.decode(g.toModel({ producer: "t" })).graph!.node![0];
    assert.deepEqual(node.input, ["x", ""]);
    assert.deepEqual(node.output, ["first", ""]);
  });
});
