/**
 * The Python references (numpy GEMM peak, scikit-learn estimators, PyTorch): find a python3 that has a module,
 * run a script under bench/reference/ with BLAS threads pinned, and read its one JSON line.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cpuDescription } from "./timing.js";

const run = promisify(execFile);

/** Debian's python3 first: its numpy and scikit-learn (1.2.1 here) link the system OpenBLAS. */
const PYTHONS = ["/usr/bin/python3", "python3"];

/**
 * The first python3 that imports all of `modules`, with the modules' versions; null when none does.
 *
 * @example
 * const py = await findPython(["numpy", "sklearn"]); // { python: "/usr/bin/python3", versions: { numpy: "1.24.2", … } }
 */
export async function findPython(
  modules: string[],
): Promise<{ python: string; versions: Record<string, string> } | null> {
  const code = `import json, ${modules.join(", ")}; print(json.dumps({${modules
    .map((m) => `"${m}": ${m}.__version__`)
    .join(", ")}}))`;
  for (const python of PYTHONS) {
    try {
      const { stdout } = await run(python, ["-c", code]);
      return { python, versions: JSON.parse(stdout.trim()) as Record<string, string> };
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * OpenBLAS settings for a fair reference: one BLAS thread per core, and its AVX-512 (SkylakeX) kernels when the
 * CPU has AVX-512 (OpenBLAS 0.3.21 does not recognise Zen 4/5 and would fall back to AVX2 kernels).
 *
 * @example
 * blasEnv(2); // { OPENBLAS_NUM_THREADS: "2", OPENBLAS_CORETYPE: "SkylakeX", … }
 */
export function blasEnv(threads: number): Record<string, string> {
  const env: Record<string, string> = {
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  if (cpuDescription().flags.includes("avx512f")) env.OPENBLAS_CORETYPE = "SkylakeX";
  return env;
}

/**
 * Runs `bench/reference/<script>` with `python` and the BLAS settings of {@link blasEnv}; the last stdout line,
 * parsed.
 *
 * @example
 * const r = await runReference("/usr/bin/python3", "sgemm_peak.py", ["--shapes", "1024x1024x1024"], 2);
 */
export async function runReference<T>(
  python: string,
  script: string,
  args: string[],
  threads: number,
): Promise<T> {
  const path = fileURLToPath(new URL(`./reference/${script}`, import.meta.url));
  const { stdout } = await run(python, [path, ...args], {
    env: { ...process.env, ...blasEnv(threads) },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
}
