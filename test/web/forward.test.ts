import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { loadCheckpoint } from "../../src/model/videomae/checkpoint.js";
import { readSafetensors } from "../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../src/model/weights/tensor.js";
import { fixture } from "../helpers/fixtures.js";
import { type StaticServer, startStaticServer } from "./static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const FIXTURES = ["tiny-model", "tiny-classifier", "tiny-pretrain"];
/** The fixtures README's fp32 tolerance is 1e-5; the browser must stay within the 1e-4. */
const TOLERANCE = 1e-4;

/** What the tests call inside the page (the bundle as `window.vidmae`; the tests compile without DOM types). */
interface WebResult {
  lastHiddenState: number[];
  meanPooled: number[];
  pooled: number[];
  logits?: number[];
  kind: string;
  labels: string[] | null;
  cachedWeights: boolean;
}

/** Loads `folder` in the page and runs forward on `pixels` (see the test page's `runModel`). */
function runInPage(
  page: Page,
  folder: string,
  pixels: number[] | null,
  dims: number[],
): Promise<WebResult | { code: string; message: string }> {
  return page.evaluate(
    (args) =>
      (
        globalThis as unknown as {
          runModel(
            f: string,
            p: number[] | null,
            d: number[],
          ): Promise<WebResult | { code: string; message: string }>;
        }
      ).runModel(args.folder, args.pixels, args.dims),
    { folder, pixels, dims },
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let server: StaticServer;
let browser: Browser;
let page: Page;
let tmp: string;

describe("vidmae/web in headless Chromium", { skip }, () => {
  before(async () => {
    // The bundle under test is the one `npm run build` makes; rebuilt here so a lone run tests the current source.
    execFileSync(process.execPath, [join(ROOT, "scripts", "build-web.mjs")]);
    server = await startStaticServer({
      "/mixed/config.json": "test/fixtures/videomae/tiny-model/config.json",
      "/mixed/model.safetensors": "test/fixtures/videomae/tiny-pretrain/model.safetensors",
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => "vidmae" in globalThis, null, { timeout: 30_000 });
    assert.deepEqual(problems, []);
    tmp = await mkdtemp(join(tmpdir(), "vidmae-web-"));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test("the page is cross-origin isolated and onnxruntime-web runs threaded", async () => {
    const { isolated, threads, cores } = await page.evaluate(() => {
      const g = globalThis as unknown as {
        crossOriginIsolated: boolean;
        navigator: { hardwareConcurrency: number };
        vidmae: { wasmThreads(): number };
      };
      return {
        isolated: g.crossOriginIsolated,
        threads: g.vidmae.wasmThreads(),
        cores: g.navigator.hardwareConcurrency,
      };
    });
    assert.equal(isolated, true);
    assert.equal(threads, Math.min(4, cores));
  });

  for (const name of FIXTURES) {
    test(`forward matches the Hugging Face reference within ${TOLERANCE}: ${name}`, async (t) => {
      const ref = await readSafetensors(fixture(`videomae/${name}/reference.safetensors`));
      const get = (key: string) => toFloat32(ref.get(key)!, key, "reference.safetensors");
      const pixels = ref.get("pixel_values")!;
      const out = await runInPage(
        page,
        `/fixtures/videomae/${name}/`,
        Array.from(get("pixel_values")),
        pixels.shape,
      );
      assert.ok(!("code" in out), JSON.stringify(out));
      const r = out as WebResult;
      const ckpt = await loadCheckpoint(fixture(`videomae/${name}`));
      assert.equal(r.kind, ckpt.kind);
      assert.deepEqual(r.labels, ckpt.labels);
      const gap = maxAbsDiff(r.lastHiddenState, get("last_hidden_state"));
      t.diagnostic(`last_hidden_state max abs gap ${gap.toExponential(2)}`);
      assert.ok(gap <= TOLERANCE);
      assert.ok(maxAbsDiff(r.meanPooled, get("mean_pooled")) <= TOLERANCE);
      // `pooled` is what a clip's vector is: fc_norm(mean) with a head, else the mean.
      assert.ok(maxAbsDiff(r.pooled, get(ref.has("pooled") ? "pooled" : "mean_pooled")) <= TOLERANCE);
      if (ref.has("logits")) assert.ok(maxAbsDiff(r.logits!, get("logits")) <= TOLERANCE);
      else assert.equal(r.logits, undefined);
    });
  }

  test(`a VideoMAE V2 hub folder matches OpenGVLab's reference within ${TOLERANCE}`, async (t) => {
    const ref = await readSafetensors(fixture("videomae-v2/v2-hub/reference.safetensors"));
    const get = (key: string) => toFloat32(ref.get(key)!, key, "reference.safetensors");
    const out = await runInPage(
      page,
      "/fixtures/videomae-v2/v2-hub/",
      Array.from(get("pixel_values")),
      ref.get("pixel_values")!.shape,
    );
    assert.ok(!("code" in out), JSON.stringify(out));
    const r = out as WebResult;
    assert.equal(r.kind, "base");
    assert.equal(r.labels, null);
    const gap = maxAbsDiff(r.lastHiddenState, get("last_hidden_state"));
    t.diagnostic(`last_hidden_state max abs gap ${gap.toExponential(2)}`);
    assert.ok(gap <= TOLERANCE);
    assert.ok(maxAbsDiff(r.meanPooled, get("mean_pooled")) <= TOLERANCE);
    assert.ok(maxAbsDiff(r.pooled, get("pooled")) <= TOLERANCE);
  });

  test("a second load reads the weights from the browser cache", async () => {
    const folder = "/fixtures/videomae/tiny-classifier/";
    const first = (await runInPage(page, folder, null, [])) as WebResult;
    assert.ok(!("code" in first), JSON.stringify(first));
    const before = server.requests.filter((p) => p.endsWith("tiny-classifier/model.safetensors")).length;
    const second = (await runInPage(page, folder, null, [])) as WebResult;
    assert.equal(second.cachedWeights, true);
    const afterCount = server.requests.filter((p) => p.endsWith("tiny-classifier/model.safetensors")).length;
    assert.equal(afterCount, before);
  });

  test("a folder without config.json fails with the Node loader's error", async () => {
    const node = await loadCheckpoint(tmp).then(
      () => assert.fail("expected an error"),
      (e: { code: string; message: string }) => e,
    );
    const out = await runInPage(page, "/fixtures/videomae/nothing-here/", null, []);
    assert.deepEqual(out, {
      code: node.code,
      message: node.message.replace(
        join(tmp, "config.json"),
        `${server.url}/fixtures/videomae/nothing-here/config.json`,
      ),
    });
  });

  test("weights that do not match the config fail with the Node loader's error", async () => {
    const dir = join(tmp, "mixed");
    await rm(dir, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(dir));
    await symlink(fixture("videomae/tiny-model/config.json"), join(dir, "config.json"));
    await symlink(fixture("videomae/tiny-pretrain/model.safetensors"), join(dir, "model.safetensors"));
    const node = await loadCheckpoint(dir).then(
      () => assert.fail("expected an error"),
      (e: { code: string; message: string }) => e,
    );
    assert.equal(node.code, "E_CHECKPOINT");
    const out = await runInPage(page, "/mixed/", null, []);
    assert.deepEqual(out, {
      code: node.code,
      message: node.message.replaceAll(`${dir}/`, `${server.url}/mixed/`),
    });
  });

  test("webgpu is refused with a clear message instead of returning unchecked numbers", async () => {
    const out = await page.evaluate(async () => {
      const g = globalThis as unknown as { vidmae: { loadModel(u: string, o: object): Promise<unknown> } };
      return g.vidmae.loadModel("/fixtures/videomae/tiny-model/", { backend: "webgpu" }).then(
        () => null,
        (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
      );
    });
    assert.equal(out?.code, "E_INFERENCE");
    assert.match(out!.message, /^backend webgpu: .*; use backend wasm$/);
  });
});
