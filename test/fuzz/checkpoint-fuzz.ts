/**
 * Shared by the checkpoint-reader fuzz suites (safetensors, zip, pickle, config): the one property they check,
 * and byte-level mutations of a valid file.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { VidmaeError, isErrorCode } from "../../src/errors.js";

/** Time one case may take: parsing a few KB is milliseconds; this only catches hangs and blow-ups. */
export const CASE_WITHIN_MS = 1000;

/**
 * Runs one fuzz case: `parse` must return or throw a VidmaeError (a known code, a message with no stack in it),
 * never a RangeError, TypeError or anything else, within {@link CASE_WITHIN_MS}.
 *
 * @example
 * await resultOrVidmaeError(() => parseSafetensors(bytes, "f.safetensors"));
 */
export async function resultOrVidmaeError(parse: () => unknown): Promise<void> {
  const started = performance.now();
  try {
    await parse();
  } catch (e) {
    if (!(e instanceof VidmaeError)) throw e; // fast-check reports it with the input that caused it
    assert.ok(isErrorCode(e.code), e.code);
    assert.ok(e.message.length > 0 && !/\n\s+at /.test(e.message), e.message);
  }
  const took = performance.now() - started;
  assert.ok(took < CASE_WITHIN_MS, `took ${took.toFixed(0)} ms`);
}

/** Values that break size arithmetic when written over a length or offset field. */
const EDGE_U32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** One edit of a byte string: set a byte, write an edge-case u32, cut it short, or splice in random bytes. */
type Edit =
  | { kind: "flip" | "u32"; at: number; value: number }
  | { kind: "cut"; at: number }
  | { kind: "splice"; at: number; bytes: Uint8Array };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("u32" as const), at: fc.nat(), value: fc.constantFrom(...EDGE_U32) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("splice" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
);

function apply(bytes: Uint8Array, e: Edit): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = e.at % bytes.length;
  switch (e.kind) {
    case "flip": {
      const out = bytes.slice();
      out[at] = e.value;
      return out;
    }
    case "u32": {
      const out = bytes.slice();
      if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, e.value, true);
      return out;
    }
    case "cut":
      return bytes.slice(0, at);
    case "splice":
      return Uint8Array.from([...bytes.subarray(0, at), ...e.bytes, ...bytes.subarray(at)]);
  }
}

/**
 * Copies of `valid` with one to four edits: mostly still shaped like the format, so runs get past the first
 * check into the deeper ones.
 *
 * @example
 * fc.assert(fc.asyncProperty(mutationsOf(bytes), (b) => resultOrVidmaeError(() => parse(b))), fuzzParameters());
 */
export function mutationsOf(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(apply, valid));
}
