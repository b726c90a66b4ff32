import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { HEAD_LABELS, leftovers, serverFixture, storeCounts, type ServerFixture } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const KEY = "page-test-key";
const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));

/** What the test reads of the page's DOM inside `waitForFunction` (the tests compile without DOM types). */
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }>;
    querySelector(selector: string): { textContent: string | null } | null;
  };
}

let f: ServerFixture;
let server: RunningServer;
let browser: Browser;
let shots: string;

describe("the web page and the real server", { skip }, () => {
  before(async () => {
    f = await serverFixture();
    server = await startServer(await f.app({ apiKey: KEY }), { port: 0, host: "127.0.0.1" });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    shots = await mkdtemp(join(tmpdir(), "vidmae-page-"));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await f?.close();
    if (shots) await rm(shots, { recursive: true, force: true });
  });

  test("asks for the key, then a dropped video gets labels, neighbours and a place on the map", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      // The first requests fail with 401 until the key is given: that is the page's cue, not a problem.
      if (m.type() === "error" && !/401/.test(m.text())) problems.push(m.text());
    });
    await page.goto(`${server.url}/`);
    await page.locator("#key-dialog").waitFor({ state: "visible", timeout: 10_000 });
    await page.fill("#key-input", KEY);
    await page.click("#key-form button");
    await page.locator("#collection li").nth(7).waitFor({ timeout: 15_000 });
    await page.locator("#map circle.point").nth(7).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator("#collection li").count(), 8);

    await page.setInputFiles("#file", f.query);
    await page.locator("#labels li").first().waitFor({ timeout: 30_000 });
    await page.locator("#neighbours li").first().waitFor({ timeout: 30_000 });
    await page.locator("#map .new-point").waitFor({ timeout: 30_000 });
    const labels = await page.locator("#labels .label").allTextContents();
    assert.ok(
      labels.some((l) => HEAD_LABELS.includes(l)),
      labels.join(", "),
    );
    assert.ok(
      labels.some((l) => ["bars", "fractal", "pattern", "noise"].includes(l)),
      labels.join(", "),
    );
    assert.equal(await page.locator("#neighbours li").count(), 6);
    assert.equal(await page.locator("#status").textContent(), "query.mp4: done");
    // Every neighbour's thumbnail arrives (through fetch with the key, as a blob: URL).
    await page.waitForFunction(
      () =>
        [
          ...(globalThis as unknown as PageGlobals).document.querySelectorAll(
            "#neighbours img, #collection img",
          ),
        ].every((img) => img.complete && img.naturalWidth > 0),
      undefined,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(shots, "page.png"), fullPage: true });
    // The README's picture is refreshed on request only, so a test run never edits tracked files.
    if (process.env.VIDMAE_UPDATE_DOCS === "1") {
      await mkdir(DOCS, { recursive: true });
      await page.screenshot({ path: join(DOCS, "server-page.png"), fullPage: true });
    }
    assert.ok((await readFile(join(shots, "page.png"))).length > 10_000);

    // Clicking a stored video lists its neighbours.
    await page.locator("#collection li button").first().click();
    await page.waitForFunction(() =>
      (globalThis as unknown as PageGlobals).document
        .querySelector("#similar-title")
        ?.textContent?.startsWith("Similar to"),
    );
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("a burst of 20 concurrent requests: each answered, the server alive, the store consistent, no temp files", async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const video = new Blob([await readFile(f.query)]);
    const text = new Blob([await readFile(f.mislabelled)]);
    const upload = (url: string, blob: Blob, name: string) => {
      const form = new FormData();
      form.append("file", blob, name);
      return fetch(`${server.url}${url}`, {
        method: "POST",
        headers: auth,
        body: form,
        signal: AbortSignal.timeout(60_000),
      });
    };
    const get = (url: string) =>
      fetch(`${server.url}${url}`, { headers: auth, signal: AbortSignal.timeout(60_000) });
    const t0 = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        switch (i % 5) {
          case 0:
            return upload("/v1/classify", video, `burst-${i}.mp4`);
          case 1:
            return upload("/v1/similar?k=3", video, `burst-${i}.mp4`);
          case 2:
            return upload("/v1/embed?store=1", text, `burst-${i}.mp4`);
          case 3:
            return get("/v1/videos");
          default:
            return get(`/v1/videos/${1 + (i % 8)}/similar`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const statuses = await Promise.all(
      responses.map(async (res, i) => {
        const body = (await res.json()) as { error?: { code: string } };
        const expected = i % 5 === 2 ? [422, 503] : [200, 503];
        assert.ok(expected.includes(res.status), `request ${i}: ${res.status} ${JSON.stringify(body)}`);
        if (res.status === 503) assert.equal(body.error?.code, "E_BUSY");
        if (res.status === 422) assert.equal(body.error?.code, "E_VIDEO");
        return res.status;
      }),
    );
    assert.ok(seconds < 60, `the burst took ${seconds.toFixed(1)} s`);
    assert.ok(statuses.filter((s) => s === 200).length >= 8, statuses.join(","));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.deepEqual(await storeCounts(f.store), { videos: 8, ok: 8, rows: 8 });
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });

  test("closing waits for the request in flight, then refuses connections", async () => {
    const form = new FormData();
    form.append("file", new Blob([await readFile(f.collection[3])]), basename(f.collection[3]));
    const inFlight = fetch(`${server.url}/v1/embed`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: form,
    });
    // Shut down once the request is being processed (its job holds the queue).
    const deadline = Date.now() + 10_000;
    const running = async () =>
      ((await (await fetch(`${server.url}/healthz`)).json()) as { queue: { running: number } }).queue.running;
    while ((await running()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const { url } = server;
    await Promise.all([server.close(), inFlight.then((res) => assert.equal(res.status, 200))]);
    await assert.rejects(fetch(`${url}/healthz`));
    assert.deepEqual(await leftovers(f.tmpDir), []);
  });
});
