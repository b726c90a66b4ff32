/**
 * Inference benchmark: a ViT-B VideoMAE with random weights (built here) against the plain-MatMul GFLOP/s of the
 * same runtime and thread count.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { ELEM, GraphBuilder } from "../src/model/onnx/graph.js";
import type { VideoMAEConfig } from "../src/model/videomae/config.js";
import { VideoMAE } from "../src/model/videomae/model.js";
import { writeRandomCheckpoint } from "../src/model/videomae/random.js";

/** Multiply-adds of one clip through the encoder (patch embedding, attention, MLP). */
export function clipMacs(c: VideoMAEConfig, frames = c.num_frames): number {
  const N = (frames / c.tubelet_size) * (c.image_size / c.patch_size) ** 2;
  const D = c.hidden_size;
  const patch = N * c.num_channels * c.tubelet_size * c.patch_size ** 2 * D;
  const perLayer = 4 * N * D * D + 2 * N * N * D + 2 * N * D * c.intermediate_size;
  return patch + c.num_hidden_layers * perLayer;
}

async function time(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  await fn(); // warm-up: first run allocates and pre-packs
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) await fn();
  return (performance.now() - t0) / 1000 / repeats;
}

/** GFLOP/s of one large fp32 MatMul ([1568, 768] × [768, 3072], a ViT-B MLP shape) on onnxruntime. */
export async function matmulGflops(threads: number): Promise<number> {
  const [m, k, n] = [1568, 768, 3072];
  const g = new GraphBuilder();
  const a = g.input("a", ELEM.float, [m, k]);
  const w = g.initializer(
    "w",
    [k, n],
    Float32Array.from({ length: k * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5),
  );
  g.output(g.node("MatMul", [a, w], "y"), ELEM.float, [m, n]);
  const session = await ort.InferenceSession.create(g.toModel({ producer: "vidmae-bench" }), {
    intraOpNumThreads: threads,
    graphOptimizationLevel: "all",
  });
  const input = new ort.Tensor("float32", new Float32Array(m * k).fill(0.5), [m, k]);
  const seconds = await time(() => session.run({ a: input }), 10);
  await session.release();
  return (2 * m * k * n) / seconds / 1e9;
}

/** ViT-B as VideoMAE-base ships it (VideoMAEConfig defaults). */
export async function vitBase(cacheDir: string): Promise<string> {
  const dir = join(cacheDir, "videomae-vitb-random");
  if (!existsSync(join(dir, "model.safetensors")))
    await writeRandomCheckpoint(dir, {
      kind: "classification",
      labels: Array.from({ length: 400 }, (_, i) => `class_${i}`),
    });
  return dir;
}

/** Figures of {@link benchModel}. */
export interface ModelBench {
  threads: number;
  matmul_gflops: number;
  build_s_cold: number;
  load_s_warm: number;
  fp32: Record<string, { clips_per_s: number; gflops: number; fraction_of_peak: number }>;
}

/**
 * Measures ViT-B clips/s at batch 1 and 4 and the matmul peak with the same thread count.
 *
 * @example
 * const figures = await benchModel({ threads: 2, cacheDir: "bench/.cache" });
 */
export async function benchModel(opts: {
  threads: number;
  cacheDir: string;
  batches?: number[];
}): Promise<ModelBench> {
  const dir = await vitBase(opts.cacheDir);
  const graphCache = join(opts.cacheDir, "graphs-bench");
  await rm(graphCache, { recursive: true, force: true });
  let t0 = performance.now();
  const cold = await VideoMAE.fromDirectory(dir, { threads: opts.threads, cacheDir: graphCache });
  const buildCold = (performance.now() - t0) / 1000;
  await cold.release();
  t0 = performance.now();
  const model = await VideoMAE.fromDirectory(dir, { threads: opts.threads, cacheDir: graphCache });
  const loadWarm = (performance.now() - t0) / 1000;

  const peak = await matmulGflops(opts.threads);
  const c = model.config;
  const flopsPerClip = 2 * clipMacs(c);
  const fp32: ModelBench["fp32"] = {};
  for (const batch of opts.batches ?? [1, 4]) {
    const dims = [batch, c.num_frames, c.num_channels, c.image_size, c.image_size];
    const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
    const seconds = await time(() => model.forward({ data, dims }), batch === 1 ? 3 : 1);
    const clipsPerS = batch / seconds;
    const gflops = (clipsPerS * flopsPerClip) / 1e9;
    fp32[`batch${batch}`] = { clips_per_s: clipsPerS, gflops, fraction_of_peak: gflops / peak };
  }
  await model.release();
  return { threads: opts.threads, matmul_gflops: peak, build_s_cold: buildCold, load_s_warm: loadWarm, fp32 };
}
