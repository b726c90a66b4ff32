/**
 * Embeds a collection of videos into a store, resumably: files are identified by content hash, what a space
 * already holds is skipped, each finished video is committed on its own (so a kill loses at most the videos in
 * flight), and one bad video is recorded as failed without stopping the others.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { VidmaeError, wrapError } from "../errors.js";
import { labelConflictMessage } from "../store/labels.js";
import { storedPath } from "../store/paths.js";
import type { EmbeddingSpace } from "../space/spec.js";
import type { EmbeddingStore, VideoFile } from "../store/types.js";
import { listVideoInputs } from "../video/files.js";
import { assertRegularFile, openRegularFile } from "../video/input.js";
import type { Embedder, VideoEmbedding } from "./embedder.js";
import { spaceSpecFor } from "./space.js";

/** Where labels come from: the parent folder's name, or a map from path to label. */
export type LabelSource = { fromDirs: true } | { map: Map<string, string> };

/** Options of {@link embedCollection}. */
export interface CollectionOptions {
  /** The `--model` argument as given, recorded in the space. */
  modelName: string;
  labels?: LabelSource;
  /** Embed videos whose last attempt failed again. @defaultValue false */
  retryFailed?: boolean;
  /** Abort to stop after the batch in flight. */
  signal?: AbortSignal;
  onEvent?: (event: EmbedEvent) => void;
}

/** Progress of a collection run, for bars and `--json` lines. */
export type EmbedEvent =
  | { type: "start"; total: number; todo: number; space: { id: number; key: string } }
  | { type: "skipped"; path: string; reason: "stored" | "failed-before" }
  | { type: "done"; path: string; videoId: number; clips: number; tooShort: boolean }
  | { type: "failed"; path: string; code: string; message: string }
  | { type: "end"; summary: EmbedSummary };

/** What a run did. */
export interface EmbedSummary {
  total: number;
  done: number;
  /** Already stored in this space. */
  skipped: number;
  /** Failed in this run. */
  failed: number;
  /** Failed in an earlier run and not retried (see `retryFailed`). */
  failedBefore: number;
  clips: number;
  seconds: number;
  interrupted: boolean;
  failures: { path: string; code: string; message: string }[];
  /** One line per label replaced by a copy of the same content at another path. */
  warnings?: string[];
}

/**
 * A summary of a run over `total` videos with nothing done yet.
 *
 * @example
 * const summary = emptySummary(paths.length); // { total: 3, done: 0, … }
 */
export function emptySummary(total: number): EmbedSummary {
  return {
    total,
    done: 0,
    skipped: 0,
    failed: 0,
    failedBefore: 0,
    clips: 0,
    seconds: 0,
    interrupted: false,
    failures: [],
  };
}

/**
 * sha256 of a file's bytes, as `sha256:<hex>`: the store's content hash. Only a regular file is read: a FIFO
 * would block and `/dev/zero` would never end.
 *
 * @throws VidmaeError `E_VIDEO` when `path` is not a regular file, `E_IO` when it is missing
 * @example
 * await hashFile("a.mp4"); // "sha256:9f86d0…"
 */
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  const file = await openRegularFile(path);
  try {
    for await (const chunk of file.createReadStream({ autoClose: false })) h.update(chunk as Buffer);
  } finally {
    await file.close();
  }
  return `sha256:${h.digest("hex")}`;
}

/** The label of a file given as `path` (real path `real`): its folder's name as given, or its row in the map. */
function labelFor(path: string, real: string, labels: LabelSource | undefined): string | undefined {
  if (!labels) return undefined;
  if ("fromDirs" in labels) return basename(dirname(resolve(path)));
  return labels.map.get(resolve(path)) ?? labels.map.get(path) ?? labels.map.get(real);
}

/**
 * Identifies a file by content, re-hashing only when its size or mtime changed since the store last saw it. The
 * path is recorded real and absolute (see store/paths.ts), so every command finds it from any directory.
 *
 * @throws VidmaeError `E_VIDEO` when `path` is not a regular file; the stat's own error when it is missing
 * @example
 * const file = await describeFile(store, "a.mp4", { fromDirs: true }); // { path: "/data/a.mp4", sizeBytes, mtimeMs, contentHash, label }
 */
export async function describeFile(
  store: EmbeddingStore,
  path: string,
  labels: LabelSource | undefined,
): Promise<VideoFile> {
  const s = await stat(path);
  assertRegularFile(path, s);
  const real = await storedPath(path);
  const known = await store.findVideoByPath(real);
  const unchanged = known && known.sizeBytes === s.size && known.mtimeMs === s.mtimeMs;
  const contentHash = unchanged ? known.contentHash : await hashFile(path);
  const label = labelFor(path, real, labels);
  return {
    path: real,
    sizeBytes: s.size,
    mtimeMs: s.mtimeMs,
    contentHash,
    ...(label !== undefined ? { label } : {}),
  };
}

