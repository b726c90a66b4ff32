import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertSameSpace, describeSpace } from "../../src/space/compare.js";
import { keyedSpace, spaceKey } from "../../src/space/spec.js";
import { SPEC } from "../store/helpers.js";

const CONTEXT = { wanted: "m.json was trained on", given: "these vectors are from", hint: "re-embed" };

describe("describeSpace", () => {
  it("names key prefix, model, pooling, sampling, crops, precision and dimension", () => {
    assert.equal(
      describeSpace(keyedSpace(SPEC)),
      `${spaceKey(SPEC).slice(0, 12)} (MCG-NJU/videomae-base, mean pooling, 2 clips T=8 every 2 frames, 1 crop, fp32, dim 4)`,
    );
    const uniform = keyedSpace({ ...SPEC, sampling: { method: "uniform", numFrames: 16, crops: 3 } });
    assert.match(
      describeSpace(uniform),
      / \(MCG-NJU\/videomae-base, mean pooling, uniform T=16, 3 crops, fp32, dim 4\)$/,
    );
  });
});

describe("assertSameSpace", () => {
  it("accepts the same space under another model name or revision", () => {
    assertSameSpace(SPEC, { ...SPEC, model: "/copies/videomae", revision: null }, CONTEXT);
  });

  it("refuses another space with E_DATA, naming both", () => {
    const other = { ...SPEC, precision: "int8" as const };
    assert.throws(() => assertSameSpace(SPEC, other, CONTEXT), {
      code: "E_DATA",
      message:
        `m.json was trained on embedding space ${describeSpace(keyedSpace(SPEC))} but these vectors are from ` +
        `space ${describeSpace(keyedSpace(other))}; re-embed`,
    });
  });
});
