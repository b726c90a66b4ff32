/**
 * Fixture of the server tests: a tiny random-weight classification model, a labelled collection of synthetic
 * videos embedded into a SQLite store, a classifier trained on it, bad inputs, and the folders the server uses
 * (allowed root, upload temp dir, kept uploads), all under one temp dir.
 */
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { FastifyInstance } from "fastify";
import { loadStoreData } from "../../src/classify/dataset.js";
import { SavedModel } from "../../src/classify/model-file.js";
import { embedCollection } from "../../src/embed/collection.js";
import { Embedder } from "../../src/embed/embedder.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { buildApp, type AppDeps } from "../../src/server/app.js";
import type { ServerOptions } from "../../src/server/context.js";
import { selectSpace } from "../../src/store/open.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { EmbeddingStore } from "../../src/store/types.js";
import type { SamplingOptions } from "../../src/video/sampling.js";
import { makeBadInput, makeVideo, type BadInputKind, type VideoSpec } from "../helpers/synthetic-videos.js";

/** Labels of the tiny model's head (random weights: the scores mean nothing, the names read well). */
export const HEAD_LABELS = ["juggling", "archery", "cooking", "surfing", "dancing"];

/** The collection: label → FFmpeg source; two videos each. */
const SOURCES: Record<string, string> = {
  bars: "smptebars",
  fractal: "mandelbrot",
  pattern: "testsrc2",
  noise: "cellauto",
};

/** The tiny random-weight classification model of the fixtures, written to `dir`, and its embedder. */
async function tinyModel(
  dir: string,
  sampling?: SamplingOptions,
): Promise<{ model: VideoMAE; embedder: Embedder }> {
  await writeTinyCheckpoint(dir, { kind: "classification", labels: HEAD_LABELS });
  const model = await VideoMAE.fromDirectory(dir, { cache: false });
  return { model, embedder: await Embedder.create(model, sampling ? { sampling } : {}) };
}

/**
 * Options of {@link serverFixture}: the embedder's sampling (default: one uniform clip a video), and more videos
 * for the collection, each stored under `collection/<label>/`.
 *
 * @example
 * await serverFixture({ sampling: { strategy: "clips", clips: 3 }, extra: [{ label: "long", spec: { name: "long.webm", frames: 64 } }] });
 */
export interface FixtureOptions {
  sampling?: SamplingOptions;
  extra?: { label: string; spec: VideoSpec }[];
}

/**
 * An app over the tiny model and an empty store, with no videos made (well under a second): for tests of the
 * request handling that never get as far as a stored collection.
 *
 * @example
 * const bare = await bareApp({ maxUploadBytes: 4096 });
 * try { await bare.app.inject({ method: "POST", url: "/v1/embed", payload: form }); } finally { await bare.close(); }
 */
