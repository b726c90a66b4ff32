/**
 * `vidmae/embed`: Videos → vectors: the batching embedder, collections into stores, labels, spaces of embedders.
 *
 * @example
 * import { Embedder, embedCollection } from "vidmae/embed";
 * const embedder = await Embedder.create(model, { sampling: { clips: 4 } });
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
