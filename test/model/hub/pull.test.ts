import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readlink, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { VidmaeError } from "../../../src/errors.js";
import { isRepoId, pullModel, type PullOptions, type PullProgress } from "../../../src/model/hub/pull.js";
import {
  FAKE_TOKEN,
  fakeCommit,
  gitBlobId,
  sha256,
  startFakeHub,
  type FakeHub,
} from "../../helpers/fake-hub.js";

const MAIN = fakeCommit("main");
const OLD = fakeCommit("old");
const CONFIG = '{"model_type":"videomae"}';
const PREPROCESSOR = '{"image_mean":[0.5,0.5,0.5]}';
const SAFETENSORS = new Uint8Array(3000).map((_, i) => i % 251);
const BIN = new Uint8Array(2000).map((_, i) => i % 13);
const INDEX = JSON.stringify({
  weight_map: {
    a: "model-00001-of-00002.safetensors",
    b: "model-00002-of-00002.safetensors",
    c: "model-00001-of-00002.safetensors",
  },
});

let hub: FakeHub;
let cacheDir: string;

const options = (extra: PullOptions = {}): PullOptions => ({
  endpoint: hub.url,
  cacheDir,
  env: { HF_HOME: cacheDir },
  ...extra,
});
const repoDir = (repo: string): string => join(cacheDir, `models--${repo.replace("/", "--")}`);

before(async () => {
  hub = await startFakeHub({
    "org/videomae": {
      refs: { main: MAIN, v1: OLD },
      commits: {
        [MAIN]: {
          "config.json": CONFIG,
          "preprocessor_config.json": PREPROCESSOR,
          "model.safetensors": SAFETENSORS,
          "pytorch_model.bin": BIN,
          "README.md": "# card",
        },
        [OLD]: { "config.json": CONFIG, "pytorch_model.bin": BIN },
      },
    },
    "org/sharded": {
      refs: { main: MAIN },
      commits: {
        [MAIN]: {
          "config.json": CONFIG,
          "model.safetensors.index.json": INDEX,
          "model-00001-of-00002.safetensors": SAFETENSORS.subarray(0, 1000),
          "model-00002-of-00002.safetensors": SAFETENSORS.subarray(1000),
        },
      },
    },
    "org/broken-index": {
      refs: { main: MAIN },
      commits: { [MAIN]: { "config.json": CONFIG, "model.safetensors.index.json": INDEX } },
    },
    "org/no-config": { refs: { main: MAIN }, commits: { [MAIN]: { "model.safetensors": SAFETENSORS } } },
    "org/no-weights": { refs: { main: MAIN }, commits: { [MAIN]: { "config.json": CONFIG } } },
    "org/private": {
      access: "private",
      refs: { main: MAIN },
      commits: { [MAIN]: { "config.json": CONFIG, "model.safetensors": SAFETENSORS } },
    },
    "org/gated": {
      access: "gated",
      refs: { main: MAIN },
      commits: { [MAIN]: { "config.json": CONFIG, "model.safetensors": SAFETENSORS } },
    },
  });
});
after(() => hub.close());
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "vidmae-pull-"));
  hub.requests.length = 0;
  hub.faults.length = 0;
});
afterEach(() => rm(cacheDir, { recursive: true, force: true }));

