/**
 * Writes docs/cli.md from the commander program itself (`buildProgram()`): every command and option with its
 * description and an example, so the page cannot drift from `--help`. `npm run docs` rewrites the page;
 * `--check` exits 1 when it is out of date (test/helpers-api/cli-doc.test.ts does the same check).
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command, Option } from "commander";
import * as prettier from "prettier";
import { buildProgram } from "../src/cli/program.js";

/** The generated page. */
export const CLI_DOC = fileURLToPath(new URL("../docs/cli.md", import.meta.url));

/** Example values of positional arguments, by argument name. */
const ARGS: Record<string, string> = {
  video: "clip.mp4",
  videos: "a.mp4 b.mp4",
  inputs: "videos/",
  repo: "MCG-NJU/videomae-base",
};

/**
 * Example values of options: `command --flag` first, then `--flag`; choices `<a|b>` take their second (usually
 * not the default) and anything else left here is a gap the check below reports.
 */
const VALUES: Record<string, string> = {
  "--model": "MCG-NJU/videomae-base",
  "--revision": "main",
  "--threads": "2",
  "--num-heads": "12",
  "--arch": "vit_base_patch16_224",
  "--image-size": "224",
  "--db": "vidmae.db",
  "worker --db": "postgres://vidmae@db.internal/vidmae",
  "--space": "2",
  "--input": "pixels.safetensors",
  "forward --out": "out.safetensors",
  "export-onnx --out": "videomae.onnx",
  "frames --out": "frames.safetensors",
  "export --out": "export/",
  "export-web --out": "site/",
  "train --out": "classifier.json",
  "demo --out": "vidmae-demo",
  "map --out": "map.html",
  "--num-frames": "16",
  "--frames": "16",
  "--clips": "4",
  "--frame-sample-rate": "4",
  "--processor": "preprocessor_config.json",
  "--png": "sheets/",
  "--top": "3",
  "--k": "3",
  "--batch": "8",
  "--queue": "redis://127.0.0.1:6379",
  "--queue-name": "vidmae-embed",
  "--attempts": "5",
  "--retry-delay": "30000",
  "--labels": "labels.csv",
  "--x": "features.npy",
  "--y": "labels.txt",
  "--pipeline": "standard-scaler,pca:n_components=64,logistic-regression:C=0.5",
  "--seed": "7",
  "--cv": "5",
  "--test-x": "test-features.npy",
  "--test-y": "test-labels.txt",
  "--test-size": "0.25",
  "--classifier": "classifier.json",
  "--videos": "videos/cat/01.mp4",
  "--videos-per-class": "4",
  "--classes": "mandelbrot-zoom,bars-slow",
  "similar --id": "3",
  "worker --id": "gpu-1",
  "--threshold": "0.05",
  "--title": "holiday-videos",
  "--width": "1600",
  "--height": "900",
  "--port": "9000",
  "--host": "0.0.0.0",
  "--api-key": "s3cret",
  "--allow-root": "/srv/videos",
  "--uploads-dir": "/srv/uploads",
  "--tmp-dir": "/var/tmp/vidmae",
  "--max-upload-mb": "1024",
  "--max-duration-s": "1200",
  "--max-pixels": "2073600",
  "--timeout-s": "300",
  "--queue-size": "16",
  "--headers-timeout-s": "30",
  "--request-timeout-s": "600",
  "--keep-alive-timeout-s": "10",
  "--max-connections": "512",
  "--concurrency": "2",
  "--lock-ms": "60000",
  "--metrics-port": "9464",
  "--metrics-host": "127.0.0.1",
  "--failed": "20",
  "--space-key": "3f1c9a",
};

/** What a command needs to run at all, beyond its mandatory options (checked by the action, not commander). */
const BASE: Record<string, string> = {
  predict: "--classifier classifier.json a.mp4",
  train: "--db vidmae.db",
  evaluate: "--db vidmae.db",
  frames: "--model MCG-NJU/videomae-base",
};

/** Options that replace the base (`--x` instead of `--db`), with what must come with them. */
const INSTEAD: Record<string, string> = {
  "train --x": "--x features.npy --y labels.txt",
  "train --y": "--x features.npy --y labels.txt",
  "evaluate --x": "--x features.npy --y labels.txt",
  "evaluate --y": "--x features.npy --y labels.txt",
  "frames --processor": "--processor preprocessor_config.json --num-frames 16",
  "predict --db": "--classifier classifier.json --db vidmae.db",
  "predict --videos": "--classifier classifier.json --db vidmae.db --videos videos/cat/01.mp4",
  "predict --x": "--classifier classifier.json --x features.npy",
  "similar --id": "--id 3",
};

