import assert from "node:assert/strict";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "../../src/store/sqlite.js";
import { makeVideo } from "../helpers/synthetic-videos.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KEY = "serve-test-key";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "vidmae-serve-"));
  await writeTinyCheckpoint(join(dir, "model"), { kind: "classification", labels: ["a", "b", "c"] });
  await makeVideo(join(dir), { name: "clip.mp4", frames: 12 });
});
after(() => rm(dir, { recursive: true, force: true }));

/** Starts `vidmae serve` and resolves with its URL once it listens. */
function serve(args: string[]): {
  child: ChildProcess;
  url: Promise<string>;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "test/server/serve-cli.ts", "serve", ...args], {
    cwd: ROOT,
    env: { ...process.env, VIDMAE_API_KEY: KEY, VIDMAE_LOG_LEVEL: "warn", VIDMAE_CACHE: join(dir, "cache") },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving (http:\/\/\S+?)\/ /.exec(stderr);
      if (match) resolve(match[1]);
    });
    void exit.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  url.catch(() => {}); // Tests of failing starts await `exit` instead.
  return { child, url, stderr: () => stderr, exit };
}

describe("vidmae serve", () => {
  test(
    "serves until SIGTERM, finishing the request in flight, and exits 0",
    { timeout: 60_000 },
    async () => {
      const db = join(dir, "vidmae.db");
      const server = serve([
        "--db",
        db,
        "--model",
        join(dir, "model"),
        "--port",
        "0",
        "--allow-root",
        dir,
        "--tmp-dir",
        join(dir, "tmp"),
      ]);
      try {
        const url = await server.url;
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
        assert.equal((await fetch(`${url}/v1/videos`)).status, 401, "the key comes from $VIDMAE_API_KEY");
        const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
        const inFlight = fetch(`${url}/v1/embed`, {
          method: "POST",
          headers,
          body: JSON.stringify({ path: "clip.mp4", store: true }),
        });
        // Signal once the request is being processed (its job holds the queue).
        const deadline = Date.now() + 10_000;
        const running = async () =>
          ((await (await fetch(`${url}/healthz`)).json()) as { queue: { running: number } }).queue.running;
        while ((await running()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        server.child.kill("SIGTERM");
        const res = await inFlight;
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal(((await res.json()) as { stored: boolean }).stored, true);
        assert.equal(await server.exit, 0, server.stderr());
        assert.match(server.stderr(), /SIGTERM: finishing requests in flight/);
        assert.match(server.stderr(), /vidmae: stopped/);
        await assert.rejects(fetch(`${url}/healthz`));
      } finally {
        server.child.kill("SIGKILL");
      }
      const store = await SqliteStore.open(db);
      try {
        const [space] = await store.listSpaces();
        assert.deepEqual(await store.counts(space.id), { videos: 1, ok: 1, failed: 0, pending: 0, clips: 1 });
      } finally {
        await store.close();
      }
      assert.deepEqual(await readdir(join(dir, "tmp")), []);
    },
  );

  test("bad flags and a bad root fail at start with one line", async () => {
    const port = serve(["--db", join(dir, "x.db"), "--model", join(dir, "model"), "--port", "99999"]);
    assert.equal(await port.exit, 1);
    assert.equal(
      port.stderr(),
      'vidmae: Expected integer from 0 to 65535 for --port but received "99999" of type string\n',
    );
    const root = serve([
      "--db",
      join(dir, "x.db"),
      "--model",
      join(dir, "model"),
      "--port",
      "0",
      "--allow-root",
      join(dir, "nope"),
    ]);
    assert.equal(await root.exit, 1);
    assert.match(root.stderr(), /^vidmae: Allowed root .*nope cannot be opened: ENOENT/m);
  });
});
