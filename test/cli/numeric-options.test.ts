import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Command } from "commander";
import { LIMITS, MAX_MAP_PIXELS, type NumericRange } from "../../src/cli/options.js";
import { buildProgram } from "../../src/cli/program.js";
import { runCli, runInProcess } from "./helpers.js";

/** Each command with the arguments it needs to reach its action (where options are checked). */
const BASE: Record<string, string[]> = {
  forward: ["forward", "--input", "in.safetensors", "--out", "out.safetensors"],
  "export-onnx": ["export-onnx", "--out", "x.onnx"],
  frames: ["frames", "v.mp4", "--out", "o.safetensors"],
  classify: ["classify", "v.mp4"],
  embed: ["embed", "v.mp4", "--db", "x.db"],
  train: ["train", "--out", "m.json"],
  evaluate: ["evaluate"],
  predict: ["predict", "--classifier", "m.json"],
  demo: ["demo"],
  similar: ["similar", "--db", "x.db"],
  duplicates: ["duplicates", "--db", "x.db"],
  "search-moments": ["search-moments", "v.mp4", "--db", "x.db"],
  map: ["map", "--db", "x.db", "--out", "m.png"],
  serve: ["serve", "--db", "x.db"],
  worker: ["worker", "--queue", "redis://127.0.0.1:1", "--db", "x.db"],
  "queue status": ["queue", "status", "--queue", "redis://127.0.0.1:1"],
};

const SAMPLING = {
  "--clips": LIMITS.clips,
  "--frame-sample-rate": LIMITS.frameSampleRate,
  "--num-frames": LIMITS.numFrames,
};
const THREADS = { "--threads": LIMITS.threads };
/** `.pth` head count: commands that load a model, reload a space's model, or read its config (frames). */
const HEADS = { "--num-heads": LIMITS.numHeads };
const MODEL = { ...THREADS, ...HEADS };
const QUEUE = { "--attempts": LIMITS.attempts, "--retry-delay": LIMITS.retryDelayMs };

/** Every numeric flag of every command, with its range. */
const TABLE: Record<string, Record<string, NumericRange>> = {
  forward: MODEL,
  "export-onnx": {
    ...MODEL,
    "--num-frames": LIMITS.numFrames,
    "--frames": LIMITS.numFrames,
    "--image-size": LIMITS.imageSize,
  },
  frames: { ...SAMPLING, ...HEADS },
  classify: { ...MODEL, ...SAMPLING, "--k": LIMITS.k, "--top": LIMITS.k, "--batch": LIMITS.batch },
  embed: { ...MODEL, ...SAMPLING, ...QUEUE, "--batch": LIMITS.batch },
  train: { "--seed": LIMITS.seed, "--cv": LIMITS.folds },
  evaluate: { "--seed": LIMITS.seed, "--cv": LIMITS.folds, "--test-size": LIMITS.fraction },
  predict: MODEL,
  demo: { ...THREADS, "--seed": LIMITS.seed, "--videos-per-class": LIMITS.videosPerClass },
  similar: { ...MODEL, "--id": LIMITS.id, "--k": LIMITS.k },
  duplicates: { ...MODEL, "--threshold": LIMITS.threshold },
  "search-moments": { ...MODEL, "--k": LIMITS.k },
  map: { "--seed": LIMITS.seed, "--width": LIMITS.mapSide, "--height": LIMITS.mapSide },
  serve: {
    ...MODEL,
    ...SAMPLING,
    "--port": LIMITS.port,
    "--max-upload-mb": LIMITS.uploadMb,
    "--max-duration-s": LIMITS.seconds,
    "--max-pixels": LIMITS.pixels,
    "--timeout-s": LIMITS.seconds,
    "--queue-size": LIMITS.queueSize,
    "--headers-timeout-s": LIMITS.seconds,
    "--request-timeout-s": LIMITS.seconds,
    "--keep-alive-timeout-s": LIMITS.seconds,
    "--max-connections": LIMITS.connections,
  },
  worker: {
    ...MODEL,
    "--concurrency": LIMITS.concurrency,
    "--batch": LIMITS.batch,
    "--lock-ms": LIMITS.lockMs,
    "--metrics-port": LIMITS.port,
  },
  "queue status": { "--failed": LIMITS.failedListed },
};

/** What a user might type: not numbers, not finite, not decimal, out of any range. */
const HOSTILE = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "0x10",
  "",
  " ",
  "1e9",
  "-1",
  "99999999999999999999999",
  "1,5",
  "abc",
];
/** Only wrong where an integer is expected. */
const FLOATS = ["1.5", "2.0000001"];

function commands(program: Command, prefix = ""): [string, Command][] {
  return program.commands.flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    return c.commands.length > 0 ? commands(c, `${name} `) : [[name, c] as [string, Command]];
  });
}

