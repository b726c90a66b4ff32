import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { parseTorchBin, readTorchBin } from "../../../src/model/weights/torch-bin.js";
import { type RawTensor, toFloat32 } from "../../../src/model/weights/tensor.js";
import { VidmaeError } from "../../../src/errors.js";
import { PickleWriter, type WrittenTensor, statePickle, writeCheckpoint } from "./torch-bin-writer.js";

const dir = fileURLToPath(new URL("../../fixtures/videomae/tiny-classifier/", import.meta.url));
const binPath = join(dir, "pytorch_model.bin");

/** Minimal independent safetensors reader: u64 header length, JSON header, then the data section. */
function readSafetensorsForTest(bytes: Uint8Array): Map<string, RawTensor> {
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<
    string,
    { dtype: RawTensor["dtype"]; shape: number[]; data_offsets: [number, number] }
  >;
  const out = new Map<string, RawTensor>();
  for (const [name, e] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [begin, end] = e.data_offsets;
    out.set(name, {
      dtype: e.dtype,
      shape: e.shape,
      data: bytes.subarray(8 + headerLen + begin, 8 + headerLen + end),
    });
  }
  return out;
}

/** Asserts the promise rejects with a VidmaeError of exactly this code and message. */
async function rejectsExactly(p: Promise<unknown>, code: string, message: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof VidmaeError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const floatsOf = (t: RawTensor | undefined) => Array.from(toFloat32(t!, "t", "test"));
const rangeF32 = (n: number) => f32(...Array.from({ length: n }, (_, i) => i));

/** Builds a checkpoint in memory and parses it. */
function roundTrip(
  tensors: WrittenTensor[],
  storages: Record<string, Uint8Array>,
  extra: { orderedDict?: boolean; deflate?: boolean } = {},
) {
  const bin = writeCheckpoint({
    pickle: statePickle(tensors, storages, extra.orderedDict),
    storages,
    deflate: extra.deflate,
  });
  return parseTorchBin(bin, "w.bin");
}

describe("readTorchBin on the torch 1.13 fixture", () => {
  it("gives exactly the keys, dtypes, shapes and bytes of model.safetensors", async () => {
    const expected = readSafetensorsForTest(await readFile(join(dir, "model.safetensors")));
    const fromFile = await readTorchBin(binPath);
    const fromBuffer = await parseTorchBin(await readFile(binPath), "pytorch_model.bin");
    for (const got of [fromFile, fromBuffer]) {
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
      assert.equal(got.size, 36);
      for (const [name, want] of expected) {
        const t = got.get(name)!;
        assert.equal(t.dtype, want.dtype, name);
        assert.deepEqual(t.shape, want.shape, name);
        assert.ok(Buffer.from(t.data).equals(Buffer.from(want.data)), `bytes of ${name}`);
      }
    }
  });
});

describe("readTorchBin errors on files", () => {
  let tmp = "";
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "vidmae-torch-bin-"));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("names a truncated copy", async () => {
    const cut = join(tmp, "cut.bin");
    await writeFile(cut, (await readFile(binPath)).subarray(0, 60000));
    await rejectsExactly(
      readTorchBin(cut),
      "E_WEIGHTS",
      `${cut}: file is truncated or corrupt (no zip end-of-central-directory record)`,
    );
  });

  it("names random bytes as not a zip", async () => {
    let seed = 12345;
    const noise = new Uint8Array(4096).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
    const path = join(tmp, "noise.bin");
    await writeFile(path, noise);
    await rejectsExactly(readTorchBin(path), "E_WEIGHTS", `${path}: not a zip archive`);
  });

  it("recognises the legacy pre-1.6 format by its magic number", async () => {
    const path = join(tmp, "legacy.bin");
    // protocol 2, then LONG1 of the 10-byte magic number 0x1950a86a20f9469cfc6c, as legacy torch.save starts.
    await writeFile(path, Buffer.from("80028a0a6cfc9c46f9206aa850192e", "hex"));
    await rejectsExactly(
      readTorchBin(path),
      "E_WEIGHTS",
      `${path} uses the legacy (pre-1.6) torch.save format; re-save it with a recent PyTorch or use model.safetensors`,
    );
  });

  it("wraps a missing file as E_IO", async () => {
    const path = join(tmp, "absent.bin");
    await rejectsExactly(
      readTorchBin(path),
      "E_IO",
      `Cannot read ${path}: ENOENT: no such file or directory, open '${path}'`,
    );
  });
});

