/**
 * Property-based fuzzing of the upload path: random and mutated multipart bodies, sent in-process to an upload
 * route, always get a JSON error (4xx) or a success, never a 500, within a time bound, and leave no temporary file.
 *
 * The route is `POST /v1/embed?label=fuzz`: a form that parses is refused (a label needs store=1) before any
 * decoding, unless it carries `store=1`, so the runs exercise the parser and the form rules, not FFmpeg.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { bareApp, leftovers } from "../server/helpers.js";
import { fuzzParameters } from "./settings.js";

let bare: Awaited<ReturnType<typeof bareApp>>;
before(async () => {
  bare = await bareApp({ maxUploadBytes: 1024 });
});
after(() => bare?.close());

/** Time one request may take: parsing a few KB is milliseconds; this only catches hangs. */
const REPLY_WITHIN_MS = 2000;

/** Mostly well-formed (so runs get past the framing to the form rules), sometimes anything. */
const mostly = <T>(usual: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: other, weight: 1 });

const name = mostly(
  fc.constantFrom("store", "label"),
  fc.oneof(
    fc.constantFrom("k", "", "__proto__", "constructor", "fi\u0000le", "ﬁle"),
    fc.string({ maxLength: 12 }),
  ),
);
const text = fc.oneof(
  fc.constantFrom("1", "true", "yes", "", '{"a":1}', "{", "\r\n--b\r\n", "x".repeat(1500)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 6000 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
);
const headerLine = fc.oneof(
  fc.constantFrom(
    "Content-Type: application/json",
    "Content-Type: application/octet-stream",
    "Content-Type: text/plain; charset=utf-16",
    "Content-Transfer-Encoding: base64",
    "Content-Disposition: attachment",
  ),
  fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 })).map(([k, v]) => `${k}: ${v}`),
);
const anyPart = fc.record({
  name: fc.option(name, { nil: undefined }),
  filename: fc.option(
    mostly(fc.constant("a.mp4"), fc.oneof(fc.constantFrom("../../x.m3u8", "a\r\nb.mp4", ""), fc.string())),
    { nil: undefined },
  ),
  headers: fc.array(headerLine, { maxLength: 3 }),
  content: text,
});
/** A part as a client would send it (the video, or a documented field), or anything. */
const part = fc.oneof(
  anyPart.map((p) => ({ ...p, name: "file", filename: p.filename ?? "a.mp4" })),
  anyPart.map((p) => ({ ...p, filename: undefined, headers: [] })),
  anyPart,
);
/** A byte-level change: flip, delete or insert at a relative position, or cut the body there. */
const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  kind: fc.constantFrom("flip", "delete", "insert", "truncate"),
  byte: fc.integer({ min: 0, max: 255 }),
});
const body = fc.record({
  boundary: mostly(fc.constant("b"), fc.stringMatching(/^[A-Za-z0-9'()+_,./:=? -]{1,70}$/)),
  contentType: mostly(fc.constant("plain"), fc.constantFrom("quoted", "none", "empty", "other", "mixed")),
  preamble: fc.option(text, { nil: undefined, freq: 4 }),
  parts: fc.array(part, { maxLength: 5 }),
  closed: mostly(fc.constant(true), fc.constant(false)),
  mutations: mostly(fc.array(mutation, { maxLength: 0 }), fc.array(mutation, { minLength: 1, maxLength: 4 })),
});

type Body = typeof body extends fc.Arbitrary<infer T> ? T : never;

/** The request a generated body describes: its Content-Type header and its bytes. */
function render(b: Body): { contentType: string; payload: Buffer } {
  const disposition = (p: Body["parts"][number]) =>
    "Content-Disposition: form-data" +
    (p.name === undefined ? "" : `; name="${p.name}"`) +
    (p.filename === undefined ? "" : `; filename="${p.filename}"`);
  let text = b.preamble === undefined ? "" : `${b.preamble}\r\n`;
  for (const p of b.parts)
    text += `--${b.boundary}\r\n${[disposition(p), ...p.headers].join("\r\n")}\r\n\r\n${p.content}\r\n`;
  if (b.closed) text += `--${b.boundary}--\r\n`;
  const bytes = [...Buffer.from(text, "latin1")];
  for (const m of b.mutations) {
    const i = Math.floor(m.at * bytes.length);
    if (m.kind === "flip" && i < bytes.length) bytes[i] ^= m.byte;
    if (m.kind === "delete") bytes.splice(i, 1);
    if (m.kind === "insert") bytes.splice(i, 0, m.byte);
    if (m.kind === "truncate") bytes.length = i;
  }
  const contentType = {
    plain: `multipart/form-data; boundary=${b.boundary}`,
    quoted: `multipart/form-data; boundary="${b.boundary}"`,
    none: "multipart/form-data",
    empty: "multipart/form-data; boundary=",
    other: "multipart/form-data; boundary=not-the-one",
    mixed: `multipart/mixed; boundary=${b.boundary}`,
  }[b.contentType];
  return { contentType, payload: Buffer.from(bytes) };
}

test("any multipart body gets a 4xx JSON error or a success, never a 500, and leaves no file", async () => {
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const { contentType, payload } = render(b);
      const t0 = performance.now();
      const res = await bare.app.inject({
        method: "POST",
        url: "/v1/embed?label=fuzz",
        headers: { "content-type": contentType },
        payload,
      });
      const ms = performance.now() - t0;
      assert.ok(ms < REPLY_WITHIN_MS, `answered after ${ms.toFixed(0)} ms`);
      assert.ok(res.statusCode < 500, `status ${res.statusCode}: ${res.body}`);
      if (res.statusCode >= 400) {
        const error = (res.json() as { error?: { code?: unknown; message?: unknown } }).error;
        assert.equal(typeof error?.code, "string", res.body);
        assert.equal(typeof error?.message, "string", res.body);
        assert.doesNotMatch(error!.message as string, /[\r\n]/, "one line");
      } else assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(await leftovers(bare.tmpDir), []);
    }),
    fuzzParameters(),
  );
});
