import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { parseNpy } from "../../src/io/npy.js";
import { readSafetensors } from "../../src/model/weights/safetensors.js";
import { toFloat32 } from "../../src/model/weights/tensor.js";
import { offlineEnv } from "../helpers/temp.js";
import { writeTinyCheckpoint } from "../helpers/tiny-model.js";
import { makeBadInput, makeVideo } from "../helpers/synthetic-videos.js";
import { ROOT, runCliInProcess } from "./helpers.js";

let tmp: string;
let env: Record<string, string>;
let modelDir: string;
let videos: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "vidmae-cli-store-"));
  env = offlineEnv(tmp);
  modelDir = join(tmp, "model");
  await writeTinyCheckpoint(modelDir, {
    kind: "classification",
    labels: ["a", "b"],
  });
  videos = join(tmp, "videos");
  for (const [dir, name, source] of [
    ["jump", "j1.mp4", "testsrc2"],
    ["jump", "j2.mp4", "mandelbrot"],
    ["spin", "s1.webm", "smptebars"],
  ]) {
    await mkdir(join(videos, dir), { recursive: true });
    await makeVideo(join(videos, dir), { name, source, frames: 16, width: 48, height: 40 });
  }
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("vidmae embed + export", () => {
  test("export matches vidmae forward on the same pixels (embed -> export round trip)", async () => {
    const db = join(tmp, "round.db");
    const embed = await runCliInProcess(
      [
        "embed",
        videos,
        "--db",
        db,
        "--model",
        modelDir,
        "--sampling",
        "clips",
        "--clips",
        "2",
        "--frame-sample-rate",
        "3",
        "--labels-from-dirs",
        "--json",
      ],
      env,
    );
    assert.equal(embed.code, 0, embed.stderr);
    const events = embed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(events.filter((e) => e.type === "done").length, 3);
    const out = join(tmp, "export");
    const exp = await runCliInProcess(["export", "--db", db, "--out", out, "--level", "clip"], env);
    assert.equal(exp.code, 0, exp.stderr);
    const npy = parseNpy(await readFile(join(out, "embeddings.npy")), "embeddings.npy");
    assert.deepEqual(npy.shape, [6, 16]);
    const index = (await readFile(join(out, "index.csv"), "utf8")).trim().split("\n");
    assert.equal(index[0], "row,id,path,label,clip,crop,start,end,paths");
    const j1 = join(videos, "jump", "j1.mp4");
    const j1Rows = index
      .slice(1)
      .filter((l) => l.includes(j1))
      .map((l) => Number(l.split(",")[0]));
    assert.deepEqual(j1Rows.length, 2);

    // The same clips through `frames` then `forward`: the head's input (pooling auto) per clip.
    const frames = join(tmp, "j1.safetensors");
    assert.equal(
      (
        await runCliInProcess(
          [
            "frames",
            j1,
            "--model",
            modelDir,
            "--sampling",
            "clips",
            "--clips",
            "2",
            "--frame-sample-rate",
            "3",
            "--out",
            frames,
          ],
          env,
        )
      ).code,
      0,
    );
    const fwdOut = join(tmp, "j1-out.safetensors");
    const fwd = await runCliInProcess(
      ["forward", "--model", modelDir, "--input", frames, "--out", fwdOut],
      env,
    );
    assert.equal(fwd.code, 0, fwd.stderr);
    const pooled = (await readSafetensors(fwdOut)).get("pooled")!;
    const ref = toFloat32(pooled, "pooled", fwdOut);
    const got = npy.data as Float32Array;
    j1Rows.forEach((row, clip) => {
      for (let d = 0; d < 16; d++)
        assert.ok(Math.abs(got[row * 16 + d] - ref[clip * 16 + d]) < 1e-5, `clip ${clip} dim ${d}`);
    });
  });

  test("kill -9 mid-run loses nothing that was committed, and the rerun finishes the rest", async () => {
    const many = join(tmp, "many");
    await mkdir(many);
    for (let i = 0; i < 8; i++)
      await makeVideo(many, {
        name: `v${i}.mp4`,
        frames: 8 + i,
        width: 48,
        height: 40,
        source: i % 2 ? "mandelbrot" : "testsrc2",
      });
    const db = join(tmp, "killed.db");
    const child = spawn(
      process.execPath,
      ["dist/cli/main.js", "embed", many, "--db", db, "--model", modelDir, "--json"],
      { cwd: ROOT, env: { ...process.env, ...env } },
    );
    let buffered = "";
    const doneBeforeKill = await new Promise<number>((resolve) => {
      child.stdout.on("data", (chunk) => {
        buffered += chunk;
        const done = buffered.split("\n").filter((l) => l.includes('"type":"done"')).length;
        if (done >= 2 && !child.killed) {
          child.kill("SIGKILL");
          resolve(done);
        }
      });
    });
    await new Promise((r) => child.on("close", r));
    const raw = new Database(db, { readonly: true });
    assert.equal(raw.prepare("PRAGMA integrity_check").pluck().get(), "ok");
    const ok = raw.prepare("SELECT COUNT(*) FROM video_status WHERE status = 'ok'").pluck().get() as number;
    raw.close();
    assert.ok(ok >= doneBeforeKill, `${ok} stored, ${doneBeforeKill} reported done`);
    const rerun = await runCliInProcess(["embed", many, "--db", db, "--model", modelDir, "--json"], env);
    assert.equal(rerun.code, 0, rerun.stderr);
    const summary = JSON.parse(rerun.stdout.trim().split("\n").at(-1)!).summary;
    assert.equal(summary.skipped, ok);
    assert.equal(summary.done + summary.skipped, 8);
  });

  test("Ctrl-C finishes the batch in flight, saves it, and exits 130", async () => {
    const many = join(tmp, "interrupted");
    await mkdir(many);
    for (let i = 0; i < 6; i++)
      await makeVideo(many, { name: `v${i}.mp4`, frames: 8 + i, width: 48, height: 40 });
    const db = join(tmp, "interrupted.db");
    const child = spawn(
      process.execPath,
      ["dist/cli/main.js", "embed", many, "--db", db, "--model", modelDir, "--json"],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes('"type":"done"') && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((r) => child.on("close", r));
    assert.equal(code, 130);
    assert.match(err, /interrupted; finishing the current batch/);
    const summary = JSON.parse(out.trim().split("\n").at(-1)!).summary;
    assert.equal(summary.interrupted, true);
    assert.ok(summary.done >= 1 && summary.done < 6, `done ${summary.done}`);
    const rerun = await runCliInProcess(["embed", many, "--db", db, "--model", modelDir, "--json"], env);
    assert.equal(rerun.code, 0, rerun.stderr);
    const second = JSON.parse(rerun.stdout.trim().split("\n").at(-1)!).summary;
    assert.deepEqual([second.skipped, second.done], [summary.done, 6 - summary.done]);
  });

  test("a bad video fails alone: exit 1 after the others are stored; the rerun says to retry", async () => {
    const mixed = join(tmp, "mixed");
    await mkdir(mixed);
    await makeVideo(mixed, { name: "good.mp4", frames: 8 });
    const bad = await makeBadInput(mixed, "truncated-mp4");
    const db = join(tmp, "mixed.db");
    const run = await runCliInProcess(["embed", mixed, "--db", db, "--model", modelDir], env);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `vidmae: done 1, skipped 0 already stored, failed 1 \\(1 clips in [0-9.]+ s\\)\\n  E_VIDEO ${bad}: `,
      ),
    );
    const again = await runCliInProcess(["embed", mixed, "--db", db, "--model", modelDir], env);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /vidmae: done 0, skipped 1 already stored, failed 0, 1 failed before \(rerun with --retry-failed\)/,
    );
  });

  test("export needs a space when the store has several", async () => {
    const db = join(tmp, "two.db");
    for (const crops of ["1", "3"])
      assert.equal(
        (
          await runCliInProcess(
            ["embed", join(videos, "spin"), "--db", db, "--model", modelDir, "--crops", crops],
            env,
          )
        ).code,
        0,
      );
    const run = await runCliInProcess(["export", "--db", db, "--out", join(tmp, "x")], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^vidmae: The store holds 2 embedding spaces; choose one with --space: 1 \(/);
    const ok = await runCliInProcess(
      ["export", "--db", db, "--out", join(tmp, "x"), "--space", "2", "--format", "parquet"],
      env,
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^1 rows x 16 -> .*embeddings\.parquet\n$/);
    const json = await runCliInProcess(
      ["export", "--db", db, "--out", join(tmp, "x"), "--space", "2", "--json"],
      env,
    );
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      rows: 1,
      dim: 16,
      files: [join(tmp, "x", "embeddings.npy"), join(tmp, "x", "index.csv")],
    });
  });
});
