/**
 * Runs the `vidmae` CLI and captures its output: in this process through `buildProgram` (fast; most tests), or
 * as the built `dist/` program in a child process (the few end-to-end tests: real exit codes, signals).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Command, CommanderError } from "commander";
import { buildProgram } from "../../src/cli/program.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli/main.js ...args` from the repo root (npm test builds dist first).
 *
 * @example
 * const { code, stdout } = await runCli(["pull", "org/name"], { HF_ENDPOINT: hub.url });
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["dist/cli/main.js", ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `program` and every subcommand throw a CommanderError where commander would call `process.exit`. */
function throwInsteadOfExit(program: Command): void {
  program.exitOverride();
  for (const sub of program.commands) throwInsteadOfExit(sub);
}

/**
 * Runs `vidmae ...args` in this process, as {@link runCli} runs it in a child: stdout, stderr and the exit code
 * are captured; `env` is set in `process.env` for the run (the library reads the hub and cache settings there)
 * and restored after. Runs must not overlap.
 *
 * @example
 * const { code, stdout } = await runCliInProcess(["export", "--db", db, "--out", dir], { HF_HUB_OFFLINE: "1" });
 */
export async function runCliInProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const result: CliResult = { code: 0, stdout: "", stderr: "" };
  const program = buildProgram({
    stdout: { write: (text: string) => (result.stdout += text) },
    stderr: { write: (text: string) => (result.stderr += text) },
    setExitCode: (code) => (result.code = code),
  });
  throwInsteadOfExit(program);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  set(env);
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    result.code = e.exitCode;
  } finally {
    set(saved);
  }
  return result;
}

/** Thrown in place of `process.exit` while {@link runInProcess} runs, to end the parse where commander exits. */
class ExitCalled extends Error {
  constructor(readonly exitCode: number) {
    super(`process.exit(${exitCode})`);
  }
}

/**
 * Runs the CLI's program in this process on `args` (for cases that end before any model, store or file is
 * opened): stderr and `process.exit` are intercepted, the exit code is what the process would exit with.
 *
 * @example
 * const { code, stderr } = await runInProcess(buildProgram(), ["embed", "a.mp4", "--db", "x.db", "--clips", "0"]);
 */
export async function runInProcess(
  program: { parseAsync(argv: string[], options: { from: "user" }): Promise<unknown> },
  args: string[],
): Promise<Omit<CliResult, "stdout">> {
  const write = process.stderr.write;
  const exit = process.exit;
  const exitCode = process.exitCode;
  let stderr = "";
  process.exitCode = undefined;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exit = ((code?: number) => {
    throw new ExitCalled(code ?? 0);
  }) as typeof process.exit;
  try {
    await program.parseAsync(args, { from: "user" });
    return { code: Number(process.exitCode ?? 0), stderr };
  } catch (e) {
    if (e instanceof ExitCalled) return { code: e.exitCode, stderr };
    throw e;
  } finally {
    process.stderr.write = write;
    process.exit = exit;
    process.exitCode = exitCode;
  }
}
