/** `vidmae predict`: a saved model's labels for stored embeddings, arrays, or video files embedded on the spot. */
import { z } from "zod";
import { VidmaeError, displayPath, escapeControls } from "../../errors.js";
import type { DenseMatrix } from "../../numeric/matrix.js";
import { embedVideoFeatures, loadStoreFeatures, readFeatures } from "../../classify/dataset.js";
import { SavedModel } from "../../classify/model-file.js";
import { openStore, selectSpace } from "../../store/open.js";
import type { EmbeddingSpace } from "../../space/spec.js";
import type { EmbeddingStore } from "../../store/types.js";
import { loadSpaceEmbedder } from "../load-model.js";
import { LIMITS, parseOptions, pthOptionsSchema } from "../options.js";
import type { CliIo } from "../run.js";

const schema = z.object({
  classifier: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  revision: z.string().min(1).optional(),
  db: z.string().min(1).optional(),
  space: z.string().min(1).optional(),
  videos: z.array(z.string().min(1)).optional(),
  x: z.string().min(1).optional(),
  json: z.boolean().default(false),
  threads: LIMITS.threads.schema().optional(),
  provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
  ...pthOptionsSchema.shape,
});

type Options = Omit<z.infer<typeof schema>, "classifier"> & { classifier: string };

/**
 * `--classifier`, with the old spelling `--model <file.json>` still taken for one release: a `.json` value of
 * `--model` is a classifier file, never a checkpoint (those are folders or hub ids).
 */
function classifierOptions(opts: z.infer<typeof schema>, io: CliIo): Options {
  let { classifier, model } = opts;
  if (model !== undefined && /\.json$/i.test(model)) {
    if (classifier !== undefined)
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        "--model names a checkpoint (folder or hub id); give the classifier file with --classifier only",
      );
    io.say("--model for a classifier file is deprecated; use --classifier");
    [classifier, model] = [model, undefined];
  }
  if (classifier === undefined)
    throw new VidmaeError(
      "E_INVALID_ARGUMENT",
      "Give the classifier file made by vidmae train with --classifier <model.json>",
    );
  return { ...opts, classifier, model };
}

/** The store space to read: `--space`, else the model's own space when the store has it, else the only one. */
async function chooseSpace(
  store: EmbeddingStore,
  model: SavedModel,
  space?: string,
): Promise<EmbeddingSpace> {
  if (space === undefined && model.info.space !== null) {
    const own = await store.getSpace(model.info.space.key);
    if (own !== null) return own;
  }
  return selectSpace(store, space);
}

/** Rows to predict and where each came from (a path, or null for array rows). */
async function loadInputs(
  opts: Options,
  model: SavedModel,
  files: string[],
  io: CliIo,
): Promise<{ X: DenseMatrix; paths: string[] | null; failed: number }> {
  const given = [opts.db, opts.x, files.length > 0 ? files : undefined].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw new VidmaeError("E_INVALID_ARGUMENT", "Give exactly one input: --db, --x, or video files");
  if ((opts.space !== undefined || opts.videos !== undefined) && opts.db === undefined)
    throw new VidmaeError("E_INVALID_ARGUMENT", "--space and --videos go with --db");
  if ((opts.model !== undefined || opts.revision !== undefined) && files.length === 0)
    throw new VidmaeError("E_INVALID_ARGUMENT", "--model and --revision go with video files (to embed them)");
  if (opts.x !== undefined) {
    if (model.info.space !== null)
      io.say(
        `warning: cannot check that ${displayPath(opts.x)} holds vectors of the model's embedding space`,
      );
    return { X: readFeatures(opts.x), paths: null, failed: 0 };
  }
  if (opts.db !== undefined) {
    const store = await openStore(opts.db, { onWarning: io.say });
    try {
      const space = await chooseSpace(store, model, opts.space);
      model.checkSpace(space, opts.classifier);
      return { ...(await loadStoreFeatures(store, space, opts.videos)), failed: 0 };
    } finally {
      await store.close();
    }
  }
  const space = model.info.space;
  if (space === null)
    throw new VidmaeError(
      "E_DATA",
      `${opts.classifier} was trained on arrays with no recorded embedding space, so it cannot embed videos; use --x or --db`,
    );
  // Another copy of the space's checkpoint may be named (say, a local folder for a hub id): the model name and
  // revision are not part of the space, and loadSpaceEmbedder still refuses other weights.
  const checkpoint =
    opts.model === undefined
      ? { ...space, revision: opts.revision ?? space.revision }
      : { ...space, model: opts.model, revision: opts.revision ?? null };
  const { model: videomae, embedder } = await loadSpaceEmbedder(checkpoint, opts, io);
  try {
    const { X, paths, failures } = await embedVideoFeatures(embedder, files);
    for (const failure of failures) io.say(failure.message);
    return { X, paths, failed: failures.length };
  } finally {
    await videomae.release();
  }
}

/**
 * `vidmae predict [videos...]`: a saved classifier's labels for stored vectors, an array file or videos
 * (embedded with `--model`, else the checkpoint its space records); exit 1 if a video failed. `raw` is
 * commander's options, checked here.
 *
 * @example
 * await predict(cliIo(), [], { classifier: "model.json", db: "vidmae.db", json: true });
 */
export async function predict(io: CliIo, files: string[], raw: Record<string, unknown>): Promise<void> {
  const opts = classifierOptions(parseOptions(schema, raw), io);
  const model = await SavedModel.load(opts.classifier);
  const { X, paths, failed } = await loadInputs(opts, model, files, io);
  if (failed > 0) io.setExitCode(1);
  if (X.rows === 0) return;
  const { classes, predictions, probabilities } = model.predict(X);
  if (opts.json) {
    const out = { classes, predictions, probabilities, ...(paths === null ? {} : { paths }) };
    io.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  predictions.forEach((label, i) => {
    const where = paths === null ? `row ${i}` : displayPath(paths[i]);
    const p = probabilities?.[i][classes.indexOf(label)];
    io.stdout.write(
      `${where}\t${escapeControls(String(label))}${p === undefined ? "" : `\t${p.toFixed(4)}`}\n`,
    );
  });
}
