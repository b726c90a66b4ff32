import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fetchFileMetadata, fetchListing } from "../../../src/model/hub/api.js";
import type { HubClient } from "../../../src/model/hub/http.js";
import { fakeCommit, gitBlobId, sha256, startFakeHub, type FakeHub } from "../../helpers/fake-hub.js";

const COMMIT = fakeCommit("main");
const WEIGHTS = new Uint8Array(500).fill(7);

let hub: FakeHub;
let client: HubClient;

before(async () => {
  hub = await startFakeHub(
    {
      "org/videomae": {
        refs: { main: COMMIT, "refs/pr/1": COMMIT },
        commits: { [COMMIT]: { "config.json": "{}", "sub dir/model.safetensors": WEIGHTS } },
      },
    },
    { cdn: "other-host" },
  );
  client = { endpoint: hub.url, fetch, timeoutMs: 2000 };
});
after(() => hub.close());

/** A fetch that answers every request with `body`. */
const answering =
  (body: string): typeof fetch =>
  async () =>
    new Response(body, { status: 200 });

test("fetchListing returns the commit and file names, with the revision escaped in the URL", async () => {
  hub.requests.length = 0;
  assert.deepEqual(await fetchListing(client, "org/videomae", "refs/pr/1"), {
    commit: COMMIT,
    files: ["config.json", "sub dir/model.safetensors"],
  });
  assert.equal(hub.requests[0].path, "/api/models/org/videomae/revision/refs%2Fpr%2F1");
});

test("fetchListing rejects an answer that is not a listing", async () => {
  await assert.rejects(fetchListing({ ...client, fetch: answering("<html>") }, "org/videomae", "main"), {
    code: "E_HUB_NETWORK",
    message:
      /^The Hugging Face hub at http:\/\/127\.0\.0\.1:\d+ sent an unexpected answer for org\/videomae at revision main: .*JSON/,
  });
  await assert.rejects(
    fetchListing({ ...client, fetch: answering('{"sha":"x","siblings":[]}') }, "org/videomae", "main"),
    {
      code: "E_HUB_NETWORK",
      message: /unexpected answer for org\/videomae at revision main: .*\n.*→ at sha$/,
    },
  );
});

test("fetchFileMetadata reads a plain file's git etag and size from the resolve URL", async () => {
  const target = { repo: "org/videomae", revision: "main", file: "config.json" };
  const meta = await fetchFileMetadata(client, target, COMMIT);
  assert.deepEqual(meta, {
    etag: gitBlobId(Buffer.from("{}")),
    size: 2,
    url: new URL(`${hub.url}/org/videomae/resolve/${COMMIT}/config.json`),
  });
});

test("fetchFileMetadata reads an LFS file's sha256 and size from the redirect and points at the CDN", async () => {
  const target = { repo: "org/videomae", revision: "main", file: "sub dir/model.safetensors" };
  hub.requests.length = 0;
  const meta = await fetchFileMetadata(client, target, COMMIT);
  assert.equal(meta.etag, sha256(WEIGHTS));
  assert.equal(meta.size, WEIGHTS.length);
  assert.match(meta.url.pathname, new RegExp(`^/cdn/${meta.etag}/`));
  assert.notEqual(meta.url.origin, hub.url);
  assert.deepEqual(
    hub.requests.map((r) => `${r.server} ${r.method} ${r.path}`),
    [`hub HEAD /org/videomae/resolve/${COMMIT}/sub%20dir/model.safetensors`],
  );
});

test("fetchFileMetadata strips a weak etag's W/ and quotes, as huggingface_hub does", async () => {
  const weak: typeof fetch = async () =>
    new Response(null, { status: 200, headers: { etag: 'W/"abc123"', "content-length": "9" } });
  const meta = await fetchFileMetadata(
    { ...client, fetch: weak },
    { repo: "org/videomae", revision: "main", file: "x" },
    COMMIT,
  );
  assert.equal(meta.etag, "abc123");
  assert.equal(meta.size, 9);
});

test("fetchFileMetadata rejects an answer without an etag", async () => {
  await assert.rejects(
    fetchFileMetadata(
      { ...client, fetch: answering("") },
      { repo: "org/videomae", revision: "main", file: "x" },
      COMMIT,
    ),
    {
      code: "E_HUB_NETWORK",
      message: `The Hugging Face hub at ${hub.url} sent an unexpected answer for x of org/videomae at revision main: no ETag or size header`,
    },
  );
});
