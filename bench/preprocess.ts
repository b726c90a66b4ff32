/**
 * Preprocessing throughput on 720p and 1080p frames (to a 224 short side, then the 224x224 center crop).
 */
import { VideoMAEImageProcessor } from "../src/preprocess/image-processor.js";

const FRAMES = 16;

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

/** The processor's frames/s on `height x width` noise frames: center crop, 3 spatial crops, resize alone. */
function benchSize(label: string, height: number, width: number): Record<string, number> {
  const processor = new VideoMAEImageProcessor();
  const frames = new Uint8Array(FRAMES * height * width * 3);
  for (let i = 0; i < frames.length; i++) frames[i] = (i * 2654435761) >>> 24;
  const { resized, crop } = processor.outputSize(height, width);
  const out = new Float32Array(3 * FRAMES * 3 * crop.height * crop.width);
  const three = processor.cropOffsets(resized.height, resized.width, 3);
  const size = `${resized.height}x${resized.width}`;
  return {
    [`preprocess ${label}->224 center crop (frames/s)`]: framesPerSecond(() =>
      processor.preprocessFrames(frames, FRAMES, height, width, out),
    ),
    [`preprocess ${label}->224 3 crops (frames/s)`]: framesPerSecond(() =>
      processor.preprocessFrames(frames, FRAMES, height, width, out, 0, three),
    ),
    [`resize ${label}->${size} (frames/s)`]: framesPerSecond(() =>
      processor.resizeFrames(frames, FRAMES, height, width),
    ),
  };
}

/**
 * Frames per second of the full processor (center crop, and VideoMAE's 3 spatial crops) and of the resize alone,
 * single-threaded, for 720p and 1080p.
 *
 * @example
 * console.table(await benchPreprocess()); // { "preprocess 720p->224 center crop (frames/s)": 900, ... }
 */
export async function benchPreprocess(): Promise<Record<string, number>> {
  return { ...benchSize("720p", 720, 1280), ...benchSize("1080p", 1080, 1920) };
}
