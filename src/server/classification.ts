/**
 * Labels for an embedded video: the checkpoint's own head (softmax over its mean logits) and/or a classifier
 * trained with `vidmae train` on the server's embedding space.
 */
import type { SavedModel } from "../classify/model-file.js";
import type { VideoMAE } from "../model/videomae/model.js";
import type { VideoEmbedding } from "../embed/embedder.js";
import { HttpError } from "./http-errors.js";

/**
 * A label and its probability.
 *
 * @example
 * const s: LabelScore = { label: "juggling balls", score: 0.91 };
 */
export interface LabelScore {
  label: string;
  score: number;
}

/**
 * What `POST /v1/classify` answers besides the name: each source's top labels, null when the server lacks it.
 *
 * @example
 * const labels: Labels = { head: [{ label: "archery", score: 0.4 }], classifier: null };
 */
export interface Labels {
  head: LabelScore[] | null;
  /** The classifier's label; `scores` null when its final estimator has no probabilities. */
  classifier: { label: string; scores: LabelScore[] | null; pipeline: string } | null;
}

/**
 * The top `k` labels of `embedding` from the model's head and the classifier.
 *
 * @throws HttpError 501 `E_NO_CLASSIFIER` when the model has no head and no classifier was given
 * @example
 * classify(video.embedding, model, classifier, 5);
 */
export function classify(
  embedding: VideoEmbedding,
  model: VideoMAE,
  classifier: SavedModel | undefined,
  k: number,
): Labels {
  const { logits, vector } = embedding;
  if (!logits && !classifier)
    throw new HttpError(
      501,
      "E_NO_CLASSIFIER",
      "This server cannot classify: its model has no classification head and it was started without --classifier",
    );
  const head = logits
    ? model
        .topK({ data: logits, dims: [1, logits.length] }, k)[0]
        .map(({ label, score }) => ({ label, score }))
    : null;
  if (!classifier) return { head, classifier: null };
  const { classes, predictions, probabilities } = classifier.predict({
    data: vector,
    rows: 1,
    cols: vector.length,
  });
  const scores = probabilities
    ? classes
        .map((c, i) => ({ label: String(c), score: probabilities[0][i] }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k)
    : null;
  return {
    head,
    classifier: { label: String(predictions[0]), scores, pipeline: classifier.info.pipeline },
  };
}
