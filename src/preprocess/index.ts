/**
 * `vidmae/preprocess`: Hugging Face's VideoMAEImageProcessor, exactly (Pillow-exact resize, crops, normalisation).
 *
 * @example
 * import { VideoMAEImageProcessor, DEFAULT_PREPROCESSOR_CONFIG } from "vidmae/preprocess";
 * const processor = new VideoMAEImageProcessor(DEFAULT_PREPROCESSOR_CONFIG); // 224x224, ImageNet mean/std
 * console.log(processor.outputSize(720, 1280)); // → { resized: { height: 224, width: 398 }, crop: { height: 224, width: 224 } }
 */
export { VideoMAEImageProcessor, type CropOffset, type OutputSize } from "./image-processor.js";
export { parsePreprocessorConfig, DEFAULT_PREPROCESSOR_CONFIG, type PreprocessorConfig } from "./config.js";
export { loadPreprocessorConfig } from "./config-file.js";
export { processorForModel } from "./for-model.js";
export { resizeRgb } from "./resize.js";
export { contactSheet } from "./contact-sheet.js";
