/**
 * `npm run bench`: prints a table for people and, with `--json`, one JSON object on the last line of stdout. The
 * header and the JSON name the CPU (`cpu`) and the date (`date`); the run ends with issue 12's targets
 * (`targets`: value, goal, pass/fail per target, see bench/targets.ts). Issue 12's figures: `peak_gflops` and
 * `peak_source` (best fp32 GEMM of the run, bench/peak.ts), `fp32.fraction_of_peak`, `int8.speedup` (per batch),
 * `embed.stages` / `embed.stage_wall_s` (per clip), `embed.ceiling`, `embed.end_to_end` (per size), and the
 * `ours/sklearn …` ratios under `classify`.
 * `--only=model,embed,decode,preprocess,store,classify,server,distributed,search` runs a subset (search is not in
 * the default set: it is heavy, 100k and 1M vectors).
 */
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { benchClassify } from "./classify.js";
import { benchDecode } from "./decode.js";
import { benchDistributed } from "./distributed.js";
import { type EmbedBench, benchEmbed } from "./embed.js";
import { type ModelBench, benchModel } from "./model.js";
import { benchPreprocess } from "./preprocess.js";
import { benchServer } from "./server.js";
import { benchStore } from "./store.js";
import { evaluateTargets } from "./targets.js";
import { cpuDescription } from "./timing.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const onlyArg = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const only = new Set(
  (onlyArg ?? "model,embed,decode,preprocess,store,classify,server,distributed").split(","),
);
const cacheDir = fileURLToPath(new URL("./.cache/", import.meta.url));
await mkdir(cacheDir, { recursive: true });
const threads = availableParallelism();

const cpu = cpuDescription();
const date = new Date().toISOString();
const results: Record<string, unknown> = {
  cpu: cpu.model,
  cpu_family: cpu.family,
  cpu_model_number: cpu.modelNumber,
  cpu_flags: cpu.flags,
  cores: threads,
  date,
  node: process.version,
};
const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 2) => n.toFixed(digits);
const table = (title: string, figures: Record<string, unknown>) => {
  log(`# ${title}`);
  for (const [k, v] of Object.entries(figures))
    log(`${k.padEnd(40)} ${typeof v === "number" ? fmt(v, 3) : JSON.stringify(v)}`);
};
log(
  `# vidmae bench: ${cpu.model} (family ${cpu.family ?? "?"} model ${cpu.modelNumber ?? "?"}; ${cpu.flags.join(" ")}), ${threads} cores, ${date}, Node ${process.version}`,
);

