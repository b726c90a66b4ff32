/**
 * Issue 11, the HTTP service: each test crafts the hostile request in a few KB and asserts the safe outcome,
 * with the exact code and one-line message.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { execFileSync } from "node:child_process";
import { readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { errorOf, leftovers, serverFixture, storeCounts, videoForm, type ServerFixture } from "./helpers.js";

let f: ServerFixture;
let app: FastifyInstance;
before(async () => {
  f = await serverFixture();
  app = await f.app({ cacheEntries: 0 });
});
after(async () => {
  await app?.close();
  await f?.close();
});

/** A multipart body by hand: each part's headers and content, in order. */
function form(parts: { headers: string; content: string }[], boundary = "b0undary") {
  const payload =
    parts.map((p) => `--${boundary}\r\n${p.headers}\r\n\r\n${p.content}\r\n`).join("") +
    `--${boundary}--\r\n`;
  return { headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, payload };
}

const field = (name: string, value: string) => ({
  headers: `Content-Disposition: form-data; name="${name}"`,
  content: value,
});
const file = (name: string, filename: string, content: string) => ({
  headers: `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: video/mp4`,
  content,
});

/** Asserts an error reply: status, code and the exact one-line message. */
function assertError(
  res: { statusCode: number; json(): unknown; body: string },
  status: number,
  code: string,
  message: string,
): void {
  assert.deepEqual(errorOf(res), { status, code }, res.body);
  assert.equal((res.json() as { error: { message: string } }).error.message, message);
}

describe("Authorization", () => {
  let secured: FastifyInstance;
  before(async () => {
    secured = await f.app({ apiKey: "s3cret-key" });
  });
  after(() => secured.close());

  test("the Bearer scheme is case-insensitive and spaces around the key are tolerated", async () => {
    for (const authorization of [
      "bearer s3cret-key",
      "BEARER s3cret-key",
      "Bearer    s3cret-key",
      "bEaReR \t s3cret-key  ",
    ]) {
      const res = await secured.inject({ method: "GET", url: "/v1/videos", headers: { authorization } });
      assert.equal(res.statusCode, 200, authorization);
    }
  });

  test("a missing key, another scheme or a wrong key stay refused", async () => {
    const needs = "This server needs an API key: send Authorization: Bearer KEY";
    for (const [authorization, message] of [
      ["bearer", needs],
      ["bearer   ", needs],
      ["Bearers3cret-key", needs],
      ["Basic s3cret-key", needs],
      ["bearer s3cret-kez", "Wrong API key"],
      ["bearer s3cret key", "Wrong API key"],
    ]) {
      const res = await secured.inject({ method: "GET", url: "/v1/videos", headers: { authorization } });
      assertError(res, 401, "E_UNAUTHORIZED", message);
    }
  });
});

