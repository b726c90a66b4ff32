import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
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

describe("page and health", () => {
  test("/ serves the page with a strict CSP; its script and stylesheet load", async () => {
    const page = await app.inject({ method: "GET", url: "/" });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers["content-type"] as string, /^text\/html/);
    assert.match(page.headers["content-security-policy"] as string, /script-src 'self'/);
    assert.match(page.body, /<input id="file" type="file"/);
    const js = await app.inject({ method: "GET", url: "/page.js" });
    assert.match(js.headers["content-type"] as string, /^text\/javascript/);
    assert.doesNotThrow(() => new Function(js.body), "the page script parses");
    assert.equal((await app.inject({ method: "GET", url: "/page.css" })).statusCode, 200);
  });

  test("GET /healthz", async () => {
    const res = await app.inject({ method: "GET", url: "/healthz" });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, "ok");
    assert.deepEqual(body.queue, { running: 0, waiting: 0, concurrency: 1, maxWaiting: 8 });
  });

  test("unknown routes are JSON 404s", async () => {
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/nope?x=1" })), {
      status: 404,
      code: "E_NOT_FOUND",
    });
    assert.equal(
      (await app.inject({ method: "GET", url: "/v1/nope" })).json().error.message,
      "No route GET /v1/nope",
    );
  });
});

describe("POST /v1/classify", () => {
  test("an upload gets the head's and the classifier's labels with scores", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/classify?k=3",
      payload: await videoForm(f.query),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.name, "query.mp4");
    assert.equal(body.head.length, 3);
    for (const s of body.head) assert.ok(HEAD_LABELS.includes(s.label) && s.score > 0 && s.score < 1);
    assert.ok(body.head[0].score >= body.head[1].score);
    assert.equal(body.classifier.pipeline, "nearest-centroid");
    assert.ok(["bars", "fractal", "pattern", "noise"].includes(body.classifier.label));
    assert.deepEqual(
      { width: body.info.width, height: body.info.height, frameCount: body.info.frameCount },
      { width: 80, height: 48, frameCount: 12 },
    );
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("a stored video classifies as its own class by the classifier (nearest centroid of its label)", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/classify",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ path: "collection/bars/bars-1.mp4" }),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().name, "collection/bars/bars-1.mp4");
  });

  test("k out of range and unknown parameters are 400s naming them", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/classify?k=0",
      payload: await videoForm(f.query),
    });
    assert.deepEqual(errorOf(res), { status: 400, code: "E_INVALID_ARGUMENT" });
    assert.equal(
      res.json().error.message,
      'Expected integer in [1, 100] for k but received "0" of type string',
    );
    const unknown = await app.inject({
      method: "POST",
      url: "/v1/classify?top=3",
      payload: await videoForm(f.query),
    });
    assert.equal(unknown.json().error.message, 'Unknown query parameter "top"');
  });

  test("store and label are refused outside /v1/embed", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/classify",
      payload: { path: "query.mp4", store: true },
    });
    assert.deepEqual(errorOf(res), { status: 400, code: "E_INVALID_ARGUMENT" });
  });

  test("a model without a head and no classifier answers 501", async () => {
    const { embedder } = f;
    const headless = await f.app({}, { classifier: undefined });
    const original = embedder.embedVideo.bind(embedder);
    // A headless model's embeddings carry no logits: simulate one by dropping them.
    embedder.embedVideo = async (path, signal) => ({ ...(await original(path, signal)), logits: undefined });
    try {
      const res = await headless.inject({
        method: "POST",
        url: "/v1/classify",
        payload: { path: "query.mp4" },
      });
      assert.deepEqual(errorOf(res), { status: 501, code: "E_NO_CLASSIFIER" });
    } finally {
      embedder.embedVideo = original;
      await headless.close();
    }
  });
});

