/**
 * The TSDoc `@example` blocks of the documented public surface run: the main entry, the one-call helpers and
 * the subpath entries. Each block becomes a module (imports of `vidmae` / `vidmae/<subpath>` point at src/) run in
 * a folder holding the names the examples use (cat.mp4, a.mp4, query.mp4, vidmae.db) with the hub ids served by a
 * fake hub holding the tiny model. A `// → …` comment states what the console.log on its line prints; the test
 * checks the printed lines against them in order: exactly, or for examples run on stand-ins (a model, the
 * videos, the store) with numbers and space keys aside (the tiny model has 16 dims where the real one has 768,
 * random scores, and the test videos are shorter).
 */
import assert from "node:assert/strict";
import { readFileSync, realpathSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { ROOT, runCliInProcess } from "../cli/helpers.js";
import { tempDir } from "../helpers/temp.js";
import { docPages } from "./doc-commands.js";
import { type DocWorkspace, makeDocWorkspace } from "./workspace.js";

/**
 * Files whose examples document the public surface: the main entry, src/helpers/*, and the subpath entries but
 * three: `vidmae/distributed` (needs Redis), `vidmae/web` (runs in a browser; tested in Chromium by test/web) and
 * `vidmae/demo` (minutes of work; `vidmae demo` runs in commands.test.ts).
 */
const FILES = [
  "src/index.ts",
  "src/helpers/index.ts",
  "src/helpers/quick.ts",
  ...["model", "video", "preprocess", "space", "embed", "classify", "store", "search", "map", "server"].map(
    (sub) => `src/${sub}/index.ts`,
  ),
];

interface Example {
  /** `file:line` of the `@example` tag. */
  where: string;
  code: string;
}

/** Every `@example` block of `file`: the lines after the tag up to the next tag or the comment's end. */
function examplesOf(file: string): Example[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\* @example\s*$/.test(lines[i] ?? "")) continue;
    const code: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*\*\/|^\s*\* @/.test(lines[j] ?? ""); j++)
      code.push((lines[j] ?? "").replace(/^\s*\* ?/, ""));
    out.push({ where: `${file}:${i + 1}`, code: code.join("\n") });
    i = j;
  }
  return out;
}

/** `vidmae` → src/index.ts, `vidmae/<subpath>` → src/<subpath>/index.ts, as file URLs (to run) or paths (to type-check). */
function mapImports(code: string, as: "url" | "path" = "url"): string {
  return code.replace(/from "vidmae(?:\/([a-z-]+))?"/g, (_, sub: string | undefined) => {
    const file = join(ROOT, "src", sub ?? "", "index.ts");
    return `from ${JSON.stringify(as === "url" ? pathToFileURL(file).href : file)}`;
  });
}

/** What each `// →` comment says is printed, in order (on the console.log's line or the line below it). */
function expectedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => (m[1] ?? "").trim());
}

/** Examples whose output depends on the model or the videos (the tiny stand-ins print other numbers). */
const usesStandIns = (code: string): boolean => /MCG-NJU\/|vidmae\.db|\.mp4/.test(code);

const dir = tempDir("vidmae-examples-");
const real = realpathSync(dir);
let ws: DocWorkspace;
const savedEnv: Record<string, string | undefined> = {};

/**
 * For an example run on stand-ins: paths are printed absolute (the workspace's), space keys and numbers vary with
 * the model and the videos.
 */
function normalise(line: string): string {
  return line
    .replaceAll(real, "")
    .replace(/\b[0-9a-f]{12}\b/g, "<key>")
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, "#");
}

