/**
 * VideoMAE in the browser: a Hugging Face model folder fetched from a URL, checked exactly as the Node loader
 * checks a directory (the same schemas, messages and verification code), turned into the same ONNX graph by the
 * same builder, run on onnxruntime-web.
 */
import { VidmaeError, invalidParameterError, wrapError } from "../errors.js";
import { MAX_CONFIG_BYTES, type VideoMAEConfig, parseConfigFields } from "../model/videomae/config.js";
import type { CheckpointKind } from "../model/videomae/keys.js";
import { type Precision, buildVideoMAEGraph } from "../model/videomae/modeling.js";
import { HF_LAYOUT, type Layout } from "../model/videomae/layout.js";
import { kindOf, layoutOf, toVideoMAEConfig } from "../model/videomae/v2/arch.js";
import { isV2HubConfig, parseV2HubConfig, v2HubWeights } from "../model/videomae/v2/hub-config.js";
import { headLabels } from "../model/videomae/v2/kinetics-labels.js";
import { verifyCheckpoint } from "../model/videomae/verify.js";
import { parseSafetensors } from "../model/weights/safetensors-format.js";
import {
  DEFAULT_PREPROCESSOR_CONFIG,
  type PreprocessorConfig,
  parsePreprocessorConfig,
} from "../preprocess/config.js";
import type { SamplingOptions } from "../video/sampling.js";
import { type FetchProgress, fetchFile } from "./fetch-file.js";
import { type VideoBlob, prepareBlob } from "./prepare-video.js";
import { browserGlobals } from "./globals.js";
import { type Backend, createSession, executionProviders, ort } from "./runtime.js";

/** Largest weight file fetched: ViT-g in float32 is about 4 GB, past what a browser tab can hold anyway. */
const MAX_WEIGHT_BYTES = 4 * 2 ** 30;

/** How {@link loadModel} fetches and runs a model. */
export interface LoadModelOptions {
  /** `wasm` (SIMD, threads when cross-origin isolated) or `webgpu` (refused today, see the docs). @defaultValue "wasm" */
  backend?: Backend;
  /** Linear layers in float32 or int8. @defaultValue "fp32" */
  precision?: Precision;
  /** Keep the fetched files in the Cache API and read them from there next time. @defaultValue true */
  cache?: boolean;
  /** Bytes received per file. */
  onProgress?: (p: FetchProgress) => void;
}

/** What {@link WebVideoMAE.forward} returns, row-major, batch first. */
export interface WebForwardResult {
  /** [B, tokens, hidden]. */
  lastHiddenState: Float32Array;
  /** [B, hidden]: mean over tokens. */
  meanPooled: Float32Array;
  /** [B, hidden]: what the Node side stores for a clip (`fc_norm(mean)` with a head, else the mean). */
  pooled: Float32Array;
  /** [B, labels] for checkpoints with a classification head. */
  logits?: Float32Array;
}

/** What {@link WebVideoMAE.embedVideo} returns: what `vidmae embed` stores for a file. */
export interface WebVideoEmbedding {
  /** Mean of the clip vectors. */
  vector: Float32Array;
  clips: { start: number; end: number; frameIndices: number[]; vector: Float32Array }[];
  /** Mean of the clips' logits, for checkpoints with a head. */
  logits?: Float32Array;
  /** True when the video was shorter than one clip window and was sampled uniformly instead. */
  tooShort: boolean;
}

/** Column means of equal-length rows. */
function meanRows(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows[0].length);
  for (const r of rows) for (let i = 0; i < out.length; i++) out[i] += r[i] / rows.length;
  return out;
}

/** A file name inside a folder URL, resolved as the browser would. */
function fileUrl(folderUrl: string, name: string): string {
  return new URL(name, folderUrl).href;
}

/** Parses fetched JSON, naming the file when it is not JSON. */
function parseJson(bytes: Uint8Array, url: string, code: "E_CONFIG"): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw wrapError(e, code, `${url}: not valid JSON`);
  }
}

/** A loaded model: verified weights, one onnxruntime-web session per clip length. */
export class WebVideoMAE {
  private readonly sessions = new Map<number, Promise<ort.InferenceSession>>();

  /** @internal use {@link loadModel} */
  constructor(
    /** The folder URL the model came from. */
    readonly url: string,
    readonly config: VideoMAEConfig,
    readonly kind: CheckpointKind,
    /** Class labels by index for checkpoints with a head, else null. */
    readonly labels: string[] | null,
    /** The folder's `preprocessor_config.json` (HF's class defaults when absent). */
    readonly preprocessor: PreprocessorConfig,
    readonly precision: Precision,
    private readonly weights: Map<string, Float32Array>,
    private readonly providers: string[],
    /** How the checkpoint differs from HF's VideoMAE (V2 hub folders: layer scale, eps, pooling). */
    private readonly layout: Layout = HF_LAYOUT,
  ) {}

