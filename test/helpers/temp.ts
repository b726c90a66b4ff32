/** Temporary folders that clean themselves up, and the environment that keeps a CLI run inside one. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/**
 * A new temporary folder, removed when the test file ends.
 *
 * @example
 * const db = join(tempDir("vidmae-cli-"), "e.db");
 */
export function tempDir(prefix = "vidmae-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Environment for a CLI run that stays in `dir` and offline: its own vidmae and hub caches, no network.
 *
 * @example
 * await runCliInProcess(["embed", videos, "--db", db, "--model", modelDir], offlineEnv(tmp));
 */
export function offlineEnv(dir: string): Record<string, string> {
  return { VIDMAE_CACHE: join(dir, "cache"), HF_HUB_OFFLINE: "1", HF_HUB_CACHE: join(dir, "hf") };
}