describe("parseTorchBin on written checkpoints", () => {
  it("copies strided views out of a shared storage, honouring the offset", async () => {
    const storages = { "0": rangeF32(12) };
    const got = await roundTrip(
      [
        // A transpose: (i, j) = storage[1 + i + 3j].
        { name: "t", storage: "0", storageType: "FloatStorage", shape: [3, 2], stride: [1, 3], offset: 1 },
        // Rows of 2 out of rows of 3: (a, b, c) = storage[6a + 3b + c].
        { name: "slice", storage: "0", storageType: "FloatStorage", shape: [2, 2, 2], stride: [6, 3, 1] },
        // Contiguous except for the stride of a size-1 dim, which torch ignores.
        { name: "row", storage: "0", storageType: "FloatStorage", shape: [1, 3], stride: [99, 1], offset: 9 },
        { name: "scalar", storage: "0", storageType: "FloatStorage", shape: [], stride: [], offset: 11 },
        { name: "empty", storage: "0", storageType: "FloatStorage", shape: [0, 4], offset: 12 },
      ],
      storages,
    );
    assert.deepEqual(floatsOf(got.get("t")), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(got.get("t")!.shape, [3, 2]);
    assert.deepEqual(floatsOf(got.get("slice")), [0, 1, 3, 4, 6, 7, 9, 10]);
    assert.deepEqual(floatsOf(got.get("row")), [9, 10, 11]);
    assert.deepEqual(got.get("scalar"), { dtype: "F32", shape: [], data: f32(11) });
    assert.deepEqual(got.get("empty"), { dtype: "F32", shape: [0, 4], data: new Uint8Array(0) });
  });

  it("reads F16, BF16, F64 and I64 storages, parameters, and an OrderedDict with _metadata", async () => {
    const half = Uint8Array.from([0x00, 0x3c, 0x00, 0x40, 0x00, 0xc0, 0x00, 0x38, 0xff, 0x7b]); // 1, 2, -2, 0.5, 65504
    const bf16 = Uint8Array.from([0x80, 0x3f, 0xc0, 0xbf]); // 1, -1.5
    const f64 = new Uint8Array(new Float64Array([0.1, 3]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([-5n, 2n ** 40n]).buffer);
    const got = await roundTrip(
      [
        { name: "h", storage: "h", storageType: "HalfStorage", shape: [2], offset: 3, parameter: true },
        { name: "b", storage: "b", storageType: "BFloat16Storage", shape: [2] },
        { name: "d", storage: "d", storageType: "DoubleStorage", shape: [2, 1] },
        { name: "l", storage: "l", storageType: "LongStorage", shape: [2] },
      ],
      { h: half, b: bf16, d: f64, l: i64 },
      { orderedDict: true },
    );
    assert.deepEqual([...got.keys()], ["h", "b", "d", "l"]);
    assert.deepEqual(got.get("h"), { dtype: "F16", shape: [2], data: half.subarray(6, 10) });
    assert.deepEqual(floatsOf(got.get("h")), [0.5, 65504]);
    assert.deepEqual(floatsOf(got.get("b")), [1, -1.5]);
    assert.deepEqual(got.get("d"), { dtype: "F64", shape: [2, 1], data: f64 });
    assert.deepEqual(got.get("l"), { dtype: "I64", shape: [2], data: i64 });
  });

  it("reads _rebuild_tensor_v3 over an untyped storage, with the dtype given in elements of that dtype", async () => {
    const bytes = Uint8Array.from([0, 0, 0x80, 0x3f, 0x00, 0x40, 0, 0]); // bf16: 0, 1, 2, 0
    const got = await roundTrip(
      [
        {
          name: "v",
          storage: "0",
          storageType: "UntypedStorage",
          shape: [2],
          offset: 1,
          v3Dtype: "bfloat16",
        },
      ],
      { "0": bytes },
    );
    assert.deepEqual(got.get("v"), { dtype: "BF16", shape: [2], data: bytes.subarray(2, 6) });
  });

  it("swaps big-endian storages once, even when two tensors share one", async () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -2, false);
    const tensors: WrittenTensor[] = [
      { name: "a", storage: "0", storageType: "FloatStorage", shape: [2] },
      { name: "tied", storage: "0", storageType: "FloatStorage", shape: [2] },
    ];
    const storages = { "0": be };
    const bin = writeCheckpoint({ pickle: statePickle(tensors, storages), storages, byteorder: "big" });
    const got = await parseTorchBin(bin, "be.bin");
    assert.deepEqual(floatsOf(got.get("a")), [1.5, -2]);
    assert.deepEqual(floatsOf(got.get("tied")), [1.5, -2]);
  });

  it("reads deflated entries and a checkpoint without a byteorder record the same", async () => {
    const tensors: WrittenTensor[] = [
      { name: "w", storage: "0", storageType: "FloatStorage", shape: [2, 3], stride: [1, 2] },
    ];
    const storages = { "0": rangeF32(6) };
    const deflated = await roundTrip(tensors, storages, { deflate: true });
    const noOrder = await parseTorchBin(
      writeCheckpoint({ pickle: statePickle(tensors, storages), storages, byteorder: null }),
      "w.bin",
    );
    assert.deepEqual(floatsOf(deflated.get("w")), [0, 2, 4, 1, 3, 5]);
    assert.deepEqual(noOrder, deflated);
  });
});

