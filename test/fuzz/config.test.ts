/**
 * Property-based fuzzing of config.json: any JSON, and VideoMAE configs of hostile sizes checked against the
 * weights of a small model as loadCheckpoint does, give a bounded config or a VidmaeError, within a time bound.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { VidmaeError } from "../../src/errors.js";
import {
  CONFIG_LIMITS,
  type VideoMAEConfig,
  checkConfigLimits,
  parseConfigFields,
  parseVideoMAEConfig,
  tokenCount,
} from "../../src/model/videomae/config.js";
import { configMismatch, encoderKeys } from "../../src/model/videomae/keys.js";
import { resultOrVidmaeError } from "./checkpoint-fuzz.js";
import { fuzzParameters } from "./settings.js";

/** A returned config must be one a graph can be built from in bounded memory. */
function assertBounded(c: VideoMAEConfig): void {
  assert.ok(c.num_hidden_layers <= CONFIG_LIMITS.num_hidden_layers);
  assert.ok(c.hidden_size <= CONFIG_LIMITS.hidden_size && c.hidden_size % c.num_attention_heads === 0);
  assert.ok(c.intermediate_size <= CONFIG_LIMITS.intermediate_size);
  assert.ok(tokenCount(c, c.num_frames) <= CONFIG_LIMITS.tokens);
  assert.ok(Number.isInteger(tokenCount(c, c.num_frames)));
}

const size = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 64 }), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      0,
      -1,
      1.5,
      256,
      257,
      4096,
      16384,
      1000000,
      2 ** 31,
      2 ** 53,
      1e308,
      "8",
      null,
      true,
    ),
    weight: 1,
  },
);
const sizes = fc.record(
  {
    image_size: size,
    patch_size: size,
    num_channels: size,
    num_frames: size,
    tubelet_size: size,
    hidden_size: size,
    num_hidden_layers: size,
    num_attention_heads: size,
    intermediate_size: size,
  },
  { requiredKeys: [] },
);
const config = fc
  .tuple(sizes, fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))
  .map(([s, extra]) => ({ ...extra, model_type: "videomae", ...s }));

/** The weights of a two-layer model: hidden 8, 3 channels, tubelet 2, patch 4, intermediate 16. */
const small = parseVideoMAEConfig(
  {
    model_type: "videomae",
    hidden_size: 8,
    num_attention_heads: 2,
    intermediate_size: 16,
    num_hidden_layers: 2,
    image_size: 8,
    patch_size: 4,
    num_frames: 2,
  },
  "small.json",
);
const weights = new Map([...encoderKeys(small)].map(([k, shape]) => [k, { shape }]));

test("config: any JSON value gives a bounded config or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), (json) =>
      resultOrVidmaeError(() => assertBounded(parseVideoMAEConfig(json, "config.json"))),
    ),
    fuzzParameters(),
  );
});

test("config: hostile sizes give a bounded config or a VidmaeError", async () => {
  await fc.assert(
    fc.asyncProperty(config, (json) =>
      resultOrVidmaeError(() => assertBounded(parseVideoMAEConfig(json, "c.json"))),
    ),
    fuzzParameters(),
  );
});

test("config: hostile sizes against a small model's weights are refused before any key list is built", async () => {
  await fc.assert(
    fc.asyncProperty(config, (json) =>
      resultOrVidmaeError(() => {
        const fields = parseConfigFields(json, "c.json");
        const mismatch = configMismatch(fields, weights, "");
        if (mismatch) throw new VidmaeError("E_CHECKPOINT", `c.json ${mismatch}`);
        const checked = checkConfigLimits(fields, "c.json");
        assertBounded(checked);
        assert.ok(encoderKeys(checked).size <= weights.size);
      }),
    ),
    fuzzParameters(),
  );
});