/** Runs `fn` and returns the VidmaeError it throws. */
async function failure(fn: () => Promise<unknown>): Promise<VidmaeError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof VidmaeError, `expected a VidmaeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected an error");
}

describe("pullModel layout", () => {
  test("stores config, preprocessor config and safetensors exactly as huggingface_hub does", async () => {
    const result = await pullModel("org/videomae", options());
    const root = repoDir("org/videomae");
    assert.deepEqual(result, {
      dir: join(root, "snapshots", MAIN),
      commit: MAIN,
      files: ["config.json", "preprocessor_config.json", "model.safetensors"],
      downloadedBytes: CONFIG.length + PREPROCESSOR.length + SAFETENSORS.length,
      fromCache: false,
    });
    assert.equal(await readFile(join(root, "refs", "main"), "utf8"), MAIN);
    assert.equal(
      await readlink(join(result.dir, "config.json")),
      `../../blobs/${gitBlobId(Buffer.from(CONFIG))}`,
    );
    assert.equal(await readlink(join(result.dir, "model.safetensors")), `../../blobs/${sha256(SAFETENSORS)}`);
    assert.deepEqual(new Uint8Array(await readFile(join(result.dir, "model.safetensors"))), SAFETENSORS);
    assert.equal(await readFile(join(result.dir, "preprocessor_config.json"), "utf8"), PREPROCESSOR);
    assert.equal(existsSync(join(result.dir, "pytorch_model.bin")), false);
    assert.equal(existsSync(join(result.dir, "README.md")), false);
  });

  test("takes pytorch_model.bin when there is no safetensors, and records the tag in refs/", async () => {
    const result = await pullModel("org/videomae", options({ revision: "v1" }));
    assert.deepEqual(result.files, ["config.json", "pytorch_model.bin"]);
    assert.equal(await readFile(join(repoDir("org/videomae"), "refs", "v1"), "utf8"), OLD);
    assert.deepEqual(new Uint8Array(await readFile(join(result.dir, "pytorch_model.bin"))), BIN);
  });

  test("writes no ref when the revision is a commit", async () => {
    const result = await pullModel("org/videomae", options({ revision: OLD }));
    assert.equal(result.commit, OLD);
    assert.equal(existsSync(join(repoDir("org/videomae"), "refs")), false);
  });

  test("fetches a sharded index and each shard it names once", async () => {
    const result = await pullModel("org/sharded", options());
    assert.deepEqual(result.files, [
      "config.json",
      "model.safetensors.index.json",
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]);
    assert.deepEqual(
      new Uint8Array(await readFile(join(result.dir, "model-00002-of-00002.safetensors"))),
      SAFETENSORS.subarray(1000),
    );
    assert.equal(hub.requests.filter((r) => r.method === "GET" && r.path.startsWith("/cdn/")).length, 2);
  });
});

describe("pullModel cache reuse", () => {
  test("a second pull makes one listing request and downloads nothing", async () => {
    await pullModel("org/videomae", options());
    hub.requests.length = 0;
    const second = await pullModel("org/videomae", options());
    assert.equal(second.downloadedBytes, 0);
    assert.deepEqual(
      hub.requests.map((r) => `${r.method} ${r.path}`),
      ["GET /api/models/org/videomae/revision/main"],
    );
  });

  test("links a blob the cache already holds without downloading it again", async () => {
    await pullModel("org/videomae", options({ revision: "v1" }));
    hub.requests.length = 0;
    const result = await pullModel("org/videomae", options()); // same config.json blob, new commit
    assert.equal(result.downloadedBytes, PREPROCESSOR.length + SAFETENSORS.length);
    assert.equal(hub.requests.filter((r) => r.method === "GET" && r.path.endsWith("/config.json")).length, 0);
  });

  test("reports progress per file and overall, ending at the total", async () => {
    const events: PullProgress[] = [];
    await pullModel("org/videomae", options({ onProgress: (e) => events.push({ ...e }) }));
    const total = CONFIG.length + PREPROCESSOR.length + SAFETENSORS.length;
    assert.ok(events.every((e) => e.total === total && e.fileBytes <= e.fileTotal));
    assert.deepEqual(events.at(-1), {
      file: "model.safetensors",
      fileBytes: SAFETENSORS.length,
      fileTotal: SAFETENSORS.length,
      bytes: total,
      total,
    });
    assert.deepEqual(
      [...new Set(events.map((e) => e.file))],
      ["config.json", "preprocessor_config.json", "model.safetensors"],
    );
    assert.ok(events.every((e, i) => i === 0 || e.bytes >= events[i - 1].bytes));
  });
});

describe("pullModel offline and unreachable hub", () => {
  const noNetwork: typeof fetch = () => assert.fail("offline mode must not fetch");

  test("offline mode answers from the cache without any request", async () => {
    const online = await pullModel("org/videomae", options());
    const offline = await pullModel(
      "org/videomae",
      options({ fetch: noNetwork, env: { HF_HUB_OFFLINE: "1" } }),
    );
    assert.deepEqual(offline, { ...online, downloadedBytes: 0, fromCache: true });
  });

  test("offline mode names the repo, revision and cache when they are missing", async () => {
    const error = await failure(() =>
      pullModel("org/videomae", options({ offline: true, revision: "v1", fetch: noNetwork })),
    );
    assert.equal(error.code, "E_HUB_OFFLINE");
    assert.equal(
      error.message,
      `org/videomae at revision v1 is not in the Hugging Face cache ${cacheDir}, and offline mode (HF_HUB_OFFLINE) forbids downloading it. Run \`npx vidmae pull org/videomae --revision v1\` while online.`,
    );
  });

  test("offline mode does not accept a snapshot missing its weights", async () => {
    await pullModel("org/videomae", options());
    await rm(join(repoDir("org/videomae"), "blobs", sha256(SAFETENSORS)));
    const error = await failure(() => pullModel("org/videomae", options({ offline: true })));
    assert.equal(error.code, "E_HUB_OFFLINE");
  });

  test("a shard index past 16 MiB in the cache is refused before it is read", async () => {
    const dir = join(repoDir("org/sharded"), "snapshots", MAIN);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "config.json"), CONFIG);
    const index = join(dir, "model.safetensors.index.json");
    await writeFile(index, "");
    await truncate(index, 16 * 1024 * 1024 + 1); // sparse: no 16 MiB written
    const error = await failure(() => pullModel("org/sharded", options({ offline: true, revision: MAIN })));
    assert.equal(error.code, "E_CHECKPOINT");
    assert.equal(
      error.message,
      `${index} is ${16 * 1024 * 1024 + 1} bytes; a shard index is at most 16777216`,
    );
  });

  test("falls back to the cache when the hub cannot be reached", async () => {
    await pullModel("org/videomae", options());
    const down = await startFakeHub({});
    await down.close();
    const result = await pullModel("org/videomae", options({ endpoint: down.url }));
    assert.equal(result.fromCache, true);
    assert.equal(result.commit, MAIN);
  });

  test("connection refused with an empty cache is E_HUB_NETWORK naming the endpoint", async () => {
    const down = await startFakeHub({});
    await down.close();
    const error = await failure(() => pullModel("org/videomae", options({ endpoint: down.url })));
    const hostPort = down.url.slice("http://".length);
    assert.equal(error.code, "E_HUB_NETWORK");
    assert.equal(
      error.message,
      `Cannot reach the Hugging Face hub at ${down.url} (connect ECONNREFUSED ${hostPort}) to fetch org/videomae at revision main. Check the network connection and HF_ENDPOINT. It is not in the cache ${cacheDir} either.`,
    );
    assert.ok(error.cause instanceof TypeError);
  });
});

