/**
 * CLI options are parsed once, here, with zod schemas: commander hands over strings, the schemas coerce and
 * default them, and a bad value becomes the library's one error sentence naming the flag.
 */
import type { Command } from "commander";
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
  precision: z.enum(["fp32", "int8"], { error: "one of: fp32, int8" }).default("fp32"),
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

/** Clip sampling flags shared by `frames`, `embed` and `classify`. */
export const samplingOptionsSchema = z.object({
  sampling: z.enum(["uniform", "clips"], { error: "one of: uniform, clips" }).default("uniform"),
  clips: positiveInt().default(1),
  frameSampleRate: positiveInt().default(4),
  crops: z.coerce
    .number({ error: "1 or 3" })
    .refine((n) => n === 1 || n === 3, { error: "1 or 3" })
    .default(1)
    .transform((n) => n as 1 | 3),
  numFrames: positiveInt().optional(),
});

/** Parsed sampling flags. */
export type SamplingCliOptions = z.infer<typeof samplingOptionsSchema>;

/**
 * Adds the sampling flags to a command.
 *
 * @example
 * addSamplingOptions(program.command("frames <video>"));
 */
export function addSamplingOptions(command: Command): Command {
  return command
    .option(
      "--sampling <uniform|clips>",
      "uniform: one clip spread over the video; clips: K clips of T frames every r frames",
    )
    .option("--clips <K>", "clips per video with --sampling clips (default 1)")
    .option("--frame-sample-rate <r>", "frame step inside a clip with --sampling clips (default 4)")
    .option("--crops <1|3>", "1: center crop; 3: start, center, end crops along the longer side (default 1)")
    .option("--num-frames <T>", "frames per clip (default: the model's num_frames)");
}

/**
 * Adds the model flags to a command.
 *
 * @example
 * addModelOptions(program.command("classify <videos...>"));
 */
export function addModelOptions(command: Command): Command {
  return command
    .option(
      "--model <dir|repo>",
      `model directory or Hugging Face repo id (default: $VIDMAE_MODEL or ${DEFAULT_MODEL})`,
    )
    .option("--revision <rev>", "hub branch, tag or commit")
    .option("--threads <n>", "onnxruntime intra-op threads")
    .option("--provider <cpu|cuda>", "execution provider (default cpu)")
    .option(
      "--precision <fp32|int8>",
      "int8: quantized linear layers, faster; its vectors form their own embedding space (default fp32)",
    );
}
