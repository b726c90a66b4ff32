/**
 * The web page in real headless Chromium against the real server: one upload per action with its progress, a
 * matching moment played from its clip's start, the collection paged, filtered and sorted, a video added, keyboard
 * use, a phone's viewport, and the Swagger UI at /docs. `VIDMAE_UPDATE_DOCS=1` refreshes the screenshots in
 * docs/images/ (a plain run never edits tracked files).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { HEAD_LABELS, serverFixture, type ServerFixture } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
const KEY = "page-test-key";
const IMAGES = fileURLToPath(new URL("../../docs/images/", import.meta.url));

/** The page's DOM as `evaluate` callbacks see it (the tests compile without DOM types). */
interface Doc {
  querySelector(selector: string): Elem | null;
  querySelectorAll(selector: string): Iterable<Elem>;
  activeElement: Elem | null;
  documentElement: { scrollWidth: number };
}
interface Elem {
  id: string;
  tagName: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  complete: boolean;
  naturalWidth: number;
  currentTime: number;
  paused: boolean;
  style: Record<string, string>;
  matches(selector: string): boolean;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number };
}
interface Win {
  document: Doc;
  getComputedStyle(e: Elem): { outlineStyle: string; outlineWidth: string };
  MutationObserver: new (cb: () => void) => { observe(target: Elem, options: object): void };
  phases: string[];
  progress: number[];
}

let f: ServerFixture;
let server: RunningServer;
let browser: Browser;
let shots: string;
/** A longer video, embedded as three clips, so moments start after 0 s. */
let long: string;

/** A page that already has the key (as after the key dialog), collecting errors and the API requests it makes. */
async function openPage(viewport = { width: 1280, height: 900 }, path = "/") {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const posts: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("request", (r) => {
    if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.addInitScript(
    (key) =>
      (
        globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
      ).sessionStorage.setItem("vidmae-key", key),
    KEY,
  );
  await page.goto(`${server.url}${path}`);
  await page.locator("#collection li button").first().waitFor({ timeout: 15_000 });
  return { page, problems, posts };
}

/** Records the job panel's phases and the upload progress values as they change. */
async function watchJob(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as Win;
    w.phases = [];
    w.progress = [];
    const job = w.document.querySelector("#job")!;
    const bar = w.document.querySelector("#upload-progress")!;
    new w.MutationObserver(() => {
      const phase = job.dataset.phase ?? "";
      if (w.phases.at(-1) !== phase) w.phases.push(phase);
    }).observe(job, { attributes: true, attributeFilter: ["data-phase"] });
    new w.MutationObserver(() =>
      w.progress.push(Number(bar.getAttribute("aria-valuetext")?.split("%")[0])),
    ).observe(bar, { attributes: true, attributeFilter: ["aria-valuetext"] });
  });
}

async function allThumbnailsLoaded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const imgs = [...(globalThis as unknown as Win).document.querySelectorAll(sel)];
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    },
    selector,
    { timeout: 30_000 },
  );
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, name), fullPage: true });
  assert.ok((await readFile(join(shots, name))).length > 10_000);
  if (process.env.VIDMAE_UPDATE_DOCS === "1") {
    await mkdir(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, name), fullPage: true });
  }
}

