/**
 * `vidmae/demo`: The offline end-to-end demo (`vidmae demo`).
 *
 * @example
 * import { runDemo } from "vidmae/demo";
 * const result = await runDemo({ outDir: "vidmae-demo" });
 */
export { runDemo, type DemoMapHook, type DemoOptions, type DemoResult } from "./run.js";
export {
  DEMO_CLASSES,
  makeDemoVideos,
  type DemoClass,
  type DemoVideo,
  type DemoVideoOptions,
} from "./videos.js";
export {
  DEMO_PRETRAINED_MODEL,
  DEMO_RANDOM_CONFIG,
  chooseDemoModel,
  type DemoModelChoice,
  type DemoModelOptions,
} from "./model.js";
export { pixelFeatures, type PixelFeatureOptions } from "./pixels.js";
export { compareMethods, demoMethods, formatDemoTable, type DemoFeatures, type DemoRow } from "./compare.js";
