/**
 * Inference benchmark: a ViT-B VideoMAE with random weights (built here), fp32 and int8, at several batch sizes
 * and thread counts, against the CPU's best fp32 GEMM measured in the same run (bench/peak.ts), the PyTorch
 * reference (when python3 has torch) and the fixtures for int8 accuracy.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { VideoMAEConfig } from "../src/model/videomae/config.js";
import { loadVideoMAEConfig } from "../src/model/videomae/config-file.js";
import { type Float32Tensor, VideoMAE } from "../src/model/videomae/model.js";
import type { Precision } from "../src/model/videomae/modeling.js";
import { writeRandomCheckpoint } from "../src/model/videomae/random.js";
import { readSafetensors } from "../src/model/weights/safetensors.js";
import { toFloat32 } from "../src/model/weights/tensor.js";
import { type GemmPeak, type GemmShape, bestOfPeaks, gemmPeak, gemmShapes, ortGemmGflops } from "./peak.js";
import { findPython, runReference } from "./python.js";
import { bestSeconds } from "./timing.js";

const run = promisify(execFile);

/** Multiply-adds of one clip through the encoder (patch embedding, attention, MLP). */
export function clipMacs(c: VideoMAEConfig, frames = c.num_frames): number {
  const N = tokens(c, frames);
  const D = c.hidden_size;
  const patch = N * c.num_channels * c.tubelet_size * c.patch_size ** 2 * D;
  const perLayer = 4 * N * D * D + 2 * N * N * D + 2 * N * D * c.intermediate_size;
  return patch + c.num_hidden_layers * perLayer;
}

/** Tokens of one clip: tubelets × patches per frame (1568 for ViT-B on 16 × 224²). */
function tokens(c: VideoMAEConfig, frames = c.num_frames): number {
  return (frames / c.tubelet_size) * (c.image_size / c.patch_size) ** 2;
}

/** ViT-B as VideoMAE-base ships it (VideoMAEConfig defaults), with a 400-label head like the Kinetics model. */
export async function vitBase(cacheDir: string): Promise<string> {
  const dir = join(cacheDir, "videomae-vitb-random");
  if (!existsSync(join(dir, "model.safetensors")))
    await writeRandomCheckpoint(dir, {
      kind: "classification",
      labels: Array.from({ length: 400 }, (_, i) => `class_${i}`),
    });
  return dir;
}

function clip(c: VideoMAEConfig, batch: number, seed = 1): Float32Tensor {
  const dims = [batch, c.num_frames, c.num_channels, c.image_size, c.image_size];
  let s = seed;
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
  return { data, dims };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] ** 2, nb + b[i] ** 2];
  return dot / Math.sqrt(na * nb);
}

/** Per-row cosine of two [B, D] outputs and how many rows agree on the argmax of two [B, L] logits. */
function compare(
  fp32: { vec: Float32Tensor; logits: Float32Tensor },
  int8: { vec: Float32Tensor; logits: Float32Tensor },
) {
  const [B, D] = fp32.vec.dims;
  const L = fp32.logits.dims[1];
  const cosines: number[] = [];
  let agree = 0;
  for (let b = 0; b < B; b++) {
    cosines.push(
      cosine(fp32.vec.data.subarray(b * D, (b + 1) * D), int8.vec.data.subarray(b * D, (b + 1) * D)),
    );
    const top = (t: Float32Tensor) => {
      const row = Array.from(t.data.subarray(b * L, (b + 1) * L));
      return row.indexOf(Math.max(...row));
    };
    if (top(fp32.logits) === top(int8.logits)) agree++;
  }
  return { cosines, agree, rows: B };
}

/** int8 against fp32 on the tiny-classifier fixture (its reference inputs) — the stated accuracy bounds. */
async function int8OnFixture(): Promise<{ min_cosine: number; top1_agreement: number }> {
  const dir = fileURLToPath(new URL("../test/fixtures/videomae/tiny-classifier/", import.meta.url));
  const ref = await readSafetensors(join(dir, "reference.safetensors"));
  const pv = ref.get("pixel_values")!;
  const input = { data: toFloat32(pv, "pixel_values", dir), dims: pv.shape };
  const outs = [];
  for (const precision of ["fp32", "int8"] as const) {
    const m = await VideoMAE.fromDirectory(dir, { precision, cache: false });
    const o = await m.forward(input);
    outs.push({ vec: o.pooled!, logits: o.logits! });
    await m.release();
  }
  const r = compare(outs[0], outs[1]);
  return { min_cosine: Math.min(...r.cosines), top1_agreement: r.agree / r.rows };
}

