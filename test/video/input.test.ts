import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import { decodeAllFrames, decodeFrames } from "../../src/video/decode.js";
import { openRegularFile, statRegularFile } from "../../src/video/input.js";
import { probeVideo, type VideoInfo } from "../../src/video/probe.js";
import { makeVideo } from "../helpers/synthetic-videos.js";
import { type SpecialFiles, fifoHasReader, makeSpecialFiles } from "./special-files.js";

let dir: string;
let special: SpecialFiles;
/** A good 5-frame MPEG-TS segment: what a crafted playlist or list would make FFmpeg read. */
let segment: string;
let info: VideoInfo;
/** The local HTTP server a playlist points at, and the requests it got. */
let server: Server;
let port: number;
const requests: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "vidmae-input-"));
  special = await makeSpecialFiles(dir);
  segment = await makeVideo(dir, { name: "segment.ts", frames: 5 });
  info = await probeVideo(segment);
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  await special.close();
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

/** Asserts that `run` rejects with a VidmaeError of `code` and exactly `message`. */
async function assertFails(run: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof VidmaeError, String(e));
    assert.deepEqual([e.code, e.message], [code, message]);
    return true;
  });
}

describe("only regular files reach FFmpeg", () => {
  it("refuses a FIFO, a symlink to one, a socket and /dev/zero for probe and decode, within a second", async () => {
    const cases: Array<[string, string]> = [
      [special.fifo, "FIFO"],
      [special.fifoLink, "FIFO"],
      [special.socket, "socket"],
      ["/dev/zero", "character device"],
    ];
    for (const [path, kind] of cases) {
      const t0 = performance.now();
      const message = `${path}: not a regular file (${kind})`;
      await assertFails(probeVideo(path), "E_VIDEO", message);
      // A VideoInfo probed before the file was swapped: the decode paths check again.
      await assertFails(decodeFrames({ ...info, path }, [0]), "E_VIDEO", message);
      await assertFails(decodeAllFrames({ ...info, path }), "E_VIDEO", message);
      await assertFails(openRegularFile(path), "E_VIDEO", message);
      assert.ok(performance.now() - t0 < 1000, `${path} took ${performance.now() - t0} ms`);
    }
    assert.equal(await fifoHasReader(special.fifo), false);
  });

  it("names a dangling symlink and a missing file", async () => {
    await assertFails(
      statRegularFile(special.dangling),
      "E_IO",
      `${special.dangling}: cannot read file (dangling symlink)`,
    );
    const missing = join(dir, "missing.mp4");
    await assertFails(probeVideo(missing), "E_IO", `${missing}: cannot read file (no such file)`);
  });

  it("opens a regular file", async () => {
    const file = await openRegularFile(segment);
    try {
      assert.deepEqual(await file.readFile(), await readFile(segment));
    } finally {
      await file.close();
    }
  });
});

describe("FFmpeg reads only self-contained containers", () => {
  /** Writes `text` to `name` in the test folder and asserts that probe and decode refuse it as `format`. */
  async function assertRefused(name: string, text: string, format: string): Promise<void> {
    const path = join(dir, name);
    await writeFile(path, text);
    const message = `${path}: container format ${format} is not allowed (only self-contained video files are read)`;
    await assertFails(probeVideo(path), "E_VIDEO", message);
    await assertFails(decodeAllFrames({ ...info, path }), "E_VIDEO", message);
  }

  it("refuses an HLS playlist of a local file, and an ffconcat list", async () => {
    const hls = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${segment}\n#EXT-X-ENDLIST\n`;
    await assertRefused("local.m3u8", hls, "hls");
    // Named .mp4: the demuxer is found from the content, not the name.
    await assertRefused("playlist.mp4", hls, "hls");
    await assertRefused("list.ffconcat", `ffconcat version 1.0\nfile '${segment}'\n`, "concat");
  });

  it("refuses an HLS playlist on a local server without sending it a request", async () => {
    const url = `http://127.0.0.1:${port}/segment.ts`;
    const hls = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${url}\n#EXT-X-ENDLIST\n`;
    await assertRefused("remote.m3u8", hls, "hls");
    assert.deepEqual(requests, []);
  });

  it("refuses an image sequence and an SDP session", async () => {
    await writeFile(join(dir, "img001.png"), "not a png");
    await assertRefused("img%03d.png", "not a png", "image2");
    const sdp = "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 5004 RTP/AVP 96\n";
    await assertRefused("session.sdp", sdp, "sdp");
  });

  it("reads names FFmpeg could take for a URL", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await writeFile("http:segment.ts", await readFile(segment));
      assert.equal((await probeVideo("http:segment.ts")).frameCount, 5);
      assert.deepEqual(requests, []);
    } finally {
      process.chdir(cwd);
    }
  });
});
