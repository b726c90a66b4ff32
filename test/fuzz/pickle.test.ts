/**
 * Property-based fuzzing of the pickle decoder, alone and as torch's data.pkl inside a valid zip: random bytes,
 * streams of real opcodes and mutations of a real state-dict pickle give a value or a VidmaeError, within a
 * time bound.
 */
import { test } from "node:test";
import fc from "fast-check";
import { PickleCallable, unpickle } from "../../src/model/weights/pickle.js";
import { parseTorchBin } from "../../src/model/weights/torch-bin.js";
import { type WrittenTensor, statePickle, writeCheckpoint } from "../model/weights/torch-bin-writer.js";
import { mutationsOf, resultOrVidmaeError } from "./checkpoint-fuzz.js";
import { fuzzParameters } from "./settings.js";

const storages = {
  "0": new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer),
  "1": new Uint8Array([0, 0x3c, 0, 0x40]),
};
const tensors: WrittenTensor[] = [
  { name: "w", storage: "0", storageType: "FloatStorage", shape: [2, 3], parameter: true },
  { name: "t", storage: "0", storageType: "FloatStorage", shape: [3, 2], stride: [1, 3] },
  { name: "h", storage: "1", storageType: "HalfStorage", shape: [2] },
  { name: "v", storage: "1", storageType: "UntypedStorage", shape: [1], offset: 1, v3Dtype: "float16" },
];
const pickle = statePickle(tensors, storages, true);

const options = {
  source: "f.pkl",
  globals: new Map<string, unknown>([
    ["collections.OrderedDict", new PickleCallable("collections.OrderedDict", () => new Map())],
    ["builtins.tuple", new PickleCallable("builtins.tuple", (args) => args)],
  ]),
  persistentLoad: (pid: unknown) => pid,
};

/** One opcode with a plausible argument, so streams get past the first byte into deeper states. */
const op = fc.oneof(
  fc.constantFrom(
    ...[0x2e, 0x28, 0x30, 0x31, 0x32, 0x4e, 0x88, 0x89, 0x29, 0x74, 0x85, 0x86, 0x87, 0x5d, 0x6c, 0x61, 0x65]
      .concat([0x7d, 0x64, 0x73, 0x75, 0x52, 0x81, 0x62, 0x51, 0x94])
      .map((b) => [b]),
  ),
  fc.tuple(fc.constantFrom(0x4b, 0x71, 0x68, 0x80), fc.integer({ min: 0, max: 255 })).map((a) => [...a]),
  fc
    .tuple(fc.constantFrom(0x4a, 0x72, 0x6a, 0x58, 0x42, 0x8b), fc.uint8Array({ minLength: 4, maxLength: 4 }))
    .map(([o, b]) => [o, ...b]),
  fc.uint8Array({ maxLength: 20 }).map((b) => [0x8a, b.length, ...b]),
  fc
    .string({ maxLength: 12 })
    .map((s) => [0x8c, s.length, ...new TextEncoder().encode(s)].slice(0, 2 + s.length)),
  fc
    .constantFrom("collections\nOrderedDict\n", "builtins\ntuple\n", "os\nsystem\n", "torch\nFloatStorage\n")
    .map((s) => [0x63, ...new TextEncoder().encode(s)]),
);
const stream = fc.array(op, { maxLength: 200 }).map((ops) => Uint8Array.from([0x80, 2, ...ops.flat(), 0x2e]));

test("pickle: random bytes give a value or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), (bytes) =>
      resultOrVidmaeError(() => unpickle(bytes, options)),
    ),
    fuzzParameters(),
  );
});

test("pickle: streams of real opcodes give a value or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(stream, (bytes) => resultOrVidmaeError(() => unpickle(bytes, options))),
    fuzzParameters(),
  );
});

test("pickle: mutations of a state dict's data.pkl, in a valid zip, give tensors or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(mutationsOf(pickle), (bytes) =>
      resultOrVidmaeError(() => parseTorchBin(writeCheckpoint({ pickle: bytes, storages }), "f.bin")),
    ),
    fuzzParameters(),
  );
});