/** Runs bench/reference/videomae_torch.py with the first python3 that has torch; null when none has it. */
async function torchReference(
  threads: number,
): Promise<{ impl: string; torch: string; batch: Record<string, number> } | null> {
  const py = await findPython(["torch"]);
  if (!py) return null;
  return runReference(
    py.python,
    "videomae_torch.py",
    ["--threads", String(threads), "--batches", "1,4"],
    threads,
  );
}

/** Peak RSS (MB) of a fresh process that loads the cached fp32 graph and runs one batch-1 clip. */
async function peakRssBatch1(dir: string, cacheDir: string, threads: number): Promise<number> {
  const code = `
    import { VideoMAE } from ${JSON.stringify(fileURLToPath(new URL("../src/model/videomae/model.ts", import.meta.url)))};
    const m = await VideoMAE.fromDirectory(${JSON.stringify(dir)}, { threads: ${threads}, cacheDir: ${JSON.stringify(cacheDir)} });
    const c = m.config; const dims = [1, c.num_frames, 3, c.image_size, c.image_size];
    await m.forward({ data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims });
    console.log(process.resourceUsage().maxRSS / 1024);`;
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    maxBuffer: 1 << 20,
  });
  return Number(stdout.trim().split("\n").at(-1));
}

/** Everything {@link benchModel} measures; names follow the JSON keys. */
export interface ModelBench {
  threads: number;
  /** The CPU's best fp32 GEMM in this run: what `fp32.fraction_of_peak` divides by. */
  peak: GemmPeak;
  build_s_cold: number;
  load_s_warm: number;
  fp32: {
    clips_per_s: Record<string, number>;
    gflops: Record<string, number>;
    fraction_of_peak: Record<string, number>;
  };
  int8: {
    clips_per_s: Record<string, number>;
    /** int8 clips/s over fp32 clips/s, per batch. */
    speedup: Record<string, number>;
    min_cosine: number;
    top1_agreement: number;
    vitb_min_cosine: number;
    vitb_top1_agreement: number;
  };
  by_threads: Record<
    string,
    {
      /** One MatMul of the model's MLP shape ([tokens, D] × [D, I]) at this thread count. */
      mlp_matmul_gflops: number;
      fp32_clips_per_s: Record<string, number>;
      int8_clips_per_s: Record<string, number>;
    }
  >;
  reference: { torch_clips_per_s: Record<string, number> | null; impl: string | null; torch: string | null };
  ratio_vs_torch: Record<string, number> | null;
  peak_rss_mb_batch1_fp32: number;
}

/**
 * Measures ViT-B fp32 and int8 clips/s at batch 1, 2, 4 with 1 thread and all threads (best of a few runs, like
 * the GEMM peak they are divided by), the fp32 GEMM peak of the same run (the better of a pass before and one
 * after), cold and warm load, the PyTorch reference, int8 accuracy, and peak RSS of a batch-1 fp32 process.
 *
 * @example
 * const figures = await benchModel({ threads: 2, cacheDir: "bench/.cache" });
 */
