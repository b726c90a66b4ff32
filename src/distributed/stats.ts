/**
 * A worker's counters: published to Redis for `vidmae queue status` (per-worker rates) and served as Prometheus
 * text on `/metrics`. One source for both, so the two never disagree.
 */
import { hostname } from "node:os";
import { VERSION } from "../version.js";

/** How a job ended on this worker: embedded, failed for good, failed and left for a retry, or already stored. */
export type JobOutcome = "done" | "failed" | "retried" | "skipped";

const OUTCOMES: readonly JobOutcome[] = ["done", "failed", "retried", "skipped"];

/** Upper bounds (seconds) of the job duration histogram. */
const BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Rates are averaged over this window. */
const RATE_WINDOW_MS = 60_000;

/**
 * What a worker publishes about itself.
 *
 * @example
 * const s: WorkerSnapshot = stats.snapshot(); // { id: "host-1:4242", done: 120, videosPerSec: 0.8, … }
 */
export interface WorkerSnapshot {
  id: string;
  host: string;
  pid: number;
  queue: string;
  version: string;
  startedAt: string;
  lastSeen: string;
  active: number;
  done: number;
  failed: number;
  retried: number;
  skipped: number;
  clips: number;
  /** Videos embedded per second over the last minute (or since start, if sooner). */
  videosPerSec: number;
  clipsPerSec: number;
  /** Models loaded, `name@revision`. */
  models: string[];
}

/**
 * Counters of one worker.
 *
 * @example
 * const stats = new WorkerStats("host-1:4242", "vidmae-embed");
 * stats.begin(); stats.end("done", 1.7, 4);
 * console.log(stats.prometheus());
 */
export class WorkerStats {
  private readonly started = Date.now();
  private readonly outcomes = new Map<JobOutcome, number>(OUTCOMES.map((o) => [o, 0]));
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private durationSum = 0;
  private durationCount = 0;
  private clips = 0;
  private active = 0;
  /** Completion times and clip counts of the last minute's embedded videos. */
  private recent: { at: number; clips: number }[] = [];
  /** Loaded models, kept up to date by the worker. */
  readonly models = new Set<string>();

  constructor(
    readonly id: string,
    readonly queue: string,
  ) {}

  /** A job was taken. */
  begin(): void {
    this.active++;
  }

  /** A job was acknowledged after `seconds`, with `clips` clip vectors stored. */
  end(outcome: JobOutcome, seconds: number, clips = 0): void {
    this.active--;
    this.outcomes.set(outcome, this.outcomes.get(outcome)! + 1);
    this.durationSum += seconds;
    this.durationCount++;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i]++;
    });
    if (outcome === "done") {
      this.clips += clips;
      this.recent.push({ at: Date.now(), clips });
    }
  }

  /** The counters as published to Redis. */
  snapshot(): WorkerSnapshot {
    const now = Date.now();
    this.recent = this.recent.filter((r) => now - r.at <= RATE_WINDOW_MS);
    const window = Math.max(1, Math.min(RATE_WINDOW_MS, now - this.started)) / 1000;
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      queue: this.queue,
      version: VERSION,
      startedAt: new Date(this.started).toISOString(),
      lastSeen: new Date(now).toISOString(),
      active: this.active,
      done: this.outcomes.get("done")!,
      failed: this.outcomes.get("failed")!,
      retried: this.outcomes.get("retried")!,
      skipped: this.outcomes.get("skipped")!,
      clips: this.clips,
      videosPerSec: this.recent.length / window,
      clipsPerSec: this.recent.reduce((sum, r) => sum + r.clips, 0) / window,
      models: [...this.models],
    };
  }

  /** The counters in Prometheus' text exposition format (version 0.0.4), with the process's CPU and memory. */
  prometheus(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      // A sample's suffix (`_bucket{le="1"}`, `_sum`) or label set follows the name.
      for (const [suffix, value] of samples) lines.push(`${name}${suffix} ${value}`);
    };
    const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
    metric("vidmae_worker_info", "gauge", "This worker: its id, queue and vidmae version.", [
      [`{worker="${label(this.id)}",queue="${label(this.queue)}",version="${VERSION}"}`, 1],
    ]);
    metric(
      "vidmae_worker_jobs_total",
      "counter",
      "Jobs this worker finished, by outcome (retried: failed, to be tried again).",
      OUTCOMES.map((o) => [`{outcome="${o}"}`, this.outcomes.get(o)!]),
    );
    metric("vidmae_worker_clips_total", "counter", "Clip vectors this worker stored.", [["", this.clips]]);
    metric("vidmae_worker_active_jobs", "gauge", "Jobs in progress on this worker.", [["", this.active]]);
    metric("vidmae_worker_models_loaded", "gauge", "Models this worker holds in memory.", [
      ["", this.models.size],
    ]);
    metric("vidmae_worker_job_duration_seconds", "histogram", "Time from taking a job to acknowledging it.", [
      ...BUCKETS.map((le, i): [string, number] => [`_bucket{le="${le}"}`, this.buckets[i]]),
      ['_bucket{le="+Inf"}', this.durationCount],
      ["_sum", this.durationSum],
      ["_count", this.durationCount],
    ]);
    const cpu = process.cpuUsage();
    metric("process_cpu_seconds_total", "counter", "User and system CPU time.", [
      ["", (cpu.user + cpu.system) / 1e6],
    ]);
    metric("process_resident_memory_bytes", "gauge", "Resident memory size.", [
      ["", process.memoryUsage.rss()],
    ]);
    metric("process_start_time_seconds", "gauge", "Start time since the Unix epoch.", [
      ["", this.started / 1000],
    ]);
    return `${lines.join("\n")}\n`;
  }
}
