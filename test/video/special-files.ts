/**
 * Files that are not regular files, as a hostile folder may hold them: a FIFO (an open for reading blocks until a
 * writer comes), a socket, symlinks to them and a dangling symlink. Shared by the video and embed tests.
 */
import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { open, symlink } from "node:fs/promises";
import { type Server, createServer } from "node:net";
import { join } from "node:path";

/** Paths of the special files made by {@link makeSpecialFiles}, all with a video extension. */
export interface SpecialFiles {
  fifo: string;
  socket: string;
  /** A symlink to `fifo`. */
  fifoLink: string;
  /** A symlink to a file that does not exist. */
  dangling: string;
  /** Closes the socket's server. */
  close: () => Promise<void>;
}

/**
 * Makes a FIFO, a listening socket and symlinks in `dir` (which must exist).
 *
 * @example
 * const special = await makeSpecialFiles(dir);
 * after(() => special.close());
 */
export async function makeSpecialFiles(dir: string): Promise<SpecialFiles> {
  const fifo = join(dir, "fifo.mp4");
  execFileSync("mkfifo", [fifo]);
  const socket = join(dir, "socket.mp4");
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(socket, done));
  const fifoLink = join(dir, "fifo-link.mp4");
  await symlink(fifo, fifoLink);
  const dangling = join(dir, "dangling.mp4");
  await symlink(join(dir, "gone.mp4"), dangling);
  return { fifo, socket, fifoLink, dangling, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * True when some process has `fifo` open for reading: a non-blocking open for writing fails with ENXIO when none
 * has. Proves that a refused FIFO was never opened.
 *
 * @example
 * assert.equal(await fifoHasReader(special.fifo), false);
 */
export async function fifoHasReader(fifo: string): Promise<boolean> {
  try {
    await (await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)).close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENXIO") return false;
    throw e;
  }
}
