/**
 * The layers of src/, enforced by `npm run lint` (dependency-cruiser). Imports only point down this list; folders
 * on one line are siblings and may use each other as long as no cycle forms. A new upward import or a cycle fails
 * with the rule's name and this comment's order.
 */
const LAYERS = [
  ["errors", "version", "numeric", "io"],
  ["video"],
  ["preprocess"],
  ["model"],
  ["space"],
  ["store"],
  ["embed"],
  ["classify", "search", "map"],
  ["distributed"],
  ["demo", "server", "cli", "helpers"],
  ["index"],
];
const ORDER = LAYERS.map((tier) => tier.join(", ")).join(" < ");
/** `src/name/…` or `src/name.ts`. */
const under = (names) => `^src/(${names.join("|")})(/|\\.ts$)`;

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((tier, i) => ({
      name: `layer-${tier.join("-")}`,
      comment: `${tier.join(", ")} may only import layers below it (${ORDER})`,
      severity: "error",
      from: { path: under(tier) },
      to: { path: under(LAYERS.slice(i + 1).flat()) },
    })),
    {
      name: "no-cycles",
      comment: "modules must not import each other, directly or through others",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "src-not-tests",
      comment: "src/ never imports test/ or bench/",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    includeOnly: "^src/",
  },
};
