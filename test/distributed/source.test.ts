import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { spawnSync } from "node:child_process";
import {
  describeSource,
  isVideoUrl,
  openSource,
  removeStaleDownloads,
} from "../../src/distributed/source.js";
import { SqliteStore } from "../../src/store/sqlite.js";

const UA = "vidmae/test (worker host-1:42)";
let dir: string;
let server: Server;
let base: string;
const requests: { method: string; url: string; ua: string }[] = [];
const MTIME = new Date("2026-01-02T03:04:05Z");

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "vidmae-source-"));
  await mkdir(join(dir, "dogs"));
  await writeFile(join(dir, "dogs", "a.mp4"), "video bytes of a");
  server = createServer(async (req, res) => {
    requests.push({ method: req.method!, url: req.url!, ua: req.headers["user-agent"] ?? "" });
    if (!req.url!.startsWith("/media/dogs/")) return void res.writeHead(404, "Not Found").end();
    const body = await readFile(join(dir, "dogs", basename(req.url!)));
    res.writeHead(200, { "content-length": body.length, "last-modified": MTIME.toUTCString() });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/media`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

describe("video sources", () => {
  it("tells URLs from paths", () => {
    assert.deepEqual(["https://x/a.mp4", "HTTP://x/a.mp4", "/data/a.mp4", "s3://b/a.mp4"].map(isVideoUrl), [
      true,
      true,
      false,
      false,
    ]);
  });

  it("identifies a URL by its content, downloading it again only when it changed", async () => {
    const store = await SqliteStore.open(":memory:");
    const url = `${base}/dogs/a.mp4`;
    const file = await describeSource(store, url, { fromDirs: true }, UA);
    assert.deepEqual(file, {
      path: url,
      sizeBytes: 16,
      mtimeMs: MTIME.getTime(),
      contentHash: sha("video bytes of a"),
      label: "dogs",
    });
    assert.ok(requests.every((r) => r.ua === UA));
    await store.upsertVideos([file]);
    requests.length = 0;
    const again = await describeSource(store, url, { map: new Map([[url, "puppies"]]) }, UA);
    assert.deepEqual({ ...again }, { ...file, label: "puppies" });
    assert.deepEqual(
      requests.map((r) => r.method),
      ["HEAD"],
      "unchanged length and Last-Modified: no download",
    );
    await store.close();
  });

  it("downloads a job's video into a temporary file and removes it after", async () => {
    const store = await SqliteStore.open(":memory:");
    const video = {
      uri: `${base}/dogs/a.mp4`,
      contentHash: sha("video bytes of a"),
      sizeBytes: 16,
      mtimeMs: 0,
    };
    const local = await openSource(store, video, UA);
    assert.equal(basename(local.path), "a.mp4", "the URL's file name, for FFmpeg");
    assert.equal(await readFile(local.path, "utf8"), "video bytes of a");
    await local.release();
    assert.equal(existsSync(local.path), false);

    await assert.rejects(openSource(store, { ...video, contentHash: "sha256:old" }, UA), {
      code: "E_IO",
      message: `${video.uri}: content changed since it was enqueued (now ${video.contentHash}, enqueued sha256:old); enqueue it again`,
    });
    await assert.rejects(openSource(store, { ...video, uri: `${base}/cats/b.mp4` }, UA), {
      code: "E_IO",
      message: `${base}/cats/b.mp4: download failed (HTTP 404 Not Found)`,
    });
    const closed = `http://127.0.0.1:${await closedPort()}/a.mp4`;
    await assert.rejects(openSource(store, { ...video, uri: closed }, UA), {
      code: "E_IO",
      message: `${closed}: download failed (ECONNREFUSED)`,
    });
    await store.close();
  });

  it("reads a shared path in place, and notices when the file now holds other content", async () => {
    const store = await SqliteStore.open(":memory:");
    const path = join(dir, "dogs", "a.mp4");
    const file = await describeSource(store, path, undefined, UA);
    await store.upsertVideos([file]);
    const video = {
      uri: path,
      contentHash: file.contentHash,
      sizeBytes: file.sizeBytes,
      mtimeMs: file.mtimeMs,
    };
    const local = await openSource(store, video, UA);
    assert.equal(local.path, path);
    await local.release();
    assert.ok(existsSync(path), "a shared file is left alone");

    await writeFile(path, "other bytes, other length");
    await assert.rejects(openSource(store, video, UA), {
      code: "E_IO",
      message: `${path}: content changed since it was enqueued (now ${sha("other bytes, other length")}, enqueued ${file.contentHash}); enqueue it again`,
    });
    await assert.rejects(openSource(store, { ...video, uri: join(dir, "missing.mp4") }, UA), {
      code: "E_IO",
      message: new RegExp(`^${join(dir, "missing.mp4")}: cannot read file: ENOENT`),
    });
    await store.close();
  });

  it("removes the download folders of workers that are gone, and only those", async () => {
    const gone = spawnSync("true").pid!;
    const stale = await mkdtemp(join(tmpdir(), `vidmae-fetch-${gone}-`));
    const mine = await mkdtemp(join(tmpdir(), `vidmae-fetch-${process.pid}-`));
    await removeStaleDownloads();
    assert.deepEqual([existsSync(stale), existsSync(mine)], [false, true]);
    await rm(mine, { recursive: true });
  });
});
