/**
 * `npm run bench`: prints a table for people and, with `--json`, one JSON object on the last line of stdout.
 * `--only=model,embed,decode,preprocess,store,classify,search` runs a subset (search is heavy: 100k and 1M vectors).
 */
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { benchClassify } from "./classify.js";
import { benchDecode } from "./decode.js";
import { benchEmbed } from "./embed.js";
import { benchModel } from "./model.js";
import { benchPreprocess } from "./preprocess.js";
import { benchStore } from "./store.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyArg = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const only = new Set((onlyArg ?? "model,embed,decode,preprocess,store,classify").split(","));
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
];
for (const [name, title, run] of sections) {
  if (!only.has(name)) continue;
  const figures = await run();
  table(title, figures);
  results[name] = figures;
}
if (only.has("search")) {
  const { benchSearch } = await import("./search.js");
  const figures = await benchSearch();
  table("similarity search (exact vs approximate)", figures);
  results.search = figures;
}

const rss = process.resourceUsage().maxRSS / 1024;
results.peak_rss_mb = rss;
log(`peak RSS                                 ${fmt(rss, 0)} MB`);
if (json) log(JSON.stringify(results));
