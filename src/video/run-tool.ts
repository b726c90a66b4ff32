/**
 * Runs one FFmpeg command-line tool (ffmpeg or ffprobe) as a child process and always cleans it up: on exit, on
 * an error thrown by the stdout consumer, and on abort. The tools are started by a small long-lived helper
 * process (`spawn-host.ts`, which says why); their stdout comes straight to us over a Unix socket.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VidmaeError } from "../errors.js";

/** Stderr kept per run: FFmpeg can log a line per corrupt frame, only the end says why it stopped. */
export const STDERR_TAIL_BYTES = 16 * 1024;

/**
 * What we ask the helper process: run `command args` in `cwd` with stdout to the Unix socket `socket`, or kill
 * run `id`.
 *
 * @example
 * const r: HostRequest = { type: "kill", id: 3 };
 */
export type HostRequest =
  | { type: "run"; id: number; command: string; args: string[]; cwd: string; socket: string }
  | { type: "kill"; id: number };

/**
 * What the helper answers once per run: how it ended, or why it could not start.
 *
 * @example
 * const r: HostReply = { id: 3, exitCode: 0, stderr: "" };
 */
export type HostReply =
  | { id: number; exitCode: number | null; stderr: string }
  | { id: number; error: { code?: string; message: string } };

/** How a tool run ended. `stdout` is empty when an `onStdout` consumer took the bytes. */
export interface ToolResult {
  exitCode: number | null;
  stdout: Buffer;
  /** The last {@link STDERR_TAIL_BYTES} bytes of stderr: enough for FFmpeg's final error lines. */
  stderr: string;
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Kills the child process and rejects with the signal's reason when aborted. */
  signal?: AbortSignal;
  /** Streams stdout here instead of collecting it; a throw kills the child and rejects with that error. */
  onStdout?: (chunk: Buffer) => void;
}

/** The helper process, its socket folder and the runs waiting for its answer. */
interface Host {
  process: ChildProcess;
  dir: string;
  pending: Map<number, (reply: HostReply) => void>;
}

let host: Host | null = null;
let nextId = 0;

/**
 * Node options the helper needs to load its module as we did (a TypeScript loader under tsx); test-runner and
 * other flags stay out.
 */
function loaderArgs(): string[] {
  const args: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (/^--(import|require|loader|experimental-loader)=/.test(a)) args.push(a);
    else if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a) && i + 1 < argv.length)
      args.push(a, argv[++i]);
  }
  return args;
}

function hostScript(): string {
  const ts = import.meta.url.endsWith(".ts");
  return fileURLToPath(new URL(ts ? "./spawn-host.ts" : "./spawn-host.js", import.meta.url));
}

/** Starts the helper on first use; a helper that died is replaced by the next run. */
function getHost(): Host {
  if (host) return host;
  const dir = mkdtempSync(join(tmpdir(), "vidmae-tools-"));
  const script = hostScript();
  const child = fork(script, [], {
    execArgv: loaderArgs(),
    // Loader names such as `--import tsx` resolve from the helper's own folder, wherever the caller's cwd is
    // (each run gets its caller's cwd in its request).
    cwd: dirname(script),
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const started: Host = { process: child, dir, pending: new Map() };
  child.on("message", (reply: HostReply) => started.pending.get(reply.id)?.(reply));
  // A send to a helper that just died fails here; its runs are answered on "exit".
  child.on("error", () => undefined);
  child.on("exit", (code, signal) => {
    if (host === started) host = null;
    rmSync(dir, { recursive: true, force: true });
    const message = `the FFmpeg launcher process exited (${signal ?? `code ${code}`})`;
    for (const [id, resolve] of started.pending) resolve({ id, error: { message } });
  });
  // Idle, the helper keeps nothing alive; it exits when we do (its channel disconnects).
  child.unref();
  child.channel?.unref();
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  host = started;
  return started;
}

function request(h: Host, message: HostRequest): void {
  h.process.send(message);
}

/** Registers a run; the channel keeps the event loop alive while any run waits for its answer. */
function awaitReply(h: Host, id: number, onReply: (reply: HostReply) => void): void {
  if (h.pending.size === 0) h.process.channel?.ref();
  h.pending.set(id, (reply) => {
    h.pending.delete(id);
    if (h.pending.size === 0) h.process.channel?.unref();
    onReply(reply);
  });
}

function startError(command: string, error: { code?: string; message: string }): Error {
  if (error.code === "ENOENT")
    return new VidmaeError(
      "E_VIDEO",
      `${command} was not found on PATH: install FFmpeg (e.g. apt-get install ffmpeg)`,
      { cause: new Error(error.message) },
    );
  return new VidmaeError("E_VIDEO", `${command}: ${error.message}`);
}

/**
 * Runs `command args…` to completion. Resolves with the exit code even when it is non-zero (callers turn FFmpeg's
 * stderr into a reason); rejects when the tool is not installed, on abort, or when `onStdout` throws.
 *
 * @example
 * const { exitCode, stdout } = await runTool("ffprobe", ["-version"]);
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const { signal, onStdout } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const h = getHost();
    const id = nextId++;
    const socketPath = join(h.dir, String(id));
    const out: Buffer[] = [];
    let failure: unknown;
    let reply: HostReply | undefined;
    let stdoutDone = false;
    let server: Server | undefined = createServer({ pauseOnConnect: false }, (conn: Socket) => {
      server?.close();
      server = undefined;
      conn.on("data", (chunk: Buffer) => {
        if (failure !== undefined) return;
        if (!onStdout) {
          out.push(chunk);
          return;
        }
        try {
          onStdout(chunk);
        } catch (e) {
          fail(e);
        }
      });
      conn.on("error", () => undefined);
      conn.on("close", () => {
        stdoutDone = true;
        settle();
      });
    });
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = error;
      if (!reply) request(h, { type: "kill", id });
    };
    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // Done when the tool has exited and all its stdout has been read, or when it could not run at all.
    const settle = (): void => {
      if (!reply || !(stdoutDone || "error" in reply)) return;
      if (server) {
        server.close();
        server = undefined;
      }
      signal?.removeEventListener("abort", onAbort);
      if ("error" in reply) reject(failure ?? startError(command, reply.error));
      else if (failure !== undefined) reject(failure);
      else resolve({ exitCode: reply.exitCode, stdout: Buffer.concat(out), stderr: reply.stderr });
    };
    server.on("error", (e) => {
      fail(e);
      reply ??= { id, error: { message: e.message } };
      settle();
    });
    server.listen(socketPath, () => {
      awaitReply(h, id, (r) => {
        reply = r;
        settle();
      });
      request(h, { type: "run", id, command, args: [...args], cwd: process.cwd(), socket: socketPath });
    });
  });
}