describe("POST /v1/embed", () => {
  test("embeds without storing by default", async () => {
    const before = await storeCounts(f.store);
    const res = await app.inject({ method: "POST", url: "/v1/embed", payload: await videoForm(f.query) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.stored, false);
    assert.equal(body.video, null);
    assert.equal(body.dim, 16);
    assert.equal(body.vector.length, 16);
    assert.equal(body.clips.length, 1);
    assert.deepEqual(body.clips[0].frameIndices, [1, 4, 7, 10]);
    assert.deepEqual(await storeCounts(f.store), before);
  });

  test("JSON path input: `..`, outside, missing, directory and NUL are refused", async () => {
    const cases: [unknown, number, string][] = [
      [{ path: "../outside.mp4" }, 403, "E_PATH_FORBIDDEN"],
      [{ path: f.outside }, 403, "E_PATH_FORBIDDEN"],
      [{ path: "collection/../../outside.mp4" }, 403, "E_PATH_FORBIDDEN"],
      [{ path: "missing.mp4" }, 404, "E_NOT_FOUND"],
      [{ path: "collection" }, 400, "E_INVALID_ARGUMENT"],
      [{ path: "a\u0000b" }, 400, "E_INVALID_ARGUMENT"],
      [{ path: "" }, 400, "E_INVALID_ARGUMENT"],
      [{ file: "query.mp4" }, 400, "E_INVALID_ARGUMENT"],
      [[1, 2], 400, "E_INVALID_ARGUMENT"],
    ];
    for (const [payload, status, code] of cases) {
      const res = await app.inject({ method: "POST", url: "/v1/embed", payload: payload as object });
      assert.deepEqual(errorOf(res), { status, code }, JSON.stringify(payload));
    }
  });

  test("bad bodies: other media types are 415, broken JSON 400, a form without `file` 400", async () => {
    const text = await app.inject({
      method: "POST",
      url: "/v1/embed",
      headers: { "content-type": "text/plain" },
      payload: "query.mp4",
    });
    assert.deepEqual(errorOf(text), { status: 415, code: "E_UNSUPPORTED_MEDIA_TYPE" });
    const octet = await app.inject({
      method: "POST",
      url: "/v1/embed",
      headers: { "content-type": "application/octet-stream" },
      payload: Buffer.from("xyz"),
    });
    assert.deepEqual(errorOf(octet), { status: 415, code: "E_UNSUPPORTED_MEDIA_TYPE" });
    const none = await app.inject({ method: "POST", url: "/v1/embed" });
    assert.deepEqual(errorOf(none), { status: 415, code: "E_UNSUPPORTED_MEDIA_TYPE" });
    const broken = await app.inject({
      method: "POST",
      url: "/v1/embed",
      headers: { "content-type": "application/json" },
      payload: '{"path": ',
    });
    assert.deepEqual(errorOf(broken), { status: 400, code: "E_INVALID_ARGUMENT" });
    const wrongField = await app.inject({
      method: "POST",
      url: "/v1/embed",
      payload: await videoForm(f.query, { field: "video" }),
    });
    assert.deepEqual(errorOf(wrongField), { status: 400, code: "E_INVALID_ARGUMENT" });
    assert.equal(
      wrongField.json().error.message,
      'Expected the video in form field "file" but received field "video"',
    );
    const noFile = new FormData();
    noFile.append("store", "1");
    const empty = await app.inject({ method: "POST", url: "/v1/embed", payload: noFile });
    assert.deepEqual(errorOf(empty), { status: 400, code: "E_INVALID_ARGUMENT" });
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("malformed multipart bodies are 400, too many parts 413; nothing is left behind", async () => {
    const multipart = (contentType: string, payload: string) =>
      app.inject({ method: "POST", url: "/v1/embed", headers: { "content-type": contentType }, payload });
    const truncated = await multipart(
      "multipart/form-data; boundary=zzz",
      '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc',
    );
    assert.deepEqual(errorOf(truncated), { status: 400, code: "E_INVALID_ARGUMENT" });
    assert.equal(
      truncated.json().error.message,
      "Malformed multipart body: Unexpected end of multipart data",
    );
    const noBoundary = await multipart("multipart/form-data", "garbage");
    assert.deepEqual(errorOf(noBoundary), { status: 400, code: "E_INVALID_ARGUMENT" });
    // Parts without a Content-Disposition are neither fields nor files, but count against the parts limit.
    const anonymous = "--zzz\r\nContent-Type: text/plain\r\n\r\nx\r\n".repeat(20) + "--zzz--\r\n";
    const many = await multipart("multipart/form-data; boundary=zzz", anonymous);
    assert.deepEqual(errorOf(many), { status: 413, code: "E_UPLOAD_TOO_LARGE" });
    assert.equal(many.json().error.message, 'The form has too many parts: send one video in field "file"');
    const big = await app.inject({
      method: "POST",
      url: "/v1/embed",
      payload: { path: "x".repeat(100_000) },
    });
    assert.deepEqual(errorOf(big), { status: 413, code: "E_UPLOAD_TOO_LARGE" });
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("a label without store is refused", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/embed?label=x",
      payload: await videoForm(f.query),
    });
    assert.deepEqual(errorOf(res), { status: 400, code: "E_INVALID_ARGUMENT" });
  });
});

describe("collection routes", () => {
  test("GET /v1/videos lists the stored videos with status, paged", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/videos?limit=3&offset=1" });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.total, 8);
    assert.equal(body.videos.length, 3);
    assert.deepEqual(Object.keys(body.videos[0]).sort(), [
      "addedAt",
      "durationSec",
      "errorCode",
      "errorMessage",
      "id",
      "label",
      "name",
      "path",
      "sizeBytes",
      "status",
    ]);
    assert.ok(body.videos.every((v: { status: string }) => v.status === "ok"));
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos?status=bogus" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos?limit=5000" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
  });

  test("GET /v1/videos/:id gives clips; unknown and malformed ids are 404 and 400", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/videos/1" });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.id, 1);
    assert.equal(body.clips.length, 1);
    assert.equal(body.clips[0].vector, undefined);
    assert.match(body.contentHash, /^sha256:/);
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos/999" })), {
      status: 404,
      code: "E_NOT_FOUND",
    });
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos/abc" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
  });

  test("GET /v1/videos/:id/thumbnail is a PNG", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/videos/2/thumbnail" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers["content-type"], "image/png");
    assert.deepEqual([...res.rawPayload.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(errorOf(await app.inject({ method: "GET", url: "/v1/videos/999/thumbnail" })).status, 404);
  });

  test("GET /v1/videos/:id/similar: other videos, nearest first; clip level has time ranges", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/videos/1/similar?k=3" });
    assert.equal(res.statusCode, 200);
    const { videoId, hits } = res.json();
    assert.equal(videoId, 1);
    assert.equal(hits.length, 3);
    assert.ok(hits.every((h: { videoId: number }) => h.videoId !== 1));
    assert.ok(hits[0].distance <= hits[1].distance && hits[1].distance <= hits[2].distance);
    const clips = (
      await app.inject({ method: "GET", url: "/v1/videos/1/similar?k=2&level=clip&metric=l2" })
    ).json();
    assert.equal(clips.hits.length, 2);
    assert.equal(typeof clips.hits[0].startSec, "number");
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos/999/similar" })), {
      status: 404,
      code: "E_NOT_FOUND",
    });
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/videos/1/similar?metric=dot" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
  });

  test("POST /v1/similar: neighbours of a new video and its place on the map", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/similar?k=4&map=pca",
      payload: await videoForm(f.query),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.hits.length, 4);
    assert.equal(body.point.method, "pca");
    assert.ok(Number.isFinite(body.point.x) && Number.isFinite(body.point.y));
  });

  test("GET /v1/map: every stored video as a point, with the legend of labels", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/map?method=pca" });
    assert.equal(res.statusCode, 200);
    const map = res.json();
    assert.equal(map.points.length, 8);
    assert.deepEqual(
      map.legend.map((l: { name: string }) => l.name),
      ["bars", "fractal", "noise", "pattern"],
    );
    const predicted = (await app.inject({ method: "GET", url: "/v1/map?color=predicted" })).json();
    assert.equal(predicted.colorBy, "predicted");
    assert.deepEqual(errorOf(await app.inject({ method: "GET", url: "/v1/map?method=mds" })), {
      status: 400,
      code: "E_INVALID_ARGUMENT",
    });
  });
});

