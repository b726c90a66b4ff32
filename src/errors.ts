/**
 * The one error type vidmae throws, and the one factory for bad arguments.
 *
 * Every failure a user can cause or meet carries a stable `code` (for programs) and a sentence that names the
 * thing at fault (for people); a wrapped native failure (ffmpeg, onnxruntime, fs) rides along as `cause`.
 */

/** Stable machine-readable error codes, grouped by the stage that raises them. */
export const ERROR_CODES = [
  "E_INVALID_ARGUMENT",
  "E_CONFIG",
  "E_CHECKPOINT",
  "E_WEIGHTS",
  "E_UNSUPPORTED_DTYPE",
  "E_SHAPE",
  "E_INFERENCE",
  "E_HUB_AUTH",
  "E_HUB_NOT_FOUND",
  "E_HUB_NETWORK",
  "E_HUB_OFFLINE",
  "E_HUB_REPLY",
  "E_IO",
  "E_VIDEO",
  "E_PREPROCESS",
  "E_STORE",
  "E_NOT_FITTED",
  "E_DATA",
  "E_WORKER",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * True when `value` is one of {@link ERROR_CODES}: codes that arrive as data (job payloads, JSON) are checked
 * with this, never parsed out of message text.
 *
 * @example
 * isErrorCode("E_VIDEO"); // true
 * isErrorCode("EACCES"); // false
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * An error raised by vidmae: a code, a message that names what is wrong, and the native error as `cause`.
 *
 * @example
 * try { await VideoMAE.load("./nope"); }
 * catch (e) { if (e instanceof VidmaeError) console.log(e.code); } // "E_CHECKPOINT"
 */
export class VidmaeError extends Error {
  /** Stable code for programs; the message is for people. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VidmaeError";
    this.code = code;
  }
}

/**
 * Raised when an estimator is used before `fit`.
 *
 * @example
 * new LogisticRegression().predict(X); // throws NotFittedError (code "E_NOT_FITTED")
 */
export class NotFittedError extends VidmaeError {
  constructor(estimator: string) {
    super(
      "E_NOT_FITTED",
      `This ${estimator} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`,
    );
    this.name = "NotFittedError";
  }
}

/** Describes a value for an error message: `-1 of type number`, `"x" of type string`. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "string") return `${JSON.stringify(value)} of type string`;
  if (typeof value === "object") return `an object of type ${value.constructor?.name ?? "Object"}`;
  return `${String(value)} of type ${typeof value}`;
}

/**
 * The one sentence shape for a bad argument: "Expected <what> for <name> but received <value>".
 *
 * @param name - the parameter as the user spelled it (`clips`, `--frame-sample-rate`, `C`)
 * @param expected - what would have been accepted (`positive integer`, `one of: cosine, l2`)
 * @param actual - the value received
 * @example
 * throw invalidParameterError("clips", "positive integer", -1);
 * // VidmaeError E_INVALID_ARGUMENT: Expected positive integer for clips but received -1 of type number
 */
export function invalidParameterError(name: string, expected: string, actual: unknown): VidmaeError {
  return new VidmaeError(
    "E_INVALID_ARGUMENT",
    `Expected ${expected} for ${name} but received ${describe(actual)}`,
  );
}

/**
 * Wraps an unknown thrown value: a VidmaeError passes through, anything else becomes one with `code` and the
 * original as `cause`, its message appended.
 *
 * @example
 * try { fs.readFileSync(p) } catch (e) { throw wrapError(e, "E_IO", `Cannot read ${p}`) }
 * // "Cannot read x.bin: ENOENT: no such file or directory, open 'x.bin'"
 */
export function wrapError(error: unknown, code: ErrorCode, context: string): VidmaeError {
  if (error instanceof VidmaeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new VidmaeError(code, `${context}: ${detail}`, { cause: error });
}

/**
 * Characters that would move the cursor, end a line or reorder text on a terminal: C0/C1 controls, format
 * characters (bidi overrides, zero-width) and the Unicode line and paragraph separators.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE.source, "u");

/** `\n`, `\t`, `\r` by name, anything else as `\uXXXX` (astral format characters as `\u{XXXXX}`). */
function escapeChar(c: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  const cp = c.codePointAt(0)!;
  return named[c] ?? (cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`);
}

/**
 * Text made safe for one line of terminal output: newlines, control and format characters become visible
 * escapes, so text from outside (a file name, a server's reply) cannot forge lines or move the cursor.
 *
 * @example
 * escapeControls("a\nb\u001b[2J"); // "a\\nb\\u001b[2J"
 */
export function escapeControls(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/**
 * A path as it is printed in messages and summaries: as is when it is plain, else JSON-quoted with its control
 * characters escaped, so `a\nvidmae: embedded 1000 videos\n.mp4` cannot pass for two lines of output. A name that
 * starts with a double quote is quoted too, so a plain name never looks like an escaped one.
 *
 * @example
 * displayPath("videos/a.mp4"); // "videos/a.mp4"
 * displayPath("a\nb.mp4"); // "\"a\\nb.mp4\""
 */
export function displayPath(path: string): string {
  if (!HAS_UNPRINTABLE.test(path) && !path.startsWith('"')) return path;
  return escapeControls(JSON.stringify(path));
}
