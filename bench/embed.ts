/**
 * End to end: synthetic 720p videos → ViT-B embeddings (random weights), against inference alone on the same
 * number of clips. The ratio says how much decoding and preprocessing cost once they overlap inference.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Embedder } from "../src/embed/embedder.js";
import { VideoMAE } from "../src/model/videomae/model.js";
import { makeVideo } from "../test/helpers/synthetic-videos.js";
import { vitBase } from "./model.js";

/**
 * Videos/s and clips/s of `Embedder.embedVideos` and their ratio to `forward` alone.
 *
 * @example
 * const r = await benchEmbed({ threads: 2, cacheDir: "bench/.cache" }); // { end_to_end_over_inference: 0.95, … }
 */
export async function benchEmbed(opts: {
  threads: number;
  cacheDir: string;
  videos?: number;
}): Promise<Record<string, number>> {
  const dir = join(opts.cacheDir, "embed-videos");
  await mkdir(dir, { recursive: true });
  const count = opts.videos ?? 8;
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `v${i}-720p.mp4`;
    paths.push(
      existsSync(join(dir, name))
        ? join(dir, name)
        : await makeVideo(dir, {
            name,
            width: 1280,
            height: 720,
            frames: 96,
            source: i % 2 ? "mandelbrot" : "testsrc2",
          }),
    );
  }
  const model = await VideoMAE.fromDirectory(await vitBase(opts.cacheDir), {
    threads: opts.threads,
    cacheDir: join(opts.cacheDir, "graphs-bench"),
  });
  const embedder = await Embedder.create(model, { batch: 1 });
  // Warm-up: the first run pre-packs weights.
  await embedder.embedVideo(paths[0]);
  let t0 = performance.now();
  let clips = 0;
  for await (const o of embedder.embedVideos(paths)) if ("embedding" in o) clips += o.embedding.clips.length;
  const endToEnd = (performance.now() - t0) / 1000;
  const c = model.config;
  const dims = [1, c.num_frames, 3, c.image_size, c.image_size];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1);
  t0 = performance.now();
  for (let i = 0; i < clips; i++) await model.forward({ data, dims });
  const inference = (performance.now() - t0) / 1000;
  await model.release();
  return {
    videos: count,
    clips,
    videos_per_s: count / endToEnd,
    clips_per_s: clips / endToEnd,
    inference_clips_per_s: clips / inference,
    end_to_end_over_inference: inference / endToEnd,
  };
}
