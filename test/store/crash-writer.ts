/**
 * Child process of crash.test.ts, behaving like a resumable embedding run: skips videos already stored, then
 * saves batch after batch (one transaction each), printing "committed <batch>" after each, until it is killed.
 * Usage: node --import tsx crash-writer.ts <db>
 */
import { SqliteStore } from "../../src/store/sqlite.js";
import { CRASH_BATCH, CRASH_SPEC, crashEmbeddings, crashFile } from "./crash-fixture.js";

const store = await SqliteStore.open(process.argv[2]);
const space = await store.ensureSpace(CRASH_SPEC);
const done = new Set((await store.listVideos(space.id, { status: "ok" })).map((v) => v.contentHash));
for (let b = 0; ; b++) {
  const numbers = Array.from({ length: CRASH_BATCH }, (_, k) => b * CRASH_BATCH + k);
  const todo = numbers.filter((n) => !done.has(crashFile(n).contentHash));
  if (todo.length === 0) continue;
  const videos = await store.upsertVideos(todo.map(crashFile));
  await store.saveEmbeddings(
    space.id,
    videos.map((v, k) => crashEmbeddings(v.id, todo[k])),
  );
  process.stdout.write(`committed ${b}\n`);
}
