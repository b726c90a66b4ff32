import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PickleCallable, unpickle } from "../../../src/model/weights/pickle.js";
import { VidmaeError } from "../../../src/errors.js";
import { PickleWriter } from "./torch-bin-writer.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
const none = { source: "t.pkl", globals: new Map<string, unknown>() };

/** Asserts `fn` throws a VidmaeError with exactly this code and message. */
function throwsExactly(fn: () => unknown, code: string, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VidmaeError);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

// The pickles below were written by CPython 3.11's own pickler (`pickle.dumps(value, protocol=N).hex()`).
describe("unpickle: CPython's output", () => {
  it("reads protocol 2: ints of every width, floats, unicode, None/bools, tuples of every length", () => {
    const bytes = hex(
      "80027d7100285804000000696e747371015d7102284b004bff4d00014dffff4a000001004affffffff4a000000808a05000000" +
        "80008a060000000000ff8a090000000000000000408a090000000000000000c06558010000006671035d710428473ff8000000" +
        "00000047bfb999999999999a6558010000007371055d71062858000000007107580a00000068c3a96c6c6f20e29c937108655801" +
        "0000006e71094e888987710a580100000074710b5d710c28294b0185710d4b014b0286710e4b014b024b0387710f284b014b024b" +
        "034b0474711065752e",
    );
    // Python source: {'ints': [0, 255, 256, 65535, 65536, -1, -2**31, 2**31, -(2**40), 2**70, -(2**70)],
    //   'f': [1.5, -0.1], 's': ['', 'héllo ✓'], 'n': (None, True, False), 't': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)]}
    const expected = new Map<unknown, unknown>([
      ["ints", [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, -(2 ** 40), 2n ** 70n, -(2n ** 70n)]],
      ["f", [1.5, -0.1]],
      ["s", ["", "héllo ✓"]],
      ["n", [null, true, false]],
      ["t", [[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4]]],
    ]);
    assert.deepEqual(unpickle(bytes, none), expected);
  });

  it("reads protocol 4: FRAME, MEMOIZE, short/long bytes and strings, a shared list", () => {
    const bytes = hex(
      "80049590020000000000007d94288c0162945d94284302000194422c010000" +
        "78".repeat(300) +
        "94658c0473616d65945d94284b014b0265680686948c046c6f6e6794582c010000" +
        "79".repeat(300) +
        "94752e",
    );
    // Python source: shared = [1, 2]; {'b': [b'\x00\x01', b'x'*300], 'same': (shared, shared), 'long': 'y'*300}
    const out = unpickle(bytes, none) as Map<string, unknown>;
    assert.deepEqual(out.get("b"), [Uint8Array.from([0, 1]), new Uint8Array(300).fill(0x78)]);
    assert.equal(out.get("long"), "y".repeat(300));
    const same = out.get("same") as unknown[][];
    assert.deepEqual(same[0], [1, 2]);
    assert.equal(same[0], same[1], "BINGET must return the memoized object itself");
  });

  it("calls only allowed globals, and BUILD keeps an OrderedDict's items", () => {
    // Python source: od = OrderedDict([('w', 1), ('v', 2)]); od._metadata = OrderedDict([('', {'version': 1})])
    const bytes = hex(
      "800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858010000007771024b015801000000767103" +
        "4b02757d710458090000005f6d657461646174617105680029527106580000000071077d7108580700000076657273696f6e7109" +
        "4b01737373622e",
    );
    let calls = 0;
    const globals = new Map([
      ["collections.OrderedDict", new PickleCallable("OrderedDict", () => (calls++, new Map()))],
    ]);
    assert.deepEqual(
      unpickle(bytes, { source: "t.pkl", globals }),
      new Map([
        ["w", 1],
        ["v", 2],
      ]),
    );
    assert.equal(calls, 2);
    throwsExactly(
      () => unpickle(bytes, none),
      "E_WEIGHTS",
      "t.pkl: global collections.OrderedDict is not allowed (only the PyTorch tensor-rebuild globals are) at byte 2",
    );
  });
});

