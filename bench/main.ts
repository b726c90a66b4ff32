/**
 * `npm run bench`: prints a table for people and, with `--json`, one JSON object on the last line of stdout.
 * Sections: `--only model,decode,...` runs a subset.
 */
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { benchModel } from "./model.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyArg = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const only = onlyArg ? new Set(onlyArg.split(",")) : null;
const cacheDir = fileURLToPath(new URL("./.cache/", import.meta.url));
await mkdir(cacheDir, { recursive: true });

const results: Record<string, unknown> = { cores: availableParallelism(), node: process.version };
const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 2) => n.toFixed(digits);

if (!only || only.has("model")) {
  const threads = availableParallelism();
  log(`# VideoMAE ViT-B (random weights, 16x224x224, fp32), ${threads} threads`);
  const m = await benchModel({ threads, cacheDir });
  log(`plain MatMul peak          ${fmt(m.matmul_gflops, 1)} GFLOP/s`);
  log(
    `graph build + session      ${fmt(m.build_s_cold)} s cold, ${fmt(m.load_s_warm)} s warm (cached graph)`,
  );
  for (const [batch, r] of Object.entries(m.fp32))
    log(
      `${batch.padEnd(26)} ${fmt(r.clips_per_s, 3)} clips/s  ${fmt(r.gflops, 1)} GFLOP/s  ${fmt(100 * r.fraction_of_peak, 1)}% of MatMul peak`,
    );
  results.model = m;
}

const rss = process.resourceUsage().maxRSS / 1024;
results.peak_rss_mb = rss;
log(`peak RSS                   ${fmt(rss, 0)} MB`);
if (json) log(JSON.stringify(results));
