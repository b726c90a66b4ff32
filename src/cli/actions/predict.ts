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
import { LIMITS, parseOptions } from "../options.js";
import type { CliIo } from "../run.js";

const schema = z.object({
  model: z.string().min(1),
  db: z.string().min(1).optional(),
  space: z.string().min(1).optional(),
  videos: z.array(z.string().min(1)).optional(),
  x: z.string().min(1).optional(),
  json: z.boolean().default(false),
  threads: LIMITS.threads.schema().optional(),
  provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
});

type Options = z.infer<typeof schema>;

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
  if (opts.x !== undefined) {
    if (model.info.space !== null)
      io.say(
        `warning: cannot check that ${displayPath(opts.x)} holds vectors of the model's embedding space`,
      );
    return { X: readFeatures(opts.x), paths: null, failed: 0 };
  }
  if (opts.db !== undefined) {
    const store = await openStore(opts.db);
    try {
      const space = await chooseSpace(store, model, opts.space);
      model.checkSpace(space, opts.model);
      return { ...(await loadStoreFeatures(store, space, opts.videos)), failed: 0 };
    } finally {
      await store.close();
    }
  }
  const space = model.info.space;
  if (space === null)
    throw new VidmaeError(
      "E_DATA",
      `${opts.model} was trained on arrays with no recorded embedding space, so it cannot embed videos; use --x or --db`,
    );
  const { model: videomae, embedder } = await loadSpaceEmbedder(space, opts, io);
  try {
    const { X, paths, failures } = await embedVideoFeatures(embedder, files);
    for (const failure of failures) io.say(failure.message);
    return { X, paths, failed: failures.length };
  } finally {
    await videomae.release();
  }
}

/**
 * `vidmae predict [videos...]`: a saved model's labels for stored vectors, an array file or videos; exit 1 if
 * a video failed. `raw` is commander's options, checked here.
 *
 * @example
 * await predict(cliIo(), [], { model: "model.json", db: "vidmae.db", json: true });
 */
export async function predict(io: CliIo, files: string[], raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const model = await SavedModel.load(opts.model);
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
