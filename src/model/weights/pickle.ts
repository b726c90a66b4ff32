/**
 * A minimal, safe unpickler for the pickles `torch.save` writes (binary opcodes of protocols 2 to 5).
 *
 * Hand-written because the npm pickle parsers (pickleparser, jpickle) stand in a placeholder for any global
 * instead of refusing it; here a global resolves only through the caller's allowlist, and nothing the pickle
 * names is ever imported or run.
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

  const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${options.source}: ${why} at byte ${opStart}`);
  const take = (n: number): Uint8Array => {
    if (n > bytes.length - pos) throw fail("pickle is truncated");
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  /** Consumes `n` bytes and returns where they start, for DataView reads. */
  const skip = (n: number): number => take(n).byteOffset - bytes.byteOffset;
  const u8 = () => take(1)[0];
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
  const top = (): unknown => {
    if (stack.length === 0) throw fail("pickle stack underflow");
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const outer = metastack.pop();
    if (outer === undefined) throw fail("pickle has no MARK to close");
    stack = outer;
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
        metastack.push(stack);
        stack = [];
        break;
      case OP.POP:
        pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BININT:
        stack.push(view.getInt32(skip(4), true));
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(u16());
        break;
      case OP.LONG1:
        stack.push(decodeLong(take(u8())));
        break;
      case OP.LONG4:
        stack.push(decodeLong(take(u32())));
        break;
      case OP.BINFLOAT:
        stack.push(view.getFloat64(skip(8), false));
        break;
      case OP.BINUNICODE:
        stack.push(decoder.decode(take(u32())));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(decoder.decode(take(u8())));
        break;
      case OP.BINUNICODE8:
        stack.push(decoder.decode(take(u64())));
        break;
      case OP.BINBYTES:
        stack.push(take(u32()).slice());
        break;
      case OP.SHORT_BINBYTES:
        stack.push(take(u8()).slice());
        break;
      case OP.EMPTY_TUPLE:
        stack.push([]);
        break;
      case OP.TUPLE:
      case OP.LIST: {
        const items = popMark(); // before naming `stack`: closing the mark swaps it for the outer one
        stack.push(items);
        break;
      }
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        if (stack.length < n) throw fail("pickle stack underflow");
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case OP.EMPTY_LIST:
        stack.push([]);
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
        stack.push(new Map());
        break;
      case OP.DICT: {
        const dict: PickleDict = new Map();
        setItems(dict, popMark());
        stack.push(dict);
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
        stack.push(resolveGlobal(module, line()));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string")
          throw fail("STACK_GLOBAL needs two strings");
        stack.push(resolveGlobal(module, name));
        break;
      }
      case OP.REDUCE:
      case OP.NEWOBJ: {
        const args = pop();
        stack.push(call(pop(), args));
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
        stack.push(options.persistentLoad(pop()));
        break;
      }
      case OP.BINPUT:
        memo.set(u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
        stack.push(memoGet(u8()));
        break;
      case OP.LONG_BINGET:
        stack.push(memoGet(u32()));
        break;
      default:
        throw fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")}`);
    }
  }
}
