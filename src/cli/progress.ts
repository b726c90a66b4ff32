/**
 * Download progress on a terminal: a cli-progress bar on stderr when it is a TTY, nothing otherwise (so pipes
 * and CI logs stay clean).
 */
import cliProgress from "cli-progress";
import { displayPath } from "../errors.js";
import type { PullProgress } from "../model/hub/pull.js";
import type { CliOutput } from "./run.js";

/**
 * A `PullOptions.onProgress` callback that draws one bar over the whole download, and a `stop` to clear it.
 *
 * @example
 * const bar = downloadBar(); await pullModel(repo, { onProgress: bar.update }); bar.stop();
 */
export function downloadBar(stream: CliOutput = process.stderr): {
  update: (e: PullProgress) => void;
  stop: () => void;
} {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const bar = new cliProgress.SingleBar(
    {
      // Only a real terminal stream has isTTY set.
      stream: stream as NodeJS.WriteStream,
      format: "downloading {file} [{bar}] {percentage}% {done}/{all} MB eta {eta_formatted}",
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (e) => {
      // The file name comes from the hub: escaped, it cannot move the cursor or break the line.
      const payload = { file: displayPath(e.file), done: mb(e.bytes), all: mb(e.total) };
      if (!started) {
        bar.start(e.total, e.bytes, payload);
        started = true;
      } else bar.update(e.bytes, payload);
    },
    stop: () => started && bar.stop(),
  };
}
