/** `vidmae frames`: what the model would see of a video — sampled frames and pixel_values, optionally as PNGs. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { VidmaeError, displayPath, wrapError } from "../../errors.js";
import { prepareVideo } from "../../embed/clips.js";
import { resolveModelPath } from "../../model/hub/resolve.js";
import { openModelSource } from "../../model/videomae/source.js";
import { writeSafetensors } from "../../model/weights/safetensors.js";
import { fromFloat32 } from "../../model/weights/tensor.js";
import { loadPreprocessorConfig } from "../../preprocess/config-file.js";
import { contactSheet } from "../../preprocess/contact-sheet.js";
import { processorForModel } from "../../preprocess/for-model.js";
import { VideoMAEImageProcessor } from "../../preprocess/image-processor.js";
import { DEFAULT_MODEL, parseOptions, pthOptionsSchema, samplingOptionsSchema } from "../options.js";
import { downloadBar } from "../progress.js";
import type { CliIo } from "../run.js";

const schema = samplingOptionsSchema.extend({
  model: z.string().min(1).optional(),
  revision: z.string().min(1).optional(),
  processor: z.string().min(1).optional(),
  out: z.string().min(1),
  png: z.string().min(1).optional(),
  ...pthOptionsSchema.shape,
});

/**
 * The processor and frame count from `--processor` + `--num-frames`, or from the model: a folder's two JSON files,
 * or a `.pth` (the original code's preprocessing, frames from its position table or 16).
 */
async function resolveProcessor(
  opts: z.infer<typeof schema>,
  io: CliIo,
): Promise<{ processor: VideoMAEImageProcessor; numFrames: number }> {
  if (opts.processor) {
    if (!opts.numFrames)
      throw new VidmaeError(
        "E_INVALID_ARGUMENT",
        "--num-frames is required with --processor (no model config says how many frames a clip has)",
      );
    return {
      processor: new VideoMAEImageProcessor(await loadPreprocessorConfig(opts.processor)),
      numFrames: opts.numFrames,
    };
  }
  const bar = downloadBar(io.stderr);
  const dir = await resolveModelPath(opts.model ?? (process.env.VIDMAE_MODEL || DEFAULT_MODEL), {
    revision: opts.revision,
    onProgress: bar.update,
  }).finally(bar.stop);
  // The shared resolution, so V2 hub folders and .pth files (with their heads) are read as everywhere else.
  const { config } = await openModelSource(dir, { numHeads: opts.numHeads, arch: opts.arch });
  return { processor: await processorForModel(dir), numFrames: opts.numFrames ?? config.num_frames };
}

/**
 * `vidmae frames <video>`: writes the sampled frames, their indices and pixel_values (and optional contact
 * sheets). `raw` is commander's options, checked here.
 *
 * @example
 * await frames(cliIo(), "a.mp4", { out: "frames.safetensors", png: "sheets/" });
 */
export async function frames(io: CliIo, video: string, raw: Record<string, unknown>): Promise<void> {
  const opts = parseOptions(schema, raw);
  const { processor, numFrames } = await resolveProcessor(opts, io);
  const spec = {
    numFrames,
    sampling: { strategy: opts.sampling, clips: opts.clips, frameSampleRate: opts.frameSampleRate },
    crops: opts.crops,
  };
  const v = await prepareVideo(video, processor, spec, { keepFrames: true });
  const K = v.clips.length;
  const { width, height } = v.info;
  const indices = BigInt64Array.from(v.clips.flatMap((c) => c.frameIndices.map(BigInt)));
  await writeSafetensors(opts.out, {
    frame_indices: { dtype: "I64", shape: [K, numFrames], data: new Uint8Array(indices.buffer) },
    frames: { dtype: "U8", shape: [K, numFrames, height, width, 3], data: v.frames! },
    pixel_values: fromFloat32(v.pixels, [K * v.crops, ...v.rowDims]),
  });
  if (opts.png) {
    await mkdir(opts.png, { recursive: true }).catch((e) => {
      throw wrapError(e, "E_IO", `Cannot create ${opts.png}`);
    });
    const [T, , h, w] = v.rowDims;
    const row = T * 3 * h * w;
    for (let r = 0; r < K * v.crops; r++) {
      const name = v.crops === 1 ? `clip${r}.png` : `clip${Math.floor(r / v.crops)}_crop${r % v.crops}.png`;
      await writeFile(
        join(opts.png, name),
        contactSheet(v.pixels.subarray(r * row, (r + 1) * row), T, h, w, processor.config),
      );
    }
  }
  const note = v.tooShort ? " (shorter than one clip window: sampled uniformly)" : "";
  io.stdout.write(
    `${displayPath(opts.out)}: ${K} clip(s) x ${numFrames} frames of ${width}x${height}, pixel_values [${[K * v.crops, ...v.rowDims].join(", ")}]${note}\n`,
  );
}
