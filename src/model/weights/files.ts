/**
 * Opening the files of a checkpoint: only regular files, so a FIFO, a device or a directory planted under a
 * checkpoint's name is refused at once instead of blocking a read (a FIFO) or never ending (/dev/zero).
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { VidmaeError } from "../../errors.js";

/**
 * What a non-regular file is, for error messages: "a directory", "a FIFO", …
 *
 * @example
 * fileKind(await lstat("/dev/null")); // "a character device"
 */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return stats.isFile() ? "a regular file" : "not a regular file";
}

/**
 * Opens `path` for reading only if it is (or links to) a regular file. The open does not block on a FIFO
 * (O_NONBLOCK), and the type is taken from the opened handle, so nothing can be swapped in between.
 *
 * @returns the handle (the caller closes it) and the file's size
 * @throws VidmaeError `E_IO` "Cannot read <path>: it is a FIFO, not a regular file"; a failed open (ENOENT, EACCES)
 *   is thrown as Node's own error for the caller to wrap
 * @example
 * const { handle, size } = await openRegularFile("model.safetensors");
 */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      throw new VidmaeError("E_IO", `Cannot read ${path}: it is ${fileKind(stats)}, not a regular file`);
    return { handle, size: stats.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` (a JSON file that is gigabytes long is not a config).
 *
 * @throws VidmaeError `E_IO` for a non-regular file or one over `maxBytes`; Node's error for a failed open or read
 * @example
 * const text = new TextDecoder().decode(await readRegularFile("config.json", 64 << 20));
 */
export async function readRegularFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path);
  try {
    if (size > maxBytes)
      throw new VidmaeError(
        "E_IO",
        `Cannot read ${path}: it has ${size} bytes, more than the ${maxBytes} allowed`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
