/**
 * The small process that starts FFmpeg for us (see `run-tool.ts`): run as a child of the vidmae process, it
 * spawns each tool with its stdout connected to a Unix socket the parent listens on, and reports stderr and the
 * exit code over the IPC channel.
 *
 * Why: Node starts a child with fork(), which write-protects the whole parent's memory; with a model loaded
 * (~1 GB), the next inference then takes a page fault on every page it writes, ~45 % more CPU per ViT-B clip
 * on the development machine (measured; ~17 µs a fault in its VM). Forking this ~40 MB process instead costs
 * next to nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { type HostReply, type HostRequest, STDERR_TAIL_BYTES } from "./run-tool.js";

const children = new Map<number, ChildProcess>();
const killed = new Set<number>();
const send = (reply: HostReply): void => {
  process.send?.(reply);
};

function run(request: Extract<HostRequest, { type: "run" }>): void {
  const { id } = request;
  const socket = connect(request.socket);
  socket.on("error", (e) =>
    send({ id, error: { message: `cannot reach the parent's socket: ${e.message}` } }),
  );
  socket.on("connect", () => {
    if (killed.delete(id)) {
      socket.destroy();
      send({ id, exitCode: null, stderr: "" });
      return;
    }
    const child = spawn(request.command, request.args, {
      cwd: request.cwd,
      stdio: ["ignore", socket, "pipe"],
    });
    // The child holds its own copy of the socket; the parent sees the end of stdout when the child exits.
    socket.destroy();
    children.set(id, child);
    let stderr = "";
    let failed = false;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      failed = true;
      send({ id, error: { code: e.code, message: e.message } });
    });
    child.on("close", (exitCode) => {
      children.delete(id);
      if (!failed) send({ id, exitCode, stderr });
    });
  });
}

process.on("message", (request: HostRequest) => {
  if (request.type === "run") run(request);
  else {
    const child = children.get(request.id);
    if (child) child.kill("SIGKILL");
    else killed.add(request.id);
  }
});

// The parent is gone (exit, crash): no tool outlives it.
process.on("disconnect", () => {
  for (const child of children.values()) child.kill("SIGKILL");
  process.exit(0);
});
