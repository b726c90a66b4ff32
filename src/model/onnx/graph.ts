/**
 * A thin ONNX graph-building layer over `onnx-proto`: typed attributes, initializers checked against their
 * dims when made, value names that are unique and defined before use (a clash or a dangling input is a builder
 * bug, reported at once rather than renamed or left for onnxruntime to reject), and a model stamped with its IR
 * version and opsets.
 */
import onnxProto from "onnx-proto";
import { VidmaeError } from "../../errors.js";

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** IR version 9 is the first that allows opset 20 (needed for ai.onnx `Gelu`). */
export const IR_VERSION = 9;
/** Opsets the graphs import: ai.onnx 20 and Microsoft's contrib ops (fused attention). */
export const OPSETS = { "": 20, "com.microsoft": 1 } as const;

/** An attribute value tagged with its ONNX type (JS numbers do not say int or float). */
export type Attr =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "ints"; value: number[] }
  | { kind: "string"; value: string };

/** Integer attribute. @example attrs: { axis: int(-1) } */
export const int = (value: number): Attr => ({ kind: "int", value });
/** Float attribute. @example attrs: { epsilon: float(1e-12) } */
export const float = (value: number): Attr => ({ kind: "float", value });
/** Integer-list attribute. @example attrs: { perm: ints([0, 2, 1]) } */
export const ints = (value: number[]): Attr => ({ kind: "ints", value });
/** String attribute. @example attrs: { approximate: str("none") } */
export const str = (value: string): Attr => ({ kind: "string", value });

function toAttribute(name: string, a: Attr): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case "int":
      return { name, type: T.INT, i: a.value };
    case "float":
      return { name, type: T.FLOAT, f: a.value };
    case "ints":
      return { name, type: T.INTS, ints: a.value };
    case "string":
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

/** A tensor dimension: a fixed size or a symbolic name such as `"batch"`. */
export type Dim = number | string;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Data types the builders use. */
export const ELEM = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int8: onnx.TensorProto.DataType.INT8,
} as const;

/**
 * Accumulates nodes, initializers, inputs and outputs, then serialises an ONNX ModelProto.
 *
 * @example
 * const g = new GraphBuilder();
 * const x = g.input("x", ELEM.float, ["batch", 4]);
 * const w = g.initializer("w", [4, 2], new Float32Array(8));
 * g.output(g.node("MatMul", [x, w], "y"), ELEM.float, ["batch", 2]);
 * const bytes = g.toModel({ producer: "vidmae" });
 */
export class GraphBuilder {
  private readonly nodes: INodeProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private readonly used = new Set<string>();

  /** Claims a new value name; a name given twice is an error (ONNX needs each value defined once). */
  private unique(name: string): string {
    if (name === "") throw new VidmaeError("E_INFERENCE", "ONNX graph: a value needs a non-empty name");
    if (this.used.has(name))
      throw new VidmaeError("E_INFERENCE", `ONNX graph: the value name ${name} is defined twice`);
    this.used.add(name);
    return name;
  }

  /** Throws unless `name` was defined by an input, initializer or earlier node. */
  private defined(name: string, user: string): void {
    if (!this.used.has(name))
      throw new VidmaeError(
        "E_INFERENCE",
        `ONNX graph: ${user} uses ${name}, which is not defined before it`,
      );
  }

  /** Declares a graph input and returns its value name. */
  input(name: string, elemType: number, dims: readonly Dim[]): string {
    const unique = this.unique(name);
    this.inputs.push(valueInfo(unique, elemType, dims));
    return unique;
  }

  /** Declares `value` as a graph output under the name `value` already has. */
  output(value: string, elemType: number, dims: readonly Dim[]): void {
    this.defined(value, "the graph output");
    this.outputs.push(valueInfo(value, elemType, dims));
  }

  /**
   * Adds a float32 (or int8) initializer; throws if `data` does not fill `dims`.
   *
   * @returns the initializer's value name
   */
  initializer(name: string, dims: readonly number[], data: Float32Array | Int8Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected)
      throw new VidmaeError(
        "E_SHAPE",
        `initializer ${name}: ${data.length} values do not fill dims [${dims.join(", ")}]`,
      );
    const unique = this.unique(name);
    this.initializers.push({
      name: unique,
      dims: [...dims],
      dataType: data instanceof Int8Array ? ELEM.int8 : ELEM.float,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return unique;
  }

  /** Adds an int64 initializer (shapes, axes, indices); `dims` `[]` makes a scalar. */
  int64s(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const unique = this.unique(name);
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({
      name: unique,
      dims: [...dims],
      dataType: ELEM.int64,
      rawData: new Uint8Array(data.buffer),
    });
    return unique;
  }

  /**
   * Adds a node with one output and returns the output's value name.
   *
   * @param opType - e.g. `MatMul`, `LayerNormalization`, `Attention`
   * @param inputs - input value names (`""` for an omitted optional input)
   * @param name - the output's (and node's) name, usually the checkpoint key prefix plus a suffix
   * @param attrs - typed attributes
   * @param domain - `""` for ai.onnx, `"com.microsoft"` for contrib ops
   */
  node(
    opType: string,
    inputs: readonly string[],
    name: string,
    attrs: Record<string, Attr> = {},
    domain = "",
  ): string {
    return this.nodeOutputs(opType, inputs, [name], attrs, domain)[0];
  }

  /**
   * Adds a node with several outputs; `""` in `outputs` skips an optional output. Returns the output names.
   *
   * @example
   * const [q, k, v] = g.nodeOutputs("Split", [qkv], ["q", "k", "v"], { axis: int(-1), num_outputs: int(3) });
   */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Record<string, Attr> = {},
    domain = "",
  ): string[] {
    for (const input of inputs) if (input !== "") this.defined(input, `${opType} node ${outputs.join(", ")}`);
    const names = outputs.map((o) => (o === "" ? "" : this.unique(o)));
    this.nodes.push({
      opType,
      domain,
      name: names.find((n) => n !== "") ?? opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return names;
  }

  /**
   * Serialises the graph as ModelProto bytes that `InferenceSession.create` and `onnx.load` accept.
   *
   * @param meta.metadata - string pairs stored in the model's `metadata_props` (e.g. the label map)
   */
  toModel(meta: {
    producer: string;
    producerVersion?: string;
    graphName?: string;
    metadata?: Record<string, string>;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: meta.producer,
      producerVersion: meta.producerVersion ?? "",
      opsetImport: Object.entries(OPSETS).map(([domain, version]) => ({ domain, version })),
      metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: meta.graphName ?? "main",
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
