/**
 * Builds the browser entry `vidmae/web` into dist/web/: one self-contained ESM file (every import bundled, no
 * bare specifier left) and onnxruntime-web's WASM runtime copied beside it, which the bundle loads relative to
 * its own URL. Run by `npm run build` after tsc (whose dist/web/*.d.ts give the entry its types).
 */
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist", "web");
/** The runtime files `ort.wasm.min.mjs` fetches from `env.wasm.wasmPaths`. */
const RUNTIME = ["ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];

await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, "src", "web", "index.ts")],
  outfile: join(out, "vidmae-web.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  // The build of onnxruntime-web that loads its .mjs/.wasm from wasmPaths instead of embedding them.
  conditions: ["onnxruntime-web-use-extern-wasm"],
  logLevel: "warning",
});
const ortDist = dirname(createRequire(import.meta.url).resolve("onnxruntime-web/wasm"));
for (const file of RUNTIME) await copyFile(join(ortDist, file), join(out, file));
