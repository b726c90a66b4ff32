/**
 * CLI options are parsed once, here, with zod schemas: commander hands over strings, the schemas coerce and
 * default them, and a bad value becomes the library's one error sentence naming the flag.
 */
import { z } from "zod";
import { invalidParameterError } from "../errors.js";

/** The model the CLI uses when neither `--model` nor `VIDMAE_MODEL` names one. */
export const DEFAULT_MODEL = "MCG-NJU/videomae-base-finetuned-kinetics";

/** A positive integer flag given as text. */
export const positiveInt = (expected = "positive integer") =>
  z.coerce.number({ error: expected }).int({ error: expected }).positive({ error: expected });

/** Options every command that loads a model takes. */
export const modelOptionsSchema = z.object({
  model: z
    .string()
    .min(1)
    .default(() => process.env.VIDMAE_MODEL || DEFAULT_MODEL),
  revision: z.string().min(1).optional(),
  threads: positiveInt().optional(),
  provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
});

/** Parsed model options. */
export type ModelCliOptions = z.infer<typeof modelOptionsSchema>;

/** `threads` → `--threads`. */
function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses commander's raw options with a schema; the first bad option is reported as
 * "Expected <what> for --<flag> but received <value>".
 *
 * @example
 * parseOptions(modelOptionsSchema, { threads: "-1" });
 * // throws: Expected positive integer for --threads but received "-1" of type string
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue.path[0] ?? "");
  throw invalidParameterError(flag(key), issue.message, raw[key]);
}