describe("upload forms", () => {
  test("store and label are honoured as form fields, before or after the file", async () => {
    const before = await storeCounts(f.store);
    const first = new FormData();
    first.append("store", "1");
    first.append("label", "outside");
    first.append("file", new Blob([await readFile(f.outside)]), "outside.mp4");
    const res = await app.inject({ method: "POST", url: "/v1/embed", payload: first });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().stored, true);
    assert.equal(res.json().video.label, "outside");
    const second = await videoForm(f.outside, { name: "again.mp4" });
    second.append("label", "relabelled");
    second.append("store", "true");
    const again = await app.inject({ method: "POST", url: "/v1/embed", payload: second });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().video.id, res.json().video.id);
    assert.equal(again.json().video.label, "relabelled");
    assert.equal((await storeCounts(f.store)).videos, before.videos + 1);
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("unknown, repeated, oversized and misplaced fields and a second file are one-line 4xx", async () => {
    const video = file("file", "a.mp4", "not really a video");
    const cases: [{ headers: string; content: string }[], string, number, string, string][] = [
      [
        [field("k", "3"), video],
        "/v1/classify",
        400,
        "E_INVALID_ARGUMENT",
        'Unknown form field "k"; this form takes "file", "store", "label"',
      ],
      [
        [video, field("__proto", "x")],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'Unknown form field "__proto"; this form takes "file", "store", "label"',
      ],
      [
        [video, field("constructor", "x")],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'Malformed multipart body: a field is named like an Object property: send one video in field "file"',
      ],
      [
        [{ headers: "Content-Disposition: form-data", content: "x" }, video],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'A form part has no field name: send the video in field "file"',
      ],
      [
        [field("file", "a.mp4")],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'Form field "file" must be a file (a part with a filename)',
      ],
      [
        [video, file("file", "b.mp4", "second")],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'The form has more than one file: send one video in field "file"',
      ],
      [
        [file("video", "b.mp4", "x")],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'Expected the video in form field "file" but received field "video"',
      ],
      [
        [field("label", "a"), field("label", "b"), video],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'Form field "label" is given more than once',
      ],
      [
        [field("label", "x".repeat(5000)), video],
        "/v1/embed",
        413,
        "E_UPLOAD_TOO_LARGE",
        'Form field "label" exceeds the limit of 1024 bytes',
      ],
      [
        [field("store", "yes"), video],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'Expected one of: 1, true, 0, false for store but received "yes" of type string',
      ],
      [
        [video, field("store", "1")],
        "/v1/similar",
        400,
        "E_INVALID_ARGUMENT",
        '"store" and "label" apply to POST /v1/embed and /v1/analyze only',
      ],
      [
        [field("label", "x")],
        "/v1/embed",
        400,
        "E_INVALID_ARGUMENT",
        'The form has no file; send the video in field "file"',
      ],
    ];
    for (const [parts, url, status, code, message] of cases) {
      const res = await app.inject({ method: "POST", url, ...form(parts) });
      assertError(res, status, code, message);
      assert.deepEqual(await leftovers(f.tmpDir), [], message);
    }
  });

  test("a form larger than the upload limit is refused by its Content-Length, before it is read", async () => {
    const small = await f.app({ maxUploadBytes: 1000 });
    try {
      const body = form([file("file", "big.mp4", "x".repeat(70_000))]);
      const res = await small.inject({ method: "POST", url: "/v1/embed", ...body });
      const length = Buffer.byteLength(body.payload);
      assertError(
        res,
        413,
        "E_UPLOAD_TOO_LARGE",
        `The form's ${length} bytes exceed the upload limit of 1000 bytes`,
      );
    } finally {
      await small.close();
    }
  });
});

describe("path requests", () => {
  test("a FIFO under the root is refused at once, not read (a read would block)", async () => {
    execFileSync("mkfifo", [join(f.root, "pipe.mp4")]);
    const t0 = performance.now();
    const res = await app.inject({ method: "POST", url: "/v1/classify", payload: { path: "pipe.mp4" } });
    assertError(res, 400, "E_INVALID_ARGUMENT", 'Path "pipe.mp4" is not a regular file');
    assert.ok(performance.now() - t0 < 1000);
  });

  test("a link out of the root is refused; what is decoded is the real path", async () => {
    await symlink(f.outside, join(f.root, "link-out.mp4"));
    const res = await app.inject({ method: "POST", url: "/v1/embed", payload: { path: "link-out.mp4" } });
    assertError(res, 403, "E_PATH_FORBIDDEN", 'Path "link-out.mp4" resolves outside the allowed roots');
    await symlink(f.query, join(f.root, "link-in.mp4"));
    const stored = await app.inject({
      method: "POST",
      url: "/v1/embed",
      payload: { path: "link-in.mp4", store: true },
    });
    assert.equal(stored.statusCode, 200, stored.body);
    assert.equal(stored.json().video.path, f.query);
  });
});

