/**
 * `vidmae/embed`: Videos → vectors: the batching embedder, collections into stores, labels, spaces of embedders.
 *
 * @example
 * import { Embedder } from "vidmae/embed";
 * import { VideoMAE } from "vidmae/model";
 * const model = await VideoMAE.load("MCG-NJU/videomae-base");
 * const embedder = await Embedder.create(model, { sampling: { clips: 4 } });
 * const { vector, clips } = await embedder.embedVideo("a.mp4");
 * console.log(vector.length, clips.length); // → 768 4
 * await model.release();
 */
export { prepareVideo, type ClipSpec, type ClipInfo, type PreparedVideo } from "./clips.js";
export {
  Embedder,
  resolvePooling,
  type EmbedOptions,
  type EmbedOutcome,
  type VideoEmbedding,
  type ClipEmbedding,
  type Pooling,
} from "./embedder.js";
export {
  embedCollection,
  type CollectionOptions,
  type EmbedEvent,
  type EmbedSummary,
  type LabelSource,
} from "./collection.js";
export { readLabelsCsv } from "./labels.js";
export { spaceSpecFor, embedderForSpace } from "./space.js";
