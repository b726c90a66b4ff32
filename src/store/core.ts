/**
 * The one implementation of {@link EmbeddingStore}: argument checks, the clock, row mapping, the space cache and
 * every method's statements, as plans (statements.ts). A backend only says how a plan runs — on which
 * connection, in which kind of transaction, with which retries — and the few statements where the databases
 * differ ({@link Dialect}), so SQLite and PostgreSQL answer every call alike by construction.
 */
import { z } from "zod";
import { VidmaeError, invalidParameterError } from "../errors.js";
import { parseInput } from "../space/input.js";
import { type EmbeddingSpace, type EmbeddingSpaceSpec, normalizeSpaceSpec, spaceKey } from "../space/spec.js";
import { videoEmbeddingsSchema, videoFailureSchema, videoFileSchema } from "./input.js";
import { replacedLabel } from "./labels.js";
import {
  checkBlob,
  clipFromRow,
  spaceFromRow,
  statusFromRow,
  vectorToBlob,
  videoFromRow,
  type ClipRow,
  type PathRow,
  type SpaceRow,
  type StatusRow,
  type VideoRow,
} from "./rows.js";
import {
  SQL,
  VECTOR_QUERIES,
  all,
  first,
  isStatusFilter,
  listVideosSql,
  run,
  type Plan,
  type Query,
} from "./statements.js";
import {
  VECTOR_LEVELS,
  type ClipRecord,
  type EmbeddingStore,
  type LoadedVectors,
  type SpaceCounts,
  type StatusFilter,
  type VectorLevel,
  type VectorRow,
  type VideoEmbeddings,
  type VideoFailure,
  type VideoFile,
  type UpsertedVideo,
  type VideoRecord,
  type VideoStatus,
  type VideoWithStatus,
} from "./types.js";

/**
 * The store's clock: timestamps are ISO-8601 UTC text in both backends.
 *
 * @example
 * now(); // "2026-01-31T12:00:00.000Z"
 */
export function now(): string {
  return new Date().toISOString();
}

/**
 * Checks that every vector of a batch has the space's dimension.
 *
 * @throws VidmaeError E_SHAPE naming the first vector of another length
 * @example
 * checkDimensions(batch, 768, space.id);
 */
export function checkDimensions(batch: readonly VideoEmbeddings[], dim: number, spaceId: number): void {
  batch.forEach((item, i) => {
    const check = (vector: Float32Array, what: string) => {
      if (vector.length !== dim) {
        throw new VidmaeError(
          "E_SHAPE",
          `Vector batch[${i}].${what} has ${vector.length} values but space ${spaceId} has dimension ${dim}`,
        );
      }
    };
    check(item.videoVector, "videoVector");
    item.clips.forEach((clip, j) => check(clip.vector, `clips[${j}].vector`));
  });
}

/**
 * How a plan runs: statement by statement, as one write transaction, or in one read-only snapshot.
 *
 * @example
 * const mode: Mode = "snapshot";
 */
export type Mode = "statement" | "write" | "snapshot";

/**
 * Where the backends' SQL differs.
 *
 * @example
 * const dialect: Dialect = { insertClips: (s, v, clips) => clips.map((c) => clipUpsert(s, v, c)) };
 */
export interface Dialect {
  /** The statements that store a video's clips once its old clips are deleted; a repeated (clip, crop) wins last. */
  insertClips(spaceId: number, videoId: number, clips: readonly ClipRecord[]): Query[];
  /**
   * Locks video rows for the rest of a write transaction (`$1`: the ids), where writers run concurrently; a
   * backend whose write transactions already take turns has none.
   */
  lockVideos?: string;
}

type ListRow = VideoRow &
  Omit<StatusRow, "space_id" | "video_id" | "updated_at"> & { status_updated_at: string };

/**
 * {@link EmbeddingStore} over a backend that runs plans; see the file comment.
 *
 * @example
 * class MemoryStore extends StoreCore { protected perform(action, mode, plan) { ... } async close() {} }
 */
export abstract class StoreCore implements EmbeddingStore {
  /** Spaces never change once created, so each is read once. */
  private readonly spaces = new Map<number, EmbeddingSpace>();

