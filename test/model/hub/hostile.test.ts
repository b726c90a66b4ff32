/**
 * A hub (or CDN) that lies: crafted headers, listings and bodies, each refused with one E_HUB_REPLY line, and
 * nothing written outside `models--*` in HF_HOME, no token sent off the hub's origin, no unbounded read.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { VidmaeError } from "../../../src/errors.js";
import { pullModel, type PullOptions } from "../../../src/model/hub/pull.js";
import {
  FAKE_TOKEN,
  fakeCommit,
  gitBlobId,
  sha256,
  startFakeHub,
  type FakeFault,
  type FakeHub,
} from "../../helpers/fake-hub.js";

const MAIN = fakeCommit("main");
const CONFIG = '{"model_type":"videomae"}';
const WEIGHTS = new Uint8Array(1024).map((_, i) => i % 241);
const files = { "config.json": CONFIG, "model.safetensors": WEIGHTS };

let hub: FakeHub;
let home: string;

before(async () => {
  hub = await startFakeHub(
    {
      "org/videomae": { access: "private", refs: { main: MAIN }, commits: { [MAIN]: files } },
      "org/escape": {
        refs: { main: MAIN },
        commits: { [MAIN]: files },
        info: JSON.stringify({
          sha: MAIN,
          siblings: [{ rfilename: "config.json" }, { rfilename: "../../../../escape" }],
        }),
      },
      "org/bad-commit": {
        refs: { main: MAIN },
        commits: { [MAIN]: files },
        info: '{"sha":"../../x","siblings":[]}',
      },
    },
    { cdn: "other-host" },
  );
});
after(() => hub.close());
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "vidmae-hostile-"));
  hub.requests.length = 0;
  hub.faults.length = 0;
});
afterEach(() => rm(home, { recursive: true, force: true }));

/** Every path under HF_HOME (and its parent's entries), relative to the parent, sorted. */
async function listing(): Promise<string[]> {
  const parent = join(home, "..");
  const found: string[] = [];
  for (const entry of await readdir(home, { recursive: true })) found.push(join(home, entry));
  return found.map((path) => relative(parent, path)).sort();
}

/** Pulls with HF_HOME as the only setting, as a user would; the token reaches private repos. */
const pull = (repo: string, extra: PullOptions = {}): Promise<unknown> =>
  pullModel(repo, {
    endpoint: hub.url,
    env: { HF_HOME: home, HF_TOKEN: FAKE_TOKEN },
    timeoutMs: 2000,
    ...extra,
  });

async function failure(fn: () => Promise<unknown>): Promise<VidmaeError> {
  const error = await fn().then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof VidmaeError, String(error));
  return error;
}

const refusal = (file: string, detail: string): string =>
  `The hub's reply for ${file} of org/videomae at revision main is not valid: ${detail}`;

test("hostile headers and listings are refused and HF_HOME holds nothing new outside models--*", async () => {
  const weights = "model.safetensors";
  const attacks: Array<{ repo?: string; fault?: FakeFault; code?: string; message: string }> = [
    {
      fault: { file: weights, kind: "headers", headers: { "x-linked-etag": '"../../../../escape"' } },
      message: refusal(
        weights,
        'X-Linked-Etag: expected a hex digest (40 or 64 hex digits) but got "\\"../../../../escape\\""',
      ),
    },
    {
      fault: { file: "config.json", kind: "headers", headers: { etag: '"../../../escape"' } },
      message: refusal(
        "config.json",
        'ETag: expected a hex digest (40 or 64 hex digits) but got "\\"../../../escape\\""',
      ),
    },
    {
      fault: { file: weights, kind: "headers", headers: { location: "file:///etc/passwd" } },
      message: refusal(weights, 'Location: expected an http(s) URL but got "file:///etc/passwd"'),
    },
    {
      fault: { file: "config.json", kind: "headers", headers: { "x-repo-commit": "../../../x" } },
      message: refusal(
        "config.json",
        'X-Repo-Commit: expected a commit id (40 hex digits) but got "../../../x"',
      ),
    },
    {
      repo: "org/escape",
      message:
        "The hub's reply for model info of org/escape at revision main is not valid: siblings[1].rfilename: expected a relative path inside the repo",
    },
    {
      repo: "org/bad-commit",
      message:
        "The hub's reply for model info of org/bad-commit at revision main is not valid: sha: expected a commit id (40 hex digits)",
    },
  ];
  for (const attack of attacks) {
    const before = await listing();
    if (attack.fault) hub.faults.push(attack.fault);
    const error = await failure(() => pull(attack.repo ?? "org/videomae"));
    assert.equal(error.code, "E_HUB_REPLY");
    assert.equal(error.message, attack.message);
    const added = (await listing()).filter((path) => !before.includes(path));
    const base = relative(join(home, ".."), home);
    for (const path of added) assert.match(path, new RegExp(`^${base}/hub(/models--[^/]+(/.*)?)?$`), path);
    assert.equal(existsSync(join(home, "..", "escape")), false);
    assert.equal(existsSync(join(home, "escape")), false);
  }
  assert.equal(hub.faults.length, 0, "every attack was served");
});

