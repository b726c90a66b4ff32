import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { startServer } from "../../src/server/main.js";
import { InferenceQueue } from "../../src/server/queue.js";
import { selectSpace } from "../../src/store/open.js";
import { makeBadInput } from "../helpers/synthetic-videos.js";
import { errorOf, leftovers, serverFixture, storeCounts, videoForm, type ServerFixture } from "./helpers.js";

let f: ServerFixture;
let app: FastifyInstance;
before(async () => {
  f = await serverFixture();
  app = await f.app();
});
after(async () => {
  await app?.close();
  await f?.close();
});

/** Nothing stored but the collection, no failure recorded, no temporary file left. */
async function assertUntouched(): Promise<void> {
  assert.deepEqual(await storeCounts(f.store), { videos: 8, ok: 8, rows: 8 });
  const space = await selectSpace(f.store);
  assert.equal((await f.store.listVideos(space.id, { status: "failed" })).length, 0);
  assert.deepEqual(await leftovers(f.tmpDir), []);
  assert.deepEqual(await leftovers(f.uploadsDir), []);
}

describe("bad videos", () => {
  test("uploads of empty, truncated, text, audio-only and mislabelled files are 422 E_VIDEO; nothing stored", async () => {
    const inputs = { ...f.bad, mislabelled: f.mislabelled };
    for (const [kind, path] of Object.entries(inputs)) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/embed?store=1",
        payload: await videoForm(path),
      });
      assert.deepEqual(errorOf(res), { status: 422, code: "E_VIDEO" }, `${kind}: ${res.body}`);
      const message: string = res.json().error.message;
      assert.ok(
        message.startsWith(path.split("/").pop()!),
        `${kind}: the message names the upload: ${message}`,
      );
      assert.ok(!message.includes(f.tmpDir), `${kind}: the temp path does not leak: ${message}`);
    }
    assert.match(
      (
        await app.inject({ method: "POST", url: "/v1/classify", payload: await videoForm(f.bad.empty) })
      ).json().error.message,
      /^empty\.mp4: empty file \(0 bytes\)/,
    );
    await assertUntouched();
  });

  test("the same files by path are 422 E_VIDEO too, on every video route", async () => {
    for (const url of ["/v1/embed", "/v1/classify", "/v1/similar"])
      for (const path of [...Object.values(f.bad), f.mislabelled]) {
        const given = path.slice(f.root.length + 1);
        const body = url === "/v1/embed" ? { path: given, store: true } : { path: given };
        const res = await app.inject({ method: "POST", url, payload: body });
        assert.deepEqual(errorOf(res), { status: 422, code: "E_VIDEO" }, `${url} ${given}`);
        assert.ok(res.json().error.message.startsWith(given), res.body);
      }
    await assertUntouched();
  });
});

