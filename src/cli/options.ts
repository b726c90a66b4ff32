/**
 * CLI options are parsed once, here, with zod schemas: commander hands over strings, the schemas coerce and
 * default them, and a bad value becomes the library's one error sentence naming the flag.
 */
import { type Command, Option } from "commander";
import { z } from "zod";
import { VidmaeError, invalidParameterError } from "../errors.js";
import { DEFAULT_SERVER_OPTIONS } from "../server/context.js";

/** The model the CLI uses when neither `--model` nor `VIDMAE_MODEL` names one. */
export const DEFAULT_MODEL = "MCG-NJU/videomae-base-finetuned-kinetics";

/**
 * classify's `DEFAULT_PIPELINE_SPEC` as the help text of `train` and `evaluate` shows it, written out so `--help`
 * does not load every estimator; test/cli/program.test.ts checks the two agree.
 */
export const DEFAULT_PIPELINE_HELP = "standard-scaler,logistic-regression";

/** Decimal integers only: no exponents, hex, blanks or signs, so what is typed is what is checked. */
const INTEGER_TEXT = /^[0-9]+$/;
/** Decimal numbers with an optional exponent; `Infinity`, `NaN`, hex and blanks are refused. */
const NUMBER_TEXT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/**
 * The range of a numeric flag: the zod schema that checks it and the words the help text and errors use. Built
 * with {@link intInRange} or {@link numberInRange}; every numeric flag's limits are in {@link LIMITS}.
 *
 * @example
 * const clips = intInRange(1, 1000);
 * clips.schema().default(1); // accepts "7", refuses "1e9", "0x10", "", "1.5"
 * clips.help("clips per video", 1); // "clips per video (1–1000, default 1)"
 */
export interface NumericRange {
  /** What the error says is expected: `integer from 1 to 1000`. */
  readonly expected: string;
  /** The range as the help text shows it: `1–1000`. */
  readonly text: string;
  /** A schema taking the flag's text (or a number) to a number in range. */
  schema(): z.ZodType<number, unknown>;
  /** `description (range, default d)` for the option's help text. */
  help(description: string, fallback?: number | string): string;
}

function numericRange(
  expected: string,
  text: string,
  syntax: RegExp,
  inRange: (n: number) => boolean,
): NumericRange {
  const parse = (value: unknown): number | undefined => {
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" && syntax.test(value)
          ? Number(value)
          : NaN;
    // `+ 0` turns -0 into 0.
    return Number.isFinite(n) && inRange(n) ? n + 0 : undefined;
  };
  return {
    expected,
    text,
    schema: () =>
      z.unknown().transform((value, ctx) => {
        const n = parse(value);
        if (n !== undefined) return n;
        ctx.addIssue({ code: "custom", message: expected });
        return z.NEVER;
      }),
    help: (description, fallback) =>
      `${description} (${text}${fallback === undefined ? "" : `, default ${fallback}`})`,
  };
}

/**
 * An integer flag from `min` to `max`, both included.
 *
 * @example
 * intInRange(0, 65535).expected; // "integer from 0 to 65535"
 */
export function intInRange(min: number, max: number): NumericRange {
  return numericRange(
    `integer from ${min} to ${max}`,
    `${min}–${max}`,
    INTEGER_TEXT,
    (n) => Number.isInteger(n) && n >= min && n <= max,
  );
}

/**
 * A number flag from `min` to `max`; `above: true` leaves `min` itself out, `below: true` leaves `max` out.
 *
 * @example
 * numberInRange(0, 1, { above: true, below: true }).expected; // "number greater than 0 and less than 1"
 * numberInRange(0, 600, { above: true }).expected; // "number greater than 0 and at most 600"
 */
export function numberInRange(
  min: number,
  max: number,
  { above = false, below = false }: { above?: boolean; below?: boolean } = {},
): NumericRange {
  const low = above ? `greater than ${min}` : `at least ${min}`;
  const high = below ? `less than ${max}` : `at most ${max}`;
  return numericRange(
    !above && !below ? `number from ${min} to ${max}` : `number ${low} and ${high}`,
    `${above ? `>${min}` : min}–${below ? `<${max}` : max}`,
    NUMBER_TEXT,
    (n) => (above ? n > min : n >= min) && (below ? n < max : n <= max),
  );
}

