/**
 * Validation of what callers hand the library, with zod schemas whose messages are the "expected" half of
 * {@link invalidParameterError}, so every bad field is reported as "Expected <what> for <field path> but
 * received <value>". It sits in space/, the lowest layer that parses caller input, so the space, the store and
 * the distributed jobs share one parser.
 */
import { z } from "zod";
import { invalidParameterError } from "../errors.js";

/**
 * A positive integer field.
 *
 * @example
 * z.object({ dim: positiveInt }).parse({ dim: 768 });
 */
export const positiveInt = z.int({ error: "positive integer" }).positive({ error: "positive integer" });

/**
 * A non-empty string field.
 *
 * @example
 * z.object({ weightsHash: nonEmptyString }).parse({ weightsHash: "sha256:…" });
 */
export const nonEmptyString = z.string({ error: "non-empty string" }).min(1, { error: "non-empty string" });

/** `batch[0].clips[2].vector` from a zod issue path. */
function fieldName(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === "number" ? `${name}[${key}]` : `${name}.${String(key)}`),
    root,
  );
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Parses a caller's value, throwing the first problem as an invalid-argument error named after its field.
 *
 * @param name - the parameter as the caller knows it (`spec`, `files[3]`)
 * @throws VidmaeError E_INVALID_ARGUMENT
 * @example
 * parseInput(spaceSpecSchema, { ...spec, pooling: "max" }, "spec");
 * // Expected one of: mean, head for spec.pooling but received "max" of type string
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidParameterError(fieldName(name, issue.path), issue.message, valueAt(value, issue.path));
}
