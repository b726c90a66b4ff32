/**
 * Random-access zip reading (central directory, zip64, stored and deflated entries) over a file or a buffer.
 *
 * By hand because fflate's unzip needs the whole archive in one buffer (Node reads at most 2 GiB at once);
 * the central directory lets each entry be read alone, so a torch checkpoint never sits in memory twice.
 *
 * Archives come from strangers, so every size is checked before it is trusted: entries lie inside the file,
 * before the central directory and without overlapping; the local header agrees with the central one; a
 * deflated entry declares no more than deflate can produce from its bytes (1032:1, so a kilobyte file cannot
 * ask for gigabytes) and is inflated into a buffer of exactly that size; every entry's CRC-32 is checked.
 */
import type { FileHandle } from "node:fs/promises";
import { inflateSync } from "fflate";
import { VidmaeError, wrapError } from "../../errors.js";
import { crc32 } from "./crc32.js";

/** Bytes that can be read at any offset: an open file or an in-memory buffer. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** `length` bytes from `offset` (the caller keeps within `size`; fewer only if the file shrank). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * A {@link ByteSource} over a buffer; reads are views (no copy).
 *
 * @example
 * const src = bufferSource(new Uint8Array([1, 2, 3]));
 * await src.read(1, 2); // Uint8Array [2, 3]
 */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.byteLength, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Largest single read handed to the OS; Node refuses reads of 2 GiB and more. */
const MAX_READ = 1 << 30;

/**
 * A {@link ByteSource} over an open file, with positional reads.
 *
 * @example
 * const handle = await open("pytorch_model.bin");
 * const src = await fileSource(handle);
 */
export async function fileSource(handle: FileHandle): Promise<ByteSource> {
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, Math.min(MAX_READ, length - done), offset + done);
        if (bytesRead === 0) break; // the file shrank since `stat`: hand back what exists
        done += bytesRead;
      }
      return done === length ? out : out.subarray(0, done);
    },
  };
}

/** One file in the archive, as its central-directory record describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** CRC-32 of the uncompressed bytes. */
  crc32: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EOCD_LEN = 22;
const MAX_COMMENT = 0xffff;
const LOCAL_HEADER_LEN = 30;
const ZIP64_EXTRA_ID = 0x0001;
/** Deflate's best case: 258 bytes from a 1-bit literal/length code plus a 1-bit distance code. */
const MAX_DEFLATE_RATIO = 1032;
/** General-purpose flag bit 3: sizes and CRC follow the data (local header fields are zero). */
const FLAG_DATA_DESCRIPTOR = 0x0008;
const SATURATED = 0xffffffff;

function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads a little-endian u64 as a number; zip offsets past 2^53 cannot address a real file. */
function u64(v: DataView, at: number): number {
  return Number(v.getBigUint64(at, true));
}

