/**
 * Every `vidmae` command shown in the README and docs/*.md runs: in a folder holding the names the docs use (a
 * few tiny videos, the tiny model behind the hub ids), in this process, exiting 0. Synopses (`[--k 10]`) run in
 * their minimal form when that has no placeholder left, and every option any command shows must exist. Commands
 * that cannot run here are listed in NOT_RUN with the reason, by their exact text: a new doc command that fails
 * fails this test.
 */
import assert from "node:assert/strict";
import { copyFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/program.js";
import { runCliInProcess } from "../cli/helpers.js";
import { tempDir } from "../helpers/temp.js";
import {
  type DocCommand,
  docCommands,
  docPages,
  isSynopsis,
  minimalForm,
  optionWords,
  shellArgs,
} from "./doc-commands.js";
import { type DocWorkspace, makeDocWorkspace } from "./workspace.js";

const REDIS = "needs a Redis queue (and the PostgreSQL store it names), absent from the test machine";
const PTH = "a release .pth (hundreds of MB); test/cli/v2-commands.test.ts runs the same on the fixture .pth";

/** Doc commands not run here, by exact text (as shown, continuation lines joined), with why. */
const NOT_RUN: Record<string, string> = {
  "vidmae serve --db vidmae.db": "listens until stopped; the server is tested in test/server",
  "npx vidmae serve --db vidmae.db [--model M] [--classifier model.json] [--port 8080] [--host 127.0.0.1] [--api-key KEY] [--allow-root DIR...] [--max-upload-mb 256] [--max-duration-s 600] [--max-pixels 8294400] [--timeout-s 120] [--queue-size 8] [--uploads-dir DIR] [--tmp-dir DIR] [sampling options] [--pooling P] [--headers-timeout-s 10] [--request-timeout-s 300] [--keep-alive-timeout-s 5] [--max-connections 256]":
    "listens until stopped; the server is tested in test/server",
  "vidmae worker --queue redis://127.0.0.1:6379 --db postgres://vidmae@db.internal/vidmae": REDIS,
  "vidmae queue status --queue redis://127.0.0.1:6379": REDIS,
  "npx vidmae worker --queue redis://queue.internal:6379 --db postgres://vidmae:secret@db.internal/vidmae [--threads N] [--concurrency 2] [--batch N] [--metrics-port 9464] [--id name] [--json]":
    REDIS,
  "npx vidmae embed /shared/videos https://media.example.com/a.mp4 --db postgres://vidmae:secret@db.internal/vidmae --queue redis://queue.internal:6379 [--no-wait] [--attempts 3] [--retry-delay 10000] [--queue-name NAME] [the usual --model / sampling / --labels-from-dirs / --retry-failed / --json options]":
    REDIS,
  "npx vidmae queue status --queue redis://queue.internal:6379 [--json] [--failed 10]": REDIS,
  "npx vidmae queue status --queue redis://queue.internal:6379": REDIS,
  "vidmae embed videos/ --db v.db --model vit_b_k710_dl_from_giant.pth --num-heads 12 --labels labels.csv":
    PTH,
  "vidmae similar query.mp4 --db v.db --num-heads 12": PTH,
  "vidmae train --db v.db --out classifier.json": PTH,
  "vidmae predict new.mp4 --classifier classifier.json --num-heads 12": PTH,
  "vidmae worker --queue redis://queue:6379 --db postgres://vidmae@db/vidmae --num-heads 12": REDIS,
};

/**
 * Doc commands that fail here only because the test data is tiny, by exact text, with the error they must reach
 * (so they still parse, load and get as far as the data allows).
 */
const TINY_DATA_FAILURES: Record<string, RegExp> = {
  // PCA to 64 components needs 64 samples and features; the workspace has 10 videos of 16 dims.
  'npx vidmae train --db vidmae.db --pipeline "standard-scaler,pca(n_components=64),logistic-regression" --out model.json':
    /Expected integer between 1 and min\(nSamples, nFeatures\)=10 for nComponents but received 64/,
};

/**
 * Options added to doc commands whose defaults take minutes here, by exact text, with why: the command still runs
 * as shown, on less data.
 */
const SMALLER: Record<string, string> = {
  // 7 classes x 6 videos, embedded and compared: minutes on 2 busy cores; 3 classes x 3 videos show the same run.
  "vidmae demo": "--classes bars-fast,colour-flicker,mandelbrot-zoom --videos-per-class 3",
};

const commands: DocCommand[] = docPages().flatMap(docCommands);
const dir = tempDir("vidmae-docs-");
let ws: DocWorkspace;

/** Runs `vidmae <text>` in the workspace. */
function run(text: string) {
  return runCliInProcess(shellArgs(text, ws.dir), ws.env);
}

before(async () => {
  ws = await makeDocWorkspace(dir);
  process.chdir(ws.dir);
  // What the doc commands read: a store with labels, a trained classifier, an array of vectors, model inputs.
  for (const setup of [
    "vidmae embed videos/ --db vidmae.db --labels-from-dirs",
    "vidmae train --db vidmae.db --out model.json",
    "vidmae frames clip.mp4 --out pixels.safetensors",
    "vidmae export --db vidmae.db --out x-export/ --format npy",
  ]) {
    const r = await run(setup);
    assert.equal(r.code, 0, `${setup}\n${r.stderr}`);
  }
  await copyFile("model.json", "classifier.json");
  await copyFile("pixels.safetensors", "in.safetensors");
  const npy = (await readdir("x-export")).find((f) => f.endsWith(".npy") && !/label|id/.test(f));
  assert.ok(npy, "export wrote no vectors .npy");
  await copyFile(join("x-export", npy), "X.npy");
});

after(() => ws?.hub.close());

test("the docs show vidmae commands (the extraction finds them)", () => {
  assert.ok(commands.length >= 20, `only ${commands.length} commands found`);
  assert.ok(commands.some((c) => c.file === "README.md"));
});

test("NOT_RUN lists only commands the docs still show", () => {
  const shown = new Set(commands.map((c) => c.text));
  for (const text of [...Object.keys(NOT_RUN), ...Object.keys(TINY_DATA_FAILURES), ...Object.keys(SMALLER)])
    assert.ok(shown.has(text), `NOT_RUN entry no doc shows: ${text}`);
});

/** The subcommand `args` name (`queue status` is two words), and the words after it. */
function findCommand(program: Command, args: string[]): Command {
  let cmd = program;
  for (const word of args) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    cmd = sub;
  }
  return cmd;
}

