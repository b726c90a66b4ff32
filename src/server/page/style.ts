/** The page's stylesheet, served at /page.css. */

/**
 * CSS of the page.
 *
 * @example
 * reply.type("text/css; charset=utf-8").send(PAGE_CSS);
 */
export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f5f6f8; --accent: #3559e0; font-family: system-ui, sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
header { display: flex; align-items: baseline; gap: 1rem; padding: 0.8rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 1.3rem; }
header p { margin: 0; color: var(--muted); flex: 1; }
main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(360px, 1.3fr); gap: 1rem; padding: 1rem 1.5rem; }
.column { display: flex; flex-direction: column; gap: 1rem; min-width: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1rem; }
h2 { font-size: 1rem; margin: 0 0 0.6rem; }
h3 { font-size: 0.85rem; margin: 0.8rem 0 0.4rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.muted { color: var(--muted); font-size: 0.85rem; margin: 0.2rem 0; }
.row { display: flex; justify-content: space-between; align-items: center; }
#drop-zone { display: flex; flex-direction: column; align-items: center; gap: 0.3rem; padding: 1.6rem; border: 2px dashed #b6c2e2; border-radius: 10px; cursor: pointer; text-align: center; }
#drop-zone.over { background: #eef2ff; border-color: var(--accent); }
#drop-zone span { color: var(--muted); font-size: 0.9rem; }
#drop-zone input { margin-top: 0.5rem; font-size: 0.8rem; }
#status { min-height: 1.2em; margin: 0.6rem 0 0; font-size: 0.9rem; }
#status.error { color: #b42318; }
.labels { list-style: none; margin: 0; padding: 0; }
.labels li { display: grid; grid-template-columns: 9rem 1fr 3.5rem; align-items: center; gap: 0.5rem; padding: 0.15rem 0; font-size: 0.9rem; }
.labels .bar { height: 0.6rem; background: #e8ecfb; border-radius: 4px; overflow: hidden; }
.labels .bar span { display: block; height: 100%; background: var(--accent); }
.labels .score { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.videos { list-style: none; margin: 0; padding: 0; }
.videos li { display: flex; align-items: center; gap: 0.6rem; padding: 0.3rem; border-radius: 8px; }
.videos li:hover { background: #f2f4f7; }
.videos img { width: 64px; height: 48px; object-fit: cover; border-radius: 4px; background: #e4e7ec; flex: none; }
.videos .name { font-size: 0.9rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.videos .meta { font-size: 0.8rem; color: var(--muted); }
.videos button { all: unset; display: flex; align-items: center; gap: 0.6rem; cursor: pointer; width: 100%; min-width: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 0.3rem; max-height: 22rem; overflow: auto; }
.badge { font-size: 0.7rem; padding: 0 0.3rem; border-radius: 4px; background: #fee4e2; color: #b42318; }
#map { width: 100%; height: auto; background: #fbfbfd; border: 1px solid var(--line); border-radius: 8px; }
#map circle.point { stroke: #fff; stroke-width: 1; cursor: pointer; }
#map circle.point.selected { stroke: #000; stroke-width: 2; }
#map .new-point { fill: none; stroke: #d92d20; stroke-width: 3; }
#map text { font-size: 12px; fill: #d92d20; font-weight: 600; }
#legend { display: flex; flex-wrap: wrap; gap: 0.3rem 0.9rem; list-style: none; padding: 0; margin: 0.5rem 0 0; font-size: 0.8rem; }
#legend i { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%; margin-right: 0.3rem; vertical-align: -1px; }
dialog { border: 1px solid var(--line); border-radius: 10px; }
dialog input { display: block; margin: 0.5rem 0; padding: 0.4rem; width: 16rem; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;
