/** Runs the built `vidmae` CLI (dist/) as a user would, capturing its output. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

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
 * const { code, stderr } = await runInProcess(createProgram(), ["embed", "a.mp4", "--db", "x.db", "--clips", "0"]);
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
