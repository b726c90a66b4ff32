/** The page's stylesheet, served at /page.css. */

/**
 * CSS of the page: two columns on a wide screen, one on a phone; every control shows where the keyboard focus is.
 *
 * @example
 * reply.type("text/css; charset=utf-8").send(PAGE_CSS);
 */
export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #5d6679; --line: #e4e7ec; --bg: #f5f6f8; --accent: #3559e0; --focus: #f59e0b; font-family: system-ui, sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem 1rem; z-index: 10; }
.skip:focus { left: 0.5rem; }
header { display: flex; align-items: baseline; flex-wrap: wrap; gap: 0.4rem 1rem; padding: 0.8rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 1.3rem; }
header p { margin: 0; color: var(--muted); flex: 1; }
header a { color: var(--accent); }
main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(360px, 1.3fr); gap: 1rem; padding: 1rem 1.5rem; }
.column { display: flex; flex-direction: column; gap: 1rem; min-width: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1rem; min-width: 0; }
h2 { font-size: 1rem; margin: 0 0 0.6rem; overflow-wrap: anywhere; }
h3 { font-size: 0.85rem; margin: 0.8rem 0 0.4rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.muted { color: var(--muted); font-size: 0.85rem; margin: 0.2rem 0; }
.row { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
.row h2 { margin: 0; }
button, select, input[type=text], input[type=search] { font: inherit; font-size: 0.9rem; padding: 0.35rem 0.6rem; border: 1px solid #c9cfdb; border-radius: 6px; background: #fff; color: var(--fg); min-height: 2.2rem; }
button { cursor: pointer; background: #eef2ff; border-color: #b6c2e2; }
button:disabled { cursor: default; opacity: 0.5; }
#drop-zone { display: flex; flex-direction: column; align-items: center; gap: 0.3rem; padding: 1.4rem; border: 2px dashed #b6c2e2; border-radius: 10px; cursor: pointer; text-align: center; }
#drop-zone.over { background: #eef2ff; border-color: var(--accent); }
#drop-zone span { color: var(--muted); font-size: 0.9rem; }
#drop-zone input { margin-top: 0.5rem; font-size: 0.85rem; max-width: 100%; }
.add-form { display: grid; grid-template-columns: auto 1fr; gap: 0.5rem 0.7rem; align-items: center; }
.add-form input[type=file] { max-width: 100%; font-size: 0.85rem; }
.add-form button { grid-column: 1 / -1; justify-self: start; }
#job progress { width: 100%; height: 0.8rem; margin: 0.6rem 0 0.2rem; accent-color: var(--accent); }
.processing { display: flex; align-items: center; gap: 0.5rem; margin: 0.4rem 0 0; font-size: 0.9rem; }
.spinner { width: 1rem; height: 1rem; border: 2px solid #c7d2fe; border-top-color: var(--accent); border-radius: 50%; animation: spin 0.8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation: none; } }
#status { min-height: 1.2em; margin: 0.4rem 0 0; font-size: 0.9rem; }
#status.error { color: #b42318; }
.stored { color: #067647; font-size: 0.9rem; }
#player { display: block; width: 100%; max-height: 50vh; background: #000; border-radius: 6px; margin-top: 0.6rem; }
.track { position: relative; height: 0.6rem; margin-top: 0.4rem; background: #e8ecfb; border-radius: 4px; }
#track-range { position: absolute; top: 0; bottom: 0; background: #f59e0b; border-radius: 4px; }
#track-head { position: absolute; top: -0.2rem; width: 2px; height: 1rem; background: var(--fg); }
.labels { list-style: none; margin: 0; padding: 0; }
.labels li { display: grid; grid-template-columns: minmax(5rem, 9rem) 1fr 3.5rem; align-items: center; gap: 0.5rem; padding: 0.15rem 0; font-size: 0.9rem; }
.labels .label { overflow-wrap: anywhere; }
.labels .bar { height: 0.6rem; background: #e8ecfb; border-radius: 4px; overflow: hidden; }
.labels .bar span { display: block; height: 100%; background: var(--accent); }
.labels .score { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
.videos { list-style: none; margin: 0; padding: 0; }
.videos li { display: flex; align-items: center; gap: 0.6rem; padding: 0.3rem; border-radius: 8px; min-width: 0; }
.videos li:hover { background: #f2f4f7; }
.videos img { width: 64px; height: 48px; object-fit: cover; border-radius: 4px; background: #e4e7ec; flex: none; }
.videos .text { min-width: 0; }
.videos .name { font-size: 0.9rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.videos .meta { font-size: 0.8rem; color: var(--muted); }
.videos button { all: unset; display: flex; align-items: center; gap: 0.6rem; cursor: pointer; width: 100%; min-width: 0; border-radius: 6px; }
.videos button:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.videos button:disabled { cursor: default; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 0.3rem; }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 0.8rem; margin-bottom: 0.6rem; font-size: 0.85rem; color: var(--muted); }
.filters label { display: flex; align-items: center; gap: 0.4rem; }
.pager { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; margin-top: 0.6rem; font-size: 0.85rem; color: var(--muted); }
.badge { font-size: 0.7rem; padding: 0 0.3rem; border-radius: 4px; background: #fee4e2; color: #b42318; }
#map { width: 100%; height: auto; background: #fbfbfd; border: 1px solid var(--line); border-radius: 8px; }
#map circle.point { stroke: #fff; stroke-width: 1; cursor: pointer; }
#map circle.point.selected { stroke: #000; stroke-width: 2; }
#map circle.point:focus-visible { outline: none; stroke: var(--focus); stroke-width: 4; }
#map .new-point { fill: none; stroke: #d92d20; stroke-width: 3; }
#map text { font-size: 12px; fill: #d92d20; font-weight: 600; }
#legend { display: flex; flex-wrap: wrap; gap: 0.3rem 0.9rem; list-style: none; padding: 0; margin: 0.5rem 0 0; font-size: 0.8rem; }
#legend i { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 50%; margin-right: 0.3rem; vertical-align: -1px; }
dialog { border: 1px solid var(--line); border-radius: 10px; max-width: calc(100vw - 2rem); }
dialog input { display: block; margin: 0.5rem 0; padding: 0.4rem; width: 16rem; max-width: 100%; }
[hidden] { display: none !important; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
@media (max-width: 600px) {
  header { padding: 0.6rem 0.8rem; }
  main { padding: 0.6rem; gap: 0.6rem; }
  .column { gap: 0.6rem; }
  .card { padding: 0.75rem; }
  .grid { grid-template-columns: 1fr; }
  .filters label, .filters input, .filters select { width: 100%; }
  .filters input, .filters select { flex: 1; }
  .videos li { padding: 0.4rem 0.2rem; }
  .videos button { min-height: 48px; }
  .labels li { grid-template-columns: minmax(4rem, 7rem) 1fr 3rem; }
}
`;
