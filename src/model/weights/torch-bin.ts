/**
 * PyTorch checkpoints in the `torch.save` zip format (torch >= 1.6, e.g. `pytorch_model.bin`), read without
 * Python: `<archive>/data.pkl` is unpickled with an allowlist of the tensor-rebuild globals, and each tensor is
 * cut from its `<archive>/data/<key>` storage blob, made contiguous and little-endian.
 *
 * Every storage is checked against its zip entry, and every tensor's shape, strides and offset against its
 * storage, before any storage is read: what a checkpoint declares never sizes an allocation by itself.
 */
import type { FileHandle } from "node:fs/promises";
import { VidmaeError, wrapError } from "../../errors.js";
import { openRegularFile } from "./files.js";
import { PickleCallable, type PickleDict, unpickle } from "./pickle.js";
import { DTYPE_BYTES, type DType, type RawTensor, numel } from "./tensor.js";
import { type ByteSource, ZipReader, type ZipEntry, bufferSource, fileSource } from "./zip-reader.js";

/** Legacy storage classes (`torch.FloatStorage`, ...) by the dtype of their elements. */
const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: "F32",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  DoubleStorage: "F64",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
  // Untyped storages count bytes; `_rebuild_tensor_v3` then gives the tensor's dtype.
  UntypedStorage: "U8",
};

/** `torch.<dtype>` globals (passed to `_rebuild_tensor_v3`) that map onto a tag. */
const TORCH_DTYPES: Record<string, DType> = {
  float32: "F32",
  float16: "F16",
  bfloat16: "BF16",
  float64: "F64",
  int64: "I64",
  int32: "I32",
  int16: "I16",
  int8: "I8",
  uint8: "U8",
  bool: "BOOL",
};

/** Dtypes torch pickles that have no tag: allowed as globals so the error can name the tensor and dtype. */
const UNREADABLE_TORCH_DTYPES = [
  "uint16",
  "uint32",
  "uint64",
  "float8_e4m3fn",
  "float8_e5m2",
  "float8_e4m3fnuz",
  "float8_e5m2fnuz",
  "complex32",
  "complex64",
  "complex128",
];

/** A `torch.*Storage` class named in a persistent id. */
class StorageType {
  constructor(
    readonly name: string,
    readonly dtype: DType,
  ) {}
}

/** A `torch.<dtype>` global. */
class TorchDType {
  constructor(
    readonly name: string,
    readonly tag: DType | undefined,
  ) {}
}

/** A storage blob named by a persistent id: `<archive>/data/<key>`, `numel` elements of `dtype`. */
class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
  ) {}
}

/** What `_rebuild_tensor_v2/v3` describe: a strided view of a storage, in elements of `dtype`. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    readonly dtype: TorchDType,
    /** Names of set `conj`/`neg` bits: torch would apply them lazily, so such a tensor is refused. */
    readonly flags: string[],
  ) {}
}

/** Most dimensions a tensor may have (torch's own limit is 64); also keeps each rebuild call cheap. */
const MAX_DIMS = 64;
/**
 * Strided (non-contiguous) tensors are copied out; a state dict copies each stored byte about once, so copies
 * past this multiple of the storages' size can only be many views of the same bytes, made to fill memory.
 */
const MAX_COPY_FACTOR = 4;
/** Most entries in a tensor's metadata dict (torch sets at most the conj and neg bits). */
const MAX_METADATA = 8;

const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isIndexList = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length <= MAX_DIMS && v.every(isIndex);

