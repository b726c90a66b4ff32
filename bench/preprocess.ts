/**
 * Preprocessing throughput on 720p frames (1280x720 to a 224 short side, then the 224x224 center crop).
 */
import { VideoMAEImageProcessor } from "../src/preprocess/image-processor.js";

const [HEIGHT, WIDTH, FRAMES] = [720, 1280, 16];

/** Runs `work` (which handles `FRAMES` frames) until about `ms` have passed; frames per second, to 0.1. */
function framesPerSecond(work: () => void, ms = 1500): number {
  work(); // warm-up: JIT and coefficient tables
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    work();
    runs++;
  }
  return Math.round((runs * FRAMES * 10000) / (performance.now() - start)) / 10;
}

/**
 * Frames per second of the full processor (center crop, and VideoMAE's 3 spatial crops) and of the resize alone.
 *
 * @example
 * console.table(await benchPreprocess()); // { "preprocess 720p->224 (frames/s)": 120, ... }
 */
export async function benchPreprocess(): Promise<Record<string, number>> {
  const processor = new VideoMAEImageProcessor();
  const frames = new Uint8Array(FRAMES * HEIGHT * WIDTH * 3);
  for (let i = 0; i < frames.length; i++) frames[i] = (i * 2654435761) >>> 24;
  const { resized, crop } = processor.outputSize(HEIGHT, WIDTH);
  const out = new Float32Array(3 * FRAMES * 3 * crop.height * crop.width);
  const three = processor.cropOffsets(resized.height, resized.width, 3);
  return {
    "preprocess 720p->224 center crop (frames/s)": framesPerSecond(() =>
      processor.preprocessFrames(frames, FRAMES, HEIGHT, WIDTH, out),
    ),
    "preprocess 720p->224 3 crops (frames/s)": framesPerSecond(() =>
      processor.preprocessFrames(frames, FRAMES, HEIGHT, WIDTH, out, 0, three),
    ),
    "resize 720p->224x398 (frames/s)": framesPerSecond(() =>
      processor.resizeFrames(frames, FRAMES, HEIGHT, WIDTH),
    ),
  };
}