describe("parseTorchBin errors on written checkpoints", () => {
  it("names a storage too short for its tensor", async () => {
    await rejectsExactly(
      roundTrip(
        [{ name: "w", storage: "0", storageType: "FloatStorage", shape: [2, 2], stride: [1, 2], offset: 1 }],
        {
          "0": rangeF32(4),
        },
      ),
      "E_WEIGHTS",
      "w.bin: tensor w needs 20 bytes of archive/data/0, which has 16",
    );
  });

  it("names a storage blob missing from the archive", async () => {
    const pickle = statePickle([{ name: "w", storage: "7", storageType: "FloatStorage", shape: [1] }], {});
    await rejectsExactly(
      parseTorchBin(writeCheckpoint({ pickle, storages: {} }), "w.bin"),
      "E_WEIGHTS",
      "w.bin: storage archive/data/7 of tensor w is missing from the archive",
    );
  });

  it("names a zip without data.pkl", async () => {
    const bin = writeCheckpoint({ pickle: new Uint8Array(0), storages: {}, archive: "archive" });
    const renamed = Buffer.from(bin).toString("latin1").replaceAll("archive/data.pkl", "archive/data.pkx");
    await rejectsExactly(
      parseTorchBin(Buffer.from(renamed, "latin1"), "w.bin"),
      "E_WEIGHTS",
      "w.bin: zip archive has no <archive>/data.pkl, so it is not a torch.save checkpoint",
    );
  });

  it("refuses a global outside the allowlist, naming it", async () => {
    const pickle = new PickleWriter()
      .proto()
      .raw(0x7d)
      .str("x")
      .global("builtins", "eval")
      .str("1")
      .raw(0x85, 0x52, 0x73, 0x2e)
      .bytes();
    await rejectsExactly(
      parseTorchBin(writeCheckpoint({ pickle, storages: {} }), "w.bin"),
      "E_WEIGHTS",
      "w.bin: archive/data.pkl: global builtins.eval is not allowed (only the PyTorch tensor-rebuild globals are) at byte 9",
    );
  });

  it("names an unknown opcode in data.pkl", async () => {
    const pickle = new PickleWriter().proto().raw(0x7d, 0x8f).bytes(); // EMPTY_SET
    await rejectsExactly(
      parseTorchBin(writeCheckpoint({ pickle, storages: {} }), "w.bin"),
      "E_WEIGHTS",
      "w.bin: archive/data.pkl: unsupported pickle opcode 0x8f at byte 3",
    );
  });

  it("names a tensor of a dtype with no tag, and a non-tensor entry", async () => {
    await rejectsExactly(
      roundTrip([{ name: "q", storage: "0", storageType: "UntypedStorage", shape: [2], v3Dtype: "uint16" }], {
        "0": new Uint8Array(4),
      }),
      "E_UNSUPPORTED_DTYPE",
      "w.bin: tensor q has dtype torch.uint16, which vidmae cannot read",
    );
    const pickle = new PickleWriter().proto().raw(0x7d).str("epoch").int(3).raw(0x73, 0x2e).bytes();
    await rejectsExactly(
      parseTorchBin(writeCheckpoint({ pickle, storages: {} }), "w.bin"),
      "E_WEIGHTS",
      "w.bin: state dict entry epoch is not a tensor",
    );
  });
});