describe("limits", () => {
  test("an upload over the size limit is 413 and leaves no temporary file", async () => {
    const small = await f.app({ maxUploadBytes: 2000 });
    try {
      const res = await small.inject({
        method: "POST",
        url: "/v1/embed?store=1",
        payload: await videoForm(f.query),
      });
      assert.deepEqual(errorOf(res), { status: 413, code: "E_UPLOAD_TOO_LARGE" });
      assert.equal(res.json().error.message, 'Upload "query.mp4" exceeds the limit of 2000 bytes');
    } finally {
      await small.close();
    }
    await assertUntouched();
  });

  test("duration and pixel limits are 422 with their own codes", async () => {
    const strict = await f.app({ maxDurationSec: 0.2, cacheEntries: 0 });
    const tiny = await f.app({ maxPixels: 64 * 47, cacheEntries: 0 });
    try {
      const long = await strict.inject({
        method: "POST",
        url: "/v1/embed?store=1",
        payload: await videoForm(f.query),
      });
      assert.deepEqual(errorOf(long), { status: 422, code: "E_DURATION_LIMIT" });
      assert.equal(long.json().error.message, "query.mp4: duration 0.5 s exceeds the limit of 0.2 s");
      const big = await tiny.inject({ method: "POST", url: "/v1/classify", payload: { path: "query.mp4" } });
      assert.deepEqual(errorOf(big), { status: 422, code: "E_PIXEL_LIMIT" });
      assert.equal(big.json().error.message, "query.mp4: frame size 80x48 exceeds the limit of 3008 pixels");
    } finally {
      await strict.close();
      await tiny.close();
    }
    await assertUntouched();
  });

  test("a file claiming 16000x12000 frames (and holding none) is refused before anything is decoded", async () => {
    const huge = await makeBadInput(f.root, "huge-dimensions");
    const res = await app.inject({
      method: "POST",
      url: "/v1/embed?store=1",
      payload: await videoForm(huge),
    });
    assert.deepEqual(errorOf(res), { status: 422, code: "E_VIDEO" });
    assert.match(res.json().error.message, /^huge\.y4m: /);
    await assertUntouched();
  });

  test("processing over the timeout is 504 E_TIMEOUT; the server goes on", async () => {
    const hasty = await f.app({ timeoutMs: 1, cacheEntries: 0 });
    try {
      const res = await hasty.inject({
        method: "POST",
        url: "/v1/embed?store=1",
        payload: await videoForm(f.query),
      });
      assert.deepEqual(errorOf(res), { status: 504, code: "E_TIMEOUT" });
      assert.equal(res.json().error.message, "query.mp4: processing took longer than 0.001 s");
      assert.equal((await hasty.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    } finally {
      await hasty.close();
    }
    await assertUntouched();
  });

  test("a full queue answers 503 E_BUSY with Retry-After; the same request passes once there is room", async () => {
    const queue = new InferenceQueue({ concurrency: 1, maxWaiting: 1 });
    const busy = await f.app({ cacheEntries: 0 }, { queue });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Hold the worker, and fill the one waiting place.
    const holding = [queue.run(() => gate), queue.run(() => gate)];
    try {
      const res = await busy.inject({
        method: "POST",
        url: "/v1/classify",
        payload: await videoForm(f.query),
      });
      assert.deepEqual(errorOf(res), { status: 503, code: "E_BUSY" });
      assert.match(res.headers["retry-after"] as string, /^[1-9]\d*$/);
      assert.deepEqual(await leftovers(f.tmpDir), []);
      release();
      await Promise.all(holding);
      const again = await busy.inject({
        method: "POST",
        url: "/v1/classify",
        payload: await videoForm(f.query),
      });
      assert.equal(again.statusCode, 200);
    } finally {
      release();
      await busy.close();
    }
  });
});

describe("storing", () => {
  test("store=1 keeps an upload and stores it once, with its label; the store stays consistent", async () => {
    const url = "/v1/embed?store=1&label=query";
    const first = await app.inject({ method: "POST", url, payload: await videoForm(f.query) });
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json();
    assert.equal(body.stored, true);
    assert.equal(body.video.label, "query");
    assert.equal(body.video.status, "ok");
    assert.equal(body.video.path, join(f.uploadsDir, body.video.name));
    const again = await app.inject({
      method: "POST",
      url,
      payload: await videoForm(f.query, { name: "copy.mp4" }),
    });
    assert.equal(again.json().video.id, body.video.id, "same content, same video");
    assert.deepEqual(await storeCounts(f.store), { videos: 9, ok: 9, rows: 9 });
    assert.equal((await readdir(f.uploadsDir)).length, 1);
    assert.deepEqual(await leftovers(f.tmpDir), []);
    // The new video is searchable at once (the cached vectors were dropped).
    const list = (await app.inject({ method: "GET", url: "/v1/videos?limit=1000" })).json();
    assert.equal(list.total, 9);
    const similar = await app.inject({ method: "GET", url: `/v1/videos/${body.video.id}/similar?k=2` });
    assert.equal(similar.statusCode, 200);
    assert.equal((await app.inject({ method: "GET", url: "/v1/map" })).json().points.length, 9);
  });

  test('a JSON path with "store": true is stored where it is', async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/embed",
      payload: { path: "collection/bars/bars-1.mp4", store: true, label: "bars" },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().video.path, join(f.root, "collection/bars/bars-1.mp4"));
    assert.deepEqual(await storeCounts(f.store), { videos: 9, ok: 9, rows: 9 });
  });

  test("without an uploads dir, storing an upload is refused and nothing is stored", async () => {
    const keepsNothing = await f.app({ uploadsDir: null, cacheEntries: 0 });
    try {
      const res = await keepsNothing.inject({
        method: "POST",
        url: "/v1/embed?store=1",
        payload: await videoForm(f.outside),
      });
      assert.deepEqual(errorOf(res), { status: 400, code: "E_INVALID_ARGUMENT" });
    } finally {
      await keepsNothing.close();
    }
    assert.deepEqual(await storeCounts(f.store), { videos: 9, ok: 9, rows: 9 });
  });
});

describe("a real socket", () => {
  test("a client that hangs up mid-upload leaves no temporary file, and the server stays up", async () => {
    const server = await startServer(await f.app(), { port: 0 });
    try {
      const { port } = new URL(server.url);
      const boundary = "----vidmae";
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.mp4"\r\n` +
        "Content-Type: video/mp4\r\n\r\n";
      const socket = connect(Number(port), "127.0.0.1");
      await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
      socket.write(
        `POST /v1/embed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
          `Content-Length: 1000000\r\n\r\n${head}${"x".repeat(50_000)}`,
      );
      const waitFor = async (done: (files: string[]) => boolean) => {
        const deadline = Date.now() + 5000;
        while (!done(await leftovers(f.tmpDir)) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        return leftovers(f.tmpDir);
      };
      assert.equal((await waitFor((files) => files.length > 0)).length, 1, "the upload is being written");
      socket.destroy();
      assert.deepEqual(await waitFor((files) => files.length === 0), []);
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      await server.close();
    }
  });
});
