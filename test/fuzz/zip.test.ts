/**
 * Property-based fuzzing of the zip reader (and the torch checkpoint reader over it): random bytes and
 * mutations of valid archives give entries or a VidmaeError, within a time bound.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { zipSync } from "fflate";
import { parseTorchBin } from "../../src/model/weights/torch-bin.js";
import { ZipReader, bufferSource } from "../../src/model/weights/zip-reader.js";
import { statePickle, writeCheckpoint, zip64Archive } from "../model/weights/torch-bin-writer.js";
import { mutationsOf, resultOrVidmaeError } from "./checkpoint-fuzz.js";
import { fuzzParameters } from "./settings.js";

const content = new Uint8Array(3000).map((_, i) => (i * 7) % 13);
const archive = zipSync({
  "a/stored": [content, { level: 0 }],
  "a/deflated": [content, { level: 9 }],
  "a/empty": [new Uint8Array(0), { level: 6 }],
});
const storages = { "0": new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer) };
const checkpoint = writeCheckpoint({
  pickle: statePickle(
    [
      { name: "w", storage: "0", storageType: "FloatStorage", shape: [2, 3] },
      { name: "t", storage: "0", storageType: "FloatStorage", shape: [3, 2], stride: [1, 3] },
    ],
    storages,
  ),
  storages,
  deflate: true,
});

/** Opens an archive and reads every entry; what is read is no longer than declared. */
async function readAll(bytes: Uint8Array): Promise<void> {
  const zip = await ZipReader.open(bufferSource(bytes), "f.zip");
  for (const entry of zip.entries.values()) assert.equal((await zip.read(entry)).length, entry.size);
}

test("zip: random bytes give entries or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), (bytes) =>
      resultOrVidmaeError(() => readAll(bytes)),
    ),
    fuzzParameters(),
  );
});

test("zip: mutations of a valid archive give entries or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(mutationsOf(archive), (bytes) => resultOrVidmaeError(() => readAll(bytes))),
    fuzzParameters(),
  );
});

test("zip: mutations of a zip64 archive give entries or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(mutationsOf(zip64Archive()), (bytes) => resultOrVidmaeError(() => readAll(bytes))),
    fuzzParameters(),
  );
});

test("zip: mutations of a torch checkpoint give tensors or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(mutationsOf(checkpoint), (bytes) =>
      resultOrVidmaeError(() => parseTorchBin(bytes, "f.bin")),
    ),
    fuzzParameters(),
  );
});
