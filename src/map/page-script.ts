/**
 * The map page's style and script, inlined into every page so it works offline from a file. The scatter is a
 * small hand-written canvas plot (hover, click, zoom, pan, legend toggles): inlining a charting library would add
 * hundreds of kilobytes to every page for these few interactions. The script reads the map data from the
 * `#map-data` JSON block; names and labels reach the page only through `textContent`, never as HTML.
 */

/** The page's CSS. */
export const PAGE_STYLE = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;background:#fff}
body{display:flex;flex-direction:column}
header{padding:10px 16px;border-bottom:1px solid #e3e3e3}
h1{font-size:18px;margin:0}
header p{margin:2px 0 0;color:#666;font-size:13px}
main{flex:1;display:flex;min-height:0}
#plot{flex:1;position:relative;min-width:0;cursor:crosshair}
#plot.dragging{cursor:grabbing}
canvas{display:block;width:100%;height:100%}
aside{width:300px;border-left:1px solid #e3e3e3;overflow:auto;padding:8px 14px}
h2{font-size:14px;margin:10px 0 6px}
ul.legend{list-style:none;margin:0;padding:0}
ul.legend li{display:flex;align-items:center;gap:8px;padding:2px 4px;border-radius:4px;cursor:pointer;user-select:none}
ul.legend li:hover{background:#f3f3f3}
ul.legend li.off{opacity:.35}
.swatch{width:12px;height:12px;border-radius:50%;flex:none}
.count{margin-left:auto;color:#888;font-variant-numeric:tabular-nums}
.hint{color:#888}
.item{display:flex;gap:8px;align-items:center;padding:4px;border-radius:4px}
ol .item{cursor:pointer}
ol .item:hover{background:#f3f3f3}
ol{margin:0;padding:0;list-style:none}
.item img,.thumb-missing{width:64px;height:48px;object-fit:cover;border-radius:3px;background:#eee;flex:none}
.meta{min-width:0}
.name{font-weight:600;overflow-wrap:anywhere}
.sub{color:#666;font-size:12px}
#tip{position:absolute;pointer-events:none;background:rgba(255,255,255,.97);border:1px solid #ccc;border-radius:6px;padding:6px;box-shadow:0 2px 8px rgba(0,0,0,.15);max-width:260px;font-size:12px}
#tip img{display:block;max-width:160px;max-height:120px;margin-bottom:4px;border-radius:3px}
`;

/** The page's script (plain ES2019, no dependencies). */
export const PAGE_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var pts = data.points;
  var plot = document.getElementById("plot");
  var canvas = document.getElementById("canvas");
  var ctx = canvas.getContext("2d");
  var tip = document.getElementById("tip");
  var detail = document.getElementById("detail");
  var off = {};
  var selected = -1;
  var hover = -1;
  var view = { k: 1, dx: 0, dy: 0 };
  var fit = { s: 1, ox: 0, oy: 0 };
  var W = 0;
  var H = 0;
  var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  pts.forEach(function (p) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  });
  var radius = Math.max(2.5, Math.min(6, 120 / Math.sqrt(pts.length || 1)));

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function thumb(p) {
    var url = data.thumbnails[String(p.videoId)];
    if (!url) return el("div", "thumb-missing");
    var img = el("img");
    img.src = url;
    img.alt = "";
    return img;
  }
  function classText(p) {
    var label = "label: " + (p.label === null ? "(unlabelled)" : p.label);
    return data.colorBy === "predicted" ? label + " · predicted: " + p.predicted : label;
  }
  function clipText(p) {
    if (p.clipIndex === undefined) return "";
    var t = "clip " + p.clipIndex + (p.crop ? " crop " + p.crop : "");
    if (p.startSec !== undefined) t += " · " + p.startSec.toFixed(1) + "–" + p.endSec.toFixed(1) + " s";
    return t;
  }
  function describe(p, extra) {
    var meta = el("div", "meta");
    meta.appendChild(el("div", "name", p.name));
    meta.appendChild(el("div", "sub", classText(p)));
    var clip = clipText(p);
    if (clip) meta.appendChild(el("div", "sub", clip));
    if (extra) meta.appendChild(el("div", "sub", extra));
    return meta;
  }

  function X(p) { return (fit.ox + (p.x - minX) * fit.s) * view.k + view.dx; }
  function Y(p) { return (fit.oy + (maxY - p.y) * fit.s) * view.k + view.dy; }
  function visible(i) { return !off[pts[i].group]; }

  function resize() {
    var r = plot.getBoundingClientRect();
    var dpr = window.devicePixelRatio || 1;
    W = r.width; H = r.height;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var pad = 24;
    var sx = (W - 2 * pad) / (maxX - minX || 1);
    var sy = (H - 2 * pad) / (maxY - minY || 1);
    fit.s = Math.max(1e-9, Math.min(sx, sy));
    fit.ox = pad + (W - 2 * pad - fit.s * (maxX - minX)) / 2;
    fit.oy = pad + (H - 2 * pad - fit.s * (maxY - minY)) / 2;
    draw();
  }

  function dot(p, r, fill, stroke, width) {
    ctx.beginPath();
    ctx.arc(X(p), Y(p), r, 0, 2 * Math.PI);
    if (fill) { ctx.fillStyle = fill; ctx.fill(); }
    if (stroke) { ctx.strokeStyle = stroke; ctx.lineWidth = width || 1; ctx.stroke(); }
  }

  function draw() {
    ctx.clearRect(0, 0, W, H);
    var dim = selected >= 0;
    ctx.globalAlpha = dim ? 0.35 : 0.9;
    for (var i = 0; i < pts.length; i++) {
      if (visible(i)) dot(pts[i], radius, data.legend[pts[i].group].color, "#fff", 0.75);
    }
    ctx.globalAlpha = 1;
    if (dim) {
      var s = pts[selected];
      ctx.strokeStyle = "#555";
      ctx.lineWidth = 1;
      s.neighbours.forEach(function (j) {
        ctx.beginPath();
        ctx.moveTo(X(s), Y(s));
        ctx.lineTo(X(pts[j]), Y(pts[j]));
        ctx.stroke();
      });
      s.neighbours.forEach(function (j) {
        dot(pts[j], radius + 1, data.legend[pts[j].group].color, "#222", 1.5);
      });
      dot(s, radius + 3, data.legend[s.group].color, "#000", 2.5);
    }
    if (hover >= 0) dot(pts[hover], radius + 3, null, "#000", 1.5);
  }

  function hit(mx, my) {
    var best = -1;
    var bestD = Math.pow(Math.max(8, radius + 3), 2);
    for (var i = 0; i < pts.length; i++) {
      if (!visible(i)) continue;
      var dx = X(pts[i]) - mx, dy = Y(pts[i]) - my;
      var d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = i; }
    }
    return best;
  }

  function showTip(i, mx, my) {
    tip.textContent = "";
    if (i < 0) { tip.hidden = true; return; }
    var p = pts[i];
    if (data.thumbnails[String(p.videoId)]) tip.appendChild(thumb(p));
    tip.appendChild(describe(p));
    tip.hidden = false;
    var left = mx + 14, top = my + 14;
    if (left + tip.offsetWidth > W) left = mx - 14 - tip.offsetWidth;
    if (top + tip.offsetHeight > H) top = Math.max(0, my - 14 - tip.offsetHeight);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function select(i) {
    selected = i;
    detail.textContent = "";
    detail.appendChild(el("h2", null, i < 0 ? "Nearest videos" : "Nearest videos to"));
    if (i < 0) {
      detail.appendChild(el("p", "hint", "Click a point to list its nearest neighbours (cosine distance, full embedding)."));
      history.replaceState(null, "", location.pathname + location.search);
    } else {
      var p = pts[i];
      var head = el("div", "item");
      head.appendChild(thumb(p));
      head.appendChild(describe(p));
      detail.appendChild(head);
      var list = el("ol");
      p.neighbours.forEach(function (j, n) {
        var li = el("li", "item");
        li.appendChild(thumb(pts[j]));
        li.appendChild(describe(pts[j], (n + 1) + ". distance " + p.distances[n].toFixed(3)));
        li.addEventListener("click", function () { select(j); });
        list.appendChild(li);
      });
      if (!p.neighbours.length) detail.appendChild(el("p", "hint", "No other videos."));
      detail.appendChild(list);
      history.replaceState(null, "", "#point=" + i);
    }
    draw();
  }

  function buildLegend() {
    var ul = document.getElementById("legend");
    data.legend.forEach(function (entry, g) {
      var li = el("li");
      var sw = el("span", "swatch");
      sw.style.background = entry.color;
      li.appendChild(sw);
      li.appendChild(el("span", null, entry.name));
      li.appendChild(el("span", "count", String(entry.count)));
      li.title = "show or hide";
      li.addEventListener("click", function () {
        off[g] = !off[g];
        li.classList.toggle("off", off[g]);
        draw();
      });
      ul.appendChild(li);
    });
  }

  var drag = null;
  function pos(e) {
    var r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }
  canvas.addEventListener("mousedown", function (e) {
    var m = pos(e);
    drag = { x: m[0], y: m[1], dx: view.dx, dy: view.dy, moved: false };
  });
  window.addEventListener("mouseup", function (e) {
    if (!drag) return;
    var moved = drag.moved;
    drag = null;
    plot.classList.remove("dragging");
    if (!moved && e.target === canvas) {
      var m = pos(e);
      select(hit(m[0], m[1]));
    }
  });
  canvas.addEventListener("mousemove", function (e) {
    var m = pos(e);
    if (drag) {
      if (Math.abs(m[0] - drag.x) + Math.abs(m[1] - drag.y) > 3) drag.moved = true;
      if (drag.moved) {
        plot.classList.add("dragging");
        view.dx = drag.dx + m[0] - drag.x;
        view.dy = drag.dy + m[1] - drag.y;
        showTip(-1);
        draw();
        return;
      }
    }
    var h = hit(m[0], m[1]);
    if (h !== hover) { hover = h; draw(); }
    showTip(h, m[0], m[1]);
  });
  canvas.addEventListener("mouseleave", function () { hover = -1; showTip(-1); draw(); });
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var m = pos(e);
    var f = Math.exp(-e.deltaY * 0.0015);
    view.dx = m[0] - (m[0] - view.dx) * f;
    view.dy = m[1] - (m[1] - view.dy) * f;
    view.k *= f;
    draw();
  }, { passive: false });
  canvas.addEventListener("dblclick", function () { view = { k: 1, dx: 0, dy: 0 }; draw(); });
  window.addEventListener("keydown", function (e) { if (e.key === "Escape") select(-1); });
  window.addEventListener("resize", resize);

  buildLegend();
  resize();
  var m = /^#point=(\\d+)$/.exec(location.hash);
  select(m && Number(m[1]) < pts.length ? Number(m[1]) : -1);
})();
`;
