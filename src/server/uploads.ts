/**
 * Multipart uploads are streamed to a temporary file (never held in memory), hashed on the way, and cut off at
 * the size limit (413). The caller removes the file when the request is done, whatever happened. The form holds
 * one file part (`file`) and the few text fields the route documents; anything else is refused, naming the part.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { MultipartFile } from "@fastify/multipart";
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

/**
 * Bytes a form may carry besides the file (boundaries, part headers, text fields): a larger Content-Length is
 * refused before anything is read.
 */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/** Largest text field value, in bytes (a label is at most 200 characters). */
export const FORM_FIELD_BYTES = 1024;

/**
 * The client's file name, reduced to a safe display name.
 *
 * @example
 * displayName("C:\\videos\\cat\n.mp4"); // "cat.mp4"
 */
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

/** Streams one file part into `tmpDir`, hashing it; the file is removed if anything fails. */
async function saveFile(
  part: MultipartFile,
  options: { tmpDir: string; maxBytes: number },
): Promise<SavedUpload> {
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
    throw error;
  }
  return { path, name, sizeBytes, contentHash: `sha256:${hash.digest("hex")}`, remove };
}

/**
 * An upload form read: the video on disk and the text fields, unparsed (strings, or values of fields sent as
 * JSON).
 *
 * @example
 * const form: UploadForm = { upload, fields: { store: "1", label: "cat" } };
 */
export interface UploadForm {
  upload: SavedUpload;
  fields: Record<string, unknown>;
}

/**
 * Reads the request's form: streams field `file` into `tmpDir` and collects the text fields named in `fields`
 * (each at most once, at most {@link FORM_FIELD_BYTES} bytes), in any order.
 *
 * @throws HttpError 400 `E_INVALID_ARGUMENT` (malformed body, no file part, a file in another field, a second
 *   file, an unknown or repeated field), 413 `E_UPLOAD_TOO_LARGE` (the file, a field, the form)
 * @example
 * const { upload, fields } = await readUploadForm(request, { tmpDir: "/tmp/vidmae-server", maxBytes: 256 << 20,
 *   fields: ["store", "label"] });
 * try { … } finally { await upload.remove(); }
 */
export async function readUploadForm(
  request: FastifyRequest,
  options: { tmpDir: string; maxBytes: number; fields: readonly string[] },
): Promise<UploadForm> {
  const declared = Number(request.headers["content-length"]);
  if (declared > options.maxBytes + FORM_OVERHEAD_BYTES)
    throw new HttpError(
      413,
      "E_UPLOAD_TOO_LARGE",
      `The form's ${declared} bytes exceed the upload limit of ${options.maxBytes} bytes`,
    );
  const refuse = (message: string) => new HttpError(400, "E_INVALID_ARGUMENT", message);
  const fields: Record<string, unknown> = {};
  let upload: SavedUpload | undefined;
  try {
    // busboy's own limits bound what a form can make us hold: one file, a few small fields and part headers.
    const parts = request.parts({
      limits: {
        fileSize: options.maxBytes,
        files: 1,
        fields: 8,
        parts: 9,
        fieldSize: FORM_FIELD_BYTES,
        fieldNameSize: 100,
        headerPairs: 16,
      },
    });
    for await (const part of parts) {
      const field = JSON.stringify(part.fieldname);
      // A part whose Content-Disposition has no name still arrives, with no field name.
      if (!part.fieldname)
        throw refuse(`A form part has no field name: send the video in field "${UPLOAD_FIELD}"`);
      if (part.type === "file") {
        if (part.fieldname !== UPLOAD_FIELD) {
          part.file.resume();
          throw refuse(`Expected the video in form field "${UPLOAD_FIELD}" but received field ${field}`);
        }
        upload = await saveFile(part, options);
      } else if (part.fieldname === UPLOAD_FIELD) {
        throw refuse(`Form field ${field} must be a file (a part with a filename)`);
      } else if (!options.fields.includes(part.fieldname)) {
        const known = [UPLOAD_FIELD, ...options.fields].map((name) => `"${name}"`).join(", ");
        throw refuse(`Unknown form field ${field}; this form takes ${known}`);
      } else if (Object.hasOwn(fields, part.fieldname)) {
        throw refuse(`Form field ${field} is given more than once`);
      } else if (part.valueTruncated) {
        throw new HttpError(
          413,
          "E_UPLOAD_TOO_LARGE",
          `Form field ${field} exceeds the limit of ${FORM_FIELD_BYTES} bytes`,
        );
      } else fields[part.fieldname] = part.value;
    }
  } catch (error) {
    await upload?.remove();
    throw malformed(error);
  }
  if (!upload) throw refuse(`The form has no file; send the video in field "${UPLOAD_FIELD}"`);
  return { upload, fields };
}