describe("unpickle: refusals", () => {
  it("refuses os.system before anything runs", () => {
    const bytes = new PickleWriter()
      .proto()
      .global("os", "system")
      .str("echo hi")
      .raw(0x85, 0x52, 0x2e)
      .bytes();
    throwsExactly(
      () => unpickle(bytes, none),
      "E_WEIGHTS",
      "t.pkl: global os.system is not allowed (only the PyTorch tensor-rebuild globals are) at byte 2",
    );
  });

  it("names an unknown opcode and where it is", () => {
    // 'P' is PERSID, the text-protocol persistent id torch never writes.
    throwsExactly(
      () => unpickle(hex("80024b0150"), none),
      "E_WEIGHTS",
      "t.pkl: unsupported pickle opcode 0x50 at byte 4",
    );
  });

  it("reports truncation, stack underflow and a missing MARK", () => {
    throwsExactly(
      () => unpickle(hex("800258ff000000616263"), none),
      "E_WEIGHTS",
      "t.pkl: pickle is truncated at byte 2",
    );
    throwsExactly(() => unpickle(hex("80024b01"), none), "E_WEIGHTS", "t.pkl: pickle is truncated at byte 4");
    throwsExactly(
      () => unpickle(hex("800285"), none),
      "E_WEIGHTS",
      "t.pkl: pickle stack underflow at byte 2",
    );
    throwsExactly(
      () => unpickle(hex("80024b0174"), none),
      "E_WEIGHTS",
      "t.pkl: pickle has no MARK to close at byte 4",
    );
  });

  it("refuses calling a non-callable, BUILD on a non-dict, and an unexpected persistent id", () => {
    throwsExactly(
      () => unpickle(hex("80024b01295252"), none),
      "E_WEIGHTS",
      "t.pkl: cannot call a number at byte 5",
    );
    throwsExactly(
      () => unpickle(hex("80025d7d622e"), none),
      "E_WEIGHTS",
      "t.pkl: BUILD on a tuple/list, not a dict at byte 4",
    );
    throwsExactly(
      () => unpickle(hex("80024b01512e"), none),
      "E_WEIGHTS",
      "t.pkl: pickle has a persistent id but none is expected at byte 4",
    );
  });

  it("passes a persistent id to persistentLoad", () => {
    const bytes = new PickleWriter().proto().mark().str("storage").int(7).raw(0x74, 0x51, 0x2e).bytes();
    const seen: unknown[] = [];
    const out = unpickle(bytes, { ...none, persistentLoad: (pid) => (seen.push(pid), "loaded") });
    assert.equal(out, "loaded");
    assert.deepEqual(seen, [["storage", 7]]);
  });
});

describe("unpickle: hostile input in linear time", () => {
  /** Runs `fn`, asserting it takes under `ms` milliseconds. */
  function quickly(fn: () => void, ms = 1000) {
    const started = performance.now();
    fn();
    assert.ok(performance.now() - started < ms, `took ${performance.now() - started} ms`);
  }

  it("refuses a 300 KB LONG4 integer at once, and a LONG1 wider than 16 bytes", () => {
    const n = 300_000;
    const bytes = new Uint8Array(2 + 5 + n + 1).fill(0x7f);
    bytes.set([0x80, 2, 0x8b, n & 0xff, (n >> 8) & 0xff, n >> 16, 0]);
    quickly(() =>
      throwsExactly(
        () => unpickle(bytes, none),
        "E_WEIGHTS",
        "t.pkl: integer of 300000 bytes is wider than the 16 allowed at byte 2",
      ),
    );
    throwsExactly(
      () => unpickle(hex(`80028a11${"01".repeat(17)}2e`), none),
      "E_WEIGHTS",
      "t.pkl: integer of 17 bytes is wider than the 16 allowed at byte 2",
    );
    // 16 bytes still read: -1 as a 128-bit int.
    assert.equal(unpickle(hex(`80028a10${"ff".repeat(16)}2e`), none), -1);
  });

  it("refuses a pickle over 64 MiB before decoding it", () => {
    quickly(() =>
      throwsExactly(
        () => unpickle(new Uint8Array((64 << 20) + 1), none),
        "E_WEIGHTS",
        `t.pkl: pickle is ${(64 << 20) + 1} bytes, more than the ${64 << 20} allowed at byte 0`,
      ),
    );
  });

  it("caps MARK nesting, the stack and the memo", () => {
    throwsExactly(
      () => unpickle(new Uint8Array(1001).fill(0x28), none),
      "E_WEIGHTS",
      "t.pkl: pickle nests more than 1000 MARKs at byte 1000",
    );
    // 2^18 + 1 Nones, half of them under a MARK: the stack cap counts both.
    const nones = new Uint8Array((1 << 18) + 2).fill(0x4e);
    nones[1 << 17] = 0x28;
    quickly(() =>
      throwsExactly(
        () => unpickle(nones, none),
        "E_WEIGHTS",
        `t.pkl: pickle stack holds more than ${1 << 18} items at byte ${(1 << 18) + 1}`,
      ),
    );
    const memos = new Uint8Array((1 << 18) + 2).fill(0x94); // MEMOIZE, each a new entry
    memos[0] = 0x4e;
    quickly(() =>
      throwsExactly(
        () => unpickle(memos, none),
        "E_WEIGHTS",
        `t.pkl: pickle memo holds more than ${1 << 18} entries at byte ${(1 << 18) + 1}`,
      ),
    );
  });
});
