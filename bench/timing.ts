/**
 * Wall time and CPU core-seconds of a piece of work: this process's CPU (all its threads, so onnxruntime's pool
 * counts) and its finished children's (FFmpeg, ffprobe, Python), read from /proc/self/stat.
 */
import { readFileSync, readdirSync } from "node:fs";
import { cpus } from "node:os";

/** Linux reports /proc times in USER_HZ ticks, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

/** utime + stime + cutime + cstime of a /proc/<pid>/stat line, in seconds; `own` false leaves out the first two. */
function statCpuSeconds(stat: string, own: boolean): number {
  // Fields after the command name (which may hold spaces) start at field 3; utime, stime, cutime, cstime are 14-17.
  const f = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return ((own ? f[11] + f[12] : 0) + f[13] + f[14]) / USER_HZ;
}

/**
 * CPU seconds of this process's children: the reaped ones (cutime + cstime) plus the live ones with their own
 * reaped children, so FFmpeg runs started by the long-lived tool launcher (`src/video/run-tool.ts`) count too.
 * Null where /proc is missing (not Linux). 10 ms resolution: sum over several runs before dividing.
 *
 * @example
 * const before = childCpuSeconds(); await decodeFrames(info, [0]); const ffmpeg = childCpuSeconds()! - before!;
 */
export function childCpuSeconds(): number | null {
  try {
    let total = statCpuSeconds(readFileSync("/proc/self/stat", "utf8"), false);
    for (const tid of readdirSync("/proc/self/task"))
      for (const pid of readFileSync(`/proc/self/task/${tid}/children`, "utf8").split(" ").filter(Boolean)) {
        try {
          total += statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8"), true);
        } catch {
          // The child ended between the two reads: its time is in our cutime next time.
        }
      }
    return total;
  } catch {
    return null;
  }
}

/** What {@link measure} reports for one piece of work. */
export interface Cost {
  wall_s: number;
  /** CPU seconds of this process (all threads). */
  self_core_s: number;
  /** CPU seconds of children that finished during the work; null when not measurable here. */
  child_core_s: number | null;
}

/**
 * Runs `work` once and returns its result with its wall time and CPU core-seconds (self and children).
 *
 * @example
 * const { value, cost } = await measure(() => probeVideo("a.mp4")); // cost.child_core_s: ffprobe's CPU
 */
export async function measure<T>(work: () => T | Promise<T>): Promise<{ value: T; cost: Cost }> {
  const child0 = childCpuSeconds();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const wall = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const child1 = childCpuSeconds();
  return {
    value,
    cost: {
      wall_s: wall,
      self_core_s: (self.user + self.system) / 1e6,
      child_core_s: child0 === null || child1 === null ? null : child1 - child0,
    },
  };
}

/**
 * Best (shortest) wall time of `repeats` runs after `warmup` unmeasured ones, in seconds: the machine is shared,
 * and the least disturbed run is the closest to what the code can do.
 *
 * @example
 * const s = await bestSeconds(() => session.run(feeds), 3, 1);
 */
export async function bestSeconds(work: () => Promise<unknown>, repeats = 3, warmup = 0): Promise<number> {
  for (let i = 0; i < warmup; i++) await work();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

/**
 * The CPU's model name and the flags that matter for the kernels (from /proc/cpuinfo when there is one).
 *
 * @example
 * cpuDescription(); // { model: "AMD EPYC 9B45", family: "26", modelNumber: "2", flags: ["avx2", "avx512f", …] }
 */
export function cpuDescription(): {
  model: string;
  family: string | null;
  modelNumber: string | null;
  flags: string[];
} {
  let info = "";
  try {
    info = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // Not Linux: os.cpus() still names the CPU.
  }
  const field = (name: string) => info.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1]?.trim() ?? null;
  const all = (field("flags") ?? "").split(/\s+/);
  const wanted = ["avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16"];
  return {
    model: field("model name") ?? cpus()[0]?.model ?? "unknown",
    family: field("cpu family"),
    // A VM may name only the brand ("AMD EPYC"): family and model number tell the generation (26/2: Zen 5).
    modelNumber: field("model"),
    flags: wanted.filter((f) => all.includes(f)),
  };
}
