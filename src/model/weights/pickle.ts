/**
 * A minimal, safe unpickler for the pickles `torch.save` writes (binary opcodes of protocols 2 to 5).
 *
 * Hand-written because the npm pickle parsers (pickleparser, jpickle) stand in a placeholder for any global
 * instead of refusing it; here a global resolves only through the caller's allowlist, and nothing the pickle
 * names is ever imported or run.
 *
 * Linear time and memory on any input: every opcode does constant work or consumes what earlier opcodes pushed,
 * integers are at most {@link MAX_LONG_BYTES} wide, the memo, the stack and MARK nesting are capped, and so is
 * the pickle's length (hence the total work).
 */
import { VidmaeError } from "../../errors.js";

/** A Python callable the caller allows a pickle to call (REDUCE, NEWOBJ): receives the argument tuple. */
export class PickleCallable {
  /**
   * @param name - dotted Python name, for error messages
   * @param call - builds the value from the pickled argument tuple
   * @example
   * const od = new PickleCallable("collections.OrderedDict", () => new Map());
   */
  constructor(
    readonly name: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
}

/** What {@link unpickle} needs besides the bytes. */
export interface UnpickleOptions {
  /** Names the pickle in error messages, e.g. `model.bin: archive/data.pkl`. */
  source: string;
  /** Allowed globals by dotted name (`torch._utils._rebuild_tensor_v2`); any other global is an error. */
  globals: ReadonlyMap<string, unknown>;
  /** Resolves a persistent id (BINPERSID); without it a persistent id is an error. */
  persistentLoad?: (pid: unknown) => unknown;
}

/** A Python `dict` or `OrderedDict`; keys compare as JS `Map` keys (strings and numbers by value). */
export type PickleDict = Map<unknown, unknown>;

const decoder = new TextDecoder();

/** Opcodes by byte; names follow Python's pickletools so errors and comments match its disassembly. */
const OP = {
  PROTO: 0x80,
  FRAME: 0x95,
  STOP: 0x2e,
  MARK: 0x28,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG1: 0x8a,
  LONG4: 0x8b,
  BINFLOAT: 0x47,
  BINUNICODE: 0x58,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_LIST: 0x5d,
  LIST: 0x6c,
  APPEND: 0x61,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  DICT: 0x64,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  NEWOBJ: 0x81,
  BUILD: 0x62,
  BINPERSID: 0x51,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  MEMOIZE: 0x94,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
} as const;

/**
 * Widest LONG1/LONG4 integer read, in bytes. A checkpoint's ints are sizes, strides, offsets and element counts
 * (below 2^63, so 8 bytes plus a sign byte); 16 leaves room to spare, while refusing the megabyte-wide ints
 * whose bigint decoding would otherwise take quadratic time.
 */
export const MAX_LONG_BYTES = 16;
/**
 * Memo entries: torch memoizes about ten objects per tensor, so 2^18 fits 25,000 tensors in one file (VideoMAE
 * has a few hundred).
 */
export const MAX_MEMO = 1 << 18;
/** Items on the stack, counting those under open MARKs (the pickler batches dict items by the thousand). */
export const MAX_STACK = 1 << 18;
/**
 * Largest pickle decoded: decoding is linear in its length, so this bounds the total work. A state dict's
 * pickle takes about 200 bytes a tensor (VideoMAE-base: under 100 KB).
 */
export const MAX_PICKLE_BYTES = 64 << 20;
/** Open MARKs at once; torch nests them a few deep. */
export const MAX_MARK_DEPTH = 1000;

/** Reads little-endian two's-complement bytes (LONG1/LONG4) as a number when safe, else a bigint. */
function decodeLong(bytes: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  if (bytes.length > 0 && bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Describes a value by its Python-ish kind for error messages. */
function kindOf(v: unknown): string {
  if (v instanceof PickleCallable) return v.name;
  if (v instanceof Map) return "dict";
  if (Array.isArray(v)) return "tuple/list";
  if (v === null) return "None";
  return typeof v;
}

/**
 * Runs a pickle and returns the object it builds. Tuples and lists become arrays, dicts become `Map`s, ints
 * become numbers (bigint past 2^53), `bytes` become `Uint8Array`s; globals come only from `options.globals`.
 *
 * @throws VidmaeError `E_WEIGHTS` naming `options.source` for an unknown opcode, a disallowed global, a
 *   truncated or malformed pickle
 * @example
 * unpickle(new Uint8Array([0x80, 2, 0x4b, 7, 0x2e]), { source: "x.pkl", globals: new Map() }); // 7
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let opStart = 0;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let buried = 0; // items under open MARKs, for the stack cap

  const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${options.source}: ${why} at byte ${opStart}`);
  /** Consumes `n` bytes and returns where they start (no view made: most opcodes read a byte or four). */
  const skip = (n: number): number => {
    if (n > bytes.length - pos) throw fail("pickle is truncated");
    pos += n;
    return pos - n;
  };
  const take = (n: number): Uint8Array => bytes.subarray(skip(n), pos);
  const u8 = () => bytes[skip(1)];
  const u16 = () => view.getUint16(skip(2), true);
  const u32 = () => view.getUint32(skip(4), true);
  const u64 = (): number => {
    const v = view.getBigUint64(skip(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`length ${v} is too large`);
    return Number(v);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw fail("pickle is truncated");
    return decoder.decode(take(end + 1 - pos).subarray(0, -1));
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw fail("pickle stack underflow");
    return stack.pop();
  };
  const push = (v: unknown) => {
    if (stack.length + buried >= MAX_STACK) throw fail(`pickle stack holds more than ${MAX_STACK} items`);
    stack.push(v);
  };
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) throw fail(`integer of ${n} bytes is wider than the ${MAX_LONG_BYTES} allowed`);
    return decodeLong(take(n));
  };
  const memoPut = (i: number) => {
    if (memo.size >= MAX_MEMO && !memo.has(i)) throw fail(`pickle memo holds more than ${MAX_MEMO} entries`);
    memo.set(i, top());
  };
  const top = (): unknown => {
    if (stack.length === 0) throw fail("pickle stack underflow");
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const outer = metastack.pop();
    if (outer === undefined) throw fail("pickle has no MARK to close");
    stack = outer;
    buried -= outer.length;
    return items;
  };
  const resolveGlobal = (module: string, name: string): unknown => {
    const dotted = `${module}.${name}`;
    if (!options.globals.has(dotted))
      throw fail(`global ${dotted} is not allowed (only the PyTorch tensor-rebuild globals are)`);
    return options.globals.get(dotted);
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PickleCallable)) throw fail(`cannot call a ${kindOf(fn)}`);
    if (!Array.isArray(args)) throw fail(`arguments to ${fn.name} are a ${kindOf(args)}, not a tuple`);
    return fn.call(args);
  };
  const dictOf = (target: unknown, op: string): PickleDict => {
    if (!(target instanceof Map)) throw fail(`${op} on a ${kindOf(target)}, not a dict`);
    return target;
  };
  const listOf = (target: unknown, op: string): unknown[] => {
    if (!Array.isArray(target)) throw fail(`${op} on a ${kindOf(target)}, not a list`);
    return target;
  };
  const setItems = (dict: PickleDict, items: unknown[]) => {
    if (items.length % 2 !== 0) throw fail("dict items come in an odd number");
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };
  const memoGet = (i: number): unknown => {
    if (!memo.has(i)) throw fail(`memo entry ${i} was never stored`);
    return memo.get(i);
  };

  if (bytes.length > MAX_PICKLE_BYTES)
    throw fail(`pickle is ${bytes.length} bytes, more than the ${MAX_PICKLE_BYTES} allowed`);
  for (;;) {
    opStart = pos;
    const op = u8();
    switch (op) {
      case OP.PROTO:
        if (u8() > 5) throw fail("pickle protocol is newer than 5");
        break;
      case OP.FRAME:
        u64(); // framing only groups opcodes; the whole pickle is already in memory
        break;
      case OP.STOP:
        return pop();
      case OP.MARK:
        if (metastack.length >= MAX_MARK_DEPTH) throw fail(`pickle nests more than ${MAX_MARK_DEPTH} MARKs`);
        metastack.push(stack);
        buried += stack.length;
        stack = [];
        break;
      case OP.POP:
        pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        push(top());
        break;
      case OP.NONE:
        push(null);
        break;
      case OP.NEWTRUE:
        push(true);
        break;
      case OP.NEWFALSE:
        push(false);
        break;
      case OP.BININT:
        push(view.getInt32(skip(4), true));
        break;
      case OP.BININT1:
        push(u8());
        break;
      case OP.BININT2:
        push(u16());
        break;
      case OP.LONG1:
        push(long(u8()));
        break;
      case OP.LONG4:
        push(long(u32()));
        break;
      case OP.BINFLOAT:
        push(view.getFloat64(skip(8), false));
        break;
      case OP.BINUNICODE:
        push(decoder.decode(take(u32())));
        break;
      case OP.SHORT_BINUNICODE:
        push(decoder.decode(take(u8())));
        break;
      case OP.BINUNICODE8:
        push(decoder.decode(take(u64())));
        break;
      case OP.BINBYTES:
        push(take(u32()).slice());
        break;
      case OP.SHORT_BINBYTES:
        push(take(u8()).slice());
        break;
      case OP.EMPTY_TUPLE:
        push([]);
        break;
      case OP.TUPLE:
      case OP.LIST: {
        const items = popMark(); // before naming `stack`: closing the mark swaps it for the outer one
        push(items);
        break;
      }
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length < n) throw fail("pickle stack underflow");
        push(stack.splice(stack.length - n, n));
        break;
      }
      case OP.EMPTY_LIST:
        push([]);
        break;
      case OP.APPEND: {
        const item = pop();
        listOf(top(), "APPEND").push(item);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        const list = listOf(top(), "APPENDS");
        for (const item of items) list.push(item); // not push(...items): a long batch would overflow the call stack
        break;
      }
      case OP.EMPTY_DICT:
        push(new Map());
        break;
      case OP.DICT: {
        const dict: PickleDict = new Map();
        setItems(dict, popMark());
        push(dict);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        dictOf(top(), "SETITEM").set(key, value);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(dictOf(top(), "SETITEMS"), items);
        break;
      }
      case OP.GLOBAL: {
        const module = line();
        push(resolveGlobal(module, line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string")
          throw fail("STACK_GLOBAL needs two strings");
        push(resolveGlobal(module, name));
        break;
      }
      case OP.REDUCE:
      case OP.NEWOBJ: {
        const args = pop();
        push(call(pop(), args));
        break;
      }
      case OP.BUILD: {
        // Only a dict's instance attributes (an OrderedDict's `_metadata`) arrive this way in a state dict;
        // they carry no tensor data, so the state is dropped.
        pop();
        dictOf(top(), "BUILD");
        break;
      }
      case OP.BINPERSID: {
        if (!options.persistentLoad) throw fail("pickle has a persistent id but none is expected");
        push(options.persistentLoad(pop()));
        break;
      }
      case OP.BINPUT:
        memoPut(u8());
        break;
      case OP.LONG_BINPUT:
        memoPut(u32());
        break;
      case OP.MEMOIZE:
        memoPut(memo.size);
        break;
      case OP.BINGET:
        push(memoGet(u8()));
        break;
      case OP.LONG_BINGET:
        push(memoGet(u32()));
        break;
      default:
        throw fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")}`);
    }
  }
}