/**
 * Probe metadata worth keeping: the frame index is bulky and rebuilt on demand.
 *
 * @example
 * await store.upsertVideos([{ ...file, probe: probeRecord(embedding) }]);
 */
export function probeRecord(e: VideoEmbedding): Record<string, unknown> {
  const { frameIndex: _frameIndex, ...probe } = e.prepared.info;
  return { ...probe, tooShort: e.prepared.tooShort };
}

/**
 * Embeds every video found under `inputs` (files, directories, globs) into `store`, in the embedder's space.
 *
 * @returns the run's summary (also sent as the `end` event)
 * @example
 * const summary = await embedCollection(store, embedder, ["videos/"], { modelName: "MCG-NJU/videomae-base", labels: { fromDirs: true } });
 * console.log(summary.done, summary.failed);
 */
export async function embedCollection(
  store: EmbeddingStore,
  embedder: Embedder,
  inputs: readonly string[],
  options: CollectionOptions,
): Promise<EmbedSummary> {
  const t0 = performance.now();
  const emit = options.onEvent ?? (() => {});
  const { files: paths, refused } = await listVideoInputs(inputs);
  const space: EmbeddingSpace = await store.ensureSpace(await spaceSpecFor(embedder, options.modelName));
  const summary = emptySummary(paths.length + refused.length);
  const fail = async (path: string, videoId: number | null, error: VidmaeError) => {
    summary.failed++;
    summary.failures.push({ path, code: error.code, message: error.message });
    if (videoId !== null)
      await store.saveFailure(space.id, videoId, { code: error.code, message: error.message });
    emit({ type: "failed", path, code: error.code, message: error.message });
  };

  const todo: string[] = [];
  const ids = new Map<string, number>();
  const queued = new Set<number>();
  /** Per video, the file given last in this run. */
  const files = new Map<number, VideoFile>();
  const skips: EmbedEvent[] = [];
  // A missing or unreadable input is this run's failure, not the store's: the rest of the batch goes on.
  for (const { path, error } of refused) await fail(path, null, error);
  for (const path of paths) {
    let file: VideoFile;
    try {
      file = await describeFile(store, path, options.labels);
    } catch (e) {
      await fail(path, null, wrapError(e, "E_IO", `${path}: cannot read file`));
      continue;
    }
    const [video] = await store.upsertVideos([file]);
    // Each path keeps its label, the video uses the one given last: say which one it replaced (store/labels.ts).
    if (video.replacedLabel)
      (summary.warnings ??= []).push(labelConflictMessage(path, file.label ?? null, video.replacedLabel));
    const status = await store.status(space.id, video.id);
    ids.set(path, video.id);
    files.set(video.id, file);
    // The same content at a second path of this run: its path is stored, one embedding serves both.
    if (status?.status === "ok" || queued.has(video.id)) {
      summary.skipped++;
      skips.push({ type: "skipped", path, reason: "stored" });
    } else if (status?.status === "failed" && !options.retryFailed) {
      summary.failedBefore++;
      skips.push({ type: "skipped", path, reason: "failed-before" });
    } else {
      todo.push(path);
      queued.add(video.id);
    }
  }
  emit({ type: "start", total: summary.total, todo: todo.length, space: { id: space.id, key: space.key } });
  skips.forEach(emit);

  for await (const outcome of embedder.embedVideos(todo, options.signal)) {
    const videoId = ids.get(outcome.path)!;
    if ("error" in outcome) {
      await fail(outcome.path, videoId, outcome.error);
      continue;
    }
    const e = outcome.embedding;
    // The probe goes with the path given last for this content, so its primary path stays; no label, since the
    // labels were stored with the paths above and given again here would undo a later path's.
    const { label: _label, ...file } = files.get(videoId)!;
    await store.upsertVideos([{ ...file, probe: probeRecord(e) }]);
    await store.saveEmbeddings(space.id, [
      {
        videoId,
        clips: e.clips.map((c) => ({
          clipIndex: c.clipIndex,
          crop: c.crop,
          frameIndices: c.frameIndices,
          startSec: c.startSec,
          endSec: c.endSec,
          vector: c.vector,
        })),
        videoVector: e.vector,
        tooShort: e.prepared.tooShort,
      },
    ]);
    summary.done++;
    summary.clips += e.clips.length;
    emit({ type: "done", path: e.path, videoId, clips: e.clips.length, tooShort: e.prepared.tooShort });
  }
  summary.interrupted = options.signal?.aborted ?? false;
  summary.seconds = (performance.now() - t0) / 1000;
  emit({ type: "end", summary });
  return summary;
}
