/**
 * A loaded VideoMAE model: builds (or takes from the cache) one ONNX graph per clip length and runs it with
 * onnxruntime-node.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type * as Ort from "onnxruntime-node";
import { lazyRequire } from "../../native.js";
import { VidmaeError, invalidParameterError, wrapError } from "../../errors.js";
import { VERSION } from "../../version.js";
import { type PullOptions } from "../hub/pull.js";
import { resolveModelPath } from "../hub/resolve.js";
import { fingerprint, readCachedGraph, vidmaeCacheDir, writeCachedGraph } from "../onnx/cache.js";
import { type Checkpoint, hashFiles } from "./checkpoint.js";
import { CONFIG_LIMITS, type VideoMAEConfig, tokenCount } from "./config.js";
import type { CheckpointKind } from "./keys.js";
import type { LayoutFamily } from "./layout.js";
import { type Precision, buildVideoMAEGraph } from "./modeling.js";
import { type ModelSource, openModelSource } from "./source.js";

const ort = lazyRequire<typeof Ort>("onnxruntime-node");

/** Bumped whenever the graph builder changes what it emits, so stale cached graphs are not reused. */
const GRAPH_FORMAT = 3;

/** A float32 tensor: row-major values and their dims. */
export interface Float32Tensor {
  data: Float32Array;
  dims: number[];
}

/** Where inference runs. `cuda` needs an onnxruntime-node build with the CUDA provider installed. */
export type ExecutionProvider = "cpu" | "cuda";

/** Options for {@link VideoMAE.fromDirectory}. */
export interface ModelOptions {
  /** @defaultValue "cpu" */
  executionProvider?: ExecutionProvider;
  /** Intra-op threads; default: onnxruntime's choice (all cores). */
  threads?: number;
  /** Graph cache root; default {@link vidmaeCacheDir}. */
  cacheDir?: string;
  /**
   * `int8`: linear layers as `DynamicQuantizeMatMul` over int8 weights (faster, vectors close to but not equal
   * to fp32 ones; stores keep the two apart). @defaultValue "fp32"
   */
  precision?: Precision;
  /** Set false to always rebuild the graph (and not write the cache). @defaultValue true */
  cache?: boolean;
  /** Receives warnings (e.g. a frame count the checkpoint was not trained at); default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Attention heads of a `.pth` checkpoint (its weights do not say); ignored for folders. */
  numHeads?: number;
  /** An upstream model name for a `.pth` (`vit_base_patch16_224`): its heads and image size; ignored for folders. */
  arch?: string;
}

/** Options for one {@link VideoMAE.forward} call. */
export interface ForwardOptions {
  /** Also return `hiddenStates` (embeddings output, then every layer's output). */
  hiddenStates?: boolean;
}

/** What {@link VideoMAE.forward} returns; names follow HF's outputs. */
export interface ForwardResult {
  /** [B, N, D] as `VideoMAEModel` returns it. */
  lastHiddenState: Float32Tensor;
  /** [B, D] = lastHiddenState.mean(1). */
  meanPooled: Float32Tensor;
  /**
   * [B, D] what the classifier reads: classification checkpoints, and every VideoMAE V2 / original-code model
   * (its `forward_features`).
   */
  pooled?: Float32Tensor;
  /** [B, num_labels] (checkpoints with a classification head only). */
  logits?: Float32Tensor;
  /** hidden_states.0 … hidden_states.L, each [B, N, D], when asked. */
  hiddenStates?: Float32Tensor[];
}

/** The description cached beside a graph: enough to run it without reading the weights. */
interface GraphMeta {
  kind: CheckpointKind;
  labels: string[] | null;
  outputs: string[];
}

/**
 * A VideoMAE checkpoint ready to run.
 *
 * @example
 * const model = await VideoMAE.fromDirectory("test/fixtures/videomae/tiny-classifier");
 * const out = await model.forward({ data: pixels, dims: [1, 4, 3, 32, 32] });
 * model.topK(out.logits!, 3)[0]; // [{ label: "juggling", index: 4, score: 0.31 }, …]
 */
