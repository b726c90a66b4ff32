/**
 * Test helper: writes `torch.save`-style zip checkpoints with the opcodes torch emits (protocol 2), so the
 * reader meets strided views, offsets and dtypes that the tiny fixture (all contiguous F32) lacks.
 */
import { type Zippable, zipSync } from "fflate";

/** Emits pickle opcodes; globals are memoized (BINPUT/BINGET) as Python's pickler does. */
export class PickleWriter {
  private readonly out: number[] = [];
  private readonly memo = new Map<string, number>();

  /** Appends raw bytes (an opcode and its argument). */
  raw(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }

  proto(v = 2): this {
    return this.raw(0x80, v);
  }

  /** BININT1 / BININT2 / BININT / LONG1, the smallest that fits, as pickle.py chooses. */
  int(n: number): this {
    if (n >= 0 && n < 0x100) return this.raw(0x4b, n);
    if (n >= 0 && n < 0x10000) return this.raw(0x4d, n & 0xff, n >> 8);
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.raw(0x4a, ...this.u32(n));
    const bytes: number[] = [];
    let v = BigInt(n);
    do {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    } while (v !== 0n && v !== -1n);
    if ((bytes[bytes.length - 1] & 0x80) !== (n < 0 ? 0x80 : 0)) bytes.push(n < 0 ? 0xff : 0);
    return this.raw(0x8a, bytes.length, ...bytes);
  }

  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.raw(0x58, ...this.u32(b.length), ...b);
  }

  bool(b: boolean): this {
    return this.raw(b ? 0x88 : 0x89);
  }

  mark(): this {
    return this.raw(0x28);
  }

  /** GLOBAL the first time, BINGET of its memo slot after. */
  global(module: string, name: string): this {
    const key = `${module}\n${name}\n`;
    const slot = this.memo.get(key);
    if (slot !== undefined) return this.raw(0x68, slot);
    this.memo.set(key, this.memo.size);
    return this.raw(0x63, ...new TextEncoder().encode(key), 0x71, this.memo.size - 1);
  }

  /** A tuple of ints, spelled as pickle.py spells it by length. */
  intTuple(items: number[]): this {
    if (items.length === 0) return this.raw(0x29);
    if (items.length > 3) this.mark();
    for (const i of items) this.int(i);
    return this.raw(items.length > 3 ? 0x74 : 0x84 + items.length);
  }

  /** `OrderedDict()` as torch pickles an empty backward-hooks dict. */
  emptyOrderedDict(): this {
    return this.global("collections", "OrderedDict").raw(0x29, 0x52);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** One tensor of a written checkpoint; `stride` defaults to row-major, `offset` to 0. */
export interface WrittenTensor {
  name: string;
  /** Key of the storage blob in `storages`. */
  storage: string;
  /** `FloatStorage`, `HalfStorage`, ... or `UntypedStorage` (then `v3Dtype` names the tensor dtype). */
  storageType: string;
  shape: number[];
  stride?: number[];
  offset?: number;
  /** Rebuild with `_rebuild_tensor_v3(..., torch.<v3Dtype>)` instead of v2. */
  v3Dtype?: string;
  /** Wrap in `_rebuild_parameter`, as an `nn.Parameter` pickles. */
  parameter?: boolean;
}

/** Element sizes of the storage types the writer knows, for the numel in persistent ids. */
const STORAGE_UNIT: Record<string, number> = {
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  DoubleStorage: 8,
  LongStorage: 8,
  IntStorage: 4,
  UntypedStorage: 1,
};

function rowMajor(shape: number[]): number[] {
  const stride = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) stride[d] = stride[d + 1] * shape[d + 1];
  return stride;
}