describe("parseTorchBin on hostile checkpoints", () => {
  it("refuses a stride-0 view of a 4-byte storage claiming a trillion elements, before allocating", async () => {
    const storages = { "0": f32(1) };
    const tensors: WrittenTensor[] = [
      { name: "w", storage: "0", storageType: "FloatStorage", shape: [1000000, 1000000], stride: [0, 0] },
    ];
    const bin = writeCheckpoint({ pickle: statePickle(tensors, storages), storages });
    assert.ok(bin.length < 2048);
    const heap = process.memoryUsage().heapUsed;
    await rejectsExactly(
      parseTorchBin(bin, "w.bin"),
      "E_WEIGHTS",
      "w.bin: tensor w has shape [1000000, 1000000], more elements than archive/data/0 holds (4 bytes)",
    );
    assert.ok(process.memoryUsage().heapUsed - heap < 64 << 20);
  });

  it("refuses a storage whose persistent id declares another size than its zip entry", async () => {
    const tensors: WrittenTensor[] = [{ name: "w", storage: "0", storageType: "FloatStorage", shape: [4] }];
    const pickle = statePickle(tensors, { "0": rangeF32(1000) }); // declares 1000 elements
    await rejectsExactly(
      parseTorchBin(writeCheckpoint({ pickle, storages: { "0": rangeF32(4) } }), "w.bin"),
      "E_WEIGHTS",
      "w.bin: storage archive/data/0 declares 1000 F32 elements (4000 bytes) but its zip entry holds 16 bytes",
    );
  });

  it("refuses many strided views copying one storage over and over", async () => {
    const view = { storage: "0", storageType: "FloatStorage", shape: [2, 2], stride: [1, 2] };
    const tensors = Array.from({ length: 5 }, (_, i) => ({ ...view, name: `t${i}` }));
    await rejectsExactly(
      roundTrip(tensors, { "0": rangeF32(4) }),
      "E_WEIGHTS",
      "w.bin: strided tensors would copy out 80 bytes, more than 4 times the 16 bytes their storages hold",
    );
  });

  it("refuses a tensor of more than 64 dimensions and a key that is not a string", async () => {
    const shape = new Array<number>(65).fill(1);
    await rejectsExactly(
      roundTrip([{ name: "w", storage: "0", storageType: "FloatStorage", shape }], { "0": f32(1) }),
      "E_WEIGHTS",
      "w.bin: archive/data.pkl: _rebuild_tensor_v2 got malformed arguments",
    );
    const pickle = new PickleWriter().proto().raw(0x7d, 0x29).int(1).raw(0x73, 0x2e).bytes(); // {(): 1}
    await rejectsExactly(
      parseTorchBin(writeCheckpoint({ pickle, storages: {} }), "w.bin"),
      "E_WEIGHTS",
      "w.bin: archive/data.pkl has a state dict key that is not a string",
    );
  });
});