/** Largest PNG/SVG map, width × height: 64 Mpx (256 MB as RGBA). */
export const MAX_MAP_PIXELS = 8192 * 8192;

/** The range of every numeric CLI flag, once: commands take their schemas and help text from here. */
export const LIMITS = {
  clips: intInRange(1, 1000),
  numFrames: intInRange(1, 1024),
  frameSampleRate: intInRange(1, 10_000),
  batch: intInRange(1, 256),
  threads: intInRange(1, 1024),
  /** `--k` (and the deprecated `--top`): results asked for. */
  k: intInRange(1, 10_000),
  /** A stored video's id (SQLite and PostgreSQL ids are positive and below 2^53). */
  id: intInRange(1, Number.MAX_SAFE_INTEGER),
  port: intInRange(0, 65535),
  seed: intInRange(0, 0xffffffff),
  folds: intInRange(2, 1000),
  fraction: numberInRange(0, 1, { above: true, below: true }),
  threshold: numberInRange(0, 1000, { above: true }),
  mapSide: intInRange(1, 16384),
  videosPerClass: intInRange(3, 1000),
  concurrency: intInRange(1, 256),
  attempts: intInRange(1, 100),
  /** Milliseconds a job lock lasts without renewal: one second to one day. */
  lockMs: intInRange(1000, 86_400_000),
  /** Milliseconds before the first retry: none to one day. */
  retryDelayMs: intInRange(0, 86_400_000),
  failedListed: intInRange(0, 10_000),
  queueSize: intInRange(0, 10_000),
  /** Connections the server keeps open at once. */
  connections: intInRange(1, 100_000),
  /** Upload cap in MiB: about a kilobyte to 64 GiB. */
  uploadMb: numberInRange(0.001, 65_536),
  /** Seconds: a video's length, a request's time (a millisecond to a day, so timers stay in range). */
  seconds: numberInRange(0.001, 86_400),
  /** Frame pixels, width × height: up to 16384². */
  pixels: intInRange(1, 16384 * 16384),
  /** Attention heads of a `.pth` checkpoint (published models have 6 to 16). */
  numHeads: intInRange(1, 1024),
  /** Image side of an exported `.pth` model, in pixels (a multiple of its patch size, checked on export). */
  imageSize: intInRange(1, 4096),
} as const;

/** The service's defaults in the units of `vidmae serve`'s flags, for its help text and its schema. */
export const SERVE_DEFAULTS = {
  maxUploadMb: DEFAULT_SERVER_OPTIONS.maxUploadBytes / 2 ** 20,
  maxDurationS: DEFAULT_SERVER_OPTIONS.maxDurationSec,
  maxPixels: DEFAULT_SERVER_OPTIONS.maxPixels,
  timeoutS: DEFAULT_SERVER_OPTIONS.timeoutMs / 1000,
  queueSize: DEFAULT_SERVER_OPTIONS.queueSize,
  headersTimeoutS: DEFAULT_SERVER_OPTIONS.headersTimeoutMs / 1000,
  requestTimeoutS: DEFAULT_SERVER_OPTIONS.requestTimeoutMs / 1000,
  keepAliveTimeoutS: DEFAULT_SERVER_OPTIONS.keepAliveTimeoutMs / 1000,
  maxConnections: DEFAULT_SERVER_OPTIONS.maxConnections,
};

/**
 * `--num-heads` and `--arch` (what a `.pth` does not record), for commands that reload a space's model without
 * the other model flags (`predict`, `similar`, `worker`) or only read its config (`frames`).
 *
 * @example
 * const opts = parseOptions(schema.extend(pthOptionsSchema.shape), raw); // opts.numHeads, opts.arch
 */
export const pthOptionsSchema = z.object({
  numHeads: LIMITS.numHeads.schema().optional(),
  arch: z.string().min(1).optional(),
});

