/**
 * Colours for the classes of a map, shared by the HTML, SVG and PNG renderings so a class looks the same in all.
 */

/** Tableau's 10-colour categorical palette: distinct on white and for most colour-vision deficiencies. */
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/** Colour of points without a class (unlabelled videos). */
export const UNLABELLED_COLOR = "#9e9e9e";

/** Legend name of points without a class. */
export const UNLABELLED = "(unlabelled)";

/**
 * One legend entry: a class, its colour and how many points have it.
 *
 * @example
 * const entry: LegendEntry = { name: "juggling", color: "#4e79a7", count: 12 };
 */
export interface LegendEntry {
  name: string;
  color: string;
  count: number;
}

/**
 * Legend of the given classes (null: unlabelled), sorted by name with unlabelled last, and each point's index in
 * it. The first 10 classes take the palette; further ones get hues spaced by the golden angle.
 *
 * @example
 * const { legend, groups } = legendFor(["b", "a", null, "a"]);
 * // legend: a (2), b (1), (unlabelled) (1); groups: [1, 0, 2, 0]
 */
export function legendFor(classes: readonly (string | null)[]): { legend: LegendEntry[]; groups: number[] } {
  const counts = new Map<string, number>();
  let unlabelled = 0;
  for (const c of classes) {
    if (c === null) unlabelled++;
    else counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const names = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const legend = names.map((name, i) => ({ name, color: colorAt(i), count: counts.get(name)! }));
  if (unlabelled > 0) legend.push({ name: UNLABELLED, color: UNLABELLED_COLOR, count: unlabelled });
  const index = new Map(names.map((name, i) => [name, i]));
  const groups = classes.map((c) => (c === null ? names.length : index.get(c)!));
  return { legend, groups };
}

function colorAt(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  const hue = Math.round((i * 137.508) % 360);
  return `hsl(${hue}, 55%, ${i % 2 === 0 ? 45 : 60}%)`;
}