before(async () => {
  ws = await makeDocWorkspace(dir);
  process.chdir(dir);
  const r = await runCliInProcess(["embed", "videos/", "--db", "vidmae.db", "--labels-from-dirs"], ws.env);
  assert.equal(r.code, 0, r.stderr);
  for (const [k, v] of Object.entries(ws.env)) {
    savedEnv[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await mkdir(join(dir, "examples"));
  await copyFile("vidmae.db", "pristine.db");
});

// Each example starts from the same store (one that embeds adds a space the next would have to choose from).
beforeEach(() => copyFile("pristine.db", "vidmae.db"));

after(async () => {
  for (const [k, v] of Object.entries(savedEnv))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await ws?.hub.close();
});

/** The `ts` code blocks of the README and docs/*.md, as examples. */
function docBlocks(): Example[] {
  const out: Example[] = [];
  for (const page of docPages()) {
    const lines = readFileSync(join(ROOT, page), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? "")) continue;
      const start = i;
      while (++i < lines.length && !/^```/.test(lines[i] ?? ""));
      out.push({ where: `${page}:${start + 1}`, code: lines.slice(start + 1, i).join("\n") });
    }
  }
  return out;
}

/**
 * Doc code blocks not run, keyed by their first line after the imports, with why. Placeholders a page explains in
 * words (`pixels`, `X`) would need a ViT-B sized input or a data set to stand in for them.
 */
const BLOCKS_NOT_RUN: Record<string, string> = {
  "const clf = new Pipeline([": "X, y and Xtest stand for the page's arrays of vectors and labels",
  'const model = await VideoMAE.load("MCG-NJU/videomae-base-finetuned-kinetics", { threads: 4 });':
    "pixels stands for a [1, 16, 3, 224, 224] input; the tiny stand-in model takes [1, 4, 3, 32, 32]",
  'const model = await VideoMAE.load("MCG-NJU/videomae-base-finetuned-kinetics"); // or a directory':
    "pixelValues stands for a [1, 16, 3, 224, 224] input; the tiny stand-in model takes [1, 4, 3, 32, 32]",
};

const examples = [...FILES.flatMap(examplesOf), ...docBlocks()];

/** The first line of `code` that is not an import or blank: the key of {@link BLOCKS_NOT_RUN}. */
const firstStatement = (code: string): string =>
  code.split("\n").find((l) => l.trim() !== "" && !/^import\b/.test(l)) ?? "";

test("the documented surface has examples (the extraction finds them)", () => {
  for (const file of FILES)
    assert.ok(
      examples.some((e) => e.where.startsWith(`${file}:`)),
      `${file} has no @example`,
    );
});

test("BLOCKS_NOT_RUN lists only blocks the docs still show", () => {
  const shown = new Set(examples.map((e) => firstStatement(e.code)));
  for (const key of Object.keys(BLOCKS_NOT_RUN)) assert.ok(shown.has(key), `no doc block starts: ${key}`);
});

test("every example type-checks as a user's strict TypeScript module", async () => {
  await mkdir(join(dir, "typecheck"));
  const files: string[] = [];
  for (const [n, example] of examples.entries()) {
    if (BLOCKS_NOT_RUN[firstStatement(example.code)]) continue;
    files.push(join(dir, "typecheck", `example-${n}.mts`));
    await writeFile(files.at(-1)!, `${mapImports(example.code, "path")}\nexport {};\n`);
  }
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), (f) => readFileSync(f, "utf8"));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, {
    ...options,
    ...{ noEmit: true, declaration: false, sourceMap: false, allowImportingTsExtensions: true },
  });
  const wrong = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => {
      const where = examples[Number(/example-(\d+)/.exec(d.file!.fileName)?.[1])]?.where;
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
  assert.deepEqual(wrong, []);
});

for (const [n, example] of examples.entries()) {
  const skip = BLOCKS_NOT_RUN[firstStatement(example.code)];
  test(`${example.where} runs and prints what its // → comments say`, { skip }, async (t) => {
    const printed: string[] = [];
    const key = `__vidmaeExample${n}`;
    (globalThis as Record<string, unknown>)[key] = printed;
    const prelude = [
      'import { format as __format } from "node:util";',
      `const console = Object.assign(Object.create(globalThis.console), { log: (...a: unknown[]) => (globalThis as any).${key}.push(__format(...a)) });`,
    ];
    const file = join(dir, "examples", `example-${n}.mts`);
    await writeFile(file, [...prelude, mapImports(example.code), "export {};"].join("\n"));
    await import(pathToFileURL(file).href);
    t.diagnostic(`printed:\n${printed.join("\n")}`);
    const expected = expectedOutput(example.code);
    assert.ok(
      printed.length >= expected.length,
      `printed ${printed.length} lines, // → says ${expected.length}`,
    );
    // console.log breaks long objects over lines; the comment holds them on one.
    const oneLine = (line: string) => line.replace(/\s+/g, " ");
    const same = usesStandIns(example.code) ? (l: string) => normalise(oneLine(l)) : oneLine;
    expected.forEach((line, i) =>
      assert.equal(same(printed[i] ?? ""), same(line), `printed: ${printed[i]}\n// → ${line}`),
    );
  });
}
