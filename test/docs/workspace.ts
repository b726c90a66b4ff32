/**
 * The folder the documented commands and examples run in: the names the docs use (videos/<label>/*.mp4, clip.mp4,
 * vidmae.db, model.json, ...) made small, and the hub ids they name served by a fake hub holding the tiny model.
 */
import { copyFile, cp, mkdir, readdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { type FakeHub, type FakeRepo, fakeCommit, startFakeHub } from "../helpers/fake-hub.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";

/** The tiny fine-tuned model's labels (Kinetics names, so the examples read as they would with the real model). */
export const TINY_KINETICS_LABELS = ["petting cat", "playing guitar", "walking the dog"];

/** Hub ids the docs name → the tiny checkpoint kind the fake hub serves under that id. */
const HUB_MODELS = {
  "MCG-NJU/videomae-base": { kind: "base" },
  "MCG-NJU/videomae-base-finetuned-kinetics": { kind: "classification", labels: TINY_KINETICS_LABELS },
} as const;

/** Distinct small videos per label (distinct bytes: the same bytes at two paths are one video). */
const SOURCES: Record<string, string[]> = {
  cat: ["testsrc2", "mandelbrot", "smptebars", "color=c=orange", "rgbtestsrc"],
  dog: ["testsrc", "color=c=blue", "color=c=green", "cellauto", "life"],
};

/** A prepared folder and the environment a run in it needs (hub at the fake one, caches inside the folder). */
export interface DocWorkspace {
  dir: string;
  env: Record<string, string | undefined>;
  hub: FakeHub;
}

async function hubRepo(dir: string, seed: string): Promise<FakeRepo> {
  const commit = fakeCommit(seed);
  const files: Record<string, Uint8Array> = {};
  for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name));
  return { refs: { main: commit }, commits: { [commit]: files } };
}

/**
 * Makes the workspace in `dir` (a {@link tempDir} made at the top of the test file, so it outlives the hooks):
 * `videos/cat/01..05.mp4` and
 * `videos/dog/01..05.mp4` (32x32, 8 frames), `clip.mp4`, `a.mp4`, `b.mp4`, `video.mp4`, `query.mp4`, `cat.mp4`,
 * `new/1.mp4`, `new/2.mp4`, `broken.mp4` (truncated), the tiny model folder `videomae-base-copy`, and its `preprocessor_config.json`. Close
 * `hub` when done.
 *
 * @example
 * const ws = await makeDocWorkspace(tempDir("vidmae-docs-"));
 * await runCliInProcess(["embed", join(ws.dir, "videos"), "--db", join(ws.dir, "vidmae.db")], ws.env);
 */
export async function makeDocWorkspace(dir: string): Promise<DocWorkspace> {
  const repos: Record<string, FakeRepo> = {};
  for (const [id, spec] of Object.entries(HUB_MODELS)) {
    const modelDir = join(dir, "hub-src", id);
    await writeTinyCheckpoint(modelDir, { ...spec, labels: "labels" in spec ? [...spec.labels] : undefined });
    repos[id] = await hubRepo(modelDir, id);
  }
  await cp(join(dir, "hub-src", "MCG-NJU/videomae-base"), join(dir, "videomae-base-copy"), {
    recursive: true,
  });
  await copyFile(
    join(dir, "hub-src", "MCG-NJU/videomae-base", "preprocessor_config.json"),
    join(dir, "preprocessor_config.json"),
  );
  const made: Promise<string>[] = [];
  for (const [label, sources] of Object.entries(SOURCES)) {
    await mkdir(join(dir, "videos", label), { recursive: true });
    sources.forEach((source, i) =>
      made.push(
        makeVideo(join(dir, "videos", label), {
          name: `0${i + 1}.mp4`,
          source,
          width: 32,
          height: 32,
          frames: 8,
        }),
      ),
    );
  }
  await Promise.all(made);
  await mkdir(join(dir, "new"));
  const copies: Array<[string, string]> = [
    ["cat/01.mp4", "clip.mp4"],
    ["cat/01.mp4", "cat.mp4"],
    ["cat/02.mp4", "a.mp4"],
    ["dog/01.mp4", "b.mp4"],
    ["dog/02.mp4", "video.mp4"],
    ["cat/03.mp4", "query.mp4"],
    ["cat/04.mp4", "new/1.mp4"],
    ["dog/03.mp4", "new/2.mp4"],
  ];
  for (const [from, to] of copies) await copyFile(join(dir, "videos", from), join(dir, to));
  await rename(await makeBadInput(dir, "truncated-mp4"), join(dir, "broken.mp4"));
  const hub = await startFakeHub(repos);
  const env = {
    ...{ HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, "hf"), VIDMAE_CACHE: join(dir, "cache") },
    // No token or offline switch from the machine running the tests.
    ...{ HF_HOME: join(dir, "hf-home"), HF_HUB_OFFLINE: undefined, HF_TOKEN: undefined },
  };
  return { dir, env, hub };
}
