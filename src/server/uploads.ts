/**
 * Multipart uploads are streamed to a temporary file (never held in memory), hashed on the way, and cut off at
 * the size limit (413). The caller removes the file when the request is done, whatever happened.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyRequest } from "fastify";
import { HttpError } from "./http-errors.js";

/** The form field that carries the video. */
export const UPLOAD_FIELD = "file";

/**
 * An uploaded file on disk. `name` is the client's file name (for messages and storing), never used as a path.
 *
 * @example
 * const upload: SavedUpload = { path: "/tmp/vidmae-server/upload-1f…​.mp4", name: "cat.mp4", sizeBytes: 1234,
 *   contentHash: "sha256:…", remove: async () => {} };
 */
export interface SavedUpload {
  path: string;
  name: string;
  sizeBytes: number;
  contentHash: string;
  /** Deletes the temporary file (idempotent). */
  remove(): Promise<void>;
}

/** The client's file name, reduced to a safe display name. */
export function displayName(filename: string | undefined): string {
  const name = basename((filename ?? "").replace(/\\/g, "/")).replace(/[\u0000-\u001f\u007f]/g, "");
  return name.slice(-200) || "upload";
}

/**
 * A parse error of the multipart body is the client's (400); limit errors keep their status, and errors of the
 * file system (they name a syscall) stay the server's.
 */
function malformed(error: unknown): unknown {
  const e = error as { statusCode?: unknown; syscall?: unknown } | null;
  if (error instanceof HttpError || e?.statusCode !== undefined || e?.syscall !== undefined) return error;
  return new HttpError(
    400,
    "E_INVALID_ARGUMENT",
    `Malformed multipart body: ${error instanceof Error ? error.message : String(error)}`,
    {},
    { cause: error },
  );
}

/**
 * Streams the request's `file` field into `tmpDir`.
 *
 * @throws HttpError 400 `E_INVALID_ARGUMENT` (malformed body, no file part, another field), 413
 *   `E_UPLOAD_TOO_LARGE`
 * @example
 * const upload = await saveUpload(request, { tmpDir: "/tmp/vidmae-server", maxBytes: 256 << 20 });
 * try { … } finally { await upload.remove(); }
 */
export async function saveUpload(
  request: FastifyRequest,
  options: { tmpDir: string; maxBytes: number },
): Promise<SavedUpload> {
  const part = await request
    .file({ limits: { fileSize: options.maxBytes, files: 1, fields: 8, parts: 9 }, throwFileSizeLimit: true })
    .catch((error: unknown) => {
      throw malformed(error);
    });
  if (!part)
    throw new HttpError(
      400,
      "E_INVALID_ARGUMENT",
      `The form has no file; send the video in field "${UPLOAD_FIELD}"`,
    );
  if (part.fieldname !== UPLOAD_FIELD) {
    part.file.resume();
    throw new HttpError(
      400,
      "E_INVALID_ARGUMENT",
      `Expected the video in form field "${UPLOAD_FIELD}" but received field ${JSON.stringify(part.fieldname)}`,
    );
  }
  const name = displayName(part.filename);
  const ext = /^\.[a-z0-9]{1,8}$/i.test(extname(name)) ? extname(name).toLowerCase() : "";
  const path = join(options.tmpDir, `upload-${randomUUID()}${ext}`);
  const remove = () => rm(path, { force: true });
  const hash = createHash("sha256");
  let sizeBytes = 0;
  try {
    await pipeline(
      part.file,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          sizeBytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(path, { flags: "wx", mode: 0o600 }),
    );
    if (part.file.truncated)
      throw new HttpError(
        413,
        "E_UPLOAD_TOO_LARGE",
        `Upload ${JSON.stringify(name)} exceeds the limit of ${options.maxBytes} bytes`,
      );
  } catch (error) {
    await remove();
    throw malformed(error);
  }
  return { path, name, sizeBytes, contentHash: `sha256:${hash.digest("hex")}`, remove };
}