if (only.has("model")) {
  log(`# VideoMAE ViT-B (random weights, 16x224x224), ${threads} threads`);
  const m = await benchModel({ threads, cacheDir });
  log(`fp32 GEMM peak (best of this run)        ${fmt(m.peak.peak_gflops, 1)} GFLOP/s: ${m.peak.source}`);
  log(
    `  onnxruntime                            ${Object.entries(m.peak.onnxruntime)
      .map(([s, v]) => `${s} ${fmt(v, 0)}`)
      .join(", ")}`,
  );
  log(
    m.peak.numpy
      ? `  numpy ${m.peak.numpy.version} (${m.peak.numpy.env})  ${Object.entries(m.peak.numpy.gflops)
          .map(([s, v]) => `${s} ${fmt(v, 0)}`)
          .join(", ")}`
      : `  numpy                                  not measured: ${m.peak.numpy_skipped}`,
  );
  log(
    `graph build + session                    ${fmt(m.build_s_cold)} s cold, ${fmt(m.load_s_warm)} s warm (cached graph)`,
  );
  for (const [batch, cps] of Object.entries(m.fp32.clips_per_s))
    log(
      `fp32 ${batch.padEnd(36)}${fmt(cps, 3)} clips/s  ${fmt(m.fp32.gflops[batch], 1)} GFLOP/s  ${fmt(m.fp32.fraction_of_peak[batch], 3)} of the GEMM peak`,
    );
  for (const [batch, cps] of Object.entries(m.int8.clips_per_s))
    log(`int8 ${batch.padEnd(36)}${fmt(cps, 3)} clips/s  ${fmt(m.int8.speedup[batch])}x fp32`);
  log(
    `int8 vs fp32, fixture                    min cosine ${fmt(m.int8.min_cosine, 5)}, top-1 agreement ${fmt(100 * m.int8.top1_agreement, 1)}%`,
  );
  log(
    `int8 vs fp32, ViT-B random               min cosine ${fmt(m.int8.vitb_min_cosine, 5)}, top-1 agreement ${fmt(100 * m.int8.vitb_top1_agreement, 1)}%`,
  );
  for (const [t, e] of Object.entries(m.by_threads))
    log(
      `${t.padEnd(41)}MLP MatMul ${fmt(e.mlp_matmul_gflops, 1)} GFLOP/s; fp32 ${Object.entries(
        e.fp32_clips_per_s,
      )
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
  results.peak_gflops = m.peak.peak_gflops;
  results.peak_source = m.peak.source;
  results.fp32 = {
    clips_per_s: m.fp32.clips_per_s,
    gflops: m.fp32.gflops,
    fraction_of_peak: m.fp32.fraction_of_peak,
  };
  results.int8 = m.int8;
  results.reference = m.reference;
  results.ratio_vs_torch = m.ratio_vs_torch;
  results.model = m;
}
if (only.has("embed")) {
  log(
    `# embed end to end (ViT-B, synthetic H.264, uniform 16 frames, batch 1, into SQLite), ${threads} cores`,
  );
  const e = await benchEmbed({ threads, cacheDir });
  for (const [size, r] of Object.entries(e.end_to_end)) {
    const c = e.ceiling[size];
    log(
      `${`${size} end to end`.padEnd(41)}${fmt(r.clips_per_s, 3)} clips/s, inference alone ${fmt(r.inference_clips_per_s, 3)}: ratio ${fmt(r.end_to_end_over_inference, 3)}`,
    );
    log(
      `${`${size} ceiling on ${threads} cores`.padEnd(41)}${fmt(c.clips_per_s, 3)} clips/s (${c.bound_by}-bound: ${fmt(c.total_core_s_per_clip, 3)} core-s/clip), ${fmt(c.over_inference, 3)} of inference; measured = ${fmt(c.measured_fraction_of_ceiling, 3)} of ceiling`,
    );
    log(
      `${`${size} core-s per clip`.padEnd(41)}${Object.entries(e.stages[size])
        .map(([s, v]) => `${s} ${fmt(v, 3)}`)
        .join(", ")}`,
    );
    log(
      `${`${size} wall s per clip`.padEnd(41)}${Object.entries(e.stage_wall_s[size])
        .map(([s, v]) => `${s} ${fmt(v ?? NaN, 3)}`)
        .join(
          ", ",
        )}; prepareVideo ${fmt(e.prepare_video[size].wall_s, 3)} s, ${fmt(e.prepare_video[size].core_s, 3)} core-s`,
    );
  }
  results.embed = e;
  results["embed.end_to_end_over_inference"] = Object.fromEntries(
    Object.entries(e.end_to_end).map(([size, r]) => [size, r.end_to_end_over_inference]),
  );
}
const sections: [string, string, () => Promise<Record<string, unknown>>][] = [
  ["decode", "decode (FFmpeg, RGB24)", benchDecode],
  ["preprocess", "preprocess (VideoMAEImageProcessor, to 224 short side)", benchPreprocess],
  ["store", "store (SQLite, 100k x 768 vectors)", benchStore],
  [
    "classify",
    "estimators (10k x 768, 10 classes; seconds), and scikit-learn on the same data",
    () => benchClassify({ threads, cacheDir }),
  ],
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

const targets = evaluateTargets({
  model: results.model as ModelBench | undefined,
  embed: results.embed as EmbedBench | undefined,
  classify: results.classify as Record<string, unknown> | undefined,
});
results.targets = targets;
log(`# targets (issue 12): ${cpu.model}, ${threads} cores, ${date}`);
for (const [name, t] of Object.entries(targets))
  log(
    `${name.padEnd(54)} ${(t.value === null ? "-" : fmt(t.value, 3)).padStart(9)}  ${t.goal.padEnd(40)} ${t.pass === null ? "not measured" : t.pass ? "pass" : "FAIL"}`,
  );
if (json) log(JSON.stringify(results));
