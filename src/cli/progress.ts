/**
 * Progress on a terminal (downloads, and every CLI step that can take more than a second): cli-progress bars on
 * stderr when it is a TTY, nothing otherwise (so pipes and CI logs stay clean).
 */
import cliProgress from "cli-progress";
import { displayPath, escapeControls } from "../errors.js";
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

/**
 * Progress of one step: `tick` counts work done, `update` is an `onProgress(done, total)` callback (it starts the
 * bar, or resizes it, on first call), `done` stops it. The bar stops itself when the count reaches the total.
 *
 * @example
 * const p = stepProgress(io, "folds", 5); for (const f of folds) { fit(f); p.tick(); } p.done();
 */
export interface StepProgress {
  tick(n?: number): void;
  update(done: number, total: number): void;
  done(): void;
}

const QUIET: StepProgress = { tick: () => {}, update: () => {}, done: () => {} };

/**
 * One shared progress display for a CLI step that can take more than a second, on stderr: a bar
 * `label [████░░] 3/8 | ETA 2s` when the total is known, else one `label…` line that `done` erases. A no-op when
 * stderr is not a TTY or `json` is set, so piped output and `--json` stay exactly as without it.
 *
 * @param total - units of work, or 0 for a step of unknown length (the `label…` line); `update` may set it later
 * @example
 * const p = stepProgress(io, "thumbnails", 0, { json: opts.json });
 * await makeThumbnails(paths, { onProgress: p.update });
 * p.done();
 */
export function stepProgress(
  io: { stderr: CliOutput },
  label: string,
  total: number,
  options: { json?: boolean } = {},
): StepProgress {
  const stream = io.stderr;
  if (!stream.isTTY || options.json) return QUIET;
  const name = escapeControls(label);
  const bar = new cliProgress.SingleBar(
    {
      // Only a real terminal stream has isTTY set (or a test's fake one: cli-progress only writes to it).
      stream: stream as NodeJS.WriteStream,
      format: `${name} [{bar}] {value}/{total} | ETA {eta_formatted}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let state: "idle" | "line" | "bar" | "stopped" = "idle";
  let value = 0;
  const start = (size: number) => {
    if (state === "line") stream.write("\r\x1b[K");
    if (size > 0) {
      bar.start(size, value);
      state = "bar";
    } else if (state === "idle") {
      stream.write(`${name}…`);
      state = "line";
    }
  };
  const stop = () => {
    if (state === "bar") bar.stop();
    else if (state === "line") stream.write("\r\x1b[K");
    state = "stopped";
  };
  const p: StepProgress = {
    tick: (n = 1) => {
      if (state === "stopped") return;
      value += n;
      if (state === "bar") bar.update(value);
      if (state === "bar" && value >= bar.getTotal()) stop();
    },
    update: (done, size) => {
      if (state === "stopped") return;
      value = done;
      if (state !== "bar" && size > 0) start(size);
      else if (state === "bar" && size > 0 && size !== bar.getTotal()) bar.setTotal(size);
      p.tick(0);
    },
    done: stop,
  };
  start(total);
  return p;
}
