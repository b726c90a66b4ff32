/**
 * The routes the page is built on, in-process: one upload answering everything (and storing on request), the
 * collection's filters, order and pages, video files with Range requests and signed URLs, `/v1/info`, and the
 * Swagger UI documentation.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { byteRange, mediaUrl } from "../../src/server/routes/media.js";
import {
  HEAD_LABELS,
  errorOf,
  leftovers,
  serverFixture,
  storeCounts,
  videoForm,
  type ServerFixture,
} from "./helpers.js";

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

interface Summary {
  id: number;
  path: string;
  name: string;
  label: string | null;
  addedAt: string;
}

describe("POST /v1/analyze", () => {
  test("one upload answers labels, neighbours, moments and the map position, storing nothing", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/analyze?k=3&map=pca",
      payload: await videoForm(f.query),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.name, "query.mp4");
    assert.ok(HEAD_LABELS.includes(body.labels.head[0].label));
    assert.equal(body.labels.head.length, 3);
    assert.equal(body.labels.classifier.pipeline, "nearest-centroid");
    assert.equal(body.hits.length, 3);
    // The same neighbours as POST /v1/similar gives for the same video.
    const similar = (
      await app.inject({ method: "POST", url: "/v1/similar?k=3", payload: await videoForm(f.query) })
    ).json();
    assert.deepEqual(body.hits, similar.hits);
    assert.equal(body.moments.length, 3);
    for (const m of body.moments) {
      assert.ok(m.endSec > m.startSec && m.queryEndSec > m.queryStartSec, JSON.stringify(m));
      assert.equal(typeof m.clipIndex, "number");
    }
    assert.ok(body.moments[0].distance <= body.moments[2].distance);
    assert.equal(body.point.method, "pca");
    assert.equal(body.stored, null);
    assert.equal((await storeCounts(f.store)).videos, 8);
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("store=1 with a label stores the upload after searching; a label alone is refused", async () => {
    const refused = await app.inject({
      method: "POST",
      url: "/v1/analyze?label=x",
      payload: await videoForm(f.bad["truncated-mp4"]),
    });
    assert.deepEqual(errorOf(refused), { status: 400, code: "E_INVALID_ARGUMENT" });
    const form = await videoForm(f.query, { name: "new-query.mp4" });
    form.append("store", "1");
    form.append("label", "fresh");
    const res = await app.inject({ method: "POST", url: "/v1/analyze?k=2", payload: form });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.stored.label, "fresh");
    assert.equal(body.stored.status, "ok");
    // Searched before storing: the video is not its own neighbour.
    assert.ok(body.hits.every((h: { videoId: number }) => h.videoId !== body.stored.id));
    assert.equal((await storeCounts(f.store)).videos, 9);
    const list = (await app.inject({ method: "GET", url: "/v1/videos?label=fresh" })).json();
    assert.deepEqual(
      list.videos.map((v: Summary) => [v.id, v.label]),
      [[body.stored.id, "fresh"]],
    );
  });
});

describe("GET /v1/videos: filters, order and pages", () => {
  test("by label, by text in the path, by date added both ways, page by page with no cap", async () => {
    const all = (await app.inject({ method: "GET", url: "/v1/videos?limit=1000" })).json();
    const bars = (await app.inject({ method: "GET", url: "/v1/videos?label=bars" })).json();
    assert.deepEqual(
      bars.videos.map((v: Summary) => basename(v.path)),
      ["bars-1.mp4", "bars-2.webm"],
    );
    assert.equal(bars.total, 2);
    assert.deepEqual(
      bars.labels.filter((l: { label: string }) => l.label !== "fresh"),
      [
        { label: "bars", count: 2 },
        { label: "fractal", count: 2 },
        { label: "noise", count: 2 },
        { label: "pattern", count: 2 },
      ],
    );
    const webm = (await app.inject({ method: "GET", url: "/v1/videos?q=.WEBM" })).json();
    assert.equal(webm.total, 4);
    assert.ok(webm.videos.every((v: Summary) => v.path.endsWith(".webm")));
    const none = (await app.inject({ method: "GET", url: "/v1/videos?q=nothing-like-this" })).json();
    assert.deepEqual([none.total, none.videos], [0, []]);

    const asc = all.videos.map((v: Summary) => v.id);
    const key = (v: Summary) => `${v.addedAt}:${String(v.id).padStart(8, "0")}`;
    assert.deepEqual(all.videos.map(key), all.videos.map(key).sort(), "added-asc is the default order");
    const desc = (await app.inject({ method: "GET", url: "/v1/videos?sort=added-desc&limit=1000" })).json();
    assert.deepEqual(
      desc.videos.map((v: Summary) => v.id),
      [...asc].reverse(),
    );
    // Pages of 3 cover the whole collection exactly once.
    const paged: number[] = [];
    for (let offset = 0; offset < all.total; offset += 3) {
      const page = (
        await app.inject({ method: "GET", url: `/v1/videos?sort=added-desc&limit=3&offset=${offset}` })
      ).json();
      assert.equal(page.total, all.total);
      paged.push(...page.videos.map((v: Summary) => v.id));
    }
    assert.deepEqual(paged, [...asc].reverse());
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos?sort=newest" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
    assert.equal(
      (await app.inject({ method: "GET", url: "/v1/videos?sort=newest" })).json().error.message,
      'Expected one of: added-asc, added-desc for sort but received "newest" of type string',
    );
  });
});

describe("GET /v1/videos/:id/file", () => {
  test("the whole file, or the byte range asked for (206), or 416 past the end", async () => {
    const bytes = await readFile(f.collection[0]);
    const whole = await app.inject({ method: "GET", url: "/v1/videos/1/file" });
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers["content-type"], "video/mp4");
    assert.equal(whole.headers["accept-ranges"], "bytes");
    assert.ok(whole.rawPayload.equals(bytes));
    const part = await app.inject({
      method: "GET",
      url: "/v1/videos/1/file",
      headers: { range: "bytes=10-109" },
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers["content-range"], `bytes 10-109/${bytes.length}`);
    assert.equal(part.headers["content-length"], "100");
    assert.ok(part.rawPayload.equals(bytes.subarray(10, 110)));
    const tail = await app.inject({
      method: "GET",
      url: "/v1/videos/1/file",
      headers: { range: "bytes=-5" },
    });
    assert.ok(tail.rawPayload.equals(bytes.subarray(bytes.length - 5)));
    const past = await app.inject({
      method: "GET",
      url: "/v1/videos/1/file",
      headers: { range: `bytes=${bytes.length}-` },
    });
    assert.deepEqual(errorOf(past), { status: 416, code: "E_RANGE_NOT_SATISFIABLE" });
    assert.equal(past.headers["content-range"], `bytes */${bytes.length}`);
    assert.equal(
      (await app.inject({ method: "GET", url: "/v1/videos/2/file" })).headers["content-type"],
      "video/webm",
    );
    assert.equal(errorOf(await app.inject({ method: "GET", url: "/v1/videos/999/file" })).status, 404);
  });

  test("byteRange reads single ranges and ignores what it may ignore", () => {
    assert.deepEqual(byteRange("bytes=0-99", 1000), { start: 0, end: 99 });
    assert.deepEqual(byteRange("bytes=900-5000", 1000), { start: 900, end: 999 });
    assert.deepEqual(byteRange("bytes=-100", 1000), { start: 900, end: 999 });
    assert.deepEqual(byteRange("bytes=-5000", 1000), { start: 0, end: 999 });
    assert.equal(byteRange("bytes=1000-", 1000), "unsatisfiable");
    assert.equal(byteRange("bytes=-0", 1000), "unsatisfiable");
    for (const ignored of [undefined, "", "bytes=5-1", "bytes=0-1,5-9", "items=0-1", "bytes=-"])
      assert.equal(byteRange(ignored, 1000), null, String(ignored));
  });

  test("with an API key: the key or the detail's signed URL plays it; tokens are per video and expire", async () => {
    const secured = await f.app({ apiKey: "media-key" });
    try {
      const auth = { authorization: "Bearer media-key" };
      const detail = (await secured.inject({ method: "GET", url: "/v1/videos/3", headers: auth })).json();
      assert.match(detail.mediaUrl, /^\/v1\/videos\/3\/file\?token=\d+\.[A-Za-z0-9_-]{43}$/);
      const signed = await secured.inject({
        method: "GET",
        url: detail.mediaUrl,
        headers: { range: "bytes=0-9" },
      });
      assert.equal(signed.statusCode, 206);
      assert.equal(
        (await secured.inject({ method: "GET", url: "/v1/videos/3/file", headers: auth })).statusCode,
        200,
      );
      const refused = async (url: string) =>
        assert.deepEqual(
          errorOf(await secured.inject({ method: "GET", url })),
          {
            status: 401,
            code: "E_UNAUTHORIZED",
          },
          url,
        );
      const token = detail.mediaUrl.split("token=")[1];
      await refused("/v1/videos/3/file");
      await refused(`/v1/videos/4/file?token=${token}`);
      const flip = (c: string) => (c === "A" ? "B" : "A");
      await refused(`/v1/videos/3/file?token=${token.slice(0, 20)}${flip(token[20])}${token.slice(21)}`);
      await refused(`/v1/videos/3/file?token=${token.slice(0, -1)}${flip(token[token.length - 1])}`);
      await refused(`/v1/videos/3${"/file?token=" + mediaUrl("other-key", 3).split("token=")[1]}`);
      await refused(mediaUrl("media-key", 3, Math.floor(Date.now() / 1000) - 7200));
      // The token opens the file route only.
      await refused(`/v1/videos/3?token=${token}`);
      assert.equal(mediaUrl(null, 3), "/v1/videos/3/file");
    } finally {
      await secured.close();
    }
  });
});

describe("GET /v1/info and /docs", () => {
  test("/v1/info says what the server offers", async () => {
    const info = (await app.inject({ method: "GET", url: "/v1/info" })).json();
    assert.equal(info.head, true);
    assert.equal(info.classifier, "model.json");
    assert.equal(info.storesUploads, true);
    const closed = await f.app({ uploadsDir: null });
    try {
      assert.equal((await closed.inject({ method: "GET", url: "/v1/info" })).json().storesUploads, false);
    } finally {
      await closed.close();
    }
  });

  test("/docs is Swagger UI over /docs/openapi.json, its files served from swagger-ui-dist", async () => {
    const page = await app.inject({ method: "GET", url: "/docs" });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers["content-type"] as string, /^text\/html/);
    assert.match(page.headers["content-security-policy"] as string, /script-src 'self';/);
    assert.match(page.body, /<script src="\/docs\/swagger-ui-bundle.js" defer><\/script>/);
    const init = await app.inject({ method: "GET", url: "/docs/init.js" });
    assert.match(init.body, /url: "\/docs\/openapi.json"/);
    const bundle = await app.inject({ method: "GET", url: "/docs/swagger-ui-bundle.js" });
    assert.equal(bundle.statusCode, 200);
    assert.match(bundle.headers["content-type"] as string, /^text\/javascript/);
    const dist = new URL("../../node_modules/swagger-ui-dist/", import.meta.url);
    assert.ok(bundle.rawPayload.equals(await readFile(new URL("swagger-ui-bundle.js", dist))));
    const css = await app.inject({ method: "GET", url: "/docs/swagger-ui.css" });
    assert.match(css.headers["content-type"] as string, /^text\/css/);
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/docs/package.json" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
    assert.equal(errorOf(await app.inject({ method: "GET", url: "/docs/..%2Fpackage.json" })).status, 400);
  });
});
