import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { STDERR_TAIL_BYTES, runTool } from "../../src/video/run-tool.js";

/** True while a process with this id exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("runTool", () => {
  it("collects stdout and the exit code, also when it is non-zero", async () => {
    const ok = await runTool("sh", ["-c", "printf hello"]);
    assert.deepEqual([ok.exitCode, ok.stdout.toString()], [0, "hello"]);
    const failed = await runTool("sh", ["-c", "echo oops >&2; exit 3"]);
    assert.deepEqual([failed.exitCode, failed.stderr], [3, "oops\n"]);
  });

  it("starts tools from the launcher process, in our working directory, never as our own child", async () => {
    // A fork of this process would write-protect all its memory (see spawn-host.ts).
    const run = await runTool("sh", ["-c", "echo $PPID; pwd"]);
    const [ppid, cwd] = run.stdout.toString().trim().split("\n");
    assert.notEqual(Number(ppid), process.pid);
    assert.equal(cwd, process.cwd());
    const again = await runTool("sh", ["-c", "echo $PPID"]);
    assert.equal(again.stdout.toString().trim(), ppid, "one launcher serves every run");
  });

  it("collects all of a large stdout, however the exit and the last bytes interleave", async () => {
    for (let i = 0; i < 3; i++) {
      const run = await runTool("head", ["-c", String(20_000_000), "/dev/zero"]);
      assert.deepEqual([run.exitCode, run.stdout.length], [0, 20_000_000]);
    }
  });

  it("keeps only the tail of a long stderr", async () => {
    const run = await runTool("sh", [
      "-c",
      `head -c ${3 * STDERR_TAIL_BYTES} /dev/zero | tr '\\0' x >&2; echo END >&2`,
    ]);
    assert.equal(run.stderr.length, STDERR_TAIL_BYTES);
    assert.ok(run.stderr.endsWith("xEND\n"));
  });

  it("says so when the tool is not installed", async () => {
    await assert.rejects(runTool("vidmae-no-such-tool", []), (e: unknown) => {
      assert.ok(e instanceof VidmaeError);
      assert.equal(e.code, "E_VIDEO");
      assert.equal(
        e.message,
        "vidmae-no-such-tool was not found on PATH: install FFmpeg (e.g. apt-get install ffmpeg)",
      );
      return true;
    });
  });

  it("kills the child on abort and rejects with the abort reason", async () => {
    const controller = new AbortController();
    let pid = 0;
    const running = runTool("sh", ["-c", "echo $$; exec sleep 30"], {
      signal: controller.signal,
      onStdout: (chunk) => {
        pid = Number(chunk.toString().trim());
        controller.abort();
      },
    });
    await assert.rejects(running, { name: "AbortError" });
    assert.ok(pid > 0);
    assert.equal(alive(pid), false);
  });

  it("rejects at once when already aborted", async () => {
    await assert.rejects(runTool("sleep", ["30"], { signal: AbortSignal.abort() }), { name: "AbortError" });
  });

  it("kills the child when the stdout consumer throws, and rejects with that error", async () => {
    let pid = 0;
    const running = runTool("sh", ["-c", "echo $$; exec sleep 30"], {
      onStdout: (chunk) => {
        pid = Number(chunk.toString().trim());
        throw new Error("bad bytes");
      },
    });
    await assert.rejects(running, { message: "bad bytes" });
    assert.equal(alive(pid), false);
  });
});