test("the token goes to the hub's origin only, never to the CDN the weights come from", async () => {
  await pull("org/videomae");
  const cdn = hub.requests.filter((r) => r.server === "cdn");
  assert.deepEqual(
    cdn.map((r) => [r.method, r.headers.authorization]),
    [["GET", undefined]],
  );
  const own = hub.requests.filter((r) => r.server === "hub");
  assert.ok(own.length >= 3);
  assert.ok(own.every((r) => r.headers.authorization === `Bearer ${FAKE_TOKEN}`));
});

test("a body of 8 MiB for a 1 KiB file is cut off after the announced size and leaves nothing behind", async () => {
  let read = 0;
  const counting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), response);
  };
  hub.faults.push({ file: "model.safetensors", kind: "oversize", bytes: 8 * 1024 * 1024 });
  const started = Date.now();
  const error = await failure(() => pull("org/videomae", { fetch: counting }));
  assert.equal(error.code, "E_HUB_REPLY");
  assert.equal(
    error.message,
    refusal("model.safetensors", `body: longer than the ${WEIGHTS.length} bytes the hub announced`),
  );
  assert.ok(read < WEIGHTS.length + 512 * 1024, `read ${read} bytes`);
  assert.ok(Date.now() - started < 2000);
  await assertNoWeights();
});

test("weights whose sha256 is not their ETag leave no blob, no .incomplete and no snapshot link", async () => {
  const corrupt: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).includes("/cdn/")) return response;
    const bytes = new Uint8Array(await response.arrayBuffer());
    bytes[7] ^= 0x01;
    return new Response(bytes, response);
  };
  const error = await failure(() => pull("org/videomae", { fetch: corrupt }));
  assert.equal(error.code, "E_HUB_REPLY");
  assert.match(
    error.message,
    /^The hub's reply for model\.safetensors of org\/videomae at revision main is not valid: body: sha256 [0-9a-f]{64} differs from the ETag [0-9a-f]{64}$/,
  );
  await assertNoWeights();
});

/** The weights blob, its partial download and its snapshot link are all absent; config.json's blob stays. */
async function assertNoWeights(): Promise<void> {
  const root = join(home, "hub", "models--org--videomae");
  const blob = join(root, "blobs", sha256(WEIGHTS));
  assert.equal(existsSync(blob), false);
  assert.equal(existsSync(`${blob}.incomplete`), false);
  assert.equal(existsSync(join(root, "snapshots", MAIN, "model.safetensors")), false);
  assert.deepEqual(await readdir(join(root, "blobs")), [gitBlobId(Buffer.from(CONFIG))]);
}

test("an endpoint or revision that is not one is refused before any request", async () => {
  const endpoint = await failure(() =>
    pullModel("org/videomae", { env: { HF_HOME: home, HF_ENDPOINT: "file:///etc" } }),
  );
  assert.equal(endpoint.code, "E_INVALID_ARGUMENT");
  assert.equal(
    endpoint.message,
    'Expected an http(s) URL for HF_ENDPOINT but received "file:///etc" of type string',
  );
  const revision = await failure(() => pull("org/videomae", { revision: "main\u0000x" }));
  assert.equal(
    revision.message,
    'Expected a branch, tag or commit for revision but received "main\\u0000x" of type string',
  );
  assert.deepEqual(hub.requests, []);
});
