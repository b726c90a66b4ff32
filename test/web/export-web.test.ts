import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { runCliInProcess } from "../cli/helpers.js";
import { fixture } from "../helpers/fixtures.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { tempDir } from "../helpers/temp.js";
import { type StaticServer, startStaticServer } from "./static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let dir: string;
let server: StaticServer;
let browser: Browser;

/** Every file under `root`, as server paths under `/site/` mapped to the file. */
async function siteFiles(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return Object.fromEntries(
    entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .map((p) => [`/site/${relative(root, p)}`, p]),
  );
}

describe("vidmae export-web", { skip }, () => {
  before(async () => {
    dir = tempDir("vidmae-export-web-");
    execFileSync(process.execPath, [join(ROOT, "scripts", "build-web.mjs")]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("writes a static site that classifies a video in the browser", async () => {
    const out = join(dir, "site");
    const run = await runCliInProcess([
      "export-web",
      "--model",
      fixture("videomae/tiny-classifier"),
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const files = await siteFiles(out);
    assert.deepEqual(Object.keys(files).sort(), [
      "/site/_headers",
      "/site/index.html",
      "/site/model/config.json",
      "/site/model/model.safetensors",
      "/site/model/preprocessor_config.json",
      "/site/ort-wasm-simd-threaded.mjs",
      "/site/ort-wasm-simd-threaded.wasm",
      "/site/vidmae-web.js",
    ]);
    const video = await makeVideo(dir, { name: "clip.mp4" });
    server = await startStaticServer(files);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    const page = await browser.newPage();
    await page.goto(`${server.url}/site/index.html`);
    await page.locator("#status", { hasText: "ready" }).waitFor({ timeout: 60_000 });
    await page.setInputFiles("#file", video);
    await page.locator("#status", { hasText: "clip.mp4: done" }).waitFor({ timeout: 60_000 });
    const labels = await page.locator("#labels .label").allTextContents();
    assert.equal(labels.length, 5);
    for (const l of labels) assert.match(l, /^(archery|bowling|cooking|dancing|juggling) \(\d+\.\d%\)$/);
    assert.equal(await page.locator("#error").textContent(), "");
    // The video itself never went to the server.
    assert.ok(!server.requests.some((p) => p.includes("clip.mp4")));
  });

  test("refuses a model the browser cannot load, before writing anything", async () => {
    const out = join(dir, "nope");
    const run = await runCliInProcess([
      "export-web",
      "--model",
      fixture("videomae-v2/v1-original-pth"),
      "--out",
      out,
    ]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /E_CHECKPOINT|model\.safetensors/);
    assert.equal(existsSync(out), false);
  });
});
