import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { VidmaeError } from "../../../src/errors.js";
import { hubRequest, networkError, StallTimer, type HubClient } from "../../../src/model/hub/http.js";
import { FAKE_TOKEN, fakeCommit, startFakeHub, type FakeHub } from "../../helpers/fake-hub.js";

const COMMIT = fakeCommit("main");
const target = { repo: "org/videomae", revision: "main", file: "model.safetensors" };
const files = { "config.json": "{}", "model.safetensors": new Uint8Array(100) };

let sameHost: FakeHub;
let otherHost: FakeHub;

before(async () => {
  const repos = { "org/videomae": { refs: { main: COMMIT }, commits: { [COMMIT]: files } } };
  sameHost = await startFakeHub(repos);
  otherHost = await startFakeHub(repos, { cdn: "other-host" });
});
after(async () => {
  await sameHost.close();
  await otherHost.close();
});

const client = (hub: FakeHub): HubClient => ({
  endpoint: hub.url,
  token: FAKE_TOKEN,
  fetch,
  timeoutMs: 2000,
});
const resolveUrl = (hub: FakeHub): URL =>
  new URL(`${hub.url}/org/videomae/resolve/${COMMIT}/model.safetensors`);
const signal = (): AbortSignal => AbortSignal.timeout(2000);

test("a redirect to another host does not carry the token", async () => {
  otherHost.requests.length = 0;
  const { response, url } = await hubRequest(client(otherHost), target, resolveUrl(otherHost), {
    method: "GET",
    signal: signal(),
  });
  assert.equal((await response.arrayBuffer()).byteLength, 100);
  assert.notEqual(url.origin, otherHost.url);
  assert.deepEqual(
    otherHost.requests.map((r) => [r.server, r.headers.authorization]),
    [
      ["hub", `Bearer ${FAKE_TOKEN}`],
      ["cdn", undefined],
    ],
  );
});

test("a relative redirect stays on the hub and keeps the token", async () => {
  sameHost.requests.length = 0;
  const { response } = await hubRequest(client(sameHost), target, resolveUrl(sameHost), {
    method: "GET",
    signal: signal(),
  });
  await response.arrayBuffer();
  assert.equal(sameHost.requests[1].path.startsWith("/cdn/"), true);
  assert.equal(sameHost.requests[1].headers.authorization, `Bearer ${FAKE_TOKEN}`);
});

test("keepRedirect hands back the hub's LFS redirect with its headers", async () => {
  const { response } = await hubRequest(client(otherHost), target, resolveUrl(otherHost), {
    method: "HEAD",
    signal: signal(),
    keepRedirect: (r) => r.headers.has("x-linked-etag"),
  });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("x-linked-size"), "100");
});

test("a request that starts on another origin (the CDN URL of a blob) carries no token", async () => {
  const seen: Array<[string, string | undefined]> = [];
  const recording: typeof fetch = async (input, init) => {
    seen.push([new URL(String(input)).origin, (init?.headers as Record<string, string>).authorization]);
    return new Response("ok", { status: 200 });
  };
  const hubClient = { ...client(sameHost), fetch: recording };
  for (const url of ["https://cdn.example/blob", `${sameHost.url}/x`]) {
    await hubRequest(hubClient, target, new URL(url), { method: "GET", signal: signal() });
  }
  assert.deepEqual(seen, [
    ["https://cdn.example", undefined],
    [sameHost.url, `Bearer ${FAKE_TOKEN}`],
  ]);
});

test("a redirect to anything but an http(s) URL is refused as E_HUB_REPLY naming Location", async () => {
  for (const [location, file] of [
    ["data:text/plain,hi", "model.safetensors"],
    ["file:///etc/passwd", undefined],
    ["http://[::1", undefined],
  ] as const) {
    const redirect: typeof fetch = async () => new Response(null, { status: 302, headers: { location } });
    const subject =
      file === undefined
        ? "model info of org/videomae at revision main"
        : `${file} of org/videomae at revision main`;
    await assert.rejects(
      hubRequest({ ...client(sameHost), fetch: redirect }, { ...target, file }, new URL(sameHost.url), {
        method: "GET",
        signal: signal(),
      }),
      {
        code: "E_HUB_REPLY",
        message: `The hub's reply for ${subject} is not valid: Location: expected an http(s) URL but got ${JSON.stringify(location)}`,
      },
    );
  }
});

test("an endless redirect loop is E_HUB_NETWORK", async () => {
  const loop = createServer((_req, res) => {
    res.writeHead(302, { location: "/again" });
    res.end();
  });
  await new Promise<void>((resolve) => loop.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(loop.address() as AddressInfo).port}`;
  try {
    await assert.rejects(
      hubRequest({ endpoint, fetch, timeoutMs: 2000 }, target, new URL(endpoint), {
        method: "GET",
        signal: signal(),
      }),
      {
        code: "E_HUB_NETWORK",
        message: `Too many redirects from ${endpoint} for model.safetensors of org/videomae at revision main.`,
      },
    );
  } finally {
    loop.closeAllConnections();
    loop.close();
  }
});

test("an unexpected status is E_HUB_NETWORK naming the status and the file", async () => {
  sameHost.faults.push({ file: "config.json", kind: "status", status: 503 });
  const url = new URL(`${sameHost.url}/org/videomae/resolve/${COMMIT}/config.json`);
  await assert.rejects(
    hubRequest(client(sameHost), { ...target, file: "config.json" }, url, {
      method: "GET",
      signal: signal(),
    }),
    {
      code: "E_HUB_NETWORK",
      message: `The Hugging Face hub at ${sameHost.url} answered HTTP 503 to the request for config.json of org/videomae at revision main.`,
    },
  );
});

test("networkError prefers the native cause's text and keeps the error as cause", () => {
  const native = new TypeError("fetch failed", {
    cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
  });
  const error = networkError(client(sameHost), { repo: "org/videomae", revision: "v1" }, native);
  assert.ok(error instanceof VidmaeError);
  assert.equal(error.code, "E_HUB_NETWORK");
  assert.equal(
    error.message,
    `Cannot reach the Hugging Face hub at ${sameHost.url} (read ECONNRESET) to fetch org/videomae at revision v1. Check the network connection and HF_ENDPOINT.`,
  );
  assert.equal(error.cause, native);
});

test("StallTimer aborts only after a quiet period", async () => {
  const stall = new StallTimer(60);
  await new Promise((resolve) => setTimeout(resolve, 40));
  stall.touch();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(stall.signal.aborted, false);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(stall.signal.aborted, true);
  assert.equal((stall.signal.reason as Error).message, "timed out: no data for 60 ms");
  stall.clear();
});