/** Allowed globals; `fail` builds the error for malformed arguments to a rebuild function. */
function torchGlobals(fail: (why: string) => VidmaeError): Map<string, unknown> {
  const rebuildTensor = (name: string, args: unknown[], dtype: unknown, metadata: unknown): TensorRef => {
    const [storage, offset, shape, stride] = args;
    if (
      !(storage instanceof StorageRef) ||
      !isIndex(offset) ||
      !isIndexList(shape) ||
      !isIndexList(stride) ||
      shape.length !== stride.length ||
      !(dtype instanceof TorchDType) ||
      (metadata instanceof Map && metadata.size > MAX_METADATA)
    )
      throw fail(`${name} got malformed arguments`);
    const flags = metadata instanceof Map ? [...metadata].filter(([, on]) => on).map(([k]) => String(k)) : [];
    return new TensorRef(storage, offset, shape, stride, dtype, flags);
  };
  const dtypeOfStorage = (s: unknown) =>
    s instanceof StorageRef ? new TorchDType(s.dtype, s.dtype) : undefined;
  const passParameter = (args: unknown[]) => {
    if (!(args[0] instanceof TensorRef)) throw fail("_rebuild_parameter got malformed arguments");
    return args[0];
  };
  const callables = [
    new PickleCallable("collections.OrderedDict", (): PickleDict => new Map()),
    new PickleCallable("torch._utils._rebuild_tensor_v2", (a) =>
      rebuildTensor("_rebuild_tensor_v2", a, dtypeOfStorage(a[0]), a[6]),
    ),
    new PickleCallable("torch._utils._rebuild_tensor_v3", (a) =>
      rebuildTensor("_rebuild_tensor_v3", a, a[6], a[7]),
    ),
    new PickleCallable("torch._utils._rebuild_parameter", passParameter),
    new PickleCallable("torch._utils._rebuild_parameter_with_state", passParameter),
  ];
  const globals = new Map<string, unknown>(callables.map((c) => [c.name, c]));
  for (const [name, dtype] of Object.entries(STORAGE_DTYPES))
    globals.set(`torch.${name}`, new StorageType(name, dtype));
  // The untyped class pickles under its defining module (torch.storage); accept the short name too.
  globals.set("torch.storage.UntypedStorage", globals.get("torch.UntypedStorage"));
  for (const [name, tag] of Object.entries(TORCH_DTYPES))
    globals.set(`torch.${name}`, new TorchDType(name, tag));
  for (const name of UNREADABLE_TORCH_DTYPES) globals.set(`torch.${name}`, new TorchDType(name, undefined));
  return globals;
}

