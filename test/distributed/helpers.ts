/**
 * What the distributed tests share: the services they need (from VIDMAE_TEST_REDIS / VIDMAE_TEST_POSTGRES), a tiny
 * model and video set, worker and coordinator processes of the built CLI, a media server that can hold a download
 * (to catch a worker mid-job), a private Redis that can be restarted, and the single-process reference.
 */
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { type AddressInfo, connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { embedCollection } from "../../src/embed/collection.js";
import { Embedder } from "../../src/embed/embedder.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { PgStore } from "../../src/store/postgres.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import type { ClipRecord, EmbeddingStore, VideoStatus } from "../../src/store/types.js";
import { ROOT } from "../cli/helpers.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";

export const REDIS = process.env.VIDMAE_TEST_REDIS;
export const POSTGRES = process.env.VIDMAE_TEST_POSTGRES;

/** Why the tests that need both services are skipped, or false. */
export const SKIP_SERVICES =
  REDIS && POSTGRES
    ? false
    : "set VIDMAE_TEST_REDIS=redis://127.0.0.1:6379 and VIDMAE_TEST_POSTGRES=postgres://user:password@127.0.0.1:5432/db to run";

/** The sampling every run uses: 2 clips of 4 frames every 2 frames. */
export const SAMPLING = ["--sampling", "clips", "--clips", "2", "--frame-sample-rate", "2"];

/** A model, videos and a scratch folder for one test file. */
export interface Fixture {
  dir: string;
  model: string;
  /** Graph cache of every process, so the model is built once. */
  cache: string;
  /** Shared-file-system videos: good ones in two label folders, and one corrupt. */
  videos: string;
  corrupt: string;
  /** A good video that is only reachable over HTTP (through {@link MediaServer}). */
  remote: string;
}

/**
 * Makes the tiny model (hidden 16, 1 layer, 32², patch 8, 4 frames) and seven small videos.
 *
 * @example
 * const fx = await makeFixture(); after(() => rm(fx.dir, { recursive: true, force: true }));
 */
export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "vidmae-distributed-"));
  const model = join(dir, "model");
  await writeTinyCheckpoint(model);
  const videos = join(dir, "videos");
  const remoteDir = join(dir, "remote");
  await Promise.all(["dogs", "cats"].map((d) => mkdir(join(videos, d), { recursive: true })));
  await mkdir(remoteDir);
  await Promise.all([
    makeVideo(join(videos, "dogs"), { name: "d1.mp4", frames: 12 }),
    makeVideo(join(videos, "dogs"), { name: "d2.webm", frames: 10, source: "mandelbrot" }),
    makeVideo(join(videos, "dogs"), { name: "d3.mkv", frames: 16, source: "smptebars" }),
    makeVideo(join(videos, "cats"), { name: "c1.mp4", frames: 2, source: "smptebars" }),
    makeVideo(join(videos, "cats"), { name: "c2.avi", frames: 14 }),
    makeVideo(remoteDir, { name: "remote.mp4", frames: 20, source: "mandelbrot" }),
  ]);
  const corrupt = await makeBadInput(join(videos, "cats"), "truncated-mp4");
  return { dir, model, cache: join(dir, "cache"), videos, corrupt, remote: join(remoteDir, "remote.mp4") };
}

/** What a single-process run stored for a video. */
export interface StoredVideo {
  status: VideoStatus | null;
  vector: Float32Array | null;
  clips: ClipRecord[];
}

/** Every video of the store's only space, by content hash. */
export async function readStore(store: EmbeddingStore): Promise<Map<string, StoredVideo>> {
  const [space] = await store.listSpaces();
  const { rows, data, dim } = await store.loadVectors(space.id, { level: "video" });
  const vectors = new Map(rows.map((r, i) => [r.videoId, data.slice(i * dim, (i + 1) * dim)]));
  const out = new Map<string, StoredVideo>();
  for (const v of await store.listVideos(space.id)) {
    const clips = await store.getClips(space.id, v.id);
    out.set(v.contentHash, { status: v.status, vector: vectors.get(v.id) ?? null, clips });
  }
  return out;
}

/**
 * The reference: the same inputs embedded by one process into SQLite, as `vidmae embed` does locally.
 *
 * @example
 * const reference = await referenceRun(fx); // content hash → status, video vector, clips
 */
