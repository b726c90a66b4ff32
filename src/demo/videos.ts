/**
 * The demo's labelled video set, made with FFmpeg's synthetic (lavfi) sources: classes that differ in what they
 * show and in how they move, with seeded per-video variation (sizes, offsets, speeds, colours, automaton seeds)
 * so no two videos of a class are the same.
 */
import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { RandomState } from "../numeric/random-state.js";
import { VidmaeError, invalidParameterError } from "../errors.js";
import { runTool } from "../video/run-tool.js";
import { mapConcurrent } from "./concurrency.js";

/** Frames per demo video (2 s at 16 fps). */
const FRAMES = 32;
const FPS = 16;

/** What one video is made of: a lavfi source and an optional filter chain. */
interface Recipe {
  source: string;
  filter?: string;
}

/** Draws the variation of one instance. */
type Maker = (rng: RandomState, size: string) => Recipe;

const uniform = (rng: RandomState, low: number, high: number) => low + (high - low) * rng.random();
const hex = (rng: RandomState) =>
  Math.floor(rng.random() * 0xffffff)
    .toString(16)
    .padStart(6, "0");

const CLASSES = {
  // testsrc2's moving box and running clock, drifting diagonally, at a random start time and hue.
  "test-pattern": (rng, size) => ({
    source: `testsrc2=s=${size}:r=${FPS}`,
    filter: `trim=start_frame=${Math.floor(uniform(rng, 0, 64))},setpts=PTS-STARTPTS,scroll=h=${uniform(rng, 0.005, 0.02).toFixed(4)}:v=${uniform(rng, 0.005, 0.02).toFixed(4)},hue=h=${uniform(rng, -30, 30).toFixed(0)}`,
  }),
  // A zoom into the Mandelbrot set's boundary, from a jittered point and scale.
  "mandelbrot-zoom": (rng, size) => ({
    source:
      `mandelbrot=s=${size}:r=${FPS}:maxiter=200:end_pts=${FRAMES}:start_scale=${uniform(rng, 2, 3.5).toFixed(2)}` +
      `:end_scale=${uniform(rng, 0.1, 0.4).toFixed(2)}:start_x=${(-0.7436 + uniform(rng, -0.002, 0.002)).toFixed(5)}` +
      `:start_y=${(0.1318 + uniform(rng, -0.002, 0.002)).toFixed(5)}`,
  }),
  // SMPTE bars scrolling sideways slowly: looks like bars-fast, moves differently.
  "bars-slow": (rng, size) => ({
    source: `smptebars=s=${size}:r=${FPS}`,
    filter: `scroll=h=${uniform(rng, 0.003, 0.008).toFixed(4)}:hpos=${rng.random().toFixed(3)}`,
  }),
  "bars-fast": (rng, size) => ({
    source: `smptebars=s=${size}:r=${FPS}`,
    filter: `scroll=h=${uniform(rng, 0.04, 0.08).toFixed(4)}:hpos=${rng.random().toFixed(3)}`,
  }),
  // A flat colour whose hue jumps by a third of the wheel every frame (period 3, so any frame stride sees it).
  "colour-flicker": (rng, size) => ({
    source: `color=c=0x${hex(rng)}:s=${size}:r=${FPS}`,
    filter: `hue=H=2*PI/3*mod(n\\,3):s=${uniform(rng, 0.8, 1.5).toFixed(2)}`,
  }),
  // Conway's game of life from a random soup, with random colours.
  life: (rng, size) => ({
    source:
      `life=s=${size}:r=${FPS}:seed=${Math.floor(rng.random() * 1e6)}:ratio=${uniform(rng, 0.1, 0.4).toFixed(2)}` +
      `:mold=10:life_color=#${hex(rng)}:death_color=#${hex(rng)}`,
  }),
  // An elementary cellular automaton (rule 30 or 110) scrolling up from a random row.
  cellauto: (rng, size) => ({
    source: `cellauto=s=${size}:r=${FPS}:rule=${rng.random() < 0.5 ? 30 : 110}:seed=${Math.floor(rng.random() * 1e6)}:scroll=1`,
  }),
} satisfies Record<string, Maker>;