export class VideoMAE {
  private readonly sessions = new Map<string, Promise<{ session: Ort.InferenceSession; meta: GraphMeta }>>();
  private checkpointPromise: Promise<Checkpoint> | null = null;
  private hashPromise: Promise<string> | null = null;
  private warnedFrames = new Set<number>();
  private description: GraphMeta = { kind: "base", labels: null, outputs: [] };

  /** The model directory (or `.pth` file). */
  readonly dir: string;
  /** The parsed config (for a `.pth`, read off its weights). */
  readonly config: VideoMAEConfig;

  private constructor(
    private readonly source: ModelSource,
    private readonly options: Required<Omit<ModelOptions, "threads" | "numHeads" | "arch">> & {
      threads?: number;
    },
  ) {
    this.dir = source.path;
    this.config = source.config;
  }

  /**
   * Loads a model from a directory (Hugging Face VideoMAE or OpenGVLab VideoMAE V2 hub layout), a `.pth`
   * checkpoint of the original code, or a hub repo id (`org/name`, downloaded into the Hugging Face cache first;
   * see {@link pullModel}).
   *
   * @param model - a directory, a `.pth` file, or a repo id such as `MCG-NJU/videomae-base-finetuned-kinetics`
   * @param options.hub - revision, endpoint, token, offline mode and progress for the download
   * @throws VidmaeError `E_INVALID_ARGUMENT` for neither a directory nor a repo id, `E_HUB_*` for download
   *   failures, and everything {@link VideoMAE.fromDirectory} throws
   * @example
   * const model = await VideoMAE.load("MCG-NJU/videomae-base-finetuned-kinetics", { hub: { revision: "main" } });
   */
  static async load(model: string, options: ModelOptions & { hub?: PullOptions } = {}): Promise<VideoMAE> {
    const { hub, ...rest } = options;
    return VideoMAE.fromDirectory(await resolveModelPath(model, hub), rest);
  }

