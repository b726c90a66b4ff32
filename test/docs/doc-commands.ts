/**
 * The `vidmae` command lines shown in the README and docs/*.md: read from their shell code blocks, split as a
 * shell would, with the synopsis forms (`[--k 10]`, `<dir|org/name>`) told apart from runnable commands.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { globSync } from "tinyglobby";
import { ROOT } from "../cli/helpers.js";

/** One command line of the docs. */
export interface DocCommand {
  /** `README.md` or `docs/<name>.md`, and the 1-based line the command starts on. */
  file: string;
  line: number;
  /** The command as shown (continuation lines joined by one space, prompt and trailing comment removed). */
  text: string;
}

/** The pages whose commands are tested: the README and every page of docs/. */
export function docPages(): string[] {
  const docs = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
  return ["README.md", ...docs.sort().map((f) => `docs/${f}`)];
}

const SHELL_BLOCK = /^(sh|bash|shell|console)?$/;

/** Every `vidmae …` / `npx vidmae …` line in the shell code blocks of `file` (relative to the repo root). */
export function docCommands(file: string): DocCommand[] {
  return commandsIn(readFileSync(join(ROOT, file), "utf8"), file);
}

/**
 * Every `vidmae …` / `npx vidmae …` line in the shell code blocks of the Markdown `text`, from `file`.
 *
 * @example
 * commandsIn("```sh\nnpx vidmae embed v/ \\\n  --db x.db  # go\n```\n", "a.md"); // [{ file: "a.md", line: 2, text: "npx vidmae embed v/ --db x.db" }]
 */
export function commandsIn(text: string, file: string): DocCommand[] {
  const lines = text.split("\n");
  const out: DocCommand[] = [];
  let inBlock = false;
  let shell = false;
  let current: DocCommand | undefined;
  let continued = false;
  for (const [i, raw] of lines.entries()) {
    const fence = /^```(\S*)/.exec(raw);
    if (fence) {
      inBlock = !inBlock;
      shell = inBlock && SHELL_BLOCK.test(fence[1] ?? "");
      current = undefined;
      continue;
    }
    if (!shell) continue;
    const line = stripComment(raw);
    // A trailing backslash, or an indented line under a command (the docs' wrapped synopses), continues it.
    if (current && (continued || /^\s+\S/.test(raw))) {
      current.text = `${current.text} ${line.trim().replace(/\\$/, "").trim()}`.trim();
      continued = line.trimEnd().endsWith("\\");
      continue;
    }
    const text = line.replace(/^\$ /, "").trim();
    if (/^(npx )?vidmae /.test(text)) {
      current = { file, line: i + 1, text: text.replace(/\\$/, "").trim() };
      continued = text.endsWith("\\");
      out.push(current);
    } else current = undefined;
  }
  return out;
}

/** `line` without a shell comment (` # …` outside quotes). */
function stripComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) quote = c === quote ? "" : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** A synopsis shows optional parts or placeholders: `[--k 10]`, `<files|dirs>`, `--out DIR`, `…`. */
export function isSynopsis(text: string): boolean {
  return /[[\]<>…]|\.\.\.|(^|\s)[A-Z]+(?=\s|$)/.test(text.replace(/"[^"]*"|'[^']*'/g, ""));
}

/**
 * The command a synopsis shows with its optional `[…]` parts left out, when that is runnable (no placeholders
 * left); undefined otherwise.
 *
 * @example
 * minimalForm("vidmae similar clip.mp4 --db vidmae.db [--k 10] [--json]"); // "vidmae similar clip.mp4 --db vidmae.db"
 */
export function minimalForm(text: string): string | undefined {
  let out = "";
  let depth = 0;
  for (const c of text) {
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (depth === 0) out += c;
  }
  out = out.replace(/\s+/g, " ").trim();
  return isSynopsis(out) || /\|/.test(out.replace(/"[^"]*"|'[^']*'/g, "")) ? undefined : out;
}

/** Every option-like word of a command or synopsis (`--k`, `-o`), without brackets, values or `|` alternatives. */
export function optionWords(text: string): string[] {
  return text
    .replace(/"[^"]*"|'[^']*'/g, " ")
    .split(/[\s[\]|]+/)
    .filter((w) => /^--?[a-z]/i.test(w))
    .map((w) => w.replace(/=.*$/, ""));
}

/**
 * The arguments a shell would pass for `text` run in `cwd` (after `vidmae` / `npx vidmae`): words split on
 * blanks, quotes removed, unquoted globs expanded (left as written when nothing matches, as bash does).
 */
export function shellArgs(text: string, cwd: string): string[] {
  const args: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = m[3];
    if (word === undefined) args.push(m[1] ?? m[2] ?? "");
    else if (/[*?]/.test(word)) {
      const found = globSync(word, { cwd, onlyFiles: false, expandDirectories: false }).sort();
      args.push(...(found.length > 0 ? found : [word]));
    } else args.push(word);
  }
  const start = args[0] === "npx" ? 2 : 1;
  return args.slice(start);
}
