/**
 * `vidmae demo` as a library call: make a labelled synthetic video set, embed it into a store, and compare
 * classifiers on the embeddings with PCA/LDA on raw pixels on one stratified split; write the table as JSON.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadStoreFeatures } from "../classify/dataset.js";
import { RandomState } from "../numeric/random-state.js";
import { stratifiedShuffleSplit } from "../classify/model-selection/stratified-shuffle-split.js";
import { VidmaeError } from "../errors.js";
import { embedCollection } from "../embed/collection.js";
import { Embedder } from "../embed/embedder.js";
import { spaceSpecFor } from "../embed/space.js";
import { VideoMAE, type ModelOptions } from "../model/videomae/model.js";
import { openStore } from "../store/open.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type { EmbeddingStore } from "../store/types.js";
import { compareMethods, type DemoRow } from "./compare.js";
import { chooseDemoModel, DEMO_PRETRAINED_MODEL, type DemoModelOptions } from "./model.js";
import { pixelFeatures } from "./pixels.js";
import { makeDemoVideos, type DemoVideoOptions } from "./videos.js";

/**
 * What a map renderer gets: the store and space holding the demo's embeddings, the videos (paths and labels)
 * and the demo's folder. It returns the path of the picture it wrote.
 *
 * @example
 * const renderMap: DemoMapHook = async ({ store, space, outDir }) => writeMap(store, space, join(outDir, "map.png"));
 */
export type DemoMapHook = (input: {
  store: EmbeddingStore;
  space: EmbeddingSpace;
  paths: string[];
  labels: string[];
  outDir: string;
}) => Promise<string>;

/** The demo's steps that report progress: making the videos, embedding them, fitting each classifier. */
export type DemoStep = "videos" | "embedding" | "classifiers";

/** Options of {@link runDemo}. */
export interface DemoOptions
  extends DemoVideoOptions, Omit<DemoModelOptions, "workDir" | "seed" | "onProgress"> {
  /** Folder for the videos, the store (`vidmae.db`), the fallback model and `results.json`. */
  outDir: string;
  /** How the VideoMAE runs: threads, execution provider, graph cache folder. */
  runtime?: ModelOptions;
  /** Progress messages, one sentence each. */
  onProgress?: (message: string) => void;
  /** Counted progress of the long steps: units done and their number, after each. */
  onStep?: (step: DemoStep, done: number, total: number) => void;
  /** Download progress of the hub model. */
  onDownload?: DemoModelOptions["onProgress"];
  /**
   * Draws the 2-D map of the embeddings into `outDir` (the map feature plugs in here); its path is returned
   * in {@link DemoResult}'s `files.map`.
   */
  renderMap?: DemoMapHook;
}

/**
 * What the demo did, as written to `results.json`.
 *
 * @example
 * const { rows, notes } = await runDemo({ outDir: "vidmae-demo" });
 */
export interface DemoResult {
  model: { name: string; random: boolean; reason: string; embeddingDims: number };
  /** The raw-pixel features: frames per video, side of each grey frame, dimension. */
  pixels: { frames: number; size: number; dims: number };
  classes: string[];
  videos: number;
  split: { train: number; test: number; seed: number };
  rows: DemoRow[];
  notes: string[];
  seconds: number;
  files: { results: string; store: string; videos: string; map: string | null };
}

/**
 * Runs the whole demo: videos → embeddings in a SQLite store → the comparison table (also `results.json`).
 * With no `model` it uses the pretrained hub model if cached or quickly reachable, else a random-weight
 * VideoMAE (and says in `notes` that the embedding rows are then meaningless).
 *
 * @throws VidmaeError E_VIDEO when FFmpeg cannot make or read a video; model and store errors as they come
 * @example
 * const result = await runDemo({ outDir: "vidmae-demo", videosPerClass: 6, seed: 0 });
 * console.log(formatDemoTable(result.rows));
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const { outDir, seed = 0 } = options;
  const say = options.onProgress ?? (() => {});
  const step = (name: DemoStep) => (done: number, total: number) => options.onStep?.(name, done, total);
  await mkdir(outDir, { recursive: true });
  const choice = await chooseDemoModel({ ...options, workDir: outDir, seed, onProgress: options.onDownload });
  say(`model: ${choice.name} (${choice.reason})`);
  const videoDir = join(outDir, "videos");
  const videos = await makeDemoVideos(videoDir, options, step("videos"));
  const paths = videos.map((v) => v.path);
  const labels = videos.map((v) => v.label as string);
  const classes = [...new Set(labels)];
  say(`made ${videos.length} videos of ${classes.length} classes in ${videoDir}`);

  const storePath = join(outDir, "vidmae.db");
  const model = await VideoMAE.fromDirectory(choice.dir, options.runtime);
  const store = await openStore(storePath);
  try {
    const embedder = await Embedder.create(model, { batch: 4 });
    const embedded = step("embedding");
    let todo = 0;
    let finished = 0;
    const summary = await embedCollection(store, embedder, paths, {
      modelName: choice.name,
      labels: { fromDirs: true },
      onEvent: (e) => {
        if (e.type === "start") embedded(0, (todo = e.todo));
        else if (e.type === "done" || e.type === "failed") embedded(++finished, todo);
      },
    });
    if (summary.failures.length > 0 || summary.failedBefore > 0) {
      const first = summary.failures[0]?.message ?? "failed in an earlier run";
      throw new VidmaeError("E_VIDEO", `The demo could not embed every video: ${first}`);
    }
    say(`embedded ${summary.done} videos (${summary.skipped} already stored) into ${storePath}`);
    const space = await store.ensureSpace(await spaceSpecFor(embedder, choice.name));
    const embeddings = (await loadStoreFeatures(store, space, paths)).X;
    const pixelOptions = { frames: 8, size: 8 };
    const pixels = await pixelFeatures(paths, pixelOptions);

    // Held-out quarter, but at least one video of each class on the test side.
    const nTest = Math.max(Math.ceil(0.25 * videos.length), classes.length);
    const fold = stratifiedShuffleSplit(labels, nTest, new RandomState(seed));
    const rows = compareMethods({ embeddings, pixels }, labels, fold, step("classifiers"));
    const map = options.renderMap ? await options.renderMap({ store, space, paths, labels, outDir }) : null;

    const notes = choice.random
      ? [
          "The VideoMAE used here has random weights (no pretrained model was cached or reachable), so the " +
            "embedding rows say nothing about how well VideoMAE features classify videos.",
          `Real accuracy needs a pretrained checkpoint such as ${DEMO_PRETRAINED_MODEL}: ` +
            `vidmae demo --model ${DEMO_PRETRAINED_MODEL}`,
        ]
      : [];
    const resultsFile = join(outDir, "results.json");
    const result: DemoResult = {
      model: {
        name: choice.name,
        random: choice.random,
        reason: choice.reason,
        embeddingDims: embeddings.cols,
      },
      pixels: { ...pixelOptions, dims: pixels.cols },
      classes,
      videos: videos.length,
      split: { train: fold.train.length, test: fold.test.length, seed },
      rows,
      notes,
      seconds: (performance.now() - t0) / 1000,
      files: { results: resultsFile, store: storePath, videos: videoDir, map },
    };
    await writeFile(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await model.release();
    await store.close();
  }
}
