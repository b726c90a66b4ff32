/** The image processor a model directory asks for. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PREPROCESSOR_CONFIG, loadPreprocessorConfig } from "./config.js";
import { VideoMAEImageProcessor } from "./image-processor.js";

/**
 * The `VideoMAEImageProcessor` of a model directory: its `preprocessor_config.json`, or HF's class defaults when
 * the file is absent (note: those differ from what hub checkpoints ship — mean/std 0.5 instead of ImageNet's).
 *
 * @example
 * const processor = await processorForModel("./videomae-base"); // reads ./videomae-base/preprocessor_config.json
 */
export async function processorForModel(dir: string): Promise<VideoMAEImageProcessor> {
  const file = join(dir, "preprocessor_config.json");
  return new VideoMAEImageProcessor(
    existsSync(file) ? await loadPreprocessorConfig(file) : DEFAULT_PREPROCESSOR_CONFIG,
  );
}
