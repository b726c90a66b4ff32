/**
 * What the hub sends is checked here before it becomes a path, a URL or a size: blob names (etags), commits, byte
 * sizes, redirect targets and JSON replies. A reply that fails is refused with `E_HUB_REPLY`, in one line naming
 * the header or field.
 */
import type { z } from "zod";
import { VidmaeError } from "../../errors.js";
import { COMMIT_PATTERN } from "./cache.js";

/** How one header's value is read: `parse` returns undefined for a value that is not `expected`. */
export interface HeaderRule<T> {
  expected: string;
  parse: (value: string) => T | undefined;
}

/** A blob name: a git sha1 (40 hex digits) or a sha256 (64), after dropping a weak etag's `W/` and quotes. */
export const DIGEST: HeaderRule<string> = {
  expected: "a hex digest (40 or 64 hex digits)",
  parse: (value) => {
    const digest = value.replace(/^W\//, "").replace(/^"|"$/g, "");
    return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(digest) ? digest : undefined;
  },
};

/** A byte count: decimal digits only, so `-5`, `1e3` or ` 7` are refused rather than read as numbers. */
export const BYTE_SIZE: HeaderRule<number> = {
  expected: "a size in bytes",
  parse: (value) => (/^\d{1,15}$/.test(value) ? Number(value) : undefined),
};

/** A full git commit id. */
export const COMMIT: HeaderRule<string> = {
  expected: "a commit id (40 hex digits)",
  parse: (value) => (COMMIT_PATTERN.test(value) ? value : undefined),
};

/**
 * An absolute http(s) URL, or undefined: `file:`, `data:` and unparsable values are never fetched.
 *
 * @example
 * httpUrl("/cdn/x", new URL("https://hub.example")); // URL("https://hub.example/cdn/x")
 * httpUrl("file:///etc/passwd"); // undefined
 */
export function httpUrl(value: string, base?: URL): URL | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A redirect target (`Location`), resolved against the URL that sent it. */
export function redirectRule(base: URL): HeaderRule<URL> {
  return { expected: "an http(s) URL", parse: (value) => httpUrl(value, base) };
}

/** A value for a one-line message: JSON-quoted (control characters visible) and cut to 80 characters. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * The `E_HUB_REPLY` error refusing a hub reply.
 *
 * @param subject - what was asked for: `config.json of org/name at revision main`
 * @param detail - the header or field and what is wrong with it
 * @example
 * replyError("model info of org/name at revision main", "sha: expected a commit id (40 hex digits)");
 * // "The hub's reply for model info of org/name at revision main is not valid: sha: expected a commit id (40 hex digits)"
 */
export function replyError(subject: string, detail: string, options?: { cause?: unknown }): VidmaeError {
  return new VidmaeError("E_HUB_REPLY", `The hub's reply for ${subject} is not valid: ${detail}`, options);
}

/**
 * Reads header `name` with `rule`, refusing the reply when it is missing or malformed.
 *
 * @example
 * readHeader(response.headers, "X-Linked-Etag", DIGEST, "model.safetensors of org/name at revision main");
 * // "<sha256>", or throws E_HUB_REPLY: ... is not valid: X-Linked-Etag: expected a hex digest ... but got "../x"
 */
export function readHeader<T>(headers: Headers, name: string, rule: HeaderRule<T>, subject: string): T {
  const value = headers.get(name);
  if (value === null) throw replyError(subject, `${name}: missing`);
  const parsed = rule.parse(value);
  if (parsed === undefined)
    throw replyError(subject, `${name}: expected ${rule.expected} but got ${quote(value)}`);
  return parsed;
}

/**
 * A zod error as one line: the first problem, with its field written as in the JSON (`siblings[3].rfilename`).
 *
 * @example
 * zodErrorLine(schema.safeParse({ siblings: [{ rfilename: 7 }] }).error!); // "siblings[0].rfilename: expected a string"
 */
export function zodErrorLine(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue.path.reduce<string>(
    (name, key) =>
      typeof key === "number" ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key),
    "",
  );
  return field === "" ? issue.message : `${field}: ${issue.message}`;
}

/**
 * Parses a JSON reply with `schema`, refusing it in one line when it is not JSON or not of that shape.
 *
 * @example
 * parseReply(listingSchema, '{"sha":"x"}', "model info of org/name at revision main");
 * // throws E_HUB_REPLY: The hub's reply for model info of org/name at revision main is not valid: sha: ...
 */
export function parseReply<S extends z.ZodType>(schema: S, text: string, subject: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the body, which may span lines.
    throw replyError(subject, "body: not JSON", { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw replyError(subject, zodErrorLine(parsed.error));
  return parsed.data;
}
