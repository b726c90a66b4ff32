import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { prepareVideo } from "../../src/embed/clips.js";
import { VideoMAE } from "../../src/model/videomae/model.js";
import { processorForModel } from "../../src/preprocess/for-model.js";
import type { SamplingOptions } from "../../src/video/sampling.js";
import { fixture } from "../helpers/fixtures.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { type StaticServer, startStaticServer } from "./static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const MODEL = "videomae/tiny-model";

interface BrowserEmbedding {
  vector: number[];
  tooShort: boolean;
  clips: { start: number; end: number; frameIndices: number[]; vector: number[] }[];
}
type Outcome = BrowserEmbedding | { code: string; message: string };

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** What the Node pipeline (FFmpeg decode, the same processor and graph) makes of the file. */
async function nodeEmbedding(path: string, sampling: Required<SamplingOptions>) {
  const dir = fixture(MODEL);
  const model = await VideoMAE.fromDirectory(dir, { cache: false });
  try {
    const prepared = await prepareVideo(path, await processorForModel(dir), {
      numFrames: model.config.num_frames,
      sampling,
      crops: 1,
    });
    const out = await model.forward({
      data: prepared.pixels,
      dims: [prepared.clips.length, ...prepared.rowDims],
    });
    const D = out.meanPooled.dims[1];
    return prepared.clips.map((c, i) => ({ ...c, vector: out.meanPooled.data.slice(i * D, (i + 1) * D) }));
  } finally {
    await model.release();
  }
}

let server: StaticServer;
let browser: Browser;
let page: Page;
let tmp: string;
const videos: Record<string, string> = {};

function embedInPage(name: string, options: SamplingOptions): Promise<Outcome> {
  return page.evaluate(
    (a) =>
      (
        globalThis as unknown as {
          embedUrl(f: string, u: string, n: string, o: object): Promise<Outcome>;
        }
      ).embedUrl(a.folder, a.url, a.name, a.options),
    { folder: `/fixtures/${MODEL}/`, url: `/videos/${name}`, name, options },
  );
}

describe("vidmae/web embedVideo in headless Chromium", { skip }, () => {
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "vidmae-web-video-"));
    videos["h264.mp4"] = await makeVideo(tmp, { name: "h264.mp4", width: 64, height: 48, frames: 40 });
    videos["bframes.mp4"] = await makeVideo(tmp, {
      name: "bframes.mp4",
      source: "mandelbrot",
      bframes: 2,
      gop: 12,
    });
    videos["mpeg4.mp4"] = await makeVideo(tmp, { name: "mpeg4.mp4", codec: "mpeg4" });
    videos["empty.mp4"] = join(tmp, "empty.mp4");
    await writeFile(videos["empty.mp4"], new Uint8Array(0));
    execFileSync(process.execPath, [join(ROOT, "scripts", "build-web.mjs")]);
    server = await startStaticServer(
      Object.fromEntries(Object.entries(videos).map(([n, p]) => [`/videos/${n}`, p])),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => "vidmae" in globalThis, null, { timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const cases: [string, Required<SamplingOptions>][] = [
    ["h264.mp4", { strategy: "uniform", frameSampleRate: 4, clips: 1 }],
    ["h264.mp4", { strategy: "clips", frameSampleRate: 3, clips: 3 }],
    ["bframes.mp4", { strategy: "clips", frameSampleRate: 2, clips: 2 }],
  ];
  for (const [name, sampling] of cases) {
    test(`${name}, ${sampling.strategy} x${sampling.clips}: clips and times as the CLI's, cosine >= 0.99`, async (t) => {
      const web = await embedInPage(name, sampling);
      assert.ok(!("code" in web), JSON.stringify(web));
      const node = await nodeEmbedding(videos[name], sampling);
      assert.equal(web.clips.length, node.length);
      web.clips.forEach((c, i) => {
        assert.deepEqual(c.frameIndices, node[i].frameIndices);
        assert.ok(Math.abs(c.start - node[i].startSec) < 1e-9, `${c.start} vs ${node[i].startSec}`);
        assert.ok(Math.abs(c.end - node[i].endSec) < 1e-9, `${c.end} vs ${node[i].endSec}`);
        const cos = cosine(c.vector, node[i].vector);
        t.diagnostic(`clip ${i}: cosine ${cos.toFixed(6)}`);
        assert.ok(cos >= 0.99, `clip ${i}: cosine ${cos}`);
      });
    });
  }

  test("an empty file fails as in Node; a codec the browser cannot decode is named", async () => {
    assert.deepEqual(await embedInPage("empty.mp4", {}), {
      code: "E_VIDEO",
      message: "empty.mp4: empty file (0 bytes)",
    });
    const out = await embedInPage("mpeg4.mp4", {});
    assert.equal((out as { code: string }).code, "E_VIDEO");
    assert.match(
      (out as { message: string }).message,
      /^mpeg4\.mp4: unsupported codec mp4v\S* \(this browser cannot decode it\)$/,
    );
  });
});
