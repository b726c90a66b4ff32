import assert from "node:assert/strict";
import { open, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { zipSync } from "fflate";
import { ZipReader, bufferSource, fileSource } from "../../../src/model/weights/zip-reader.js";
import { VidmaeError } from "../../../src/errors.js";

const fixture = fileURLToPath(
  new URL("../../fixtures/videomae/tiny-classifier/pytorch_model.bin", import.meta.url),
);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function rejectsExactly(p: Promise<unknown>, message: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof VidmaeError);
    assert.equal(e.code, "E_WEIGHTS");
    assert.equal(e.message, message);
    return true;
  });
}

/** Offset of the first central-directory record in a zip without a comment (from the end record). */
function centralDirectoryOffset(zip: Uint8Array): number {
  return new DataView(zip.buffer, zip.byteOffset).getUint32(zip.length - 22 + 16, true);
}

describe("ZipReader", () => {
  it("reads torch's own zip (zip64 end record, data padded to 64 bytes) through a file handle", async () => {
    const handle = await open(fixture);
    try {
      const zip = await ZipReader.open(await fileSource(handle), "m.bin");
      assert.equal(zip.entries.size, 38);
      assert.equal(text(await zip.read(zip.entries.get("pytorch_model/version")!)), "3\n");
      const blob = await zip.read(zip.entries.get("pytorch_model/data/0")!);
      assert.equal(blob.length, 49152);
      // Same bytes as reading the whole file and slicing at the local header's data start.
      const whole = await readFile(fixture);
      const fromBuffer = await (
        await ZipReader.open(bufferSource(whole), "m.bin")
      ).read(zip.entries.get("pytorch_model/data/0")!);
      assert.deepEqual(blob, new Uint8Array(fromBuffer));
    } finally {
      await handle.close();
    }
  });

  it("reads stored and deflated entries written by another zip writer", async () => {
    const big = new Uint8Array(5000).map((_, i) => i % 7);
    const bytes = zipSync({ "a/stored": [big, { level: 0 }], "a/deflated": [big, { level: 9 }] });
    const zip = await ZipReader.open(bufferSource(bytes), "z.zip");
    assert.deepEqual([...zip.entries.keys()], ["a/stored", "a/deflated"]);
    assert.equal(zip.entries.get("a/deflated")!.method, 8);
    assert.deepEqual(await zip.read(zip.entries.get("a/stored")!), big);
    assert.deepEqual(await zip.read(zip.entries.get("a/deflated")!), big);
  });

  it("takes sizes and offsets from a zip64 extra field", async () => {
    // One stored entry "a/x" = "hi" whose central record saturates sizes and offset to 0xffffffff.
    const name = [0x61, 0x2f, 0x78];
    const u16 = (n: number) => [n & 0xff, n >> 8];
    const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
    const u64 = (n: number) => [...u32(n), 0, 0, 0, 0];
    const local = [
      ...u32(0x04034b50),
      ...u16(20),
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...u32(0),
      ...u32(2),
      ...u32(2),
      ...u16(3),
      ...u16(0),
      ...name,
      0x68,
      0x69,
    ];
    const extra = [...u16(1), ...u16(24), ...u64(2), ...u64(2), ...u64(0)];
    const central = [
      ...[...u32(0x02014b50), ...u16(45), ...u16(45), 0, 0, 0, 0, 0, 0, 0, 0, ...u32(0)],
      ...[
        ...u32(0xffffffff),
        ...u32(0xffffffff),
        ...u16(3),
        ...u16(extra.length),
        ...u16(0),
        ...u16(0),
        ...u16(0),
      ],
      ...[...u32(0), ...u32(0xffffffff), ...name, ...extra],
    ];
    const end = [
      ...u32(0x06054b50),
      0,
      0,
      0,
      0,
      ...u16(1),
      ...u16(1),
      ...u32(central.length),
      ...u32(local.length),
      0,
      0,
    ];
    const zip = await ZipReader.open(bufferSource(Uint8Array.from([...local, ...central, ...end])), "z.zip");
    assert.deepEqual(zip.entries.get("a/x"), {
      name: "a/x",
      method: 0,
      compressedSize: 2,
      size: 2,
      localHeaderOffset: 0,
    });
    assert.equal(text(await zip.read(zip.entries.get("a/x")!)), "hi");
  });

  it("names a non-zip, a cut-off zip and an entry running past the end", async () => {
    await rejectsExactly(
      ZipReader.open(bufferSource(new Uint8Array(100).fill(7)), "r.bin"),
      "r.bin: not a zip archive",
    );
    await rejectsExactly(
      ZipReader.open(bufferSource(new Uint8Array(0)), "e.bin"),
      "e.bin: not a zip archive",
    );
    const whole = await readFile(fixture);
    await rejectsExactly(
      ZipReader.open(bufferSource(whole.subarray(0, whole.length - 10)), "t.bin"),
      "t.bin: file is truncated or corrupt (no zip end-of-central-directory record)",
    );

    const bytes = zipSync({ "a/x": [new Uint8Array(100), { level: 0 }] });
    const lying = bytes.slice();
    new DataView(lying.buffer).setUint32(centralDirectoryOffset(lying) + 20, 1000, true); // compressed size; data starts at 33
    const zip = await ZipReader.open(bufferSource(lying), "l.zip");
    await rejectsExactly(
      zip.read(zip.entries.get("a/x")!),
      `l.zip: file is truncated (zip entry a/x ends at byte 1033 of ${lying.length})`,
    );
  });

  it("refuses compression methods other than stored and deflated", async () => {
    const bytes = zipSync({ "a/x": [new Uint8Array(10), { level: 0 }] });
    new DataView(bytes.buffer).setUint16(centralDirectoryOffset(bytes) + 10, 12, true); // bzip2
    const zip = await ZipReader.open(bufferSource(bytes), "b.zip");
    await rejectsExactly(
      zip.read(zip.entries.get("a/x")!),
      "b.zip: zip entry a/x uses compression method 12; only stored and deflated are supported",
    );
  });
});
