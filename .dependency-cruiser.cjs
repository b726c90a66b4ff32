/**
 * The layers of src/, enforced by `npm run lint` (dependency-cruiser). Imports only point down this list; folders
 * on one line are siblings and may use each other as long as no cycle forms. A new upward import or a cycle fails
 * with the rule's name and this comment's order.
 */
const LAYERS = [
  ["errors", "version", "native", "numeric", "io"],
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
// A CommonJS config file: require is how it imports.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { builtinModules } = require("node:module");
/** Node's built-in modules, as dependency-cruiser names them (`fs`, `node:test`). */
const NODE_BUILTINS = `^(node:)?(${builtinModules.join("|")})$`;
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
      name: "web-is-a-leaf",
      comment: "src/web/ is the browser build's entry: nothing else in src/ imports it",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/web/" },
      to: { path: "^src/web/" },
    },
    {
      name: "web-no-node-builtins",
      comment: "src/web/ and everything it imports, however indirectly, runs in a browser: no Node built-ins",
      severity: "error",
      from: { path: "^src/web/" },
      to: { path: NODE_BUILTINS, reachable: true },
    },
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
    // Node built-ins stay in the graph so web-no-node-builtins can see them.
    includeOnly: ["^src/", NODE_BUILTINS],
  },
};
