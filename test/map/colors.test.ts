import assert from "node:assert/strict";
import { test } from "node:test";
import { UNLABELLED, UNLABELLED_COLOR, legendFor } from "../../src/map/colors.js";

test("legendFor: classes sorted by name, unlabelled last, each point's group", () => {
  const { legend, groups } = legendFor(["b", "a", null, "a"]);
  assert.deepEqual(legend, [
    { name: "a", color: "#4e79a7", count: 2 },
    { name: "b", color: "#f28e2b", count: 1 },
    { name: UNLABELLED, color: UNLABELLED_COLOR, count: 1 },
  ]);
  assert.deepEqual(groups, [1, 0, 2, 0]);
});

test("legendFor: more classes than the palette still get distinct colours", () => {
  const names = Array.from({ length: 40 }, (_, i) => `class ${String(i).padStart(2, "0")}`);
  const { legend } = legendFor(names);
  assert.equal(new Set(legend.map((e) => e.color)).size, 40);
  assert.deepEqual(legendFor([]), { legend: [], groups: [] });
});