describe("numeric options", () => {
  it("every value-taking flag that looks numeric is in the table, and its help shows its range", () => {
    const numeric = /<(n|k|K|T|r|px|ms|port|d|fraction|id)>$/;
    for (const [name, command] of commands(buildProgram())) {
      for (const option of command.options) {
        if (!numeric.test(option.flags)) continue;
        const range = TABLE[name]?.[option.long!];
        assert.ok(range, `${name} ${option.long} is not in the table`);
        assert.ok(
          option.description.includes(`(${range.text}`),
          `${name} ${option.long}: ${option.description}`,
        );
      }
    }
  });

  it("refuses every hostile value with one line naming the flag and its range, exit 1", async () => {
    let cases = 0;
    for (const [name, flags] of Object.entries(TABLE))
      for (const [flag, range] of Object.entries(flags)) {
        const values = [...HOSTILE, ...(range.expected.startsWith("integer") ? FLOATS : [])];
        for (const value of values) {
          // Nothing but the range check may answer: a value that is in range is not hostile here.
          if (range.schema().safeParse(value).success) continue;
          const result = await runInProcess(buildProgram(), [...BASE[name], flag, value]);
          const expected = `vidmae: Expected ${range.expected} for ${flag} but received ${JSON.stringify(value)} of type string\n`;
          assert.deepEqual(result, { code: 1, stderr: expected }, `${name} ${flag} ${JSON.stringify(value)}`);
          cases++;
        }
      }
    assert.ok(cases > 500, `${cases} cases`);
  });

  it("takes plain decimal values in range (and -0 as 0), and says the range in the help", () => {
    assert.equal(LIMITS.clips.schema().parse("1000"), 1000);
    assert.equal(LIMITS.port.schema().parse("0"), 0);
    assert.ok(Object.is(LIMITS.seed.schema().parse(-0), 0));
    assert.ok(Object.is(LIMITS.retryDelayMs.schema().parse(-0), 0));
    assert.equal(LIMITS.threshold.schema().parse("2.5e-2"), 0.025);
    assert.equal(LIMITS.uploadMb.schema().parse("+0.5"), 0.5);
    assert.equal(LIMITS.fraction.schema().safeParse("-0").success, false);
    assert.equal(LIMITS.clips.help("clips per video", 1), "clips per video (1–1000, default 1)");
    assert.equal(LIMITS.fraction.text, ">0–<1");
    assert.equal(LIMITS.fraction.expected, "number greater than 0 and less than 1");
  });

  it("bounds the map's pixels and the crops, and gives the rest of the flags' errors the same shape", async () => {
    const cases: [string[], string][] = [
      [
        [...BASE.map, "--width", "16384", "--height", "16384"],
        `Expected at most ${MAX_MAP_PIXELS} pixels for --width x --height but received "16384x16384" of type string`,
      ],
      [[...BASE.classify, "--crops", "0x3"], 'Expected 1 or 3 for --crops but received "0x3" of type string'],
      [[...BASE.classify, "--crops", " 3"], 'Expected 1 or 3 for --crops but received " 3" of type string'],
    ];
    for (const [args, message] of cases)
      assert.deepEqual(await runInProcess(buildProgram(), args), {
        code: 1,
        stderr: `vidmae: ${message}\n`,
      });
  });

  it("prints commander's usage errors as one line with where to find the usage, exit 1", async () => {
    const cases: [string[], string][] = [
      [
        ["embed", "v.mp4"],
        `required option '--db <file|url>' not specified. Run "vidmae embed --help" for usage.`,
      ],
      [
        ["embed", "v.mp4", "--db", "x", "--bogus"],
        `unknown option '--bogus'. Run "vidmae embed --help" for usage.`,
      ],
      [
        ["classify", "v.mp4", "--bach", "2"],
        `unknown option '--bach' (Did you mean --batch?) Run "vidmae classify --help" for usage.`,
      ],
      [["classify"], `missing required argument 'videos'. Run "vidmae classify --help" for usage.`],
      [
        ["queue", "status"],
        `required option '--queue <redis-url>' not specified. Run "vidmae queue status --help" for usage.`,
      ],
      [
        ["export", "--db", "x", "--out", "o", "extra"],
        `too many arguments for 'export'. Expected 0 arguments but got 1. Run "vidmae export --help" for usage.`,
      ],
      [["frobnicate"], `unknown command 'frobnicate'. Run "vidmae --help" for usage.`],
      [
        ["embed", "v.mp4", "--db", "x", "--a\u001b[2Jb"],
        `unknown option '--a\\u001b[2Jb'. Run "vidmae embed --help" for usage.`,
      ],
    ];
    for (const [args, message] of cases)
      assert.deepEqual(
        await runInProcess(buildProgram(), args),
        { code: 1, stderr: `vidmae: ${message}\n` },
        args.join(" "),
      );
  });

  it("the built CLI exits 1 with one line (no help text, no stack) for a bad value and a bad flag", async () => {
    const [bad, unknown] = await Promise.all([
      runCli(["embed", "v.mp4", "--db", "x.db", "--clips", "1e9"]),
      runCli(["map", "--db", "x.db", "--out", "m.png", "--wdth", "5"]),
    ]);
    assert.deepEqual(bad, {
      code: 1,
      stdout: "",
      stderr: 'vidmae: Expected integer from 1 to 1000 for --clips but received "1e9" of type string\n',
    });
    assert.deepEqual(unknown, {
      code: 1,
      stdout: "",
      stderr: `vidmae: unknown option '--wdth' (Did you mean --width?) Run "vidmae map --help" for usage.\n`,
    });
  });
});