/** Options every command that loads a model takes. */
export const modelOptionsSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .default(() => process.env.VIDMAE_MODEL || DEFAULT_MODEL),
    revision: z.string().min(1).optional(),
    threads: LIMITS.threads.schema().optional(),
    provider: z.enum(["cpu", "cuda"], { error: "one of: cpu, cuda" }).default("cpu"),
    precision: z.enum(["fp32", "int8"], { error: "one of: fp32, int8" }).default("fp32"),
  })
  .extend(pthOptionsSchema.shape);

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
  clips: LIMITS.clips.schema().default(1),
  frameSampleRate: LIMITS.frameSampleRate.schema().default(4),
  crops: z
    .enum(["1", "3"], { error: "1 or 3" })
    .default("1")
    .transform((n) => Number(n) as 1 | 3),
  numFrames: LIMITS.numFrames.schema().optional(),
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
    .option("--clips <K>", LIMITS.clips.help("clips per video with --sampling clips", 1))
    .option(
      "--frame-sample-rate <r>",
      LIMITS.frameSampleRate.help("frame step inside a clip with --sampling clips", 4),
    )
    .option("--crops <1|3>", "1: center crop; 3: start, center, end crops along the longer side (default 1)")
    .option("--num-frames <T>", LIMITS.numFrames.help("frames per clip", "the model's num_frames"));
}

/**
 * Adds the model flags to a command.
 *
 * @example
 * addModelOptions(program.command("classify <videos...>"));
 */
export function addModelOptions(command: Command): Command {
  command
    .option(
      "--model <dir|file.pth|repo>",
      `model directory, .pth checkpoint of the original VideoMAE / VideoMAE V2 code, or Hugging Face repo id (default: $VIDMAE_MODEL or ${DEFAULT_MODEL})`,
    )
    .option("--revision <rev>", "hub branch, tag or commit")
    .option("--threads <n>", LIMITS.threads.help("onnxruntime intra-op threads"))
    .option("--provider <cpu|cuda>", "execution provider (default cpu)")
    .option(
      "--precision <fp32|int8>",
      "int8: quantized linear layers, faster; its vectors form their own embedding space (default fp32)",
    );
  return addPthOptions(command);
}

/**
 * Adds `--num-heads` and `--arch` (read them with {@link pthOptionsSchema}): commands that load a model, and
 * those that reload the `.pth` an embedding space was made with.
 *
 * @example
 * addPthOptions(program.command("similar [video]"));
 */
export function addPthOptions(command: Command): Command {
  return command
    .option(
      "--num-heads <n>",
      LIMITS.numHeads.help("attention heads of a .pth checkpoint (its weights do not record them)"),
    )
    .option(
      "--arch <name>",
      "upstream model name of a .pth checkpoint instead of --num-heads, e.g. vit_base_patch16_224 (small 6, base 12, large/huge/giant 16 heads)",
    );
}

/**
 * Adds an old spelling of a renamed flag, kept for one release: accepted (and range-checked like the new one)
 * but left out of `--help`, so there is one vocabulary to learn. Read it with {@link renamedFlag}.
 *
 * @example
 * addDeprecatedOption(command, "--top <k>", "--k", LIMITS.k);
 */
export function addDeprecatedOption(
  command: Command,
  flags: string,
  replacement: string,
  range?: NumericRange,
): Command {
  const description = `deprecated: use ${replacement}`;
  return command.addOption(new Option(flags, range ? range.help(description) : description).hideHelp());
}

/**
 * The value of a renamed flag: the new spelling's, else the old one's with a one-line deprecation notice on
 * stderr; both at once is an error, since they could disagree.
 *
 * @throws VidmaeError E_INVALID_ARGUMENT when both spellings are given
 * @example
 * const k = renamedFlag((text) => io.say(text), ["--k", opts.k], ["--top", opts.top]) ?? 5;
 * // with --top 3: stderr "vidmae: --top is deprecated; use --k", k = 3
 */
export function renamedFlag<T>(
  say: (text: string) => void,
  current: readonly [flag: string, value: T | undefined],
  old: readonly [flag: string, value: T | undefined],
): T | undefined {
  if (old[1] === undefined) return current[1];
  if (current[1] !== undefined)
    throw new VidmaeError(
      "E_INVALID_ARGUMENT",
      `Give ${current[0]} only (${old[0]} is its deprecated spelling)`,
    );
  say(`${old[0]} is deprecated; use ${current[0]}`);
  return old[1];
}