/** True for the pickle magic number of the pre-1.6 format, or the even older tar container. */
function isLegacyFormat(head: Uint8Array): boolean {
  const magic = [0x80, -1, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  const pickled = head.length >= magic.length && magic.every((b, i) => b < 0 || head[i] === b);
  const tar = new TextDecoder().decode(head.subarray(257, 262)) === "ustar";
  return pickled || tar;
}

/** True when `stride` is the row-major layout of `shape` (strides of size-1 dims are free, as in torch). */
function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Copies a strided view (in elements of `size` bytes) into a new row-major buffer. */
function gather(
  src: Uint8Array,
  size: number,
  offset: number,
  shape: number[],
  stride: number[],
): Uint8Array {
  const out = new Uint8Array(numel(shape) * size);
  const last = shape.length - 1;
  const rowLen = shape[last];
  const rowStride = stride[last];
  const index = new Array<number>(last).fill(0);
  let row = offset; // element offset of the current row's first element
  for (let o = 0; o < out.length;) {
    if (rowStride === 1) {
      out.set(src.subarray(row * size, (row + rowLen) * size), o);
      o += rowLen * size;
    } else {
      for (let j = 0; j < rowLen; j++) {
        const at = (row + j * rowStride) * size;
        for (let b = 0; b < size; b++) out[o++] = src[at + b];
      }
    }
    // Odometer over the outer dims.
    for (let d = last - 1; d >= 0; d--) {
      row += stride[d];
      if (++index[d] < shape[d]) break;
      row -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** A copy of `bytes` with each `size`-byte element reversed (big-endian to little-endian). */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size)
    for (let b = 0; b < size; b++) out[i + b] = bytes[i + size - 1 - b];
  return out;
}

/**
 * How to find the state dict inside a pickle whose root is not itself the dict of tensors (a training
 * checkpoint's `{"model": state_dict, "optimizer": …}`), and which extra globals such a pickle may name.
 */
export interface StateDictSelector {
  /** Returns the dict of tensors inside the unpickled root, or a sentence saying why there is none. */
  select: (root: unknown) => Map<unknown, unknown> | string;
  /** Extra allowed globals, e.g. `argparse.Namespace` for the `args` entry of a training checkpoint. */
  globals?: readonly PickleCallable[];
}

const ROOT_IS_STATE_DICT: StateDictSelector = {
  select: (root) => (root instanceof Map ? root : "holds no dict of tensors"),
};

/** Reads every tensor of a torch zip checkpoint's state dict from `source`; `file` names it in errors. */
async function loadTorchZip(
  source: ByteSource,
  file: string,
  selector: StateDictSelector = ROOT_IS_STATE_DICT,
): Promise<Map<string, RawTensor>> {
  const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${file}: ${why}`);
  if (isLegacyFormat(await source.read(0, Math.min(source.size, 512))))
    throw new VidmaeError(
      "E_WEIGHTS",
      `${file} uses the legacy (pre-1.6) torch.save format; re-save it with a recent PyTorch or use model.safetensors`,
    );
  const zip = await ZipReader.open(source, file);
  const pklName = [...zip.entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pklName === undefined)
    throw fail("zip archive has no <archive>/data.pkl, so it is not a torch.save checkpoint");
  const prefix = pklName.slice(0, -"data.pkl".length);
  const pklSource = `${file}: ${pklName}`;

  const persistentLoad = (pid: unknown): StorageRef => {
    if (
      !Array.isArray(pid) ||
      pid[0] !== "storage" ||
      !(pid[1] instanceof StorageType) ||
      typeof pid[2] !== "string" ||
      !isIndex(pid[4])
    )
      throw new VidmaeError(
        "E_WEIGHTS",
        `${pklSource}: unexpected persistent id (expected a ('storage', type, key, location, numel) tuple)`,
      );
    return new StorageRef(pid[2], pid[1].dtype, pid[4]);
  };
  const globals = torchGlobals((why) => new VidmaeError("E_WEIGHTS", `${pklSource}: ${why}`));
  for (const extra of selector.globals ?? []) globals.set(extra.name, extra);
  const root = unpickle(await zip.read(zip.entries.get(pklName)!), {
    source: pklSource,
    globals,
    persistentLoad,
  });
  const stateDict = selector.select(root);
  if (typeof stateDict === "string") throw fail(`${pklName} ${stateDict}`);

  const refs = new Map<string, TensorRef>();
  for (const [key, value] of stateDict) {
    // Keys are printed and compared: a crafted key (a list sharing itself a thousandfold) must not be.
    if (typeof key !== "string") throw fail(`${pklName} has a state dict key that is not a string`);
    if (!(value instanceof TensorRef)) throw fail(`state dict entry ${key} is not a tensor`);
    refs.set(key, value);
  }

  const byteorderEntry = zip.entries.get(`${prefix}byteorder`);
  const byteorder = byteorderEntry
    ? new TextDecoder().decode(await zip.read(byteorderEntry)).trim()
    : "little";
  if (byteorder !== "little" && byteorder !== "big")
    throw fail(`${prefix}byteorder is "${byteorder}", not little or big`);

  const storages = checkStorages(refs, zip, prefix, fail);
  let copied = 0;
  for (const [name, t] of refs) copied += checkView(name, t, storages.get(t.storage.key)!, file);
  const held = [...storages.values()].reduce((sum, s) => sum + s.entry.size, 0);
  if (copied > MAX_COPY_FACTOR * held)
    throw fail(
      `strided tensors would copy out ${copied} bytes, more than ${MAX_COPY_FACTOR} times the ${held} bytes their storages hold`,
    );

  const blobs = new Map<string, Uint8Array>();
  const out = new Map<string, RawTensor>();
  for (const [name, t] of refs) {
    const { entry, dtype } = storages.get(t.storage.key)!;
    let blob = blobs.get(entry.name);
    if (blob === undefined) {
      blob = await zip.read(entry);
      const unit = DTYPE_BYTES[dtype];
      // Swap a whole storage once: tensors sharing it (tied weights) must not swap it twice.
      if (byteorder === "big" && unit > 1) blob = swapBytes(blob, unit);
      blobs.set(entry.name, blob);
    }
    out.set(name, materialize(t, blob));
  }
  return out;
}

/** A storage as the archive holds it: its zip entry and the dtype its persistent id declares. */
interface Storage {
  entry: ZipEntry;
  dtype: DType;
}

/**
 * Finds each storage's zip entry and checks its size is what every persistent id naming it declares
 * (numel × element size), so a tensor can then be checked against the real byte count.
 */
function checkStorages(
  refs: ReadonlyMap<string, TensorRef>,
  zip: ZipReader,
  prefix: string,
  fail: (why: string) => VidmaeError,
): Map<string, Storage> {
  const storages = new Map<string, Storage>();
  for (const [name, t] of refs) {
    const { key, dtype, numel: count } = t.storage;
    const blobName = `${prefix}data/${key}`;
    const known = storages.get(key);
    if (known !== undefined) {
      if (known.dtype !== dtype || known.entry.size !== count * DTYPE_BYTES[dtype])
        throw fail(`storage ${blobName} of tensor ${name} is declared twice, differently`);
      continue;
    }
    const entry = zip.entries.get(blobName);
    if (entry === undefined) throw fail(`storage ${blobName} of tensor ${name} is missing from the archive`);
    const declared = count * DTYPE_BYTES[dtype];
    if (entry.size !== declared)
      throw fail(
        `storage ${blobName} declares ${count} ${dtype} elements (${declared} bytes) but its zip entry holds ${entry.size} bytes`,
      );
    storages.set(key, { entry, dtype });
  }
  return storages;
}

/**
 * Checks one tensor against its storage's real size: its dtype is readable, its elements fit in the storage
 * (so an expanded view, stride 0 over a huge shape, cannot size an allocation) and its last element lies
 * inside. Returns the bytes a copy of it would take (0 when it is a contiguous view).
 */
function checkView(name: string, t: TensorRef, storage: Storage, file: string): number {
  const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${file}: ${why}`);
  const dtype = t.dtype.tag;
  if (dtype === undefined)
    throw new VidmaeError(
      "E_UNSUPPORTED_DTYPE",
      `${file}: tensor ${name} has dtype torch.${t.dtype.name}, which vidmae cannot read`,
    );
  if (t.flags.length > 0)
    throw fail(`tensor ${name} has lazy ${t.flags.join("/")} bits set, which vidmae cannot apply`);
  const size = DTYPE_BYTES[dtype];
  const n = numel(t.shape);
  if (n === 0) return 0;
  const have = storage.entry.size;
  const blobName = storage.entry.name;
  if (!(n * size <= have))
    throw fail(
      `tensor ${name} has shape [${t.shape.join(", ")}], more elements than ${blobName} holds (${have} bytes)`,
    );
  const lastElement = t.shape.reduce((at, dim, d) => at + (dim - 1) * t.stride[d], t.offset);
  const need = (lastElement + 1) * size;
  if (need > have) throw fail(`tensor ${name} needs ${need} bytes of ${blobName}, which has ${have}`);
  return isContiguous(t.shape, t.stride) ? 0 : n * size;
}

/** Cuts one checked tensor out of its storage blob: a view when already contiguous, else a row-major copy. */
function materialize(t: TensorRef, blob: Uint8Array): RawTensor {
  const dtype = t.dtype.tag!;
  const size = DTYPE_BYTES[dtype];
  const n = numel(t.shape);
  if (n === 0) return { dtype, shape: t.shape, data: new Uint8Array(0) };
  const data = isContiguous(t.shape, t.stride)
    ? blob.subarray(t.offset * size, (t.offset + n) * size)
    : gather(blob, size, t.offset, t.shape, t.stride);
  return { dtype, shape: t.shape, data };
}

/**
 * Parses a `torch.save` zip checkpoint held in memory. Contiguous tensors are views into `bytes` (no copy);
 * strided ones are copied.
 *
 * @param bytes - the whole file
 * @param file - the file name, used in error messages
 * @throws VidmaeError `E_WEIGHTS` (legacy format, not a zip, truncated, no data.pkl, a disallowed global or
 *   unknown opcode in it, a storage too short for its tensor), `E_UNSUPPORTED_DTYPE` (e.g. float8 tensors)
 * @example
 * const tensors = await parseTorchBin(await readFile("pytorch_model.bin"), "pytorch_model.bin");
 * tensors.get("classifier.weight")?.shape; // [5, 32]
 */
export function parseTorchBin(bytes: Uint8Array, file: string): Promise<Map<string, RawTensor>> {
  return loadTorchZip(bufferSource(bytes), file);
}

/**
 * Reads a `torch.save` zip checkpoint from disk, one storage blob at a time (never the whole file at once).
 * Only the state dict's storages are read: with a `selector` picking it out of a training checkpoint, the
 * optimizer's tensors stay unread.
 *
 * @param selector - where the state dict is inside the pickle (default: the pickle's root is the state dict)
 * @throws VidmaeError `E_IO` when the file cannot be read or is not a regular file; otherwise as
 *   {@link parseTorchBin}
 * @example
 * const tensors = await readTorchBin("hub/videomae-base/pytorch_model.bin");
 * tensors.get("videomae.embeddings.patch_embeddings.projection.weight")?.dtype; // "F32"
 */
export async function readTorchBin(
  path: string,
  selector?: StateDictSelector,
): Promise<Map<string, RawTensor>> {
  let handle: FileHandle | undefined;
  try {
    handle = (await openRegularFile(path)).handle;
    return await loadTorchZip(await fileSource(handle), path, selector);
  } catch (e) {
    throw wrapError(e, "E_IO", `Cannot read ${path}`);
  } finally {
    await handle?.close();
  }
}
