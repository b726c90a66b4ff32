import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fetchFileMetadata, fetchListing, MAX_INFO_BYTES } from "../../../src/model/hub/api.js";
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

const info = (subject = "model info of org/videomae at revision main"): string =>
  `The hub's reply for ${subject} is not valid: `;

test("fetchListing refuses a reply that is not a listing, in one line naming the field", async () => {
  const refused = async (body: string, detail: string): Promise<void> => {
    await assert.rejects(fetchListing({ ...client, fetch: answering(body) }, "org/videomae", "main"), {
      code: "E_HUB_REPLY",
      message: info() + detail,
    });
  };
  await refused("<html>\n<body>", "body: not JSON");
  await refused("[]", "expected an object");
  await refused('{"sha":"x","siblings":[]}', "sha: expected a commit id (40 hex digits)");
  await refused(`{"sha":"${COMMIT}"}`, "siblings: expected an array");
  const siblings = ["config.json", "a", "b", 7].map((rfilename) => ({ rfilename }));
  await refused(JSON.stringify({ sha: COMMIT, siblings }), "siblings[3].rfilename: expected a string");
});

test("fetchListing refuses a file name that would leave the snapshot", async () => {
  for (const name of ["../../escape", "/etc/passwd", "a/../../b", "a\\b", "a\u0000b", "a//b", "./a", ""]) {
    const body = JSON.stringify({
      sha: COMMIT,
      siblings: [{ rfilename: "config.json" }, { rfilename: name }],
    });
    await assert.rejects(fetchListing({ ...client, fetch: answering(body) }, "org/videomae", "main"), {
      code: "E_HUB_REPLY",
      message: `${info()}siblings[1].rfilename: expected a relative path inside the repo`,
    });
  }
});

test("fetchListing stops reading a reply as soon as it passes MAX_INFO_BYTES", async () => {
  let pulled = 0;
  const endless: typeof fetch = async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        },
      }),
      { status: 200 },
    );
  await assert.rejects(fetchListing({ ...client, fetch: endless }, "org/videomae", "main"), {
    code: "E_HUB_REPLY",
    message: `${info()}body: more than ${MAX_INFO_BYTES} bytes`,
  });
  assert.ok(pulled <= MAX_INFO_BYTES + 4 * 64 * 1024, `read ${pulled} bytes`);
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
  const id = "ab".repeat(20);
  const weak: typeof fetch = async () =>
    new Response(null, { status: 200, headers: { etag: `W/"${id}"`, "content-length": "9" } });
  const meta = await fetchFileMetadata(
    { ...client, fetch: weak },
    { repo: "org/videomae", revision: "main", file: "x" },
    COMMIT,
  );
  assert.equal(meta.etag, id);
  assert.equal(meta.size, 9);
});

test("fetchFileMetadata refuses each header that is missing or could become a path", async () => {
  const target = { repo: "org/videomae", revision: "main", file: "model.safetensors" };
  const lfs = {
    location: "https://cdn.example/blob",
    "x-linked-etag": `"${"c".repeat(64)}"`,
    "x-linked-size": "500",
    "x-repo-commit": COMMIT,
  };
  const cases: Array<[Record<string, string>, string]> = [
    [
      { ...lfs, "x-linked-etag": '"../../../escape"' },
      'X-Linked-Etag: expected a hex digest (40 or 64 hex digits) but got "\\"../../../escape\\""',
    ],
    [
      { ...lfs, "x-linked-etag": "abc123" },
      'X-Linked-Etag: expected a hex digest (40 or 64 hex digits) but got "abc123"',
    ],
    [{ ...lfs, "x-linked-size": "-5" }, 'X-Linked-Size: expected a size in bytes but got "-5"'],
    [{ ...lfs, "x-linked-size": "1e3" }, 'X-Linked-Size: expected a size in bytes but got "1e3"'],
    [
      { ...lfs, location: "file:///etc/passwd" },
      'Location: expected an http(s) URL but got "file:///etc/passwd"',
    ],
    [{ ...lfs, location: "http://[" }, 'Location: expected an http(s) URL but got "http://["'],
    [
      { ...lfs, "x-repo-commit": "../x" },
      'X-Repo-Commit: expected a commit id (40 hex digits) but got "../x"',
    ],
    [{ ...lfs, "x-repo-commit": "d".repeat(40) }, `X-Repo-Commit: expected the commit asked for, ${COMMIT}`],
    [{ etag: `"${"a".repeat(40)}"` }, "Content-Length: missing"],
    [{ "content-length": "5" }, "ETag: missing"],
  ];
  for (const [headers, detail] of cases) {
    const status = "location" in headers ? 302 : 200;
    const reply: typeof fetch = async () => new Response(null, { status, headers });
    await assert.rejects(fetchFileMetadata({ ...client, fetch: reply }, target, COMMIT), {
      code: "E_HUB_REPLY",
      message: info("model.safetensors of org/videomae at revision main") + detail,
    });
  }
});