/** `queue status`, `embed`, … */
function fullName(cmd: Command): string {
  const parents: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) parents.unshift(c.name());
  return parents.join(" ");
}

function quote(value: string): string {
  return /^[\w./:@,=+-]+$/.test(value) ? value : `'${value}'`;
}

function valueOf(name: string, opt: Option): string {
  const flag = opt.long!;
  const known = VALUES[`${name} ${flag}`] ?? VALUES[flag];
  if (known !== undefined) return known;
  const choices = /^<([^>]+\|[^>]+)>$/.exec(opt.flags.split(" ").pop() ?? "")?.[1].split("|");
  if (choices) return choices[1];
  throw new Error(`scripts/cli-doc.ts: no example value for ${name} ${flag}; add one to VALUES`);
}

function optionArgs(name: string, opt: Option): string {
  if (!opt.required && !opt.optional) return opt.long!;
  return `${opt.long} ${valueOf(name, opt)
    .split(" ")
    .map((v) => quote(v))
    .join(" ")}`;
}

/** The command line every example of `cmd` starts from: its arguments and the options it cannot run without. */
function baseLine(cmd: Command, name: string, skipArgs = false): string[] {
  const args = skipArgs
    ? []
    : cmd.registeredArguments
        .filter((a) => a.required || name === "similar")
        .map((a) => ARGS[a.name()] ?? `<${a.name()}>`);
  const mandatory = cmd.options.filter((o) => o.mandatory).map((o) => optionArgs(name, o));
  return [`vidmae ${name}`, ...args, ...mandatory, ...(BASE[name] ? [BASE[name]] : [])];
}

function optionExample(cmd: Command, name: string, opt: Option): string {
  if (opt.mandatory) return baseLine(cmd, name).join(" ");
  const instead = INSTEAD[`${name} ${opt.long}`];
  if (instead) {
    const line = baseLine(cmd, name, opt.long === "--id").filter((p) => p !== BASE[name]);
    return [...line, instead].join(" ");
  }
  return [...baseLine(cmd, name), optionArgs(name, opt)].join(" ");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function commandSection(cmd: Command): string {
  const name = fullName(cmd);
  const usage = `vidmae ${name} ${cmd.usage()}`.trim();
  const out = [
    `## \`${name}\``,
    "",
    cmd.description(),
    "",
    "```sh",
    baseLine(cmd, name).join(" "),
    "```",
    "",
  ];
  out.push(`Usage: \`${cell(usage)}\``, "");
  const options = cmd.options.filter((o) => !o.hidden);
  if (options.length > 0) {
    out.push("| option | what it does | example |", "| --- | --- | --- |");
    for (const o of options) {
      const deprecated = /^deprecated\b/.test(o.description);
      const example = deprecated ? "" : `\`${cell(optionExample(cmd, name, o))}\``;
      const required = o.mandatory ? " (required)" : "";
      out.push(`| \`${cell(o.flags)}\` | ${cell(o.description)}${required} | ${example} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

function walk(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => (c.commands.length > 0 ? walk(c) : [c]));
}

/**
 * docs/cli.md as it should read now, formatted by the repository's prettier settings.
 *
 * @example
 * const page = await renderCliDoc(); // "# The vidmae command line\n…"
 */
export async function renderCliDoc(): Promise<string> {
  const program = buildProgram();
  const commands = walk(program);
  const page = [
    "# The vidmae command line",
    "",
    "<!-- Generated from the commander program by scripts/cli-doc.ts (`npm run docs`); do not edit by hand. -->",
    "",
    "Every command with every option, each with an example. `vidmae <command> --help` prints the same options;",
    "numeric options show their range. Videos and folders may be given relative to the working directory.",
    "",
    commands
      .map((c) => `- [\`${fullName(c)}\`](#${fullName(c).replace(/ /g, "-")}): ${c.description()}`)
      .join("\n"),
    "",
    ...commands.map(commandSection),
  ].join("\n");
  const config = (await prettier.resolveConfig(CLI_DOC)) ?? {};
  return prettier.format(page, { ...config, parser: "markdown" });
}

async function main(): Promise<void> {
  const page = await renderCliDoc();
  if (process.argv.includes("--check")) {
    const current = await readFile(CLI_DOC, "utf8").catch(() => "");
    if (current !== page) {
      process.stderr.write("docs/cli.md is out of date: run npm run docs\n");
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(CLI_DOC, page);
  process.stdout.write(`wrote ${CLI_DOC}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
