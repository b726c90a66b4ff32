/**
 * The CPU's best fp32 GEMM, measured in the same run as the model: a MatMul on onnxruntime (the runtime the model
 * runs on) and numpy's sgemm (OpenBLAS) when python3 has numpy, over square shapes and the model's own shapes;
 * the peak is the best GFLOP/s of all. `fp32.fraction_of_peak` is the model's GFLOP/s over this peak.
 */
import * as ort from "onnxruntime-node";
import { ELEM, GraphBuilder } from "../src/model/onnx/graph.js";
import { blasEnv, findPython, runReference } from "./python.js";

/** One GEMM shape: C[m, n] = A[m, k] × B[k, n]. */
export type GemmShape = [m: number, k: number, n: number];

/** Seconds spent timing each shape (after one warm-up run); at least three runs each. */
const BUDGET_S = 0.5;

const key = ([m, k, n]: GemmShape) => `${m}x${k}x${n}`;

/**
 * Best GFLOP/s of a fp32 MatMul on onnxruntime with `threads` intra-op threads. B is an initializer (as the
 * model's weights are), so the runtime pre-packs it like it does the model's.
 *
 * @example
 * await ortGemmGflops(2, [1568, 768, 3072]); // ≈ 300 on 2 Zen 5 cores
 */
export async function ortGemmGflops(threads: number, [m, k, n]: GemmShape): Promise<number> {
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
  const input = new ort.Tensor(
    "float32",
    Float32Array.from({ length: m * k }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5),
    [m, k],
  );
  await session.run({ a: input }); // warm-up: pre-packing, thread start
  let best = Infinity;
  let spent = 0;
  for (let runs = 0; runs < 3 || spent < BUDGET_S; runs++) {
    const t0 = performance.now();
    await session.run({ a: input });
    const s = (performance.now() - t0) / 1000;
    best = Math.min(best, s);
    spent += s;
  }
  await session.release();
  return (2 * m * k * n) / best / 1e9;
}

/** What {@link gemmPeak} measured. */
export interface GemmPeak {
  /** The best GFLOP/s of every shape on every backend. */
  peak_gflops: number;
  /** Which backend and shape gave it, e.g. `numpy 1.24.2 (OpenBLAS) 2048x2048x2048`. */
  source: string;
  threads: number;
  onnxruntime: Record<string, number>;
  numpy: { python: string; version: string; env: string; gflops: Record<string, number> } | null;
  /** Why numpy was not measured, when it was not. */
  numpy_skipped?: string;
}

/**
 * Square 1024² and 2048², and for each batch B the model's three big MatMuls: QKV [tokens·B, D] × [D, 3D], MLP in
 * [tokens·B, D] × [D, I] and MLP out [tokens·B, I] × [I, D].
 *
 * @example
 * gemmShapes({ tokens: 1568, hidden: 768, intermediate: 3072 }, [1]); // [[1024,1024,1024], [2048,2048,2048], [1568,768,2304], …]
 */
export function gemmShapes(
  model: { tokens: number; hidden: number; intermediate: number },
  batches: number[],
): GemmShape[] {
  const { tokens, hidden: D, intermediate: I } = model;
  return [
    [1024, 1024, 1024],
    [2048, 2048, 2048],
    ...batches.flatMap((b): GemmShape[] => [
      [tokens * b, D, 3 * D],
      [tokens * b, D, I],
      [tokens * b, I, D],
    ]),
  ];
}

/**
 * Measures every shape on onnxruntime and (when python3 has numpy) on numpy, and takes the best.
 *
 * @example
 * const p = await gemmPeak(2, gemmShapes({ tokens: 1568, hidden: 768, intermediate: 3072 }, [1, 2, 4]));
 * p.peak_gflops; // e.g. 354
 */
export async function gemmPeak(threads: number, shapes: GemmShape[]): Promise<GemmPeak> {
  const onnxruntime: Record<string, number> = {};
  for (const shape of shapes) onnxruntime[key(shape)] = await ortGemmGflops(threads, shape);
  let numpy: GemmPeak["numpy"] = null;
  let skipped: string | undefined;
  const py = await findPython(["numpy"]);
  if (!py) skipped = "no python3 with numpy (Debian: apt-get install python3-numpy)";
  else {
    try {
      const r = await runReference<{ numpy: string; gflops: Record<string, number> }>(
        py.python,
        "sgemm_peak.py",
        ["--shapes", shapes.map(key).join(","), "--seconds", String(BUDGET_S)],
        threads,
      );
      const env = Object.entries(blasEnv(threads))
        .filter(([k]) => k.startsWith("OPENBLAS"))
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      numpy = { python: py.python, version: r.numpy, env, gflops: r.gflops };
    } catch (e) {
      skipped = `numpy reference failed: ${(e as Error).message.split("\n")[0]}`;
    }
  }
  const candidates: [string, number][] = [
    ...Object.entries(onnxruntime).map(([s, v]): [string, number] => [`onnxruntime ${s}`, v]),
    ...Object.entries(numpy?.gflops ?? {}).map(([s, v]): [string, number] => [
      `numpy ${numpy!.version} ${s}`,
      v,
    ]),
  ];
  const [source, peak] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    peak_gflops: peak,
    source,
    threads,
    onnxruntime,
    numpy,
    ...(skipped ? { numpy_skipped: skipped } : {}),
  };
}

/**
 * Per shape and backend, the better of two passes, and the peak over both: the bench measures the peak before and
 * after the model so that a busy moment of a shared machine does not lower the peak the model is divided by.
 *
 * @example
 * const peak = bestOfPeaks(await gemmPeak(2, shapes), await gemmPeak(2, shapes));
 */
export function bestOfPeaks(a: GemmPeak, b: GemmPeak): GemmPeak {
  const best = (x: Record<string, number>, y: Record<string, number> | undefined) =>
    Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Math.max(v, y?.[k] ?? 0)]));
  const numpy = a.numpy && { ...a.numpy, gflops: best(a.numpy.gflops, b.numpy?.gflops) };
  const top = b.peak_gflops > a.peak_gflops ? b : a;
  return {
    ...a,
    peak_gflops: top.peak_gflops,
    source: top.source,
    onnxruntime: best(a.onnxruntime, b.onnxruntime),
    numpy: numpy ?? b.numpy,
  };
}
