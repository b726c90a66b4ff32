/**
 * `vidmae export-web`: copies the browser build (`dist/web/`), the model's files and a one-page app into a
 * folder any static host can serve. The model is checked here as the browser will check it, so a site is never
 * written around a model it cannot load.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { z } from "zod";
import { VidmaeError, displayPath } from "../../errors.js";
import { resolveModelDir } from "../../model/hub/resolve.js";
import { loadCheckpoint } from "../../model/videomae/checkpoint.js";
import { parseOptions } from "../options.js";
import type { CliIo } from "../run.js";
import { sitePage } from "./export-web-page.js";

const schema = z.object({ model: z.string(), out: z.string(), revision: z.string().optional() });

/** What `npm run build` puts in dist/web/ for the browser. */
const BUNDLE = ["vidmae-web.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];
/** The model files the browser loader reads (preprocessor_config.json when present). */
const MODEL_FILES = ["config.json", "model.safetensors", "preprocessor_config.json"];

/** dist/web/ of this package (found through its own package.json, from src/ or dist/ alike). */
function bundleDir(): string {
  const root = dirname(createRequire(import.meta.url).resolve("vidmae/package.json"));
  const dir = join(root, "dist", "web");
  if (!existsSync(join(dir, BUNDLE[0])))
    throw new VidmaeError("E_IO", `${displayPath(dir)}: the browser build is missing; run npm run build`);
  return dir;
}

/**
 * Writes the site: `index.html`, the bundle and runtime, `model/` with the model's files, and `_headers`
 * (COOP/COEP for hosts that read it, so onnxruntime-web can use threads).
 *
 * @example
 * await exportWeb(cliIo(), { model: "test/fixtures/videomae/tiny-classifier", out: "site/" });
 */
export async function exportWeb(io: CliIo, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const dir = await resolveModelDir(opts.model, { revision: opts.revision });
  if (!existsSync(join(dir, "model.safetensors")))
    throw new VidmaeError(
      "E_CHECKPOINT",
      `${displayPath(dir)}: the browser loader reads model.safetensors, which this model does not have`,
    );
  const ckpt = await loadCheckpoint(dir);
  const web = bundleDir();
  await mkdir(join(opts.out, "model"), { recursive: true });
  for (const f of BUNDLE) await copyFile(join(web, f), join(opts.out, f));
  for (const f of MODEL_FILES)
    if (existsSync(join(dir, f))) await copyFile(join(dir, f), join(opts.out, "model", f));
  await writeFile(
    join(opts.out, "index.html"),
    sitePage({ kind: ckpt.kind, labels: ckpt.labels?.length ?? 0 }),
  );
  await writeFile(
    join(opts.out, "_headers"),
    "/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n",
  );
  io.stdout.write(`${displayPath(opts.out)}\n`);
  io.say(`site for ${displayPath(dir)} (${ckpt.kind}) written; serve the folder as static files`);
}
