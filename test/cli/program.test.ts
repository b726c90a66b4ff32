import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_PIPELINE_SPEC } from "../../src/classify/spec.js";
import { VidmaeError } from "../../src/errors.js";
import { DEFAULT_PIPELINE_HELP } from "../../src/cli/options.js";
import { buildProgram } from "../../src/cli/program.js";
import { VERSION } from "../../src/version.js";
import { assertVidmaeError } from "../helpers/errors.js";
import { runCliInProcess } from "./helpers.js";

describe("buildProgram", () => {
  it("registers every command without running any", () => {
    const names = buildProgram().commands.map((c) => c.name());
    for (const name of ["embed", "train", "serve", "worker", "queue", "similar", "search-moments", "map"])
      assert.ok(names.includes(name), name);
  });

  it("writes --version and --help to the stdout it is given, exit 0", async () => {
    assert.deepEqual(await runCliInProcess(["--version"]), { code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const help = await runCliInProcess(["train", "--help"]);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /--pipeline <spec> +pipeline SPEC \(default standard-scaler,logistic-regression\)/,
    );
  });

  it("shows classify's default pipeline in the help text", () => {
    assert.equal(DEFAULT_PIPELINE_HELP, DEFAULT_PIPELINE_SPEC);
  });
});

describe("assertVidmaeError", () => {
  it("checks the code and the message, thrown or rejected", async () => {
    const fail = () => {
      throw new VidmaeError("E_IO", "Cannot read a.json");
    };
    await assertVidmaeError(fail, "E_IO", "Cannot read a.json");
    await assertVidmaeError(async () => fail(), "E_IO", /^Cannot read/);
    await assert.rejects(assertVidmaeError(fail, "E_DATA", "Cannot read a.json"));
    await assert.rejects(assertVidmaeError(() => 1, "E_IO", /./));
  });
});