export async function benchModel(opts: {
  threads: number;
  cacheDir: string;
  batches?: number[];
}): Promise<ModelBench> {
  const batches = opts.batches ?? [1, 2, 4];
  const dir = await vitBase(opts.cacheDir);
  const graphCache = join(opts.cacheDir, "graphs-bench");
  await rm(graphCache, { recursive: true, force: true });
  let t0 = performance.now();
  const cold = await VideoMAE.fromDirectory(dir, { threads: opts.threads, cacheDir: graphCache });
  const buildCold = (performance.now() - t0) / 1000;
  await cold.release();
  t0 = performance.now();
  await (await VideoMAE.fromDirectory(dir, { threads: opts.threads, cacheDir: graphCache })).release();
  const loadWarm = (performance.now() - t0) / 1000;

  const config = await loadVideoMAEConfig(join(dir, "config.json"));
  const mlpShape: GemmShape = [tokens(config), config.hidden_size, config.intermediate_size];
  const shapes = gemmShapes(
    { tokens: tokens(config), hidden: config.hidden_size, intermediate: config.intermediate_size },
    batches,
  );
  const peakBefore = await gemmPeak(opts.threads, shapes);
  const byThreads: ModelBench["by_threads"] = {};
  const threadCounts = [...new Set([1, opts.threads])];
  let vitb = { min: 1, agree: 0, rows: 0 };
  for (const threads of threadCounts) {
    const entry = {
      mlp_matmul_gflops: await ortGemmGflops(threads, mlpShape),
      fp32_clips_per_s: {} as Record<string, number>,
      int8_clips_per_s: {} as Record<string, number>,
    };
    const outputs: Record<Precision, { vec: Float32Tensor; logits: Float32Tensor } | null> = {
      fp32: null,
      int8: null,
    };
    for (const precision of ["fp32", "int8"] as const) {
      const model = await VideoMAE.fromDirectory(dir, { threads, precision, cacheDir: graphCache });
      for (const batch of batches) {
        const input = clip(model.config, batch);
        // More repeats where a run is short; one thread is slow enough that one run after the warm-up will do.
        const repeats = threads === opts.threads ? Math.max(1, Math.ceil(3 / batch)) : 1;
        const seconds = await bestSeconds(() => model.forward(input), repeats, 1);
        entry[`${precision}_clips_per_s`][`batch${batch}`] = batch / seconds;
      }
      if (threads === opts.threads) {
        const o = await model.forward(clip(model.config, 4, 7));
        outputs[precision] = { vec: o.pooled!, logits: o.logits! };
      }
      await model.release();
    }
    if (outputs.fp32 && outputs.int8) {
      const r = compare(outputs.fp32, outputs.int8);
      vitb = { min: Math.min(...r.cosines), agree: r.agree, rows: r.rows };
    }
    byThreads[`threads${threads}`] = entry;
  }
  const main = byThreads[`threads${opts.threads}`];
  const peak = bestOfPeaks(peakBefore, await gemmPeak(opts.threads, shapes));
  const flopsPerClip = 2 * clipMacs(config);
  const gflops = Object.fromEntries(
    Object.entries(main.fp32_clips_per_s).map(([k, v]) => [k, (v * flopsPerClip) / 1e9]),
  );
  const fixture = await int8OnFixture();
  const reference = await torchReference(opts.threads);
  const torchClips = reference ? { batch1: reference.batch["1"], batch4: reference.batch["4"] } : null;
  return {
    threads: opts.threads,
    peak,
    build_s_cold: buildCold,
    load_s_warm: loadWarm,
    fp32: {
      clips_per_s: main.fp32_clips_per_s,
      gflops,
      fraction_of_peak: Object.fromEntries(Object.entries(gflops).map(([k, v]) => [k, v / peak.peak_gflops])),
    },
    int8: {
      clips_per_s: main.int8_clips_per_s,
      speedup: Object.fromEntries(
        Object.entries(main.int8_clips_per_s).map(([k, v]) => [k, v / main.fp32_clips_per_s[k]]),
      ),
      min_cosine: fixture.min_cosine,
      top1_agreement: fixture.top1_agreement,
      vitb_min_cosine: vitb.min,
      vitb_top1_agreement: vitb.rows ? vitb.agree / vitb.rows : 0,
    },
    by_threads: byThreads,
    reference: {
      torch_clips_per_s: torchClips,
      impl: reference?.impl ?? null,
      torch: reference?.torch ?? null,
    },
    ratio_vs_torch: torchClips
      ? {
          batch1: main.fp32_clips_per_s.batch1 / torchClips.batch1,
          batch4: main.fp32_clips_per_s.batch4 / torchClips.batch4,
        }
      : null,
    peak_rss_mb_batch1_fp32: await peakRssBatch1(dir, graphCache, opts.threads),
  };
}