/** A demo class name. */
export type DemoClass = keyof typeof CLASSES;

/** Every demo class, in table order. */
export const DEMO_CLASSES = Object.keys(CLASSES) as DemoClass[];

/**
 * A made video and its label.
 *
 * @example
 * const v: DemoVideo = { path: "out/videos/life/life-s0-0.mp4", label: "life" };
 */
export interface DemoVideo {
  path: string;
  label: DemoClass;
}

/** Options of {@link makeDemoVideos}. */
export interface DemoVideoOptions {
  /** @defaultValue 6 */
  videosPerClass?: number;
  /** Seed of the per-video variation. @defaultValue 0 */
  seed?: number;
  /** @defaultValue every class of {@link DEMO_CLASSES} */
  classes?: readonly DemoClass[];
  /** FFmpeg processes at once. @defaultValue 2 */
  parallel?: number;
}

/** Encodes to a temporary name first, so an interrupted run never leaves a truncated video behind. */
async function encode(recipe: Recipe, out: string): Promise<void> {
  const partial = `${out}.part.mp4`;
  const { exitCode, stderr } = await runTool("ffmpeg", [
    ...["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", recipe.source],
    ...(recipe.filter ? ["-vf", recipe.filter] : []),
    ...[
      "-frames:v",
      String(FRAMES),
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-pix_fmt",
      "yuv420p",
      partial,
    ],
  ]);
  if (exitCode !== 0)
    throw new VidmaeError("E_VIDEO", `${out}: FFmpeg could not make the demo video: ${stderr.trim()}`);
  await rename(partial, out);
}

/**
 * Makes `videosPerClass` short low-resolution videos of each class under `dir/<class>/`, named after the seed
 * and index. Files already there are kept: the same seed makes the same videos, so a rerun skips making them
 * (and the store skips embedding them again).
 *
 * @param onProgress - videos ready (made or already there) and their number, after each
 * @throws VidmaeError E_INVALID_ARGUMENT for fewer than 3 videos per class or an unknown class; E_VIDEO when
 *   FFmpeg fails
 * @example
 * const videos = await makeDemoVideos("demo/videos", { videosPerClass: 6, seed: 0 });
 * videos[0]; // { path: "demo/videos/test-pattern/test-pattern-s0-0.mp4", label: "test-pattern" }
 */
export async function makeDemoVideos(
  dir: string,
  options: DemoVideoOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<DemoVideo[]> {
  const { videosPerClass = 6, seed = 0, classes = DEMO_CLASSES, parallel = 2 } = options;
  // Three per class: a stratified split then leaves two to train on and one to test.
  if (!Number.isSafeInteger(videosPerClass) || videosPerClass < 3)
    throw invalidParameterError("videosPerClass", "integer of at least 3", videosPerClass);
  const unknown = classes.find((c) => !(c in CLASSES));
  if (unknown !== undefined)
    throw invalidParameterError("classes", `any of: ${DEMO_CLASSES.join(", ")}`, unknown);
  const rng = new RandomState(seed);
  const jobs: { video: DemoVideo; recipe: Recipe }[] = [];
  for (const label of classes) {
    await mkdir(join(dir, label), { recursive: true });
    for (let i = 0; i < videosPerClass; i++) {
      const size = `${[64, 80, 96][Math.floor(rng.random() * 3)]}x${[48, 64][Math.floor(rng.random() * 2)]}`;
      const recipe = CLASSES[label](rng, size);
      jobs.push({ video: { path: join(dir, label, `${label}-s${seed}-${i}.mp4`), label }, recipe });
    }
  }
  let ready = 0;
  return mapConcurrent(jobs, parallel, async ({ video, recipe }) => {
    const exists = await stat(video.path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) await encode(recipe, video.path);
    onProgress?.(++ready, jobs.length);
    return video;
  });
}