describe("the web page in Chromium", { skip }, () => {
  before(async () => {
    f = await serverFixture({
      sampling: { strategy: "clips", clips: 3 },
      extra: [
        {
          label: "long",
          spec: { name: "long-1.webm", source: "testsrc2", frames: 64, width: 64, height: 48 },
        },
      ],
    });
    long = f.collection.at(-1)!;
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

  test("asks for the key; one upload shows progress, then labels, neighbours, moments and the map place", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const posts: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      // The first requests fail with 401 until the key is given: that is the page's cue, not a problem.
      if (m.type() === "error" && !/401/.test(m.text())) problems.push(m.text());
    });
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${server.url}/`);
    await page.locator("#key-dialog").waitFor({ state: "visible", timeout: 10_000 });
    await page.fill("#key-input", KEY);
    await page.click("#key-form button");
    await page.locator("#collection li").nth(8).waitFor({ timeout: 15_000 });
    await page.locator("#map circle.point").nth(8).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator("#collection li").count(), 9);

    await watchJob(page);
    await page.setInputFiles("#file", f.query);
    await page.locator("#moments li button").first().waitFor({ timeout: 30_000 });
    await page.locator("#map .new-point").waitFor({ timeout: 30_000 });
    assert.deepEqual(posts, ["/v1/analyze"], "the video is uploaded once");
    const { phases, progress } = await page.evaluate(() => ({
      phases: (globalThis as unknown as Win).phases,
      progress: (globalThis as unknown as Win).progress,
    }));
    assert.deepEqual(phases, ["uploading", "processing", "done"]);
    assert.equal(progress.at(-1), 100);
    assert.ok(
      progress.every((p, i) => i === 0 || p >= progress[i - 1]),
      progress.join(","),
    );
    assert.equal(await page.locator("#status").textContent(), "query.mp4: done");
    assert.equal(await page.locator("#processing").isHidden(), true);
    const labels = await page.locator("#labels .label").allTextContents();
    assert.ok(
      labels.some((l) => HEAD_LABELS.includes(l)),
      labels.join(", "),
    );
    assert.ok(
      labels.some((l) => ["bars", "fractal", "pattern", "noise", "long"].includes(l)),
      labels.join(", "),
    );
    assert.equal(await page.locator("#neighbours li").count(), 6);
    assert.equal(await page.locator("#moments li").count(), 6);
    await allThumbnailsLoaded(page, "#neighbours img, #moments img, #collection img");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("a matching moment plays in the page from its clip's start, marked on the track, and pauses at its end", async () => {
    const { page, problems } = await openPage();
    await page.setInputFiles("#file", long);
    await page.locator("#moments li button").first().waitFor({ timeout: 30_000 });
    // The long video's own clips are its nearest moments; take one that starts after 0 s.
    const later = page
      .locator("#moments li")
      .filter({ hasText: "long-1.webm" })
      .and(page.locator("li:not([data-start='0'])"));
    assert.ok((await later.count()) >= 1, await page.locator("#moments").innerText());
    const start = Number(await later.first().getAttribute("data-start"));
    const end = Number(await later.first().getAttribute("data-end"));
    assert.ok(start > 0.5 && end > start, `${start}-${end}`);
    await later.first().locator("button").click();
    await page.locator("#player-card").waitFor({ state: "visible" });
    assert.equal(await page.locator("#player-title").textContent(), "long-1.webm");
    await page.waitForFunction(
      (s) => {
        const v = (globalThis as unknown as Win).document.querySelector("#player")!;
        return Number(v.dataset.start) === s && v.currentTime >= s - 0.05;
      },
      start,
      { timeout: 15_000 },
    );
    // It stops at the clip's end (within a frame or a timeupdate tick), not at the video's.
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.querySelector("#player")!.paused,
      undefined,
      {
        timeout: 15_000,
      },
    );
    const t = await page.evaluate(
      () => (globalThis as unknown as Win).document.querySelector("#player")!.currentTime,
    );
    assert.ok(t >= end - 0.05 && t <= end + 0.5, `paused at ${t}, clip ${start}-${end}`);
    const range = await page.evaluate(() => {
      const r = (globalThis as unknown as Win).document
        .querySelector("#track-range")!
        .getBoundingClientRect();
      const track = (globalThis as unknown as Win).document.querySelector("#track")!.getBoundingClientRect();
      return { left: (r.left - track.left) / track.width, width: r.width / track.width };
    });
    // 64 frames at 25 fps: the range sits where the clip is.
    assert.ok(Math.abs(range.left - start / 2.56) < 0.02, JSON.stringify(range));
    assert.ok(Math.abs(range.width - (end - start) / 2.56) < 0.02, JSON.stringify(range));
    // Every result's thumbnail arrived.
    await allThumbnailsLoaded(page, "#neighbours img, #moments img, #collection img");
    await shot(page, "page-desktop.png");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("the collection pages, filters by label and by text in the path, and sorts by date added", async () => {
    const { page, problems } = await openPage(undefined, "/?limit=4");
    const names = () => page.locator("#collection .name").allTextContents();
    const waitInfo = (text: string) =>
      page.waitForFunction(
        (t) => (globalThis as unknown as Win).document.querySelector("#page-info")!.textContent === t,
        text,
      );
    await waitInfo("1–4 of 9");
    assert.equal((await names()).length, 4);
    assert.equal(await page.locator("#prev").isDisabled(), true);
    const seen = [...(await names())];
    await page.click("#next");
    await waitInfo("5–8 of 9");
    seen.push(...(await names()));
    await page.click("#next");
    await waitInfo("9–9 of 9");
    seen.push(...(await names()));
    assert.equal(await page.locator("#next").isDisabled(), true);
    assert.equal(new Set(seen).size, 9, seen.join(", "));
    await page.click("#prev");
    await waitInfo("5–8 of 9");

    // Oldest first is newest first reversed (the store's order: date added, then id).
    await page.selectOption("#sort", "added-asc");
    await waitInfo("1–4 of 9");
    assert.deepEqual(await names(), seen.toReversed().slice(0, 4));

    await page.selectOption("#filter-label", "fractal");
    await waitInfo("1–2 of 2");
    assert.deepEqual((await names()).sort(), ["fractal-1.mp4", "fractal-2.webm"]);
    assert.equal(await page.locator("#collection-title").textContent(), "Collection (2 matching)");

    await page.selectOption("#filter-label", "");
    await page.fill("#filter-text", ".WEBM");
    await waitInfo("1–4 of 5");
    assert.ok((await names()).every((n) => n.endsWith(".webm")));
    await page.fill("#filter-text", "no such path");
    await waitInfo("");
    assert.equal(await page.locator("#collection").innerText(), "No video matches.");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("adds a video with a label: progress, the stored result shown, the collection and map refreshed", async () => {
    const { page, problems, posts } = await openPage();
    await page.locator("#add").waitFor({ state: "visible" });
    await watchJob(page);
    await page.setInputFiles("#add-file", f.query);
    await page.fill("#add-label", "my label");
    await page.click("#add-button");
    await page.locator("#stored-note").waitFor({ state: "visible", timeout: 30_000 });
    assert.deepEqual(posts, ["/v1/analyze"]);
    assert.match(
      (await page.locator("#stored-note").textContent())!,
      /^Stored in the collection as video \d+ with label “my label”\.$/,
    );
    const { phases } = await page.evaluate(() => ({ phases: (globalThis as unknown as Win).phases }));
    assert.deepEqual(phases, ["uploading", "processing", "done"]);
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.querySelector("#page-info")!.textContent === "1–10 of 10",
    );
    // An upload is kept under its content hash and its name.
    assert.match(
      (await page.locator("#collection .name").first().textContent())!,
      /^[0-9a-f]{16}-query\.mp4$/,
    );
    assert.match((await page.locator("#collection .meta").first().textContent())!, /^my label · /);
    await page.locator("#map circle.point").nth(9).waitFor({ timeout: 15_000 });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("works from the keyboard: visible focus, Space on a map point, Enter on a collection video", async () => {
    const { page, problems } = await openPage();
    await page.locator("#map circle.point").first().waitFor();
    const focused = () =>
      page.evaluate(() => {
        const a = (globalThis as unknown as Win).document.activeElement!;
        const style = (globalThis as unknown as Win).getComputedStyle(a);
        return {
          id: a.id,
          tag: a.tagName.toLowerCase(),
          point: a.matches("circle.point"),
          item: a.matches("#collection li button"),
          label: a.getAttribute("aria-label"),
          outline: style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2,
        };
      });
    const visited: string[] = [];
    let point = null;
    for (let i = 0; i < 40 && !point; i++) {
      await page.keyboard.press("Tab");
      const now = await focused();
      visited.push(now.id || now.tag);
      if (now.point) point = now;
      else if (now.tag !== "body" && now.tag !== "a")
        assert.ok(now.outline, `no visible focus on ${now.id || now.tag}`);
    }
    assert.ok(point, visited.join(" "));
    assert.ok(visited.indexOf("file") < visited.indexOf("map-method"), visited.join(" "));
    await page.keyboard.press(" ");
    const pointName = point.label!.split(",")[0];
    await page.waitForFunction(
      (n) => (globalThis as unknown as Win).document.querySelector("#player-title")!.textContent === n,
      pointName,
    );
    await page
      .locator("#similar-title")
      .filter({ hasText: `Similar to ${pointName}` })
      .waitFor();

    let item = null;
    for (let i = 0; i < 40 && !item; i++) {
      await page.keyboard.press("Tab");
      const now = await focused();
      if (now.item) item = now;
    }
    assert.ok(item?.outline, JSON.stringify(item));
    await page.keyboard.press("Enter");
    const itemName = item.label!.replace(/^Play /, "").split(",")[0];
    await page.waitForFunction(
      (n) => (globalThis as unknown as Win).document.querySelector("#player-title")!.textContent === n,
      itemName,
    );
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("fits a phone (390×844): one column, no sideways scrolling, results below the upload", async () => {
    const { page, problems } = await openPage({ width: 390, height: 844 });
    await page.setInputFiles("#file", f.query);
    await page.locator("#moments li button").first().waitFor({ timeout: 30_000 });
    await allThumbnailsLoaded(page, "#neighbours img, #moments img, #collection img");
    const layout = await page.evaluate(() => {
      const d = (globalThis as unknown as Win).document;
      const cols = [...d.querySelectorAll("main .column")].map((c) => c.getBoundingClientRect());
      const wide = [...d.querySelectorAll("button, input, select, video, svg, .card")]
        .map((e) => e.getBoundingClientRect())
        .filter((r) => r.width > 0 && (r.left < 0 || r.right > 390)).length;
      return { scroll: d.documentElement.scrollWidth, stacked: cols[1].top >= cols[0].bottom, wide };
    });
    assert.deepEqual(layout, { scroll: 390, stacked: true, wide: 0 });
    await shot(page, "page-phone.png");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("/docs is Swagger UI over the OpenAPI document, under its CSP", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await page.goto(`${server.url}/docs`);
    await page.locator(".opblock").nth(10).waitFor({ timeout: 20_000 });
    const paths = await page.locator(".opblock-summary-path").allTextContents();
    assert.ok(
      paths.some((p) => p.includes("/v1/analyze")),
      paths.join(" "),
    );
    await page.locator(".opblock-summary-path", { hasText: "/v1/videos/{id}/file" }).first().waitFor();
    await shot(page, "api-docs.png");
    assert.deepEqual(problems, []);
    await page.close();
  });
});