test("every option a doc command shows exists on that command, in its current spelling", () => {
  const program = buildProgram();
  for (const c of commands) {
    const words = c.text.replace(/^(npx )?vidmae /, "").split(/\s+/);
    const cmd = findCommand(program, words);
    assert.notEqual(cmd, program, `${c.file}:${c.line}: no such command: ${c.text}`);
    for (const word of optionWords(c.text)) {
      const option = cmd.options.find((o) => o.long === word || o.short === word);
      assert.ok(option, `${c.file}:${c.line}: vidmae ${cmd.name()} has no option ${word}: ${c.text}`);
      const deprecated = option.hidden || /^deprecated\b/.test(option.description);
      assert.ok(!deprecated, `${c.file}:${c.line}: ${word} is a deprecated spelling: ${c.text}`);
    }
  }
});

for (const c of commands) {
  const shown = isSynopsis(c.text) ? minimalForm(c.text) : c.text;
  const runnable = shown && SMALLER[c.text] ? `${shown} ${SMALLER[c.text]}` : shown;
  const reason = NOT_RUN[c.text] ?? (runnable === undefined ? "a synopsis with placeholders" : undefined);
  test(`${c.file}:${c.line}: ${c.text}`, { skip: reason }, async () => {
    const r = await run(runnable!);
    const failure = TINY_DATA_FAILURES[c.text];
    if (failure) {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, failure);
      return;
    }
    assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    // What a command says it wrote is there.
    const out = shellArgs(runnable!, ws.dir).find((_, i, a) => a[i - 1] === "--out");
    if (out) assert.ok(await stat(out), `${out} was not written`);
  });
}