export async function referenceRun(fx: Fixture): Promise<Map<string, StoredVideo>> {
  const model = await VideoMAE.fromDirectory(fx.model, { cacheDir: fx.cache });
  const store = await SqliteStore.open(join(fx.dir, `reference-${randomBytes(4).toString("hex")}.db`));
  try {
    const embedder = await Embedder.create(model, {
      sampling: { strategy: "clips", clips: 2, frameSampleRate: 2 },
    });
    await embedCollection(store, embedder, [fx.videos, fx.remote], { modelName: fx.model });
    return await readStore(store);
  } finally {
    await store.close();
    await model.release();
  }
}

/**
 * Checks a distributed run stored what the reference did: the same videos, statuses and error messages, clip
 * frame indices, and vectors within 1e-5.
 */
export function assertSameResult(actual: Map<string, StoredVideo>, expected: Map<string, StoredVideo>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), "the same videos");
  for (const [hash, want] of expected) {
    const got = actual.get(hash)!;
    assert.equal(got.status?.status, want.status?.status, hash);
    assert.equal(got.status?.errorCode, want.status?.errorCode, hash);
    assert.equal(got.status?.errorMessage, want.status?.errorMessage, hash);
    assert.equal(got.status?.tooShort, want.status?.tooShort, hash);
    assert.deepEqual(
      got.clips.map((c) => [c.clipIndex, c.crop, c.frameIndices]),
      want.clips.map((c) => [c.clipIndex, c.crop, c.frameIndices]),
    );
    const close = (a: Float32Array | null, b: Float32Array | null, what: string) => {
      assert.equal(a?.length, b?.length, what);
      a?.forEach((x, i) => assert.ok(Math.abs(x - b![i]) <= 1e-5, `${what}[${i}]: ${x} vs ${b![i]}`));
    };
    close(got.vector, want.vector, `${hash} video vector`);
    got.clips.forEach((c, i) => close(c.vector, want.clips[i].vector, `${hash} clip ${i}`));
  }
}

/** A PostgreSQL schema of its own for one run, as a `--db` URL, and how to drop it. */
export interface Schema {
  name: string;
  url: string;
  open(): Promise<PgStore>;
  /** Rows of a table, to check nothing was written twice. */
  count(table: string): Promise<number>;
  drop(): Promise<void>;
}

async function admin<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates a schema and returns the URL that puts a store in it (libpq `options=-c search_path=…`).
 *
 * @example
 * const schema = await newSchema(); after(() => schema.drop());
 */