export async function bareApp(
  options: Partial<ServerOptions> = {},
): Promise<{ app: FastifyInstance; tmpDir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "vidmae-bare-app-"));
  const { model, embedder } = await tinyModel(join(dir, "model"));
  const store = await SqliteStore.open(join(dir, "vidmae.db"));
  const tmpDir = join(dir, "tmp");
  const app = await buildApp({
    store,
    embedder,
    modelName: "tiny",
    options: { tmpDir, uploadsDir: join(dir, "uploads"), allowedRoots: [dir], ...options },
  });
  return {
    app,
    tmpDir,
    close: async () => {
      await app.close();
      await model.release();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Everything a server test needs. */
export interface ServerFixture {
  dir: string;
  /** The allowed root; holds the collection under `collection/<label>/`. */
  root: string;
  /** Upload temp dir (must be empty between requests). */
  tmpDir: string;
  /** Where stored uploads are kept. */
  uploadsDir: string;
  dbPath: string;
  model: VideoMAE;
  embedder: Embedder;
  store: EmbeddingStore;
  classifier: SavedModel;
  /** Stored videos' paths. */
  collection: string[];
  /** A good video under the root, not stored. */
  query: string;
  /** A good video outside the root. */
  outside: string;
  bad: Record<BadInputKind, string>;
  /** A text file named like a video. */
  mislabelled: string;
  /** Builds an app over the fixture; options override the fixture's defaults. */
  app(options?: Partial<ServerOptions>, deps?: Partial<AppDeps>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

const BAD_KINDS: BadInputKind[] = ["empty", "truncated-mp4", "truncated-mkv", "text", "audio-only"];

/**
 * Makes the fixture (about 3 s): model, 8 stored videos in 4 labels (and `options.extra`), a query video, bad
 * inputs.
 *
 * @example
 * let f: ServerFixture;
 * before(async () => { f = await serverFixture(); });
 * after(() => f.close());
 */
export async function serverFixture(options: FixtureOptions = {}): Promise<ServerFixture> {
  const dir = await mkdtemp(join(tmpdir(), "vidmae-server-test-"));
  const root = join(dir, "root");
  const tmpDir = join(dir, "tmp");
  const uploadsDir = join(dir, "uploads");
  const badDir = join(root, "bad");
  await mkdir(badDir, { recursive: true });
  const { model, embedder } = await tinyModel(join(dir, "model"), options.sampling);
  const bad = {} as Record<BadInputKind, string>;
  const [collection, query, outside] = await Promise.all([
    Promise.all(
      Object.entries(SOURCES).map(async ([label, source], i) => {
        const folder = join(root, "collection", label);
        await mkdir(folder, { recursive: true });
        return Promise.all([
          makeVideo(folder, { name: `${label}-1.mp4`, source, width: 64, height: 48, frames: 12 }),
          makeVideo(folder, { name: `${label}-2.webm`, source, width: 48 + 16 * i, height: 48, frames: 10 }),
        ]);
      }),
    ).then(async (paths) => [
      ...paths.flat(),
      ...(await Promise.all(
        (options.extra ?? []).map(async ({ label, spec }) => {
          const folder = join(root, "collection", label);
          await mkdir(folder, { recursive: true });
          return makeVideo(folder, spec);
        }),
      )),
    ]),
    makeVideo(root, { name: "query.mp4", source: "mandelbrot", width: 80, height: 48, frames: 12 }),
    makeVideo(dir, { name: "outside.mp4", frames: 8 }),
    ...BAD_KINDS.map(async (kind) => (bad[kind] = await makeBadInput(badDir, kind))),
  ]);
  const mislabelled = join(badDir, "notes.mp4");
  await writeFile(mislabelled, "just some text, not a video\n");

  const dbPath = join(dir, "vidmae.db");
  const store = await SqliteStore.open(dbPath);
  await embedCollection(store, embedder, [join(root, "collection")], {
    modelName: "tiny",
    labels: { fromDirs: true },
  });
  const data = await loadStoreData(store, await selectSpace(store));
  const classifier = SavedModel.fit(data, "nearest-centroid");

  return {
    dir,
    root,
    tmpDir,
    uploadsDir,
    dbPath,
    model,
    embedder,
    store,
    classifier,
    collection,
    query,
    outside,
    bad,
    mislabelled,
    app: (options = {}, deps = {}) =>
      buildApp({
        store,
        embedder,
        modelName: "tiny",
        classifier,
        classifierName: "model.json",
        ...deps,
        options: { tmpDir, uploadsDir, allowedRoots: [root], ...options },
      }),
    close: async () => {
      await model.release();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A multipart form with `path`'s bytes in field `file` (or another field).
 *
 * @example
 * await app.inject({ method: "POST", url: "/v1/classify", payload: await videoForm(f.query) });
 */
export async function videoForm(
  path: string,
  options: { field?: string; name?: string } = {},
): Promise<FormData> {
  const form = new FormData();
  form.append(options.field ?? "file", new Blob([await readFile(path)]), options.name ?? basename(path));
  return form;
}

/**
 * Files left in a directory (none once every request is done).
 *
 * @example
 * assert.deepEqual(await leftovers(f.tmpDir), []);
 */
export async function leftovers(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/**
 * The error body of a response, for exact assertions.
 *
 * @example
 * assert.deepEqual(errorOf(res), { status: 413, code: "E_UPLOAD_TOO_LARGE" });
 */
export function errorOf(res: { statusCode: number; json(): unknown }): { status: number; code: string } {
  const body = res.json() as { error?: { code?: string } };
  return { status: res.statusCode, code: body.error?.code ?? "(no error)" };
}

/**
 * The store's counts in its one space: videos with a path, those `ok`, and video vectors (equal when consistent).
 *
 * @example
 * assert.deepEqual(await storeCounts(f.store), { videos: 8, ok: 8, rows: 8 });
 */
export async function storeCounts(
  store: EmbeddingStore,
): Promise<{ videos: number; ok: number; rows: number }> {
  const space = await selectSpace(store);
  const counts = await store.counts(space.id);
  const vectors = await store.loadVectors(space.id, { level: "video" });
  return { videos: counts.videos, ok: counts.ok, rows: vectors.rows.length };
}
