import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ffmpegReason } from "../../src/video/ffmpeg-reason.js";

describe("ffmpegReason", () => {
  it("names a missing MP4 index, without the component prefix", () => {
    const stderr =
      "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55efaeb74180] moov atom not found\n" +
      "file:a.mp4: Invalid data found when processing input\n";
    assert.equal(
      ffmpegReason(stderr, "file:a.mp4"),
      "truncated or not an MP4/MOV file (FFmpeg: moov atom not found)",
    );
  });

  it("names the demuxer FFmpeg refused by its format whitelist", () => {
    const stderr =
      "[hls @ 0x557ea50c69c0] Format not on whitelist 'mov,matroska'\n" + "file:p.m3u8: Invalid argument\n";
    assert.equal(
      ffmpegReason(stderr, "file:p.m3u8"),
      "container format hls is not allowed (only self-contained video files are read)",
    );
  });

  it("drops FFmpeg's echo of the input name", () => {
    const stderr = "file:x.avi: Invalid data found when processing input\n";
    assert.equal(
      ffmpegReason(stderr, "file:x.avi"),
      "not a readable media file (FFmpeg: Invalid data found when processing input)",
    );
  });

  it("recognises truncation and missing decoders", () => {
    assert.equal(
      ffmpegReason("[matroska,webm @ 0x1] File ended prematurely\n", "file:v.mkv"),
      "truncated file (FFmpeg: File ended prematurely)",
    );
    assert.equal(
      ffmpegReason("Decoder (codec none) not found for input stream #0:0\n", "file:v.avi"),
      "unsupported video codec (FFmpeg: Decoder (codec none) not found for input stream #0:0)",
    );
  });

  it("falls back to the last line, or says there was none", () => {
    assert.equal(
      ffmpegReason("first\r\nsomething odd happened\n\n", "file:v"),
      "FFmpeg: something odd happened",
    );
    assert.equal(ffmpegReason("", "file:v"), "FFmpeg failed without a message");
  });
});