export async function newSchema(): Promise<Schema> {
  const name = `vidmae_dist_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE SCHEMA ${name}`);
  const url = `${POSTGRES}${POSTGRES!.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${name}`)}`;
  return {
    name,
    url,
    open: () => PgStore.open(url),
    count: async (table) =>
      Number((await admin<{ n: string }>(`SELECT COUNT(*) AS n FROM ${name}.${table}`))[0].n),
    drop: async () => void (await admin(`DROP SCHEMA ${name} CASCADE`)),
  };
}

/** A queue name of its own for one run. */
export function newQueueName(): string {
  return `test-${randomBytes(6).toString("hex")}`;
}

/** A running `vidmae` process: its stdout JSON lines as they come, its stderr, and its end. */
export class CliProcess {
  readonly events: Record<string, unknown>[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: {
    test: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];

  constructor(readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      this.events.push(event);
      for (const w of [...this.waiters])
        if (w.test(event)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(event);
        }
    });
    proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  }

  /**
   * Runs `node dist/cli/main.js …args` (npm test builds dist first).
   *
   * @example
   * const worker = CliProcess.start(["worker", "--queue", REDIS!, "--db", schema.url, "--json"], fx.cache);
   */
  static start(args: string[], graphCache: string): CliProcess {
    const proc = spawn(process.execPath, ["dist/cli/main.js", ...args], {
      cwd: ROOT,
      env: { ...process.env, VIDMAE_CACHE: graphCache },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new CliProcess(proc);
  }

  /** The first event (past or future) that passes `test`; fails after `timeoutMs`. */
  waitFor(
    test: (e: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching event in ${timeoutMs} ms; stderr: ${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** Sends `signal` and waits for the exit. */
  async stop(
    signal: NodeJS.Signals = "SIGTERM",
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

/**
 * Starts `n` workers on a queue and waits until each is ready.
 *
 * @example
 * const workers = await startWorkers(3, fx.cache, REDIS!, schema.url, queueName, ["--lock-ms", "1500"]);
 */
export async function startWorkers(
  n: number,
  graphCache: string,
  redis: string,
  db: string,
  queueName: string,
  extra: string[] = [],
): Promise<CliProcess[]> {
  const workers = Array.from({ length: n }, () =>
    CliProcess.start(
      ["worker", "--queue", redis, "--db", db, "--queue-name", queueName, "--json", ...extra],
      graphCache,
    ),
  );
  await Promise.all(workers.map((w) => w.waitFor((e) => e.type === "ready")));
  return workers;
}

/** A request the {@link MediaServer} holds back. */
export interface HeldRequest {
  userAgent: string;
  /** Answers it (and every later request) normally. */
  release(): void;
}

/**
 * Serves files over HTTP on 127.0.0.1; `hold` makes it keep back the first matching download, so a test can act
 * while a worker is in the middle of that job.
 */
export class MediaServer {
  private holding: {
    test: (req: IncomingMessage) => boolean;
    resolve: (held: HeldRequest) => void;
  } | null = null;
  private readonly server = createServer((req, res) => void this.serve(req, res));
  url = "";

  private constructor(private readonly files: Map<string, string>) {}

  static async start(files: string[]): Promise<MediaServer> {
    const media = new MediaServer(new Map(files.map((f) => [`/${basename(f)}`, f])));
    await new Promise<void>((resolve) => media.server.listen(0, "127.0.0.1", resolve));
    media.url = `http://127.0.0.1:${(media.server.address() as AddressInfo).port}`;
    return media;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = this.files.get(req.url ?? "");
    if (!file) return void res.writeHead(404).end();
    const held = this.holding;
    if (req.method === "GET" && held?.test(req)) {
      this.holding = null;
      await new Promise<void>((release) =>
        held.resolve({ userAgent: req.headers["user-agent"] ?? "", release }),
      );
      if (res.destroyed) return;
    }
    const { size, mtime } = await stat(file);
    res.writeHead(200, { "content-length": size, "last-modified": mtime.toUTCString() });
    if (req.method === "HEAD") return void res.end();
    createReadStream(file).pipe(res);
  }

  /** Resolves when a worker (not the coordinator) starts downloading `name`; the download waits for `release`. */
  hold(name: string): Promise<HeldRequest> {
    return new Promise((resolve) => {
      this.holding = {
        test: (req) => req.url === `/${name}` && /\(worker /.test(req.headers["user-agent"] ?? ""),
        resolve,
      };
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The worker process a `vidmae/x (worker host:pid)` user agent names. */
export function workerPid(userAgent: string): number {
  const m = /\(worker [^)]*:(\d+)\)/.exec(userAgent);
  assert.ok(m, userAgent);
  return Number(m[1]);
}

/** `redis-server` from PATH, or null. */
export function redisServerBinary(): string | null {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : null;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A Redis of the test's own on 127.0.0.1, with an append-only file (as a deployment should run it), that the test
 * can restart on the same port and data.
 */
export class PrivateRedis {
  private proc: ChildProcess | null = null;
  private constructor(
    private readonly binary: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(binary: string): Promise<PrivateRedis> {
    const dir = await mkdtemp(join(tmpdir(), "vidmae-redis-"));
    const redis = new PrivateRedis(binary, dir, await freePort());
    await redis.launch();
    return redis;
  }

  private async launch(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir];
    args.push("--appendonly", "yes", "--save", "", "--daemonize", "no", "--logfile", join(this.dir, "log"));
    this.proc = spawn(this.binary, args, { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, "127.0.0.1", () => (socket.end(), resolve(true)));
        socket.on("error", () => resolve(false));
      });
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Stops Redis as a service manager would (SIGTERM: it writes its append-only file and exits) and starts it again. */
  async restart(downMs = 1000): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.launch();
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise((resolve) => {
      proc.on("exit", resolve);
      proc.kill("SIGTERM");
    });
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
