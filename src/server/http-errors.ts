/**
 * HTTP errors of the service: every failure leaves as JSON `{ "error": { "code", "message" } }` with a status that
 * says whose fault it is. Library errors keep their code; the server adds its own codes for what only HTTP has
 * (auth, limits, queueing, timeouts).
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { VidmaeError, type ErrorCode } from "../errors.js";

/** Error codes the server adds to the library's {@link ErrorCode}s. */
export const SERVER_ERROR_CODES = [
  "E_UNAUTHORIZED",
  "E_NOT_FOUND",
  "E_PATH_FORBIDDEN",
  "E_UPLOAD_TOO_LARGE",
  "E_UNSUPPORTED_MEDIA_TYPE",
  "E_DURATION_LIMIT",
  "E_PIXEL_LIMIT",
  "E_BUSY",
  "E_TIMEOUT",
  "E_SHUTTING_DOWN",
  "E_NO_CLASSIFIER",
  "E_RANGE_NOT_SATISFIABLE",
  "E_INTERNAL",
] as const;

/**
 * A code in an error response: a library code or one of {@link SERVER_ERROR_CODES}.
 *
 * @example
 * const code: HttpErrorCode = "E_BUSY";
 */
export type HttpErrorCode = ErrorCode | (typeof SERVER_ERROR_CODES)[number];

/**
 * An error with the HTTP status and headers it is answered with.
 *
 * @example
 * throw new HttpError(503, "E_BUSY", "The inference queue is full", { "retry-after": "2" });
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HttpError";
  }
}

/**
 * Statuses of library errors: bad arguments are the client's (400); a file that is not a usable video, or data
 * that does not fit the model, is well-formed but unprocessable (422); the rest is the server's (500).
 */
const LIBRARY_STATUS: Partial<Record<ErrorCode, number>> = {
  E_INVALID_ARGUMENT: 400,
  E_VIDEO: 422,
  E_PREPROCESS: 422,
  E_DATA: 422,
};

const FORM_HINT = 'send one video in field "file"';
const JSON_HINT = 'send an object such as {"path": "clips/a.mp4"}';

/** Fastify's and @fastify/multipart's own errors, by their code, with a better sentence where theirs is terse. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: HttpErrorCode; message?: string }> = {
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: "E_UPLOAD_TOO_LARGE" },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "E_UPLOAD_TOO_LARGE" },
  FST_PARTS_LIMIT: {
    status: 413,
    code: "E_UPLOAD_TOO_LARGE",
    message: `The form has too many parts: ${FORM_HINT}`,
  },
  FST_FILES_LIMIT: {
    status: 400,
    code: "E_INVALID_ARGUMENT",
    message: `The form has more than one file: ${FORM_HINT}`,
  },
  FST_FIELDS_LIMIT: {
    status: 413,
    code: "E_UPLOAD_TOO_LARGE",
    message: `The form has too many fields: ${FORM_HINT}`,
  },
  FST_PROTO_VIOLATION: {
    status: 400,
    code: "E_INVALID_ARGUMENT",
    message: `Malformed multipart body: a field is named like an Object property: ${FORM_HINT}`,
  },
  FST_INVALID_JSON_FIELD_ERROR: {
    status: 400,
    code: "E_INVALID_ARGUMENT",
    message: "Malformed multipart body: a field declared as JSON is not valid JSON",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: "E_INVALID_ARGUMENT",
    message: `Malformed JSON body: ${JSON_HINT}`,
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "E_INVALID_ARGUMENT",
    message: `Empty JSON body: ${JSON_HINT}`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "E_UNSUPPORTED_MEDIA_TYPE" },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: "E_UNSUPPORTED_MEDIA_TYPE" },
};

/**
 * The status, code, message and headers an error is answered with. Unexpected errors get a generic message:
 * their details go to the log, not to the client.
 *
 * @example
 * toHttpError(new VidmaeError("E_VIDEO", "a.mp4: empty file (0 bytes)")).status; // 422
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const cause = { cause: error };
  if (error instanceof VidmaeError)
    return new HttpError(LIBRARY_STATUS[error.code] ?? 500, error.code, error.message, {}, cause);
  const e = error as Partial<FastifyError> | null;
  const known = e?.code === undefined ? undefined : FRAMEWORK_ERRORS[e.code];
  if (known)
    return new HttpError(known.status, known.code, known.message ?? e!.message ?? known.code, {}, cause);
  // Fastify's other client errors (bad headers, bad Content-Length) carry a readable message: kept on one line.
  if (e?.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
    return new HttpError(
      e.statusCode,
      "E_INVALID_ARGUMENT",
      (e.message ?? "Bad request").replace(/\s+/g, " ").slice(0, 300),
      {},
      cause,
    );
  return new HttpError(500, "E_INTERNAL", "Internal server error; the server log has the details", {}, cause);
}

/**
 * Fastify error handler: answers with {@link toHttpError}'s JSON and logs server-side failures.
 *
 * @example
 * app.setErrorHandler(errorHandler);
 */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const http = toHttpError(error);
  if (http.status >= 500 && http.code !== "E_BUSY" && http.code !== "E_SHUTTING_DOWN")
    request.log.error({ err: error }, http.message);
  return reply
    .status(http.status)
    .headers(http.headers)
    .send({ error: { code: http.code, message: http.message } });
}

/** What Node reports for a connection that failed before a request could be routed. */
const CONNECTION_ERRORS: Record<string, { status: number; code: HttpErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: "E_TIMEOUT",
    message: "The request was not received in time; the connection is closed",
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: "E_INVALID_ARGUMENT",
    message: "The request headers are too large",
  },
};

/**
 * Fastify `clientErrorHandler`: a connection that breaks the HTTP rules or the header/request timeouts gets one
 * answer in the service's JSON error shape and is closed (Fastify's own answer has another shape).
 *
 * @example
 * Fastify({ clientErrorHandler: connectionErrorHandler });
 */
export function connectionErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const known = CONNECTION_ERRORS[error.code ?? ""] ?? {
    status: 400,
    code: "E_INVALID_ARGUMENT",
    message: "Malformed HTTP request",
  };
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}
