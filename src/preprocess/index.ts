/**
 * `vidmae/preprocess`: Hugging Face's VideoMAEImageProcessor, exactly (Pillow-exact resize, crops, normalisation).
 *
 * @example
 * import { VideoMAEImageProcessor, DEFAULT_PREPROCESSOR_CONFIG } from "vidmae/preprocess";
 * const processor = new VideoMAEImageProcessor(DEFAULT_PREPROCESSOR_CONFIG); // 224x224, ImageNet mean/std
 */
export { VideoMAEImageProcessor, type CropOffset, type OutputSize } from "./image-processor.js";
export {
  loadPreprocessorConfig,
  parsePreprocessorConfig,
  DEFAULT_PREPROCESSOR_CONFIG,
  type PreprocessorConfig,
} from "./config.js";
export { processorForModel } from "./for-model.js";
export { resizeRgb } from "./resize.js";
export { contactSheet } from "./contact-sheet.js";