/** Writes one tensor's rebuild call as `torch.save` does. */
export function writeTensor(w: PickleWriter, t: WrittenTensor, storages: Record<string, Uint8Array>): void {
  if (t.parameter) w.global("torch._utils", "_rebuild_parameter").mark();
  w.global("torch._utils", t.v3Dtype ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2").mark();
  const numel = (storages[t.storage]?.length ?? 0) / STORAGE_UNIT[t.storageType];
  // torch >= 2 names the untyped storage class by its defining module.
  const storageModule = t.storageType === "UntypedStorage" ? "torch.storage" : "torch";
  w.mark()
    .str("storage")
    .global(storageModule, t.storageType)
    .str(t.storage)
    .str("cpu")
    .int(numel)
    .raw(0x74, 0x51);
  w.int(t.offset ?? 0)
    .intTuple(t.shape)
    .intTuple(t.stride ?? rowMajor(t.shape))
    .bool(false)
    .emptyOrderedDict();
  if (t.v3Dtype) w.global("torch", t.v3Dtype);
  w.raw(0x74, 0x52);
  if (t.parameter) w.bool(false).emptyOrderedDict().raw(0x74, 0x52);
}

/**
 * The data.pkl of a state dict: a plain dict, or (`orderedDict`) an OrderedDict with a `_metadata` attribute
 * set by BUILD, as `model.state_dict()` pickles.
 */
export function statePickle(
  tensors: WrittenTensor[],
  storages: Record<string, Uint8Array>,
  orderedDict = false,
): Uint8Array {
  const w = new PickleWriter().proto(2);
  if (orderedDict) w.emptyOrderedDict();
  else w.raw(0x7d);
  w.mark();
  for (const t of tensors) {
    w.str(t.name);
    writeTensor(w, t, storages);
  }
  w.raw(0x75);
  if (orderedDict) w.raw(0x7d).str("_metadata").emptyOrderedDict().raw(0x73, 0x62);
  return w.raw(0x2e).bytes();
}

/** What goes in a written checkpoint zip. */
export interface CheckpointSpec {
  /** data.pkl bytes (e.g. from {@link statePickle}). */
  pickle: Uint8Array;
  storages: Record<string, Uint8Array>;
  /** Top folder inside the zip; torch uses the file's stem. */
  archive?: string;
  /** Content of `<archive>/byteorder`; `null` leaves it out as torch < 1.10 did. */
  byteorder?: "little" | "big" | null;
  /** Deflate every entry (torch stores them; other zip tools may not). */
  deflate?: boolean;
}

/**
 * Zips a checkpoint in the torch layout: `<archive>/data.pkl`, `<archive>/data/<key>`, `version`, `byteorder`.
 *
 * @example
 * const bin = writeCheckpoint({ pickle: statePickle(tensors, storages), storages });
 */
export function writeCheckpoint(spec: CheckpointSpec): Uint8Array {
  const archive = spec.archive ?? "archive";
  const level = spec.deflate ? 6 : 0;
  const files: Zippable = { [`${archive}/data.pkl`]: [spec.pickle, { level }] };
  for (const [key, blob] of Object.entries(spec.storages))
    files[`${archive}/data/${key}`] = [blob, { level }];
  files[`${archive}/version`] = [new TextEncoder().encode("3\n"), { level }];
  const byteorder = spec.byteorder === undefined ? "little" : spec.byteorder;
  if (byteorder !== null) files[`${archive}/byteorder`] = [new TextEncoder().encode(byteorder), { level }];
  return zipSync(files);
}

/**
 * A zip of one stored entry "a/x" = "hi" whose central record saturates sizes and offset to 0xffffffff and
 * gives them in a zip64 extra field (as torch writes past 4 GiB); `extraBytes` cuts that field short.
 *
 * @example
 * const zip = await ZipReader.open(bufferSource(zip64Archive()), "z.zip");
 */
export function zip64Archive(extraBytes = 28): Uint8Array {
  // One stored entry "a/x" = "hi" (CRC-32 0xd8932aac) whose central record saturates sizes and offset.
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
    ...u32(0xd8932aac),
    ...u32(2),
    ...u32(2),
    ...u16(3),
    ...u16(0),
    ...name,
    0x68,
    0x69,
  ];
  const extra = [...u16(1), ...u16(24), ...u64(2), ...u64(2), ...u64(0)].slice(0, extraBytes);
  const central = [
    ...[...u32(0x02014b50), ...u16(45), ...u16(45), 0, 0, 0, 0, 0, 0, 0, 0, ...u32(0xd8932aac)],
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
  return Uint8Array.from([...local, ...central, ...end]);
}