  private session(frames: number): Promise<ort.InferenceSession> {
    let s = this.sessions.get(frames);
    if (!s) {
      const { bytes } = buildVideoMAEGraph(
        this.config,
        this.kind,
        this.weights,
        { frames, hiddenStates: false, precision: this.precision, layout: this.layout },
        { producer: "vidmae web", model_type: "videomae", kind: this.kind },
      );
      s = createSession(bytes, this.providers, this.url);
      this.sessions.set(frames, s);
      s.catch(() => this.sessions.delete(frames));
    }
    return s;
  }

  /**
   * Runs the encoder (and head) on `pixel_values` as HF takes it.
   *
   * @param pixelValues - float32, row-major
   * @param dims - [batch, frames, channels, height, width]; height and width the config's `image_size`
   * @throws VidmaeError `E_SHAPE` for a wrong shape, `E_INFERENCE` when onnxruntime-web fails
   * @example
   * const { pooled } = await model.forward(pixels, [1, 16, 3, 224, 224]);
   */
  async forward(pixelValues: Float32Array, dims: readonly number[]): Promise<WebForwardResult> {
    const c = this.config;
    const fail = (why: string) =>
      new VidmaeError("E_SHAPE", `pixel_values has shape [${dims.join(", ")}]: ${why}`);
    if (dims.length !== 5) throw fail("expected 5 dims [batch, frames, channels, height, width]");
    if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw fail("every dim must be a positive integer");
    if (pixelValues.length !== dims.reduce((a, b) => a * b, 1))
      throw fail(`${pixelValues.length} values do not fill it`);
    const [, t, ch, h, w] = dims;
    if (ch !== c.num_channels) throw fail(`the model expects ${c.num_channels} channels`);
    if (t % c.tubelet_size !== 0)
      throw fail(`the frame count ${t} is not a multiple of tubelet_size ${c.tubelet_size}`);
    if (h !== c.image_size || w !== c.image_size)
      throw fail(
        `the model takes ${c.image_size}x${c.image_size} images (image_size), not ${h}x${w}; resize the frames first`,
      );
    const session = await this.session(t);
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await session.run({ pixel_values: new ort.Tensor("float32", pixelValues, [...dims]) });
    } catch (e) {
      throw wrapError(e, "E_INFERENCE", `${this.url}: inference failed`);
    }
    const get = (name: string) => out[name]?.data as Float32Array | undefined;
    const meanPooled = get("mean_pooled")!;
    const logits = get("logits");
    return {
      lastHiddenState: get("last_hidden_state")!,
      meanPooled,
      pooled: get("pooled") ?? meanPooled,
      ...(logits ? { logits } : {}),
    };
  }

  /**
   * Embeds an MP4/MOV video (H.264, or what else the browser's WebCodecs decodes) as `vidmae embed` would:
   * the same sampling rules and defaults, preprocessing and clip times; the file never leaves the browser.
   *
   * @param options - sampling as the CLI's `--sampling`, `--frame-sample-rate`, `--clips`
   * @throws VidmaeError `E_VIDEO` (empty file, no video track, unsupported codec), `E_INFERENCE`
   * @example
   * const { vector, clips } = await model.embedVideo(input.files[0]);
   */
  async embedVideo(video: VideoBlob, options: SamplingOptions = {}): Promise<WebVideoEmbedding> {
    const prepared = await prepareBlob(video, this.config.num_frames, this.preprocessor, options);
    const out = await this.forward(prepared.pixels, prepared.dims);
    const rows = prepared.clips.length;
    const slice = (a: Float32Array, i: number) => a.slice((i * a.length) / rows, ((i + 1) * a.length) / rows);
    const vectors = prepared.clips.map((_, i) => slice(out.pooled, i));
    const { logits } = out;
    return {
      vector: meanRows(vectors),
      clips: prepared.clips.map((c, i) => ({ ...c, vector: vectors[i] })),
      ...(logits ? { logits: meanRows(prepared.clips.map((_, i) => slice(logits, i))) } : {}),
      tooShort: prepared.tooShort,
    };
  }

  /**
   * Top-k labels of a video by the checkpoint's own head (softmax over the clips' mean logits).
   *
   * @param video - a file, or what {@link embedVideo} returned for it (no second decode)
   * @throws VidmaeError `E_INVALID_ARGUMENT` when the checkpoint has no head; what {@link embedVideo} throws
   * @example
   * const [top] = await model.classify(file); // { label: "archery", index: 0, score: 0.41 }
   */
  async classify(
    video: VideoBlob | WebVideoEmbedding,
    k = 5,
  ): Promise<{ label: string; index: number; score: number }[]> {
    if (!Number.isInteger(k) || k < 1) throw invalidParameterError("k", "positive integer", k);
    if (!this.labels)
      throw invalidParameterError("model", "a checkpoint with a classification head", this.kind);
    const { logits } = "vector" in video ? video : await this.embedVideo(video);
    if (!logits)
      throw invalidParameterError("video", "an embedding made by this model", "one without logits");
    const max = Math.max(...logits);
    const exp = Array.from(logits, (v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    return exp
      .map((e, index) => ({ label: this.labels![index], index, score: e / sum }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, k);
  }

  /**
   * Builds the graph and session for a clip length ahead of the first {@link forward} of that length.
   *
   * @throws VidmaeError `E_INFERENCE` when onnxruntime-web cannot run the graph
   * @example
   * await model.prepare(16);
   */
  async prepare(frames: number): Promise<void> {
    await this.session(frames);
  }

  /** Releases the onnxruntime-web sessions. */
  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) await (await s).release();
  }
}

