import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VidmaeError } from "../../../src/errors.js";
import { MAX_HEADER_BYTES, parseSafetensors } from "../../../src/model/weights/safetensors.js";

/** A safetensors file with this header (as given, not checked) and `dataBytes` zero bytes of data. */
function craft(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function throwsExactly(fn: () => unknown, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VidmaeError, String(e));
    assert.equal(e.code, "E_WEIGHTS");
    assert.equal(e.message, message);
    return true;
  });
}

describe("parseSafetensors on hostile files", () => {
  it("reads a well-formed file, zero-size tensors included", () => {
    const bytes = craft(
      {
        a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        e: { dtype: "F32", shape: [0], data_offsets: [8, 8] },
        b: { dtype: "F16", shape: [2], data_offsets: [8, 12] },
      },
      12,
    );
    const got = parseSafetensors(bytes, "ok.safetensors");
    assert.deepEqual([...got.keys()], ["a", "e", "b"]);
    assert.equal(got.get("b")!.data.length, 4);
  });

  it("refuses a header longer than the file, and one over the 100 MB cap", () => {
    const bytes = craft({}, 0);
    new DataView(bytes.buffer).setBigUint64(0, 1n << 40n, true);
    throwsExactly(
      () => parseSafetensors(bytes, "h.safetensors"),
      `h.safetensors: file is truncated or not a safetensors file (header length ${1n << 40n} exceeds the file size ${bytes.length})`,
    );
    // A lazily zeroed buffer just past the cap: refused before a byte of it is decoded.
    const big = new Uint8Array(MAX_HEADER_BYTES + 16);
    new DataView(big.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
    throwsExactly(
      () => parseSafetensors(big, "big.safetensors"),
      "big.safetensors: the safetensors header is 100000001 bytes, more than the 100000000 allowed",
    );
  });

  it("refuses reversed offsets, offsets past the data, and a size that is not numel × dtype size", () => {
    throwsExactly(
      () => parseSafetensors(craft({ a: { dtype: "U8", shape: [0], data_offsets: [8, 4] } }, 8), "r.st"),
      "r.st: tensor a has data_offsets [8, 4] that end before they begin",
    );
    throwsExactly(
      () => parseSafetensors(craft({ a: { dtype: "U8", shape: [16], data_offsets: [0, 16] } }, 8), "p.st"),
      "p.st: file is truncated: tensor a ends at byte 16 of a 8-byte data section",
    );
    throwsExactly(
      () =>
        parseSafetensors(
          craft({ a: { dtype: "F32", shape: [1e15, 1e15], data_offsets: [0, 4] } }, 4),
          "n.st",
        ),
      "n.st: tensor a has 4 bytes but dtype F32 and shape [1000000000000000, 1000000000000000] need 4e+30",
    );
  });

  it("refuses tensors that overlap", () => {
    const header = {
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      b: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
    };
    throwsExactly(
      () => parseSafetensors(craft(header, 12), "o.st"),
      "o.st: tensors a and b overlap in the data section",
    );
  });
});
