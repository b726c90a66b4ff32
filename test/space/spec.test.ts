import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VidmaeError } from "../../src/errors.js";
import {
  type EmbeddingSpaceSpec,
  keyedSpace,
  keyedSpaceSchema,
  normalizeSpaceSpec,
  samplingSchema,
  spaceKey,
} from "../../src/space/spec.js";
import { parseInput } from "../../src/space/input.js";
import { SPEC } from "../store/helpers.js";

const key = (spec: EmbeddingSpaceSpec) => spaceKey(normalizeSpaceSpec(spec));

function assertInvalid(spec: unknown, message: string): void {
  assert.throws(
    () => normalizeSpaceSpec(spec as EmbeddingSpaceSpec),
    (e: unknown) => e instanceof VidmaeError && e.code === "E_INVALID_ARGUMENT" && e.message === message,
  );
}

describe("spaceKey", () => {
  it("is pinned: a changed key would orphan every stored space", () => {
    assert.equal(key(SPEC), "01c5e5f3cb0e31068d6344e3c231cad018b1c890972e08543ee0faa2e333dfa6");
  });

  it("gives the keys the store computed before space/ existed (pinned with that code)", () => {
    const base = {
      model: "MCG-NJU/videomae-base-finetuned-kinetics",
      revision: null,
      weightsHash: "sha256:0123abcd",
      pooling: "head",
      precision: "int8",
      dim: 768,
    } as const;
    assert.equal(
      key({ ...base, sampling: { method: "uniform", numFrames: 16, crops: 3 } }),
      "0183e3360661929565fa1bc2210d03995a4b9681b0a83299f12e4cea040bd57a",
    );
    assert.equal(
      key({ ...base, sampling: { method: "clips", numFrames: 16, frameSampleRate: 4, clips: 5, crops: 1 } }),
      "b852aef9285ea454864e0d55f1abcf0925488056caec23cae83fc29e065abace",
    );
  });

  it("ignores the model's name and revision, which the weights hash already pins", () => {
    assert.equal(key({ ...SPEC, model: "/checkpoints/videomae", revision: null }), key(SPEC));
  });

  it("changes with every field that changes vectors", () => {
    const variants: EmbeddingSpaceSpec[] = [
      { ...SPEC, weightsHash: "sha256:other" },
      { ...SPEC, pooling: "head" },
      { ...SPEC, precision: "int8" },
      { ...SPEC, dim: 8 },
      { ...SPEC, sampling: { ...SPEC.sampling, numFrames: 16 } },
      { ...SPEC, sampling: { ...SPEC.sampling, frameSampleRate: 4 } },
      { ...SPEC, sampling: { ...SPEC.sampling, clips: 3 } },
      { ...SPEC, sampling: { ...SPEC.sampling, crops: 3 } },
      { ...SPEC, sampling: { method: "uniform", numFrames: 8, crops: 1 } },
    ];
    const keys = new Set([key(SPEC), ...variants.map(key)]);
    assert.equal(keys.size, variants.length + 1);
  });
});

describe("normalizeSpaceSpec", () => {
  it("drops clip parameters from uniform sampling, so they cannot split a space", () => {
    const uniform: EmbeddingSpaceSpec = { ...SPEC, sampling: { method: "uniform", numFrames: 8, crops: 1 } };
    const withExtras: EmbeddingSpaceSpec = {
      ...uniform,
      sampling: { ...uniform.sampling, clips: 4, frameSampleRate: 2 },
    };
    assert.deepEqual(normalizeSpaceSpec(withExtras).sampling, { method: "uniform", numFrames: 8, crops: 1 });
    assert.equal(key(withExtras), key(uniform));
  });

  it("keeps exactly the spec's fields", () => {
    assert.deepEqual(normalizeSpaceSpec({ ...SPEC, extra: 1 } as EmbeddingSpaceSpec), SPEC);
  });

  it("names the bad field", () => {
    assertInvalid(
      { ...SPEC, pooling: "max" },
      'Expected one of: mean, head for spec.pooling but received "max" of type string',
    );
    assertInvalid(
      { ...SPEC, dim: 0 },
      "Expected positive integer for spec.dim but received 0 of type number",
    );
    assertInvalid(
      { ...SPEC, weightsHash: "" },
      'Expected non-empty string for spec.weightsHash but received "" of type string',
    );
    assertInvalid(
      { ...SPEC, sampling: { ...SPEC.sampling, crops: 2 } },
      "Expected one of: 1, 3 for spec.sampling.crops but received 2 of type number",
    );
    assertInvalid(
      { ...SPEC, sampling: { method: "clips", numFrames: 8, clips: 2, crops: 1 } },
      "Expected positive integer with method clips for spec.sampling.frameSampleRate but received undefined",
    );
    assertInvalid(
      { ...SPEC, sampling: { method: "clips", numFrames: 8, frameSampleRate: 2, crops: 1 } },
      "Expected positive integer with method clips for spec.sampling.clips but received undefined",
    );
    assertInvalid(null, "Expected object for spec but received null");
  });
});

describe("the serialised description", () => {
  it("reads the embedder's `strategy` as `method` and writes `method`", () => {
    const { method: _method, ...rest } = SPEC.sampling;
    const withStrategy = { ...SPEC, sampling: { ...rest, strategy: "clips" } };
    const normal = normalizeSpaceSpec(withStrategy as unknown as EmbeddingSpaceSpec);
    assert.deepEqual(normal, SPEC);
    assert.equal(key(normal), key(SPEC));
    assert.deepEqual(samplingSchema.parse({ strategy: "uniform", numFrames: 16, crops: 1 }), {
      method: "uniform",
      numFrames: 16,
      crops: 1,
    });
  });

  it("keeps `method` when both are given, and still names a missing one", () => {
    const both = { method: "uniform", strategy: "clips", numFrames: 8, crops: 1 };
    assert.equal(samplingSchema.parse(both).method, "uniform");
    assertInvalid(
      { ...SPEC, sampling: { numFrames: 8, crops: 1 } },
      "Expected one of: uniform, clips for spec.sampling.method but received undefined",
    );
  });

  it("a keyed space round-trips through JSON with its key", () => {
    const space = keyedSpace({ ...SPEC, model: "elsewhere", revision: null });
    assert.equal(space.key, key(SPEC));
    assert.deepEqual(parseInput(keyedSpaceSchema, JSON.parse(JSON.stringify(space)), "space"), space);
  });
});