describe("metrics and docs", () => {
  test("GET /metrics is Prometheus text with request counts by route", async () => {
    const res = await app.inject({ method: "GET", url: "/metrics" });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers["content-type"] as string, /^text\/plain/);
    assert.match(
      res.body,
      /vidmae_http_requests_total\{method="POST",route="\/v1\/classify",status="200"\} \d+/,
    );
    assert.match(res.body, /vidmae_queue_waiting 0/);
    assert.match(res.body, /vidmae_inference_seconds_count \d+/);
  });

  test("GET /docs/openapi.json is an OpenAPI 3.1 document of every route, with parameters from the schemas", async () => {
    const doc = (await app.inject({ method: "GET", url: "/docs/openapi.json" })).json();
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/",
      "/docs",
      "/docs/init.js",
      "/docs/openapi.json",
      "/docs/{file}",
      "/healthz",
      "/metrics",
      "/openapi.json",
      "/page.css",
      "/page.js",
      "/v1/analyze",
      "/v1/classify",
      "/v1/embed",
      "/v1/info",
      "/v1/map",
      "/v1/similar",
      "/v1/videos",
      "/v1/videos/{id}",
      "/v1/videos/{id}/file",
      "/v1/videos/{id}/similar",
      "/v1/videos/{id}/thumbnail",
    ]);
    assert.deepEqual((await app.inject({ method: "GET", url: "/openapi.json" })).json(), doc);
    const k = doc.paths["/v1/classify"].post.parameters.find((p: { name: string }) => p.name === "k");
    assert.deepEqual(k, {
      name: "k",
      in: "query",
      required: false,
      schema: { default: 5, type: "integer", minimum: 1, maximum: 100 },
    });
    assert.ok(doc.paths["/v1/embed"].post.requestBody.content["multipart/form-data"]);
    assert.deepEqual(doc.paths["/healthz"].get.security, []);
  });
});