/**
 * Loads a VideoMAE model folder in Hugging Face layout (`config.json`, `model.safetensors`, optionally
 * `preprocessor_config.json`) from a URL, e.g. a hub `resolve/main/` URL, and prepares it for inference.
 *
 * @param folderUrl - the folder, ending with `/` (relative URLs resolve against the page)
 * @throws VidmaeError `E_CHECKPOINT` (missing config.json or weights, tensors that do not match the config),
 *   `E_CONFIG`, `E_WEIGHTS`, `E_UNSUPPORTED_DTYPE`, `E_IO` (network, HTTP, truncated download), `E_INFERENCE`
 *   (backend unavailable), `E_INVALID_ARGUMENT`
 * @example
 * const model = await loadModel("https://huggingface.co/MCG-NJU/videomae-base/resolve/main/", { backend: "wasm" });
 */
export async function loadModel(folderUrl: string, options: LoadModelOptions = {}): Promise<WebVideoMAE> {
  if (typeof folderUrl !== "string" || !folderUrl.endsWith("/"))
    throw invalidParameterError("folderUrl", "a folder URL ending with /", folderUrl);
  const precision = options.precision ?? "fp32";
  if (precision !== "fp32" && precision !== "int8")
    throw invalidParameterError("precision", "one of: fp32, int8", precision);
  const providers = await executionProviders(options.backend ?? "wasm");
  const base = new URL(folderUrl, browserGlobals().location?.href).href;
  const fetchOpts = { cache: options.cache ?? true, onProgress: options.onProgress };

  const configUrl = fileUrl(base, "config.json");
  // Config files are small and may change on the hub: always fetched fresh.
  const configBytes = await fetchFile(configUrl, { ...fetchOpts, cache: false, maxBytes: MAX_CONFIG_BYTES });
  if (!configBytes)
    throw new VidmaeError(
      "E_CHECKPOINT",
      `${configUrl}: missing; a VideoMAE model directory needs a config.json`,
    );
  const configJson = parseJson(configBytes, configUrl, "E_CONFIG");
  const v2Arch = isV2HubConfig(configJson) ? parseV2HubConfig(configJson, configUrl) : null;
  const fields = v2Arch ? toVideoMAEConfig(v2Arch, configUrl) : parseConfigFields(configJson, configUrl);

  const processorUrl = fileUrl(base, "preprocessor_config.json");
  const processorBytes = await fetchFile(processorUrl, {
    ...fetchOpts,
    cache: false,
    maxBytes: MAX_CONFIG_BYTES,
  });
  const preprocessor = processorBytes
    ? parsePreprocessorConfig(parseJson(processorBytes, processorUrl, "E_CONFIG"), processorUrl)
    : DEFAULT_PREPROCESSOR_CONFIG;

  const weightsUrl = fileUrl(base, "model.safetensors");
  const weightBytes = await fetchFile(weightsUrl, { ...fetchOpts, maxBytes: MAX_WEIGHT_BYTES });
  if (!weightBytes)
    throw new VidmaeError("E_CHECKPOINT", `${base}: no weights found (expected model.safetensors)`);
  const tensors = parseSafetensors(weightBytes, weightsUrl);
  // A V2 hub folder maps its own key names onto the same builders, as in Node (src/model/videomae/source.ts).
  const { config, kind, weights, labels } = v2Arch
    ? {
        config: fields,
        kind: kindOf(v2Arch),
        weights: v2HubWeights(tensors, v2Arch, weightsUrl, configUrl),
        labels: headLabels(v2Arch.numClasses),
      }
    : verifyCheckpoint(fields, configUrl, tensors, weightsUrl);
  const layout = v2Arch ? layoutOf(v2Arch, "v2-hub") : HF_LAYOUT;
  const model = new WebVideoMAE(
    base,
    config,
    kind,
    labels,
    preprocessor,
    precision,
    weights,
    providers,
    layout,
  );
  // One graph now, so a checkpoint onnxruntime-web cannot run fails at load time, not at the first clip.
  await model.prepare(config.num_frames);
  return model;
}
