/** The tiny random VideoMAE many tests embed with: one layer, 16 dims, 4 frames of 32x32 in 8x8 patches. */
import { type RandomCheckpointOptions, writeRandomCheckpoint } from "../../src/model/videomae/random.js";

/** The tiny config: small enough to run in milliseconds, with every part of a real encoder. */
export const TINY_CONFIG = {
  hidden_size: 16,
  num_attention_heads: 2,
  intermediate_size: 32,
  num_hidden_layers: 1,
  image_size: 32,
  patch_size: 8,
  num_frames: 4,
};

/**
 * Writes a random checkpoint with {@link TINY_CONFIG} (fields of `options.config` override it) into `dir`.
 *
 * @example
 * await writeTinyCheckpoint(join(tmp, "model"), { kind: "classification", labels: ["a", "b"] });
 */
export async function writeTinyCheckpoint(
  dir: string,
  options: RandomCheckpointOptions = {},
): Promise<string> {
  await writeRandomCheckpoint(dir, { ...options, config: { ...TINY_CONFIG, ...options.config } });
  return dir;
}
