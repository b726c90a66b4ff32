/**
 * Which VideoMAE the demo embeds with: the one asked for; else the pretrained hub model when it is cached or
 * the hub answers quickly; else a small seeded random-weight model that vidmae writes itself, so the demo runs
 * on a machine with no network.
 */
import { join } from "node:path";
import { pullModel, type PullOptions } from "../model/hub/pull.js";
import { resolveModelDir } from "../model/hub/resolve.js";
import { writeRandomCheckpoint } from "../model/videomae/random.js";

/** The pretrained checkpoint the demo prefers and recommends. */
export const DEMO_PRETRAINED_MODEL = "MCG-NJU/videomae-base-finetuned-kinetics";

/**
 * The fallback: a small ViT (128 wide, 2 layers, 8 frames of 64²) with seeded random weights.
 *
 * @example
 * await writeRandomCheckpoint(dir, { config: DEMO_RANDOM_CONFIG, seed: 0 });
 */
export const DEMO_RANDOM_CONFIG = {
  hidden_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 256,
  image_size: 64,
  patch_size: 16,
  num_frames: 8,
} as const;

/**
 * The model the demo uses: its folder, the name recorded in the embedding space, and whether its weights are
 * random (then the embedding rows of the table say nothing about VideoMAE).
 *
 * @example
 * const { dir, name, random } = await chooseDemoModel({ workDir: "demo" });
 */
export interface DemoModelChoice {
  dir: string;
  name: string;
  random: boolean;
  /** Why this model: one sentence for the demo's output. */
  reason: string;
}

/** Options of {@link chooseDemoModel}. */
export interface DemoModelOptions {
  /** A model directory or hub repo id to use as is (downloaded if needed). */
  model?: string;
  /** The hub model tried when `model` is not given. @defaultValue {@link DEMO_PRETRAINED_MODEL} */
  hubModel?: string;
  /** Where the random fallback checkpoint is written (`<workDir>/random-videomae`). */
  workDir: string;
  /** Seed of the fallback's weights. @defaultValue 0 */
  seed?: number;
  /** How long the hub may stay silent before the fallback is taken. @defaultValue 3000 */
  hubTimeoutMs?: number;
  /** Environment for the hub settings (HF_HUB_CACHE, HF_ENDPOINT, HF_HUB_OFFLINE…). @defaultValue process.env */
  env?: Record<string, string | undefined>;
  /** Download progress, when the hub model is downloaded. */
  onProgress?: PullOptions["onProgress"];
}

/**
 * Picks the demo's model. With `model`, resolves it (errors propagate: the user asked for it). Otherwise tries
 * `hubModel` from the cache, then from the hub with a short timeout, and on any failure writes the random
 * fallback.
 *
 * @example
 * const choice = await chooseDemoModel({ workDir: "vidmae-demo", env: { HF_HUB_OFFLINE: "1" } });
 * choice.random; // true unless the pretrained model is cached
 */
export async function chooseDemoModel(options: DemoModelOptions): Promise<DemoModelChoice> {
  const { model, hubModel = DEMO_PRETRAINED_MODEL, seed = 0, hubTimeoutMs = 3000, env, onProgress } = options;
  if (model !== undefined) {
    const dir = await resolveModelDir(model, { env, onProgress });
    return { dir, name: model, random: false, reason: "as asked" };
  }
  try {
    const cached = await pullModel(hubModel, { offline: true, env });
    return { dir: cached.dir, name: hubModel, random: false, reason: "found in the Hugging Face cache" };
  } catch {
    // Not cached: ask the hub below.
  }
  try {
    const pulled = await pullModel(hubModel, { timeoutMs: hubTimeoutMs, env, onProgress });
    return { dir: pulled.dir, name: hubModel, random: false, reason: "downloaded from the hub" };
  } catch (error) {
    const dir = join(options.workDir, "random-videomae");
    await writeRandomCheckpoint(dir, { config: DEMO_RANDOM_CONFIG, seed });
    const why = error instanceof Error ? error.message : String(error);
    return {
      dir,
      name: dir,
      random: true,
      reason: `${hubModel} is neither cached nor reachable (${why}); using a seeded random-weight VideoMAE`,
    };
  }
}
