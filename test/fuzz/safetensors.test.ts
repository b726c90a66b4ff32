/**
 * Property-based fuzzing of the safetensors reader: random bytes, mutations of a valid file, and headers built
 * from hostile values all give tensors or a VidmaeError, within a time bound.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { encodeSafetensors, parseSafetensors } from "../../src/model/weights/safetensors.js";
import { DTYPE_BYTES, fromFloat32, numel } from "../../src/model/weights/tensor.js";
import { mutationsOf, resultOrVidmaeError } from "./checkpoint-fuzz.js";
import { fuzzParameters } from "./settings.js";

const valid = encodeSafetensors(
  {
    a: fromFloat32(new Float32Array([1, 2, 3, 4]), [2, 2]),
    b: fromFloat32(new Float32Array([5, 6]), [2], "BF16"),
    c: fromFloat32(new Float32Array(0), [0, 3]),
  },
  { format: "pt" },
);

/** What a parsed file must satisfy: every tensor's bytes are exactly numel × dtype size. */
function parseAndCheck(bytes: Uint8Array): void {
  for (const [name, t] of parseSafetensors(bytes, "f.safetensors"))
    assert.equal(t.data.length, numel(t.shape) * DTYPE_BYTES[t.dtype], name);
}

const size = fc.oneof(
  fc.nat({ max: 64 }),
  fc.constantFrom(-1, 2 ** 31, 2 ** 53, 2 ** 64, 1e300, 0.5),
  fc.constantFrom("1", null),
);
const headerEntry = fc.record({
  dtype: fc.oneof(fc.constantFrom("F32", "F16", "BF16", "I64", "U8", "BOOL", "F8_E4M3"), fc.string()),
  shape: fc.oneof(fc.array(size, { maxLength: 4 }), fc.constant("[]")),
  data_offsets: fc.oneof(fc.tuple(size, size), fc.array(size, { maxLength: 3 })),
});
const header = fc.dictionary(
  fc.oneof(fc.constantFrom("__metadata__", "__proto__", "w"), fc.string({ maxLength: 8 })),
  fc.oneof({ arbitrary: headerEntry, weight: 4 }, { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 }),
  { maxKeys: 5 },
);

/** A file around `json` with `dataBytes` bytes of data. */
function around(json: unknown, dataBytes: number): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + text.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

test("safetensors: random bytes give tensors or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), (bytes) =>
      resultOrVidmaeError(() => parseAndCheck(bytes)),
    ),
    fuzzParameters(),
  );
});

test("safetensors: mutations of a valid file give tensors or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(mutationsOf(valid), (bytes) => resultOrVidmaeError(() => parseAndCheck(bytes))),
    fuzzParameters(),
  );
});

test("safetensors: headers of hostile values give tensors or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(header, fc.nat({ max: 256 }), (json, data) =>
      resultOrVidmaeError(() => parseAndCheck(around(json, data))),
    ),
    fuzzParameters(),
  );
});