  protected constructor(
    /** The database as named in messages (a path, or a URL without password). */
    readonly where: string,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Runs `plan` in `mode`. Driver errors become E_STORE errors `Cannot <action> in <where>: <driver message>`;
   * VidmaeErrors thrown by the plan pass through.
   */
  protected abstract perform<T>(action: string, mode: Mode, plan: () => Plan<T>): Promise<T>;

  abstract close(): Promise<void>;

  private async requireSpace(spaceId: number): Promise<EmbeddingSpace> {
    const cached = this.spaces.get(spaceId);
    if (cached) return cached;
    if (!Number.isSafeInteger(spaceId)) throw invalidParameterError("spaceId", "integer", spaceId);
    const row = await this.perform("read spaces", "statement", () =>
      first<SpaceRow>(SQL.spaceById, [spaceId]),
    );
    if (!row) throw new VidmaeError("E_STORE", `No embedding space with id ${spaceId} in ${this.where}`);
    const space = spaceFromRow(row);
    this.spaces.set(space.id, space);
    return space;
  }

  async ensureSpace(spec: EmbeddingSpaceSpec): Promise<EmbeddingSpace> {
    const s = normalizeSpaceSpec(spec);
    const key = spaceKey(s);
    const values = [
      key,
      s.model,
      s.revision,
      s.weightsHash,
      s.pooling,
      JSON.stringify(s.sampling),
      s.precision,
    ];
    const row = await this.perform("create an embedding space", "write", function* () {
      // Looked up first, so an existing space costs no insert (PostgreSQL would spend an identity value on it).
      const found = yield* first<SpaceRow>(SQL.spaceByKey, [key]);
      if (found) return found;
      yield* run(SQL.insertSpace, [...values, s.dim, now()]);
      return (yield* first<SpaceRow>(SQL.spaceByKey, [key]))!;
    });
    return spaceFromRow(row);
  }

  async getSpace(idOrKey: number | string): Promise<EmbeddingSpace | null> {
    const byId = typeof idOrKey === "number";
    if (!byId && typeof idOrKey !== "string")
      throw invalidParameterError("idOrKey", "space id or key", idOrKey);
    if (byId && !Number.isSafeInteger(idOrKey)) return null;
    const query = byId ? SQL.spaceById : SQL.spaceByKey;
    const row = await this.perform("read spaces", "statement", () => first<SpaceRow>(query, [idOrKey]));
    return row ? spaceFromRow(row) : null;
  }

  async listSpaces(): Promise<EmbeddingSpace[]> {
    return (await this.perform("read spaces", "statement", () => all<SpaceRow>(SQL.spaces))).map(
      spaceFromRow,
    );
  }

  async upsertVideos(files: readonly VideoFile[]): Promise<UpsertedVideo[]> {
    const parsed = parseInput(z.array(videoFileSchema, { error: "array" }), files, "files");
    const saved = await this.perform("save videos", "write", function* () {
      const rows: { row: VideoRow; paths: PathRow[]; replaced: ReturnType<typeof replacedLabel> }[] = [];
      for (const f of parsed) {
        const at = now();
        type Before = Pick<VideoRow, "path" | "label">;
        const replaced = replacedLabel(yield* first<Before>(SQL.labelByHash, [f.contentHash]), f);
        const owner = yield* first<Pick<PathRow, "video_id">>(SQL.pathOwner, [f.path]);
        yield* run(SQL.detachPath, [at, f.path, f.contentHash]);
        const probe = f.probe == null ? null : JSON.stringify(f.probe);
        const values = [f.contentHash, f.path, f.sizeBytes, f.mtimeMs, probe, f.label ?? null, at];
        const given = [f.probe !== undefined, f.label !== undefined];
        const row = (yield* first<VideoRow>(SQL.upsertVideo, [...values, ...given]))!;
        // The row's label is the given one, or the video's for a path that is new to it (see upsertPath).
        yield* run(SQL.upsertPath, [f.path, row.id, row.label, at, f.label !== undefined]);
        if (owner && owner.video_id !== row.id) yield* run(SQL.refreshVideo, [owner.video_id, at]);
        rows.push({ row, paths: yield* all<PathRow>(SQL.pathsOf, [row.id]), replaced });
      }
      return rows;
    });
    return saved.map(({ row, paths, replaced }) => ({
      ...videoFromRow(row, paths),
      ...(replaced && { replacedLabel: replaced }),
    }));
  }

  private async videoBy(query: string, value: number | string): Promise<VideoRecord | null> {
    if (typeof value === "number" && !Number.isSafeInteger(value)) return null;
    const found = await this.perform("read videos", "snapshot", function* () {
      const row = yield* first<VideoRow>(query, [value]);
      return row && { row, paths: yield* all<PathRow>(SQL.pathsOf, [row.id]) };
    });
    return found ? videoFromRow(found.row, found.paths) : null;
  }

  async getVideo(id: number): Promise<VideoRecord | null> {
    return this.videoBy(SQL.videoById, id);
  }

  async findVideoByHash(contentHash: string): Promise<VideoRecord | null> {
    return this.videoBy(SQL.videoByHash, contentHash);
  }

  async findVideoByPath(path: string): Promise<VideoRecord | null> {
    return this.videoBy(SQL.videoByPath, path);
  }

  async setLabel(videoId: number, label: string | null): Promise<void> {
    if (label !== null && typeof label !== "string")
      throw invalidParameterError("label", "string or null", label);
    const changed = Number.isSafeInteger(videoId)
      ? await this.perform("set a label", "write", function* () {
          yield* run(SQL.setPathLabels, [label, videoId]);
          return yield* run(SQL.setLabel, [label, now(), videoId]);
        })
      : 0;
    if (changed === 0) throw new VidmaeError("E_STORE", `No video with id ${videoId} in ${this.where}`);
  }

  async status(spaceId: number, videoId: number): Promise<VideoStatus | null> {
    const plan = () => first<StatusRow>(SQL.status, [spaceId, videoId]);
    const row = await this.perform("read statuses", "statement", plan);
    return row ? statusFromRow(row) : null;
  }

  async listVideos(spaceId: number, options: { status?: StatusFilter } = {}): Promise<VideoWithStatus[]> {
    const filter = options.status ?? "all";
    if (!isStatusFilter(filter)) {
      throw invalidParameterError("status", "one of: ok, failed, pending", options.status);
    }
    await this.requireSpace(spaceId);
    const { rows, paths } = await this.perform("list videos", "snapshot", function* () {
      return {
        rows: yield* all<ListRow>(listVideosSql(filter), [spaceId]),
        paths: yield* all<PathRow>(SQL.allPaths),
      };
    });
    const byVideo = new Map<number, PathRow[]>();
    for (const p of paths) {
      const list = byVideo.get(p.video_id);
      if (list) list.push(p);
      else byVideo.set(p.video_id, [p]);
    }
    return rows.map((r) => ({
      ...videoFromRow(r, byVideo.get(r.id) ?? []),
      status:
        r.status === null
          ? null
          : statusFromRow({ ...r, space_id: spaceId, video_id: r.id, updated_at: r.status_updated_at }),
    }));
  }

  async saveEmbeddings(spaceId: number, batch: readonly VideoEmbeddings[]): Promise<void> {
    const { dim } = await this.requireSpace(spaceId);
    const items = parseInput(z.array(videoEmbeddingsSchema, { error: "array" }), batch, "batch");
    checkDimensions(items, dim, spaceId);
    const { dialect } = this;
    await this.perform(`save embeddings in space ${spaceId}`, "write", function* () {
      if (dialect.lockVideos) yield* run(dialect.lockVideos, [items.map((item) => item.videoId)]);
      const at = now();
      for (const { videoId, clips, videoVector, tooShort } of items) {
        yield* run(SQL.deleteClips, [spaceId, videoId]);
        for (const insert of dialect.insertClips(spaceId, videoId, clips)) yield insert;
        yield* run(SQL.upsertVideoVector, [spaceId, videoId, vectorToBlob(videoVector)]);
        yield* run(SQL.upsertStatus, [spaceId, videoId, "ok", null, null, tooShort, at]);
      }
    });
  }

  async saveFailure(spaceId: number, videoId: number, failure: VideoFailure): Promise<VideoStatus> {
    await this.requireSpace(spaceId);
    const { code, message } = parseInput(videoFailureSchema, failure, "failure");
    const { dialect } = this;
    const row = await this.perform(`save a failure in space ${spaceId}`, "write", function* () {
      if (dialect.lockVideos) yield* run(dialect.lockVideos, [[videoId]]);
      yield* run(SQL.deleteClips, [spaceId, videoId]);
      yield* run(SQL.deleteVideoVector, [spaceId, videoId]);
      const values = [spaceId, videoId, "failed", code, message, false, now()];
      return (yield* first<StatusRow>(SQL.upsertStatus, values))!;
    });
    return statusFromRow(row);
  }

  async getClips(spaceId: number, videoId: number): Promise<ClipRecord[]> {
    const { dim } = await this.requireSpace(spaceId);
    const rows = await this.perform("read clips", "statement", () =>
      all<ClipRow>(SQL.clips, [spaceId, videoId]),
    );
    return rows.map((r) => clipFromRow(r, dim, `video ${videoId} in space ${spaceId} of ${this.where}`));
  }

  async loadVectors(spaceId: number, options: { level: VectorLevel }): Promise<LoadedVectors> {
    const level = options?.level;
    if (!VECTOR_LEVELS.includes(level))
      throw invalidParameterError("level", `one of: ${VECTOR_LEVELS.join(", ")}`, level);
    const { dim } = await this.requireSpace(spaceId);
    const q = VECTOR_QUERIES[level];
    const where = this.where;
    // Count and pages come from one snapshot, so they agree while a writer goes on.
    return this.perform(`load vectors of space ${spaceId}`, "snapshot", function* () {
      const n = (yield* first<{ n: number }>(q.count, [spaceId]))!.n;
      const data = new Float32Array(n * dim);
      const bytes = new Uint8Array(data.buffer);
      const rows: VectorRow[] = new Array(n);
      let key: unknown[] = new Array(q.keyLength).fill(-1);
      for (let i = 0; i < n;) {
        const page = yield* all<unknown[]>(q.page, [spaceId, ...key], true);
        for (const r of page) {
          const blob = r[r.length - 1] as Uint8Array;
          checkBlob(blob, dim, `row ${i} of space ${spaceId} in ${where}`);
          bytes.set(blob, i * dim * 4);
          rows[i++] = q.row(r);
        }
        key = page[page.length - 1].slice(0, q.keyLength);
      }
      return { dim, data, rows };
    });
  }

  async counts(spaceId: number): Promise<SpaceCounts> {
    await this.requireSpace(spaceId);
    type Counts = Omit<SpaceCounts, "pending">;
    const c = (await this.perform("count videos", "statement", () => first<Counts>(SQL.counts, [spaceId])))!;
    return {
      videos: c.videos,
      ok: c.ok,
      failed: c.failed,
      pending: c.videos - c.ok - c.failed,
      clips: c.clips,
    };
  }
}
