/**
 * Verifying a checkpoint's tensors against its config, without files: what `loadCheckpoint` (Node) and the
 * browser loader share, so both refuse the same checkpoints with the same messages.
 */
import { VidmaeError } from "../../errors.js";
import { type RawTensor, toFloat32 } from "../weights/tensor.js";
import { type VideoMAEConfig, checkConfigLimits } from "./config.js";
import { type CheckpointKind, PRETRAINING_ONLY, configMismatch, encoderKeys, headKeys } from "./keys.js";

/** `[2, 3]`: a shape as messages print it. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Checks that `tensors` holds exactly the `expected` keys with the expected shapes; every missing, misshapen or
 * unexpected tensor is named with its shapes (the first ten, and how many more).
 *
 * @param options.source - what implies the expected shapes, for the message ("the config", "the weights")
 * @param options.ignored - keys that may be present and are not used (a pre-training decoder)
 * @throws VidmaeError `E_CHECKPOINT` naming `file` and the problems
 * @example
 * verifyTensors(new Map([["w", [2]]]), tensors, "model.safetensors", { source: "the config" });
 * // throws: model.safetensors: missing tensor w (expected shape [2])
 */
export function verifyTensors(
  expected: ReadonlyMap<string, readonly number[]>,
  tensors: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  file: string,
  options: { source: string; ignored?: (key: string) => boolean },
): void {
  const problems: string[] = [];
  for (const [key, shape] of expected) {
    const t = tensors.get(key);
    if (!t) problems.push(`missing tensor ${key} (expected shape ${shapeText(shape)})`);
    else if (shapeText(t.shape) !== shapeText(shape))
      problems.push(
        `tensor ${key} has shape ${shapeText(t.shape)} but ${options.source} implies ${shapeText(shape)}`,
      );
  }
  for (const [key, t] of tensors)
    if (!expected.has(key) && !options.ignored?.(key))
      problems.push(`unexpected tensor ${key} with shape ${shapeText(t.shape)} (not part of this config)`);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join("; ");
    const more = problems.length > 10 ? `; and ${problems.length - 10} more` : "";
    throw new VidmaeError("E_CHECKPOINT", `${file}: ${shown}${more}`);
  }
}

function detectKind(config: VideoMAEConfig, keys: ReadonlySet<string>): CheckpointKind {
  const arch = config.architectures?.[0];
  if (arch === "VideoMAEForVideoClassification") return "classification";
  if (arch === "VideoMAEForPreTraining") return "pretraining";
  if (arch === "VideoMAEModel") return "base";
  if (keys.has("classifier.weight")) return "classification";
  if ([...keys].some((k) => PRETRAINING_ONLY.some((p) => k.startsWith(p)))) return "pretraining";
  return "base";
}

/**
 * Checks weights against a typed config (sizes first, then limits, then every key and shape) and converts them.
 *
 * @param fields - `config.json` after {@link parseConfigFields} (limits not yet checked)
 * @param configPath - names config.json in messages
 * @param tensors - every tensor of the weight file(s), as stored
 * @param file - names the weight file in messages
 * @returns the checked config, the kind, float32 weights without the `videomae.` prefix, and the labels
 * @throws VidmaeError `E_CHECKPOINT`, `E_CONFIG`, `E_UNSUPPORTED_DTYPE`
 * @example
 * const { kind, weights } = verifyCheckpoint(fields, "config.json", parseSafetensors(bytes, "model.safetensors"), "model.safetensors");
 */
export function verifyCheckpoint(
  fields: VideoMAEConfig,
  configPath: string,
  tensors: ReadonlyMap<string, RawTensor>,
  file: string,
): {
  config: VideoMAEConfig;
  kind: CheckpointKind;
  weights: Map<string, Float32Array>;
  labels: string[] | null;
} {
  const raw = new Set(tensors.keys());
  const kind = detectKind(fields, raw);
  const wrapped = kind !== "base" || [...raw].some((k) => k.startsWith("videomae."));
  const prefix = wrapped ? "videomae." : "";
  // Against the weights first: "the weights hold 2 layers" says more than "above the limit of 256".
  const mismatch = configMismatch(fields, tensors, prefix);
  if (mismatch) throw new VidmaeError("E_CHECKPOINT", `${configPath} ${mismatch}`);
  const config = checkConfigLimits(fields, configPath);

  // HF's num_labels is len(id2label); without a label map the classifier's rows say it.
  const numLabels =
    kind !== "classification"
      ? 0
      : config.id2label
        ? Object.keys(config.id2label).length
        : (tensors.get("classifier.weight")?.shape[0] ?? 0);
  const expected = new Map<string, number[]>();
  for (const [k, shape] of encoderKeys(config)) expected.set(prefix + k, shape);
  if (kind === "classification") for (const [k, shape] of headKeys(config, numLabels)) expected.set(k, shape);

  verifyTensors(expected, tensors, file, {
    source: "the config",
    ignored: (key) => kind === "pretraining" && PRETRAINING_ONLY.some((p) => key.startsWith(p)),
  });

  const weights = new Map<string, Float32Array>();
  for (const key of expected.keys()) {
    const unprefixed = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    weights.set(unprefixed, toFloat32(tensors.get(key)!, key, file));
  }
  let labels: string[] | null = null;
  if (kind === "classification") {
    labels = Array.from({ length: numLabels }, (_, i) => config.id2label?.[String(i)] ?? `LABEL_${i}`);
  }
  return { config, kind, weights, labels };
}
