import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { SqliteStore } from "../../src/store/sqlite.js";
import { CRASH_BATCH, CRASH_CLIPS, CRASH_SPEC, crashVector } from "./crash-fixture.js";
import { tempDir } from "./helpers.js";

const WRITER = fileURLToPath(new URL("./crash-writer.ts", import.meta.url));

/** Runs the writer until it has printed `commits` more commits, kills it with SIGKILL, returns the batches it printed. */
function runAndKill(path: string, commits: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, path], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split("\n").length > commits) child.kill("SIGKILL");
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer exited on its own: ${err}`));
      else resolve([...out.matchAll(/^committed (\d+)$/gm)].map((m) => Number(m[1])));
    });
  });
}

/** Checks the file like a fresh process would, and returns the video numbers stored with status ok. */
async function checkStore(path: string): Promise<number[]> {
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  assert.deepEqual(db.pragma("foreign_key_check"), []);
  const incomplete = db
    .prepare(
      `SELECT v.id, s.status,
        (SELECT COUNT(*) FROM clip_embeddings c WHERE c.space_id = s.space_id AND c.video_id = v.id) AS clips,
        (SELECT COUNT(*) FROM video_embeddings e WHERE e.space_id = s.space_id AND e.video_id = v.id) AS vectors
      FROM videos v JOIN video_status s ON s.video_id = v.id
      WHERE NOT (s.status = 'ok' AND clips = ? AND vectors = 1)`,
    )
    .all(CRASH_CLIPS);
  assert.deepEqual(incomplete, [], "every ok video has all its clips and its vector");
  assert.equal(
    db
      .prepare(
        "SELECT COUNT(*) FROM clip_embeddings c LEFT JOIN video_status s USING (space_id, video_id) WHERE s.status IS NOT 'ok'",
      )
      .pluck()
      .get(),
    0,
    "no clips without an ok status",
  );
  db.close();

  const store = await SqliteStore.open(path);
  const space = await store.ensureSpace(CRASH_SPEC);
  const { dim, data, rows } = await store.loadVectors(space.id, { level: "video" });
  const numbers = rows.map((r) => Number(/v\/(\d+)\.mp4/.exec(r.path)![1]));
  numbers.forEach((n, i) => assert.deepEqual(data.subarray(i * dim, (i + 1) * dim), crashVector(n, -1)));
  await store.close();
  return numbers.sort((a, b) => a - b);
}

describe("crash safety", () => {
  it("survives kill -9 mid-write, losing at most the batch in flight, and resumes", async () => {
    const path = join(tempDir(), "crash.db");
    let stored: number[] = [];
    for (const round of [1, 2]) {
      const printed = await runAndKill(path, 4);
      assert.ok(printed.length >= 4, `round ${round} printed ${printed.length} commits`);
      const before = stored.length;
      stored = await checkStore(path);
      const last = printed[printed.length - 1];
      // Whole batches only: everything printed is there, plus at most the batch that committed before its print.
      const complete = (last + 1) * CRASH_BATCH;
      assert.ok(
        stored.length === complete || stored.length === complete + CRASH_BATCH,
        `round ${round}: ${stored.length} stored`,
      );
      assert.deepEqual(
        stored,
        Array.from({ length: stored.length }, (_, i) => i),
        "no gaps, no duplicates",
      );
      assert.ok(stored.length > before, "the rerun went on where the first stopped");
      if (round === 2) assert.ok(printed[0] >= before / CRASH_BATCH, "the rerun skipped stored batches");
    }
  });
});
