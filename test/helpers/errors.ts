/** Assertions for the library's errors: the code and the whole sentence, as users see them. */
import assert from "node:assert/strict";
import { type ErrorCode, VidmaeError } from "../../src/errors.js";

/**
 * Asserts that `fn` throws (or rejects with) a VidmaeError with this code and message; a RegExp message is
 * matched, a string must be equal.
 *
 * @example
 * await assertVidmaeError(() => openStore(""), "E_INVALID_ARGUMENT", /Expected a store/);
 */
export async function assertVidmaeError(
  fn: () => unknown,
  code: ErrorCode,
  message: string | RegExp,
): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof VidmaeError, `expected a VidmaeError ${code}, got ${String(thrown)}`);
  assert.equal(thrown.code, code);
  if (typeof message === "string") assert.equal(thrown.message, message);
  else assert.match(thrown.message, message);
}