/** An opened zip archive: its entries by name, each readable on demand. */
export class ZipReader {
  private constructor(
    private readonly source: ByteSource,
    private readonly file: string,
    /** Entries by name, in central-directory order. */
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /**
   * Reads the central directory (zip64 aware).
   *
   * @param file - names the archive in error messages
   * @throws VidmaeError `E_WEIGHTS`: not a zip, truncated (no end record, directory past the end), corrupt
   * @example
   * const zip = await ZipReader.open(bufferSource(bytes), "model.bin");
   * [...zip.entries.keys()]; // ["archive/data.pkl", "archive/data/0", ...]
   */
  static async open(source: ByteSource, file: string): Promise<ZipReader> {
    const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${file}: ${why}`);
    const tailLen = Math.min(source.size, EOCD_LEN + MAX_COMMENT);
    const tailStart = source.size - tailLen;
    const tail = await source.read(tailStart, tailLen);
    const tv = dataView(tail);
    let eocd = -1;
    for (let i = tailLen - EOCD_LEN; i >= 0; i--) {
      if (tv.getUint32(i, true) === SIG_EOCD && i + EOCD_LEN + tv.getUint16(i + 20, true) <= tailLen) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      const head = await source.read(0, Math.min(4, source.size));
      if (head.length === 4 && dataView(head).getUint32(0, true) === SIG_LOCAL)
        throw fail("file is truncated or corrupt (no zip end-of-central-directory record)");
      throw fail("not a zip archive");
    }
    let count = tv.getUint16(eocd + 10, true);
    let cdSize = tv.getUint32(eocd + 12, true);
    let cdOffset = tv.getUint32(eocd + 16, true);
    const locator = eocd - 20;
    if (locator >= 0 && tv.getUint32(locator, true) === SIG_ZIP64_LOCATOR) {
      const at = u64(tv, locator + 8);
      if (at + 56 > source.size)
        throw fail("file is corrupt (zip64 end record points past the end of the file)");
      const z = dataView(await source.read(at, 56));
      if (z.getUint32(0, true) !== SIG_ZIP64_EOCD)
        throw fail("file is corrupt (bad zip64 end-of-central-directory record)");
      count = u64(z, 32);
      cdSize = u64(z, 40);
      cdOffset = u64(z, 48);
    }
    if (cdOffset + cdSize > source.size)
      throw fail(
        `file is truncated (the zip central directory ends at byte ${cdOffset + cdSize} of ${source.size})`,
      );
    const cd = await source.read(cdOffset, cdSize);
    const entries = parseCentralDirectory(cd, count, fail);
    checkLayout(entries, cdOffset, fail);
    return new ZipReader(source, file, entries);
  }

  /**
   * Reads one entry's bytes (inflating a deflated one).
   *
   * @throws VidmaeError `E_WEIGHTS` when the entry runs past the end of the file or cannot be decompressed
   * @example
   * const pkl = await zip.read(zip.entries.get("archive/data.pkl")!);
   */
  async read(entry: ZipEntry): Promise<Uint8Array> {
    const fail = (why: string) => new VidmaeError("E_WEIGHTS", `${this.file}: ${why}`);
    const size = this.source.size;
    if (entry.localHeaderOffset + LOCAL_HEADER_LEN > size)
      throw fail(`file is truncated (zip entry ${entry.name} starts past the end of the file)`);
    const lh = dataView(await this.source.read(entry.localHeaderOffset, LOCAL_HEADER_LEN));
    if (lh.getUint32(0, true) !== SIG_LOCAL)
      throw fail(`file is corrupt (bad zip local header for ${entry.name})`);
    if (entry.method !== 0 && entry.method !== 8)
      throw fail(
        `zip entry ${entry.name} uses compression method ${entry.method}; only stored and deflated are supported`,
      );
    checkLocalHeader(lh, entry, fail);
    // The local extra field may differ from the central one (torch pads it to align data to 64 bytes).
    const start =
      entry.localHeaderOffset + LOCAL_HEADER_LEN + lh.getUint16(26, true) + lh.getUint16(28, true);
    const end = start + entry.compressedSize;
    if (end > size) throw fail(`file is truncated (zip entry ${entry.name} ends at byte ${end} of ${size})`);
    const raw = await this.source.read(start, entry.compressedSize);
    const data = entry.method === 0 ? raw : inflateEntry(raw, entry, this.file);
    if (crc32(data) !== entry.crc32)
      throw fail(`file is corrupt (zip entry ${entry.name} fails its CRC-32 check)`);
    return data;
  }
}

/**
 * Inflates a deflated entry into a buffer one byte longer than declared: fflate does not grow a buffer it is
 * given, so a stream that runs on past the declared size fills the spare byte (or throws) and is refused.
 */
function inflateEntry(raw: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  let out: Uint8Array;
  try {
    out = raw.length === 0 ? new Uint8Array(0) : inflateSync(raw, { out: new Uint8Array(entry.size + 1) });
  } catch (e) {
    throw wrapError(e, "E_WEIGHTS", `${file}: cannot inflate zip entry ${entry.name}`);
  }
  if (out.length !== entry.size) {
    const got = out.length > entry.size ? "past" : `to ${out.length} bytes, not`;
    throw new VidmaeError(
      "E_WEIGHTS",
      `${file}: file is corrupt (zip entry ${entry.name} inflates ${got} the ${entry.size} bytes it declares)`,
    );
  }
  return out;
}

/** The local header must describe the entry the central directory does (a zip64 or streamed one may defer). */
function checkLocalHeader(lh: DataView, entry: ZipEntry, fail: (why: string) => VidmaeError): void {
  const method = lh.getUint16(8, true);
  const deferred = (lh.getUint16(6, true) & FLAG_DATA_DESCRIPTOR) !== 0;
  const agrees = (at: number, value: number) => {
    const local = lh.getUint32(at, true);
    return deferred ? local === 0 || local === value : local === SATURATED || local === value;
  };
  if (
    method !== entry.method ||
    !agrees(14, entry.crc32) ||
    !agrees(18, entry.compressedSize) ||
    !agrees(22, entry.size)
  )
    throw fail(
      `file is corrupt (zip entry ${entry.name}: local header disagrees with the central directory)`,
    );
}

/**
 * Checks what the central directory claims before any entry is read: sizes a method can produce, entries that
 * lie before the central directory without overlapping (so their compressed sizes add up to at most the file,
 * and their inflated sizes to at most 1032 times it).
 */
function checkLayout(
  entries: ReadonlyMap<string, ZipEntry>,
  cdOffset: number,
  fail: (why: string) => VidmaeError,
): void {
  const byOffset = [...entries.values()].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let free = 0; // first byte not yet claimed by an earlier entry
  for (const e of byOffset) {
    if (e.method === 0 && e.size !== e.compressedSize)
      throw fail(
        `file is corrupt (stored zip entry ${e.name} declares ${e.size} bytes but holds ${e.compressedSize})`,
      );
    if (e.method === 8 && e.size > Math.max(1, e.compressedSize) * MAX_DEFLATE_RATIO)
      throw fail(
        `zip entry ${e.name} declares ${e.size} bytes from ${e.compressedSize} compressed, more than deflate can produce`,
      );
    if (e.localHeaderOffset < free)
      throw fail(`file is corrupt (zip entry ${e.name} overlaps the entry before it)`);
    free = e.localHeaderOffset + LOCAL_HEADER_LEN + e.compressedSize;
  }
  if (free > cdOffset)
    throw fail(
      `file is corrupt (zip entry ${byOffset[byOffset.length - 1].name} runs into the central directory)`,
    );
}

/** Parses `count` central-directory records, taking zip64 sizes and offsets from the 0x0001 extra field. */
function parseCentralDirectory(
  cd: Uint8Array,
  count: number,
  fail: (why: string) => VidmaeError,
): Map<string, ZipEntry> {
  const v = dataView(cd);
  const decoder = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== SIG_CENTRAL)
      throw fail(`file is corrupt (bad zip central directory record ${i})`);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cd.length) throw fail(`file is corrupt (bad zip central directory record ${i})`);
    const entry: ZipEntry = {
      name: decoder.decode(cd.subarray(p + 46, p + 46 + nameLen)),
      method: v.getUint16(p + 10, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      localHeaderOffset: v.getUint32(p + 42, true),
      crc32: v.getUint32(p + 16, true),
    };
    // In a zip64 extra field, exactly the fields saturated at 0xffffffff follow, in this order.
    const extraEnd = p + 46 + nameLen + extraLen;
    for (let x = p + 46 + nameLen; x + 4 <= extraEnd;) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (x + 4 + len > extraEnd) throw fail(`file is corrupt (bad zip central directory record ${i})`);
      if (id === ZIP64_EXTRA_ID) {
        let f = x + 4;
        const wide = (field: "size" | "compressedSize" | "localHeaderOffset") => {
          if (entry[field] === 0xffffffff && f + 8 <= x + 4 + len) {
            entry[field] = u64(v, f);
            f += 8;
          }
        };
        wide("size");
        wide("compressedSize");
        wide("localHeaderOffset");
      }
      x += 4 + len;
    }
    if (entries.has(entry.name)) throw fail(`file is corrupt (zip entry ${entry.name} appears twice)`);
    entries.set(entry.name, entry);
    p = next;
  }
  return entries;
}
