import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const depcruise = join(root, "node_modules", ".bin", "depcruise");

/** Runs the project's layer rules over a scratch tree of `files` (path under src/ → source). */
function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "vidmae-layers-"));
  dirs.push(dir);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext" } }));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, "src", path)), { recursive: true });
    writeFileSync(join(dir, "src", path), source);
  }
  const run = spawnSync(
    depcruise,
    ["src", "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err"],
    { cwd: dir, encoding: "utf8" },
  );
  return { status: run.status, output: run.stdout + run.stderr };
}
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("npm run lint: the layer rules", () => {
  it("accept imports that point down", () => {
    const { status, output } = cruise({
      "embed/run.ts": 'import { put } from "../store/put.js";\nexport const run = put;\n',
      "store/put.ts": 'import { fail } from "../errors.js";\nexport const put = fail;\n',
      "errors.ts": "export const fail = 1;\n",
    });
    assert.equal(status, 0, output);
  });

  it("fail on a planted upward import, naming the rule and the order", () => {
    const { status, output } = cruise({
      "store/put.ts": 'import { run } from "../embed/run.js";\nexport const put = run;\n',
      "embed/run.ts": "export const run = 1;\n",
    });
    assert.notEqual(status, 0);
    assert.match(output, /error layer-store: src\/store\/put\.ts → src\/embed\/run\.ts/);
  });

  it("fail on a planted upward import from the ground floor", () => {
    const { status, output } = cruise({
      "numeric/solve.ts": 'import { fit } from "../classify/fit.js";\nexport const solve = fit;\n',
      "classify/fit.ts": "export const fit = 1;\n",
    });
    assert.notEqual(status, 0);
    assert.match(
      output,
      /error layer-errors-version-native-numeric-io: src\/numeric\/solve\.ts → src\/classify\/fit\.ts/,
    );
  });

  it("fail on an import cycle inside one layer", () => {
    const { status, output } = cruise({
      "map/a.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
      "map/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    });
    assert.notEqual(status, 0);
    assert.match(output, /error no-cycles: src\/map\/(a|b)\.ts/);
  });
});
