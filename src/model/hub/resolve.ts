/** Turns a `--model` argument (a local folder or a hub repo id) into a local checkpoint folder. */
import { stat } from "node:fs/promises";
import { invalidParameterError } from "../../errors.js";
import { isRepoId, pullModel, type PullOptions } from "./pull.js";

/**
 * Returns `model` itself when it is an existing directory, else pulls the hub repo `org/name` it names (see
 * {@link pullModel}) and returns the snapshot folder.
 *
 * @example
 * await resolveModelDir("./checkpoints/videomae"); // "./checkpoints/videomae"
 * await resolveModelDir("MCG-NJU/videomae-base", { revision: "main" }); // ".../snapshots/<commit>"
 */
export async function resolveModelDir(model: string, options: PullOptions = {}): Promise<string> {
  const isDirectory = await stat(model).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDirectory) return model;
  if (isRepoId(model)) return (await pullModel(model, options)).dir;
  throw invalidParameterError("model", "a model directory or a Hugging Face repo id (org/name)", model);
}

/**
 * What `--model` names, on disk: an existing file (a `.pth` checkpoint) as given, else {@link resolveModelDir}.
 *
 * @example
 * await resolveModelPath("vit_b_k710_dl_from_giant.pth"); // "vit_b_k710_dl_from_giant.pth"
 * await resolveModelPath("OpenGVLab/VideoMAEv2-Base"); // ".../snapshots/<commit>"
 */
export async function resolveModelPath(model: string, options: PullOptions = {}): Promise<string> {
  const isFile = await stat(model).then(
    (s) => s.isFile(),
    () => false,
  );
  return isFile ? model : resolveModelDir(model, options);
}
