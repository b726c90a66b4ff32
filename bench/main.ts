/**
 * `npm run bench`: prints a table for people and, with `--json`, one JSON object on the last line of stdout.
 * `--only=model,embed,decode,preprocess,store,classify,search` runs a subset (search is heavy: 100k and 1M vectors).
 */
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { benchClassify } from "./classify.js";
import { benchDecode } from "./decode.js";
import { benchDistributed } from "./distributed.js";
import { benchEmbed } from "./embed.js";
import { benchModel } from "./model.js";
import { benchPreprocess } from "./preprocess.js";
import { benchServer } from "./server.js";
import { benchStore } from "./store.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyArg = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const only = new Set(
  (onlyArg ?? "model,embed,decode,preprocess,store,classify,server,distributed").split(","),
);
const cacheDir = fileURLToPath(new URL("./.cache/", import.meta.url));
await mkdir(cacheDir, { recursive: true });
const threads = availableParallelism();

const results: Record<string, unknown> = { cores: threads, node: process.version };
const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const table = (title: string, figures: Record<string, unknown>) => {
  log(`# ${title}`);
  for (const [k, v] of Object.entries(figures))
    log(`${k.padEnd(40)} ${typeof v === "number" ? fmt(v, 3) : JSON.stringify(v)}`);
};

if (only.has("model")) {
  log(`# VideoMAE ViT-B (random weights, 16x224x224), ${threads} threads`);
  const m = await benchModel({ threads, cacheDir });
  log(`plain MatMul peak                        ${fmt(m.matmul_gflops, 1)} GFLOP/s`);
  log(
    `graph build + session                    ${fmt(m.build_s_cold)} s cold, ${fmt(m.load_s_warm)} s warm (cached graph)`,
  );
  for (const [batch, cps] of Object.entries(m.fp32.clips_per_s))
    log(
      `fp32 ${batch.padEnd(36)}${fmt(cps, 3)} clips/s  ${fmt(m.fp32.gflops[batch], 1)} GFLOP/s  ${fmt(100 * m.fp32.fraction_of_peak[batch], 1)}% of MatMul peak`,
    );
  for (const [batch, cps] of Object.entries(m.int8.clips_per_s))
    log(`int8 ${batch.padEnd(36)}${fmt(cps, 3)} clips/s`);
  log(`int8 speed-up (batch 1)                  ${fmt(m.int8.speedup)}x`);
  log(
    `int8 vs fp32, fixture                    min cosine ${fmt(m.int8.min_cosine, 5)}, top-1 agreement ${fmt(100 * m.int8.top1_agreement, 1)}%`,
  );
  log(
    `int8 vs fp32, ViT-B random               min cosine ${fmt(m.int8.vitb_min_cosine, 5)}, top-1 agreement ${fmt(100 * m.int8.vitb_top1_agreement, 1)}%`,
  );
  for (const [t, e] of Object.entries(m.by_threads))
    log(
      `${t.padEnd(41)}MatMul ${fmt(e.matmul_gflops, 1)} GFLOP/s; fp32 ${Object.entries(e.fp32_clips_per_s)
        .map(([b, v]) => `${b} ${fmt(v, 3)}`)
        .join(", ")}; int8 ${Object.entries(e.int8_clips_per_s)
        .map(([b, v]) => `${b} ${fmt(v, 3)}`)
        .join(", ")} clips/s`,
    );
  if (m.reference.torch_clips_per_s)
    log(
      `PyTorch reference (${m.reference.impl}, torch ${m.reference.torch})  batch1 ${fmt(m.reference.torch_clips_per_s.batch1, 3)}, batch4 ${fmt(m.reference.torch_clips_per_s.batch4, 3)} clips/s; ours/theirs ${fmt(m.ratio_vs_torch!.batch1)}x, ${fmt(m.ratio_vs_torch!.batch4)}x`,
    );
  else
    log(
      "PyTorch reference                        not measured: no python3 with torch here (Debian: apt-get install python3-torch)",
    );
  log(`peak RSS, fresh process, batch 1 fp32    ${fmt(m.peak_rss_mb_batch1_fp32, 0)} MB`);
  results.matmul_gflops = m.matmul_gflops;
  results.fp32 = { clips_per_s: m.fp32.clips_per_s, fraction_of_peak: m.fp32.fraction_of_peak };
  results.int8 = m.int8;
  results.reference = m.reference;
  results.ratio_vs_torch = m.ratio_vs_torch;
  results.model = m;
}
const sections: [string, string, () => Promise<Record<string, unknown>>][] = [
  [
    "embed",
    "embed end to end (ViT-B, 720p synthetic videos, uniform 16 frames)",
    () => benchEmbed({ threads, cacheDir }),
  ],
  ["decode", "decode (FFmpeg, RGB24)", benchDecode],
  ["preprocess", "preprocess (VideoMAEImageProcessor, 1280x720 -> 224)", benchPreprocess],
  ["store", "store (SQLite, 100k x 768 vectors)", benchStore],
  ["classify", "estimators (10k x 768, 10 classes; seconds)", benchClassify],
  ["server", "HTTP POST /v1/classify (small model, 2 s 320x240 uploads, loopback)", benchServer],
  [
    "distributed",
    "distributed (1, 2, 4 worker processes, small model; needs VIDMAE_TEST_REDIS/POSTGRES)",
    () => benchDistributed({ cacheDir }),
  ],
];
for (const [name, title, run] of sections) {
  if (!only.has(name)) continue;
  const figures = await run();
  table(title, figures);
  results[name] = figures;
}
if (results.embed)
  results["embed.end_to_end_over_inference"] = (
    results.embed as Record<string, number>
  ).end_to_end_over_inference;
if (only.has("search")) {
  const { benchSearch } = await import("./search.js");
  const figures = await benchSearch();
  table("similarity search (exact vs approximate)", figures);
  results.search = figures;
}

const rss = process.resourceUsage().maxRSS / 1024;
// The issue's peak_rss_mb is the inference process's (batch 1 fp32, measured in a fresh process); the bench's own
// RSS also counts building random checkpoints and graphs.
results.peak_rss_mb =
  (results.model as { peak_rss_mb_batch1_fp32?: number } | undefined)?.peak_rss_mb_batch1_fp32 ?? null;
results.bench_process_peak_rss_mb = rss;
log(`peak RSS                                 ${fmt(rss, 0)} MB`);
if (json) log(JSON.stringify(results));
