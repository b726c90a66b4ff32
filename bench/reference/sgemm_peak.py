"""The numpy side of the bench's fp32 GEMM peak: float32 C = A @ B for each shape, best GFLOP/s of several runs.

Run by bench/peak.ts with OPENBLAS_NUM_THREADS (and OPENBLAS_CORETYPE on AVX-512 CPUs) set.
Prints one JSON line: {"numpy": ..., "gflops": {"MxKxN": best, ...}}.
"""
import argparse
import json
import time

import numpy as np


def best_seconds(a, b, out, budget):
    np.matmul(a, b, out=out)  # warm-up: threads start, pages fault in
    best, spent, runs = float("inf"), 0.0, 0
    while runs < 3 or spent < budget:
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        t = time.perf_counter() - t0
        best, spent, runs = min(best, t), spent + t, runs + 1
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", required=True, help="MxKxN,MxKxN,...")
    ap.add_argument("--seconds", type=float, default=0.5, help="time budget per shape")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    gflops = {}
    for shape in args.shapes.split(","):
        m, k, n = (int(s) for s in shape.split("x"))
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        out = np.empty((m, n), dtype=np.float32)
        gflops[shape] = 2 * m * k * n / best_seconds(a, b, out, args.seconds) / 1e9
    print(json.dumps({"numpy": np.__version__, "gflops": gflops}))


if __name__ == "__main__":
    main()
