/**
 * A classification checkpoint's own labels for an embedded video: the head's logits averaged over clips and crops
 * (VideoMAE's multi-view evaluation), softmaxed, top k. Shared by `vidmae classify` and `classifyVideo`.
 */
import { VidmaeError } from "../errors.js";
import type { VideoMAE } from "../model/videomae/model.js";
import type { VideoEmbedding } from "./embedder.js";

/** One label of a checkpoint's head with its softmax probability. */
export interface HeadLabel {
  label: string;
  index: number;
  score: number;
}

/**
 * Refuses a checkpoint without a classification head, naming it as the caller knows it.
 *
 * @param name - the model as the user named it (a folder or hub id), for the message
 * @throws VidmaeError `E_INVALID_ARGUMENT` for a base or pre-training checkpoint
 * @example
 * assertClassifier(model, "MCG-NJU/videomae-base"); // throws: … has no classification head …
 */
export function assertClassifier(model: VideoMAE, name: string): void {
  if (model.kind !== "classification")
    throw new VidmaeError(
      "E_INVALID_ARGUMENT",
      `${name} has no classification head (it is a ${model.kind} checkpoint); use a fine-tuned model such as MCG-NJU/videomae-base-finetuned-kinetics`,
    );
}

/**
 * The top `k` labels of an embedding made by a classification checkpoint (at most as many as it has labels).
 *
 * @throws VidmaeError `E_INVALID_ARGUMENT` when the embedding has no logits (not a classification checkpoint)
 * @example
 * const e = await embedder.embedVideo("a.mp4");
 * headLabels(model, e, 3); // [{ label: "juggling", index: 4, score: 0.31 }, …]
 */
export function headLabels(model: VideoMAE, embedding: VideoEmbedding, k: number): HeadLabel[] {
  const { logits } = embedding;
  if (!logits)
    throw new VidmaeError("E_INVALID_ARGUMENT", `${embedding.path}: the model gave no classification logits`);
  return model.topK({ data: logits, dims: [1, logits.length] }, Math.min(k, logits.length))[0];
}