describe("API key", () => {
  let secured: FastifyInstance;
  before(async () => {
    secured = await f.app({ apiKey: "s3cret-key" });
  });
  after(() => secured.close());

  test("API routes need the key: 401 without it or with a wrong one, with WWW-Authenticate", async () => {
    for (const url of ["/v1/videos", "/v1/map", "/metrics", "/v1/info", "/v1/videos/1/file", "/v1/nope"]) {
      const none = await secured.inject({ method: "GET", url });
      assert.deepEqual(errorOf(none), { status: 401, code: "E_UNAUTHORIZED" }, url);
      assert.equal(none.headers["www-authenticate"], 'Bearer realm="vidmae"');
      const wrong = await secured.inject({
        method: "GET",
        url,
        headers: { authorization: "Bearer s3cret-kez" },
      });
      assert.deepEqual(errorOf(wrong), { status: 401, code: "E_UNAUTHORIZED" }, url);
      assert.equal(wrong.json().error.message, "Wrong API key");
    }
    for (const authorization of ["s3cret-key", "Basic s3cret-key", "Bearer ", "Bearer s3cret-key-longer"]) {
      const res = await secured.inject({ method: "GET", url: "/v1/videos", headers: { authorization } });
      assert.equal(res.statusCode, 401, authorization);
    }
  });

  test("uploads without the key are refused before anything is read or stored", async () => {
    const res = await secured.inject({
      method: "POST",
      url: "/v1/embed?store=1",
      payload: await videoForm(f.query),
    });
    assert.deepEqual(errorOf(res), { status: 401, code: "E_UNAUTHORIZED" });
    assert.deepEqual(await leftovers(f.tmpDir), []);
    assert.equal((await storeCounts(f.store)).videos, 8);
  });

  test("the right key opens the API; /healthz and the page stay open", async () => {
    const ok = await secured.inject({
      method: "GET",
      url: "/v1/videos",
      headers: { authorization: "Bearer s3cret-key" },
    });
    assert.equal(ok.statusCode, 200);
    for (const url of ["/healthz", "/", "/page.js", "/page.css", "/docs", "/docs/openapi.json"])
      assert.equal((await secured.inject({ method: "GET", url })).statusCode, 200, url);
  });
});