describe("JSON bodies", () => {
  test("malformed, empty and poisoned JSON are one-line 400s in the JSON error shape", async () => {
    const hint = 'send an object such as {"path": "clips/a.mp4"}';
    const cases: [string, string][] = [
      ['{"path": ', `Malformed JSON body: ${hint}`],
      ['{\n  "path":\n  "a.mp4",\n}', `Malformed JSON body: ${hint}`],
      ['{"__proto__": {"path": "x"}}', `Malformed JSON body: ${hint}`],
      ["", `Empty JSON body: ${hint}`],
      ['{\n"path":\n1\n}', "Expected non-empty string for path but received 1 of type number"],
    ];
    for (const [payload, message] of cases) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/classify",
        headers: { "content-type": "application/json" },
        payload,
      });
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assertError(res, 400, "E_INVALID_ARGUMENT", message);
    }
  });
});

describe("files that reference other files", () => {
  // These pass once src/video refuses container formats that reference other files (issue 11, video part):
  // today the playlist is decoded and the video outside the root is embedded.
  const playlists = (target: string): Record<string, string> => ({
    "list.m3u8": `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${target}\n#EXT-X-ENDLIST\n`,
    "list.ffconcat": `ffconcat version 1.0\nfile '${target}'\n`,
  });

  test("an uploaded .m3u8 or .ffconcat naming a file outside the root is 422 E_VIDEO; nothing stored", async () => {
    const before = await storeCounts(f.store);
    for (const [name, content] of Object.entries(playlists(f.outside))) {
      const res = await app.inject({
        method: "POST",
        url: "/v1/embed?store=1",
        ...form([file("file", name, content)]),
      });
      assert.deepEqual(errorOf(res), { status: 422, code: "E_VIDEO" }, `${name}: ${res.body}`);
      const message: string = res.json().error.message;
      assert.ok(message.startsWith(`${name}: `), message);
      assert.ok(!message.includes(f.tmpDir) && !message.includes("\n"), message);
    }
    assert.deepEqual(await storeCounts(f.store), before);
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("the same playlists under the allowed root, given by path, are 422 E_VIDEO", async () => {
    for (const [name, content] of Object.entries(playlists(f.outside))) {
      await writeFile(join(f.root, name), content);
      const res = await app.inject({ method: "POST", url: "/v1/classify", payload: { path: name } });
      assert.deepEqual(errorOf(res), { status: 422, code: "E_VIDEO" }, `${name}: ${res.body}`);
    }
  });

  test("an uploaded playlist pointing at a URL makes no network request", async () => {
    let requests = 0;
    const web = createServer((_req, res) => {
      requests++;
      res.end();
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = web.address() as { port: number };
      const url = `http://127.0.0.1:${port}/clip.mp4`;
      for (const [name, content] of Object.entries(playlists(url))) {
        const res = await app.inject({
          method: "POST",
          url: "/v1/classify",
          ...form([file("file", name, content)]),
        });
        assert.deepEqual(errorOf(res), { status: 422, code: "E_VIDEO" }, `${name}: ${res.body}`);
      }
      assert.equal(requests, 0, "the server made a request on the playlist's behalf");
    } finally {
      web.close();
    }
  });
});

/** A raw TCP client: what it received and when it was closed (ms after it connected). */
async function rawClient(
  port: number,
): Promise<{ socket: Socket; closed: Promise<{ ms: number; data: string }> }> {
  const socket = connect(port, "127.0.0.1");
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
  socket.on("error", () => {}); // A reset is one of the outcomes under test.
  await new Promise((resolve) => socket.once("connect", resolve));
  const t0 = performance.now();
  const closed = new Promise<{ ms: number; data: string }>((resolve) =>
    socket.once("close", () => resolve({ ms: performance.now() - t0, data })),
  );
  return { socket, closed };
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) clearInterval(timer);
    else socket.write(text[i++]);
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

/** The JSON error body of a raw HTTP reply. */
function rawError(reply: string): { status: number; error: unknown } {
  const [head, body] = reply.split("\r\n\r\n");
  return { status: Number(head.split(" ")[1]), error: JSON.parse(body) };
}

describe("connections", () => {
  let server: RunningServer;
  let port: number;
  before(async () => {
    server = await startServer(
      await f.app({
        headersTimeoutMs: 300,
        requestTimeoutMs: 600,
        keepAliveTimeoutMs: 300,
        maxConnections: 3,
      }),
      { port: 0 },
    );
    port = Number(new URL(server.url).port);
  });
  after(() => server.close());

  test("the documented defaults reach the Node server", () => {
    const { headersTimeout, requestTimeout, keepAliveTimeout, maxConnections } = app.server;
    assert.deepEqual(
      [headersTimeout, requestTimeout, keepAliveTimeout, maxConnections],
      [10_000, 300_000, 5_000, 256],
    );
  });

  test("a socket that sends nothing, or its headers a byte at a time, is answered 408 and closed", async () => {
    const silent = await rawClient(port);
    const slow = await rawClient(port);
    trickle(slow.socket, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100), 50);
    for (const client of [silent, slow]) {
      const { ms, data } = await client.closed;
      assert.ok(ms < 2000, `closed after ${ms} ms`);
      assert.deepEqual(rawError(data), {
        status: 408,
        error: {
          error: {
            code: "E_TIMEOUT",
            message: "The request was not received in time; the connection is closed",
          },
        },
      });
    }
  });

  test("an upload trickled a byte at a time is cut at the request timeout and leaves no file", async () => {
    const client = await rawClient(port);
    const head = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n';
    client.socket.write(
      "POST /v1/embed HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
        `Content-Length: 100000\r\n\r\n${head}`,
    );
    trickle(client.socket, "x".repeat(1000), 20);
    const { ms } = await client.closed;
    assert.ok(ms < 2500, `closed after ${ms} ms`);
    const deadline = Date.now() + 2000;
    while ((await leftovers(f.tmpDir)).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("an idle keep-alive connection is closed after its timeout", async () => {
    const client = await rawClient(port);
    client.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const { ms, data } = await client.closed;
    assert.match(data, /^HTTP\/1.1 200 /);
    // Node adds up to a second to the keep-alive timeout before it closes.
    assert.ok(ms < 2500, `closed after ${ms} ms`);
  });

  test("connections over the cap are closed at once; the server serves again when they are gone", async () => {
    const held = await Promise.all([rawClient(port), rawClient(port), rawClient(port)]);
    const extra = await rawClient(port);
    const { ms, data } = await extra.closed;
    assert.ok(ms < 500, `closed after ${ms} ms`);
    assert.equal(data, "");
    for (const client of held) client.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  test("a malformed request line or oversized headers get a JSON error and are closed", async () => {
    const garbage = await rawClient(port);
    garbage.socket.write("HELLO\r\n\r\n");
    assert.deepEqual(rawError((await garbage.closed).data), {
      status: 400,
      error: { error: { code: "E_INVALID_ARGUMENT", message: "Malformed HTTP request" } },
    });
    const huge = await rawClient(port);
    huge.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    assert.deepEqual(rawError((await huge.closed).data), {
      status: 431,
      error: { error: { code: "E_INVALID_ARGUMENT", message: "The request headers are too large" } },
    });
  });

  test("bad limits are refused when the app is built, naming the option", async () => {
    await assert.rejects(f.app({ maxConnections: 0 }), {
      code: "E_INVALID_ARGUMENT",
      message: "Expected positive integer for maxConnections but received 0 of type number",
    });
    await assert.rejects(f.app({ keepAliveTimeoutMs: 1.5 }), {
      message: "Expected positive integer for keepAliveTimeoutMs but received 1.5 of type number",
    });
    await assert.rejects(f.app({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 }), {
      message:
        "Expected integer at most requestTimeoutMs (1000) for headersTimeoutMs but received 5000 of type number",
    });
  });
});