describe("pullModel errors", () => {
  const authAdvice = (repo: string): string =>
    `for a gated model, also accept its licence on ${hub.url}/${repo}.`;

  test("a private repo without a token is E_HUB_AUTH asking for HF_TOKEN", async () => {
    const error = await failure(() => pullModel("org/private", options()));
    assert.equal(error.code, "E_HUB_AUTH");
    assert.equal(
      error.message,
      `Cannot access org/private on ${hub.url} (HTTP 401): the repository is gated or private (or does not exist) and no token was given. Set HF_TOKEN to a token with read access; ${authAdvice("org/private")}`,
    );
  });

  test("a private repo downloads with the token, sent as a bearer header", async () => {
    const result = await pullModel(
      "org/private",
      options({ env: { HF_HOME: cacheDir, HF_TOKEN: FAKE_TOKEN } }),
    );
    assert.equal(result.files.length, 2);
    assert.ok(
      hub.requests
        .filter((r) => r.server === "hub" && !r.path.startsWith("/cdn/"))
        .every((r) => r.headers.authorization === `Bearer ${FAKE_TOKEN}`),
    );
  });

  test("a gated repo with a token lacking access is E_HUB_AUTH naming the token", async () => {
    const error = await failure(() => pullModel("org/gated", options({ token: "hf_wrong" })));
    assert.equal(error.code, "E_HUB_AUTH");
    assert.equal(
      error.message,
      `Cannot access org/gated on ${hub.url} (HTTP 403): the repository is gated or private (or does not exist) and the token given does not grant access. Check that HF_TOKEN has read access to it; ${authAdvice("org/gated")}`,
    );
  });

  test("404s say whether the repo, the revision or the file is missing", async () => {
    const repo = await failure(() => pullModel("org/nope", options()));
    assert.equal(repo.code, "E_HUB_NOT_FOUND");
    assert.equal(repo.message, `Repository org/nope not found on ${hub.url}.`);
    const revision = await failure(() => pullModel("org/videomae", options({ revision: "v9" })));
    assert.equal(revision.code, "E_HUB_NOT_FOUND");
    assert.equal(revision.message, `Revision v9 not found in org/videomae on ${hub.url}.`);
    const file = await failure(() => pullModel("org/broken-index", options()));
    assert.equal(file.code, "E_HUB_NOT_FOUND");
    assert.equal(
      file.message,
      `File model-00001-of-00002.safetensors not found in org/broken-index at revision main on ${hub.url}.`,
    );
  });

  test("a repo without config.json or weights is not a checkpoint", async () => {
    const noConfig = await failure(() => pullModel("org/no-config", options()));
    assert.equal(noConfig.code, "E_HUB_NOT_FOUND");
    assert.equal(
      noConfig.message,
      `org/no-config at revision main on ${hub.url} has no config.json, so it is not a model checkpoint.`,
    );
    const noWeights = await failure(() => pullModel("org/no-weights", options()));
    assert.equal(
      noWeights.message,
      `org/no-weights at revision main on ${hub.url} has no weights (model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json), so it is not a model checkpoint.`,
    );
  });

  test("rejects a malformed repo id or an escaping revision", async () => {
    const repo = await failure(() => pullModel("not a repo", options()));
    assert.equal(repo.code, "E_INVALID_ARGUMENT");
    assert.equal(
      repo.message,
      'Expected a Hugging Face repo id (org/name) for repo but received "not a repo" of type string',
    );
    const revision = await failure(() => pullModel("org/videomae", options({ revision: "../../x" })));
    assert.equal(
      revision.message,
      'Expected a branch, tag or commit for revision but received "../../x" of type string',
    );
  });
});

test("isRepoId accepts org/name as huggingface_hub does", () => {
  for (const ok of ["MCG-NJU/videomae-base", "a/b", "org_1/name.v2"]) assert.equal(isRepoId(ok), true, ok);
  for (const bad of ["name", "a/b/c", "./a", "a/b-", "a--b/c", "a/b..c", "/a", `a/${"x".repeat(95)}`]) {
    assert.equal(isRepoId(bad), false, bad);
  }
});
