/** The image processor a model directory asks for. */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PREPROCESSOR_CONFIG, parsePreprocessorConfig } from "./config.js";
import { loadPreprocessorConfig } from "./config-file.js";
import { VideoMAEImageProcessor } from "./image-processor.js";

/** What the original VideoMAE / VideoMAE V2 code feeds its `.pth` models: 224 px, ImageNet mean and std. */
const ORIGINAL_CODE_CONFIG = parsePreprocessorConfig(
  { image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] },
  "original-code defaults",
);

/**
 * The `VideoMAEImageProcessor` of a model directory: its `preprocessor_config.json`, or HF's class defaults when
 * the file is absent (note: those differ from what hub checkpoints ship — mean/std 0.5 instead of ImageNet's).
 * A `.pth` file (a checkpoint of the original code) gets that code's defaults.
 *
 * @example
 * const processor = await processorForModel("./videomae-base"); // reads ./videomae-base/preprocessor_config.json
 */
export async function processorForModel(dir: string): Promise<VideoMAEImageProcessor> {
  if (statSync(dir, { throwIfNoEntry: false })?.isFile())
    return new VideoMAEImageProcessor(ORIGINAL_CODE_CONFIG);
  const file = join(dir, "preprocessor_config.json");
  return new VideoMAEImageProcessor(
    existsSync(file) ? await loadPreprocessorConfig(file) : DEFAULT_PREPROCESSOR_CONFIG,
  );
}
