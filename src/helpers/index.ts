/**
 * The one-call helpers (`embedVideo`, `classifyVideo`, `similarVideos`) and their types.
 *
 * @example
 * import { embedVideo } from "vidmae";
 * const { vector } = await embedVideo("a.mp4", { model: "MCG-NJU/videomae-base" });
 * console.log(vector.length); // → 768
 */
export {
  classifyVideo,
  embedVideo,
  similarVideos,
  type ClassifyVideoOptions,
  type ClipVector,
  type EmbedVideoOptions,
  type LoadOptions,
  type ModelSource,
  type SimilarVideo,
  type SimilarVideosOptions,
  type VideoVectors,
} from "./quick.js";
export type { HeadLabel } from "../embed/head.js";
