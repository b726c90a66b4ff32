/**
 * The body of the video routes: a multipart upload (field `file`, with text fields `store` and `label`) or JSON
 * `{"path": …}` naming a file under an allowed root. Either way the handler gets one {@link VideoInput}, and an
 * upload's temporary file is removed when the handler is done, whatever happened.
 */
import { hashFile } from "../embed/collection.js";
import { stat } from "node:fs/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { VideoInput } from "./embedding.js";
import { HttpError } from "./http-errors.js";
import { resolveAllowedPath, type AllowedRoot } from "./paths.js";
import { parseRequestPart } from "./route.js";
import { pathBodySchema, uploadFieldsSchema } from "./schemas.js";
import { readUploadForm, UPLOAD_FIELD } from "./uploads.js";

/** Where uploads go and which paths are allowed. */
export interface VideoRequestOptions {
  tmpDir: string;
  maxUploadBytes: number;
  roots: readonly AllowedRoot[];
}

/** What a JSON body or a form may add to the video: whether to store it, and its label (`/v1/embed` only). */
export interface StoreRequest {
  store?: boolean;
  label?: string;
}

/**
 * An AbortSignal that fires when the client disconnects before the response is sent, so queued or running work
 * for it stops.
 *
 * @example
 * await embeddings.embed(input, clientGone(reply));
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort(new Error("The client closed the connection"));
  });
  return controller.signal;
}

/**
 * Reads the request's video and runs `use` with it; an upload's temporary file is removed afterwards.
 *
 * @param allowStore - whether the JSON body or the form may carry `store` and `label`
 * @throws HttpError 415 for another body type, and as {@link readUploadForm} and {@link resolveAllowedPath}
 * @example
 * return withVideo(request, options, false, async (input) => embeddings.embed(input));
 */
export async function withVideo<T>(
  request: FastifyRequest,
  options: VideoRequestOptions,
  allowStore: boolean,
  use: (input: VideoInput, body: StoreRequest) => Promise<T>,
): Promise<T> {
  const storeOnlyHere = (body: StoreRequest) => {
    if (!allowStore && (body.store !== undefined || body.label !== undefined))
      throw new HttpError(
        400,
        "E_INVALID_ARGUMENT",
        '"store" and "label" apply to POST /v1/embed and /v1/analyze only',
      );
    return body;
  };
  if (request.isMultipart()) {
    const { upload, fields } = await readUploadForm(request, {
      tmpDir: options.tmpDir,
      maxBytes: options.maxUploadBytes,
      fields: Object.keys(uploadFieldsSchema.shape),
    });
    try {
      const body = storeOnlyHere(parseRequestPart(uploadFieldsSchema, fields, "form"));
      return await use({ ...upload, upload: true }, body);
    } finally {
      await upload.remove();
    }
  }
  if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
    throw new HttpError(
      415,
      "E_UNSUPPORTED_MEDIA_TYPE",
      `Send the video as multipart/form-data (field "${UPLOAD_FIELD}") or as JSON {"path": …}`,
    );
  const { path: given, ...body } = parseRequestPart(pathBodySchema, request.body, "body");
  storeOnlyHere(body);
  // Only the resolved real path goes on: what is hashed and decoded is the file that was checked.
  const path = await resolveAllowedPath(given, options.roots);
  const { size } = await stat(path);
  return use({ path, name: given, sizeBytes: size, contentHash: await hashFile(path), upload: false }, body);
}