  /**
   * Loads a model directory (Hugging Face or VideoMAE V2 hub layout) or a `.pth` checkpoint (`options.numHeads`
   * or `options.arch` required). The checkpoint is verified (every key and shape) the first time a graph is
   * built; later loads of the same files use the cached graph.
   *
   * @throws VidmaeError `E_CHECKPOINT`, `E_CONFIG`, `E_WEIGHTS`, `E_UNSUPPORTED_DTYPE`, `E_INVALID_ARGUMENT`
   *   (a `.pth` without heads)
   * @example
   * const model = await VideoMAE.fromDirectory("./videomae-base");
   */
  static async fromDirectory(dir: string, options: ModelOptions = {}): Promise<VideoMAE> {
    const opts = {
      executionProvider: options.executionProvider ?? "cpu",
      precision: options.precision ?? "fp32",
      threads: options.threads,
      cacheDir: options.cacheDir ?? vidmaeCacheDir(),
      cache: options.cache ?? true,
      onWarning: options.onWarning ?? ((m: string) => process.emitWarning(m)),
    };
    if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 1))
      throw invalidParameterError("threads", "positive integer", opts.threads);
    if (opts.precision !== "fp32" && opts.precision !== "int8")
      throw invalidParameterError("precision", "one of: fp32, int8", opts.precision);
    if (opts.executionProvider !== "cpu" && opts.executionProvider !== "cuda")
      throw invalidParameterError("executionProvider", "one of: cpu, cuda", opts.executionProvider);
    const source = await openModelSource(dir, { numHeads: options.numHeads, arch: options.arch });
    const model = new VideoMAE(source, opts);
    if (source.inputSized) {
      // A .pth is verified as it opens, and no input size is more likely than another: no graph yet.
      const { kind, labels } = await source.load();
      model.description = { kind, labels, outputs: [] };
      return model;
    }
    // Kind and labels come from the cached description or the verified checkpoint: one default-length graph
    // is prepared now so a bad checkpoint fails at load time, not at the first clip.
    model.description = (await model.graph(source.config.num_frames, source.config.image_size, false)).meta;
    return model;
  }

  /** The checkpoint layout: `hf`, `v2-hub` or `original-pth`. */
  get layout(): LayoutFamily {
    return this.source.layout.family;
  }

  /** Precision of the linear layers this model runs at. */
  get precision(): Precision {
    return this.options.precision;
  }

  /** Which HF class the checkpoint came from. */
  get kind(): CheckpointKind {
    return this.description.kind;
  }

  /** Class labels of a classification checkpoint, by index (from `id2label`; the indices without one); null otherwise. */
  get labels(): string[] | null {
    return this.description.labels;
  }

  /**
   * The hub commit the model was loaded from (a `snapshots/<commit>` folder of the Hugging Face cache), else null.
   *
   * @example
   * (await VideoMAE.load("MCG-NJU/videomae-base")).revision; // "3cbf0c…"
   */
  get revision(): string | null {
    return /[\\/]snapshots[\\/]([0-9a-f]{40})[\\/]?$/.exec(this.dir)?.[1] ?? null;
  }

  /**
   * sha256 over the contents of config.json, the weight files and preprocessor_config.json (when present), and
   * for VideoMAE V2 hub folders and `.pth` files also the layout and what the user supplied (heads): what
   * identifies the vectors this model makes, for embedding stores (V1 and V2 vectors never share a space).
   *
   * @example
   * await model.contentHash(); // "sha256:9f2c…"
   */
  contentHash(): Promise<string> {
    const processor = join(this.dir, "preprocessor_config.json");
    const { files, identity } = this.source;
    this.hashPromise ??= hashFiles([...files, ...(existsSync(processor) ? [processor] : [])]).then(
      (h) => `sha256:${identity ? createHash("sha256").update(`${h}\0${identity}`).digest("hex") : h}`,
    );
    return this.hashPromise;
  }

  private checkpoint(): Promise<Checkpoint> {
    this.checkpointPromise ??= this.source.load();
    return this.checkpointPromise;
  }

  /** Builds (or reads from the cache) the graph for a clip length and output set; returns its bytes or path. */
  private async graphSource(
    frames: number,
    side: number,
    hiddenStates: boolean,
  ): Promise<{ source: string | Uint8Array; meta: GraphMeta }> {
    const { precision } = this.options;
    const { identity } = this.source;
    const key = await fingerprint(this.source.files, {
      frames,
      hiddenStates,
      precision,
      GRAPH_FORMAT,
      VERSION,
      ...(identity ? { identity, side } : {}),
    });
    if (this.options.cache) {
      const hit = await readCachedGraph<GraphMeta>(this.options.cacheDir, key);
      if (hit) return { source: hit.path, meta: hit.meta };
    }
    const ckpt = await this.checkpoint();
    const { bytes, names } = buildVideoMAEGraph(
      { ...ckpt.config, image_size: side },
      ckpt.kind,
      ckpt.weights,
      { frames, hiddenStates, precision, layout: ckpt.layout },
      this.metadata(ckpt),
    );
    const meta: GraphMeta = { kind: ckpt.kind, labels: ckpt.labels, outputs: names };
    if (this.options.cache) {
      try {
        return { source: await writeCachedGraph(this.options.cacheDir, key, bytes, meta), meta };
      } catch (e) {
        this.options.onWarning(
          wrapError(e, "E_IO", `Could not cache the ONNX graph in ${this.options.cacheDir}`).message,
        );
      }
    }
    return { source: bytes, meta };
  }

  /** The label map and config travel inside exported graphs' metadata. */
  private metadata(ckpt: Checkpoint): Record<string, string> {
    const meta: Record<string, string> = {
      producer: `vidmae ${VERSION}`,
      model_type: "videomae",
      kind: ckpt.kind,
      layout: ckpt.layout.family,
      config: JSON.stringify(ckpt.config),
    };
    if (ckpt.labels)
      meta.id2label = JSON.stringify(Object.fromEntries(ckpt.labels.map((l, i) => [String(i), l])));
    return meta;
  }

  private graph(
    frames: number,
    side: number,
    hiddenStates: boolean,
  ): Promise<{ session: Ort.InferenceSession; meta: GraphMeta }> {
    const id = `${frames}:${side}:${hiddenStates}`;
    let entry = this.sessions.get(id);
    if (!entry) {
      entry = this.createSession(frames, side, hiddenStates);
      this.sessions.set(id, entry);
      entry.catch(() => this.sessions.delete(id));
    }
    return entry;
  }

  private async createSession(
    frames: number,
    side: number,
    hiddenStates: boolean,
  ): Promise<{ session: Ort.InferenceSession; meta: GraphMeta }> {
    const { source, meta } = await this.graphSource(frames, side, hiddenStates);
    const sessionOptions: Ort.InferenceSession.SessionOptions = {
      executionProviders: this.options.executionProvider === "cuda" ? ["cuda", "cpu"] : ["cpu"],
      graphOptimizationLevel: "all",
      ...(this.options.threads ? { intraOpNumThreads: this.options.threads } : {}),
    };
    try {
      const session =
        typeof source === "string"
          ? await ort().InferenceSession.create(source, sessionOptions)
          : await ort().InferenceSession.create(source, sessionOptions);
      return { session, meta };
    } catch (e) {
      throw wrapError(
        e,
        "E_INFERENCE",
        `${this.dir}: onnxruntime could not create a session (${this.options.executionProvider})`,
      );
    }
  }

  /**
   * Checks a pixel_values shape [B, T, C, H, W] against the config; warns once per untrained frame count.
   *
   * @throws VidmaeError `E_SHAPE` naming the offending dimension
   */
  private checkInput(dims: readonly number[], length: number): void {
    const c = this.config;
    const shape = `[${dims.join(", ")}]`;
    const fail = (why: string) => new VidmaeError("E_SHAPE", `pixel_values has shape ${shape}: ${why}`);
    if (dims.length !== 5) throw fail("expected 5 dims [batch, frames, channels, height, width]");
    const [b, t, ch, h, w] = dims;
    if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw fail("every dim must be a positive integer");
    if (length !== b * t * ch * h * w) throw fail(`${length} values do not fill it`);
    if (ch !== c.num_channels) throw fail(`the model expects ${c.num_channels} channels`);
    if (t % c.tubelet_size !== 0)
      throw fail(`the frame count ${t} is not a multiple of tubelet_size ${c.tubelet_size}`);
    if (this.source.inputSized) {
      // A .pth records neither image size nor frame count: any square input the patches tile will do.
      if (h !== w || h % c.patch_size !== 0)
        throw fail(
          `the model takes square images whose side is a multiple of the patch size ${c.patch_size}`,
        );
      const tokens = tokenCount({ ...c, image_size: h }, t);
      if (tokens > CONFIG_LIMITS.tokens)
        throw fail(`${tokens} tokens per clip is above the limit of ${CONFIG_LIMITS.tokens}`);
      return;
    }
    if (h !== c.image_size || w !== c.image_size)
      throw fail(
        `the model takes ${c.image_size}x${c.image_size} images (image_size), not ${h}x${w}; resize the frames first`,
      );
    if (t !== c.num_frames && !this.warnedFrames.has(t)) {
      this.warnedFrames.add(t);
      this.options.onWarning(
        `VideoMAE: running ${t}-frame clips (${tokenCount(c, t)} tokens) on a checkpoint trained at num_frames=${c.num_frames}; the position table is extended, but accuracy may differ`,
      );
    }
  }

  /**
   * Runs the encoder (and head) on `pixel_values` [B, T, C, H, W], float32, as HF takes it.
   *
   * @throws VidmaeError `E_SHAPE` for a wrong shape, `E_INFERENCE` when onnxruntime fails
   * @example
   * const { meanPooled } = await model.forward({ data, dims: [2, 16, 3, 224, 224] });
   * meanPooled.dims; // [2, 768]
   */
  async forward(pixelValues: Float32Tensor, options: ForwardOptions = {}): Promise<ForwardResult> {
    this.checkInput(pixelValues.dims, pixelValues.data.length);
    const hiddenStates = options.hiddenStates ?? false;
    const { session, meta } = await this.graph(pixelValues.dims[1], pixelValues.dims[3], hiddenStates);
    let out: Ort.InferenceSession.ReturnType;
    try {
      out = await session.run({
        pixel_values: new (ort().Tensor)("float32", pixelValues.data, pixelValues.dims),
      });
    } catch (e) {
      throw wrapError(e, "E_INFERENCE", `${this.dir}: inference failed`);
    }
    const get = (name: string): Float32Tensor => {
      const t = out[name];
      return { data: t.data as Float32Array, dims: [...t.dims] };
    };
    const result: ForwardResult = {
      lastHiddenState: get("last_hidden_state"),
      meanPooled: get("mean_pooled"),
    };
    if (meta.outputs.includes("pooled")) result.pooled = get("pooled");
    if (meta.outputs.includes("logits")) result.logits = get("logits");
    if (hiddenStates)
      result.hiddenStates = meta.outputs.filter((n) => n.startsWith("hidden_states.")).map(get);
    return result;
  }

  /**
   * Softmax top-k of each row of `logits`, labelled from `id2label`.
   *
   * @example
   * model.topK(out.logits!, 2); // [[{ label: "archery", index: 0, score: 0.4 }, { label: "cooking", index: 2, score: 0.3 }]]
   */
  topK(logits: Float32Tensor, k: number): { label: string; index: number; score: number }[][] {
    if (!Number.isInteger(k) || k < 1) throw invalidParameterError("k", "positive integer", k);
    const [rows, n] = logits.dims;
    const labels = this.labels ?? Array.from({ length: n }, (_, i) => `LABEL_${i}`);
    return Array.from({ length: rows }, (_, r) => {
      const row = logits.data.subarray(r * n, (r + 1) * n);
      const max = Math.max(...row);
      const exp = Array.from(row, (v) => Math.exp(v - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return exp
        .map((e, index) => ({ label: labels[index], index, score: e / sum }))
        .sort((a, b) => b.score - a.score || a.index - b.index)
        .slice(0, k);
    });
  }

  /**
   * The standalone ONNX bytes for a clip length (label map and config in the model metadata): runs in plain
   * onnxruntime, including onnxruntime-web.
   *
   * @param options.size - image side, for a `.pth` model (which records none; default its `image_size`)
   * @example
   * await writeFile("model.onnx", await model.exportOnnx());
   */
  async exportOnnx(
    options: { frames?: number; hiddenStates?: boolean; size?: number } = {},
  ): Promise<Uint8Array> {
    const c = this.config;
    const frames = options.frames ?? c.num_frames;
    if (!Number.isInteger(frames) || frames < 1 || frames % c.tubelet_size !== 0)
      throw invalidParameterError("frames", `positive multiple of tubelet_size (${c.tubelet_size})`, frames);
    const side = options.size ?? c.image_size;
    if (
      this.source.inputSized
        ? !Number.isInteger(side) || side < 1 || side % c.patch_size !== 0
        : side !== c.image_size
    )
      throw invalidParameterError(
        "size",
        this.source.inputSized
          ? `positive multiple of patch_size (${c.patch_size})`
          : `${c.image_size} (image_size)`,
        side,
      );
    const { source } = await this.graphSource(frames, side, options.hiddenStates ?? false);
    return typeof source === "string" ? readFile(source) : source;
  }

  /** Releases the onnxruntime sessions. */
  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) await (await s).session.release();
  }
}
