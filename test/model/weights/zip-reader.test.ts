import assert from "node:assert/strict";
import { open, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { zipSync } from "fflate";
import { crc32, tableCrc32 } from "../../../src/model/weights/crc32.js";
import { ZipReader, bufferSource, fileSource } from "../../../src/model/weights/zip-reader.js";
import { zip64Archive } from "./torch-bin-writer.js";
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
    const zip = await ZipReader.open(bufferSource(zip64Archive()), "z.zip");
    assert.deepEqual(zip.entries.get("a/x"), {
      name: "a/x",
      method: 0,
      compressedSize: 2,
      size: 2,
      localHeaderOffset: 0,
      crc32: 0xd8932aac,
    });
    assert.equal(text(await zip.read(zip.entries.get("a/x")!)), "hi");
    // A zip64 field that claims 24 bytes where its record holds 8 is not read past the record.
    await rejectsExactly(
      ZipReader.open(bufferSource(zip64Archive(12)), "z.zip"),
      "z.zip: file is corrupt (bad zip central directory record 0)",
    );
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

    // A central record claiming 1000 stored bytes where 100 lie before the directory: refused on open.
    const bytes = zipSync({ "a/x": [new Uint8Array(100), { level: 0 }] });
    const lying = bytes.slice();
    new DataView(lying.buffer).setUint32(centralDirectoryOffset(lying) + 20, 1000, true); // compressed size
    new DataView(lying.buffer).setUint32(centralDirectoryOffset(lying) + 24, 1000, true); // size
    await rejectsExactly(
      ZipReader.open(bufferSource(lying), "l.zip"),
      "l.zip: file is corrupt (zip entry a/x runs into the central directory)",
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

describe("ZipReader on hostile archives", () => {
  /** Offset of the local header of the first entry's sizes (crc at 14, compressed at 18, size at 22). */
  const setCentral = (zip: Uint8Array, at: number, value: number) =>
    new DataView(zip.buffer, zip.byteOffset).setUint32(centralDirectoryOffset(zip) + at, value, true);
  const setLocal = (zip: Uint8Array, at: number, value: number) =>
    new DataView(zip.buffer, zip.byteOffset).setUint32(at, value, true);

  it("refuses an entry whose bytes fail their CRC-32", async () => {
    const bytes = zipSync({ "a/x": [new Uint8Array(64).fill(1), { level: 0 }] });
    bytes[40] ^= 0xff; // inside the data, which starts at byte 33
    const zip = await ZipReader.open(bufferSource(bytes), "c.zip");
    await rejectsExactly(
      zip.read(zip.entries.get("a/x")!),
      "c.zip: file is corrupt (zip entry a/x fails its CRC-32 check)",
    );
  });

  it("refuses, on open, a deflated entry declaring more than deflate can make of its bytes (a 1 KB bomb)", async () => {
    const bytes = zipSync({ "a/x": [new Uint8Array(1000), { level: 9 }] });
    assert.ok(bytes.length < 1024);
    const compressed = new DataView(bytes.buffer).getUint32(centralDirectoryOffset(bytes) + 20, true);
    setCentral(bytes, 24, 0x7fffffff);
    const started = performance.now();
    await rejectsExactly(
      ZipReader.open(bufferSource(bytes), "bomb.zip"),
      `bomb.zip: zip entry a/x declares 2147483647 bytes from ${compressed} compressed, more than deflate can produce`,
    );
    assert.ok(performance.now() - started < 500);
  });

  it("stops inflating at the declared size", async () => {
    const bytes = zipSync({ "a/x": [new Uint8Array(5000), { level: 9 }] });
    setCentral(bytes, 24, 100);
    setLocal(bytes, 22, 100);
    const zip = await ZipReader.open(bufferSource(bytes), "d.zip");
    await rejectsExactly(
      zip.read(zip.entries.get("a/x")!),
      "d.zip: file is corrupt (zip entry a/x inflates past the 100 bytes it declares)",
    );
  });

  it("refuses a local header that disagrees with the central directory", async () => {
    const bytes = zipSync({ "a/x": [new Uint8Array(10), { level: 0 }] });
    setLocal(bytes, 18, 5); // local compressed size
    const zip = await ZipReader.open(bufferSource(bytes), "h.zip");
    await rejectsExactly(
      zip.read(zip.entries.get("a/x")!),
      "h.zip: file is corrupt (zip entry a/x: local header disagrees with the central directory)",
    );
  });

  it("refuses overlapping entries and a name that appears twice", async () => {
    const bytes = zipSync({
      "a/x": [new Uint8Array(10), { level: 0 }],
      "a/y": [new Uint8Array(10), { level: 0 }],
    });
    const second = centralDirectoryOffset(bytes) + 46 + 3; // the second central record
    const overlapping = bytes.slice();
    new DataView(overlapping.buffer).setUint32(second + 42, 0, true); // both entries start at byte 0
    await rejectsExactly(
      ZipReader.open(bufferSource(overlapping), "o.zip"),
      "o.zip: file is corrupt (zip entry a/y overlaps the entry before it)",
    );
    const twice = bytes.slice();
    twice[second + 46 + 2] = 0x78; // a/y -> a/x
    await rejectsExactly(
      ZipReader.open(bufferSource(twice), "t.zip"),
      "t.zip: file is corrupt (zip entry a/x appears twice)",
    );
  });
});

describe("crc32", () => {
  it("matches the zip checksum, natively and in JavaScript", () => {
    const cases: [string, number][] = [
      ["", 0],
      ["hi", 0xd8932aac],
      ["123456789", 0xcbf43926],
    ];
    for (const [text, expected] of cases) {
      const bytes = new TextEncoder().encode(text);
      assert.equal(crc32(bytes), expected, text);
      assert.equal(tableCrc32(bytes), expected, text);
    }
    const noise = new Uint8Array(4096).map((_, i) => (i * 131) ^ (i >> 3));
    assert.equal(tableCrc32(noise), crc32(noise));
  });
});
