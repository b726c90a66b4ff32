import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { VidmaeError } from "../../../src/errors.js";
import { fetchFileMetadata, type FileMetadata } from "../../../src/model/hub/api.js";
import { downloadBlob, type BlobJob } from "../../../src/model/hub/download.js";
import type { HubClient } from "../../../src/model/hub/http.js";
import { pullModel } from "../../../src/model/hub/pull.js";
import { fakeCommit, sha256, startFakeHub, type FakeHub } from "../../helpers/fake-hub.js";

const COMMIT = fakeCommit("main");
const WEIGHTS = new Uint8Array(64 * 1024).map((_, i) => (i * 7) % 256);
const target = { repo: "org/videomae", revision: "main", file: "model.safetensors" };

let hub: FakeHub;
let dir: string;
let client: HubClient;
let meta: FileMetadata;

before(async () => {
  hub = await startFakeHub(
    {
      "org/videomae": {
        refs: { main: COMMIT },
        commits: { [COMMIT]: { "config.json": "{}", "model.safetensors": WEIGHTS } },
      },
    },
    { cdn: "other-host" },
  );
});
after(() => hub.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vidmae-download-"));
  client = { endpoint: hub.url, fetch, timeoutMs: 2000 };
  meta = await fetchFileMetadata(client, target, COMMIT);
  hub.requests.length = 0;
  hub.faults.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const job = (onBytes: (n: number) => void = () => {}): BlobJob => ({
  target,
  meta,
  blobPath: join(dir, "blobs", meta.etag),
  onBytes,
});
const cdnGets = (): string[] =>
  hub.requests.filter((r) => r.server === "cdn" && r.method === "GET").map((r) => r.headers.range ?? "");

async function failure(fn: () => Promise<unknown>): Promise<VidmaeError> {
  const error = await fn().then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof VidmaeError);
  return error;
}

test("resumes with a Range request after the connection drops mid-file", async () => {
  hub.faults.push({ file: "model.safetensors", kind: "drop", afterBytes: 10_000 });
  const seen: number[] = [];
  const transferred = await downloadBlob(
    client,
    job((n) => seen.push(n)),
  );
  assert.deepEqual(cdnGets(), ["", "bytes=10000-"]);
  assert.equal(transferred, WEIGHTS.length);
  assert.deepEqual(new Uint8Array(await readFile(job().blobPath)), WEIGHTS);
  assert.equal(existsSync(`${job().blobPath}.incomplete`), false);
  assert.equal(seen.at(-1), WEIGHTS.length);
});

test("keeps the partial file when every attempt fails, and the next pull resumes it", async () => {
  hub.faults.push({ file: "model.safetensors", kind: "drop", afterBytes: 1000, times: 5 });
  const cacheDir = join(dir, "cache");
  const partial = join(cacheDir, "models--org--videomae", "blobs", `${meta.etag}.incomplete`);
  const error = await failure(() =>
    pullModel("org/videomae", { endpoint: hub.url, cacheDir, env: { HF_HOME: dir } }),
  );
  assert.equal(error.code, "E_HUB_NETWORK");
  assert.equal(
    error.message,
    `Cannot reach the Hugging Face hub at ${hub.url} (other side closed) to fetch model.safetensors of org/videomae at revision main. Check the network connection and HF_ENDPOINT. The partial download is kept in ${partial} and resumes on the next pull.`,
  );
  assert.equal((await stat(partial)).size, 5000);
  hub.requests.length = 0;
  const result = await pullModel("org/videomae", { endpoint: hub.url, cacheDir, env: { HF_HOME: dir } });
  assert.deepEqual(cdnGets(), ["bytes=5000-"]);
  assert.equal(result.downloadedBytes, WEIGHTS.length - 5000);
  assert.deepEqual(new Uint8Array(await readFile(join(result.dir, "model.safetensors"))), WEIGHTS);
});

test("a stalled body times out and the next attempt succeeds", async () => {
  hub.faults.push({ file: "model.safetensors", kind: "stall" });
  await downloadBlob({ ...client, timeoutMs: 100 }, job());
  assert.equal(cdnGets().length, 2);
  assert.deepEqual(new Uint8Array(await readFile(job().blobPath)), WEIGHTS);
});

test("a body whose sha256 is not the etag is removed and reported", async () => {
  const corrupt: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).includes("/cdn/")) return response;
    const bytes = new Uint8Array(await response.arrayBuffer());
    bytes[0] ^= 0xff;
    return new Response(bytes, { status: response.status, headers: response.headers });
  };
  const error = await failure(() => downloadBlob({ ...client, fetch: corrupt }, job()));
  assert.equal(error.code, "E_HUB_REPLY");
  assert.match(
    error.message,
    /^The hub's reply for model\.safetensors of org\/videomae at revision main is not valid: body: sha256 [0-9a-f]{64} differs from the ETag [0-9a-f]{64}$/,
  );
  assert.equal(existsSync(`${job().blobPath}.incomplete`), false);
  assert.equal(existsSync(job().blobPath), false);
});

test("an .incomplete file longer than the blob is discarded, one of the right length is only verified", async () => {
  await mkdir(join(dir, "blobs"), { recursive: true });
  await writeFile(`${job().blobPath}.incomplete`, new Uint8Array(WEIGHTS.length + 1));
  await downloadBlob(client, job());
  assert.deepEqual(cdnGets(), [""]);
  await rm(job().blobPath);
  await writeFile(`${job().blobPath}.incomplete`, WEIGHTS);
  hub.requests.length = 0;
  assert.equal(await downloadBlob(client, job()), 0);
  assert.deepEqual(cdnGets(), []);
  assert.equal(sha256(await readFile(job().blobPath)), meta.etag);
});
