import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { leftovers, serverFixture, storeCounts, type ServerFixture } from "./helpers.js";

const KEY = "page-test-key";

let f: ServerFixture;
let server: RunningServer;

// The page itself is tested in Chromium in page.test.ts; these drive the real server on a port with fetch.
describe("the real server on a loopback port", () => {
  before(async () => {
    f = await serverFixture();
    server = await startServer(await f.app({ apiKey: KEY }), { port: 0, host: "127.0.0.1" });
  });
  after(async () => {
    await server?.close();
    await f?.close();
  });

  test("a burst of 20 concurrent requests: each answered, the server alive, the store consistent, no temp files", async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const video = new Blob([await readFile(f.query)]);
    const text = new Blob([await readFile(f.mislabelled)]);
    const upload = (url: string, blob: Blob, name: string) => {
      const form = new FormData();
      form.append("file", blob, name);
      return fetch(`${server.url}${url}`, {
        method: "POST",
        headers: auth,
        body: form,
        signal: AbortSignal.timeout(60_000),
      });
    };
    const get = (url: string) =>
      fetch(`${server.url}${url}`, { headers: auth, signal: AbortSignal.timeout(60_000) });
    const t0 = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        switch (i % 5) {
          case 0:
            return upload("/v1/classify", video, `burst-${i}.mp4`);
          case 1:
            return upload("/v1/similar?k=3", video, `burst-${i}.mp4`);
          case 2:
            return upload("/v1/embed?store=1", text, `burst-${i}.mp4`);
          case 3:
            return get("/v1/videos");
          default:
            return get(`/v1/videos/${1 + (i % 8)}/similar`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const statuses = await Promise.all(
      responses.map(async (res, i) => {
        const body = (await res.json()) as { error?: { code: string } };
        const expected = i % 5 === 2 ? [422, 503] : [200, 503];
        assert.ok(expected.includes(res.status), `request ${i}: ${res.status} ${JSON.stringify(body)}`);
        if (res.status === 503) assert.equal(body.error?.code, "E_BUSY");
        if (res.status === 422) assert.equal(body.error?.code, "E_VIDEO");
        return res.status;
      }),
    );
    assert.ok(seconds < 60, `the burst took ${seconds.toFixed(1)} s`);
    assert.ok(statuses.filter((s) => s === 200).length >= 8, statuses.join(","));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.deepEqual(await storeCounts(f.store), { videos: 8, ok: 8, rows: 8 });
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("closing waits for the request in flight, then refuses connections", async () => {
    const form = new FormData();
    form.append("file", new Blob([await readFile(f.collection[3])]), basename(f.collection[3]));
    const inFlight = fetch(`${server.url}/v1/embed`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: form,
    });
    // Shut down once the request is being processed (its job holds the queue).
    const deadline = Date.now() + 10_000;
    const running = async () =>
      ((await (await fetch(`${server.url}/healthz`)).json()) as { queue: { running: number } }).queue.running;
    while ((await running()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const { url } = server;
    await Promise.all([server.close(), inFlight.then((res) => assert.equal(res.status, 200))]);
    await assert.rejects(fetch(`${url}/healthz`));
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });
});
