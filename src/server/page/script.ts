/**
 * The page's script, served at /page.js: plain browser JavaScript, no build step. Every server-provided text
 * (file names, labels, messages) goes into the DOM as textContent, never as HTML.
 */

/**
 * JavaScript of the page.
 *
 * @example
 * reply.type("text/javascript; charset=utf-8").send(PAGE_SCRIPT);
 */
export const PAGE_SCRIPT = String.raw`"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";
  var apiKey = sessionStorage.getItem("vidmae-key") || "";
  var mapData = null;
  var newPoint = null;
  var selectedId = null;
  var lastFile = null;
  var thumbs = new Map();
  var thumbQueue = [];
  var thumbActive = 0;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setStatus(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function askKey() {
    $("key-button").hidden = false;
    if (!$("key-dialog").open) $("key-dialog").showModal();
  }

  async function api(path, init) {
    init = init || {};
    var headers = new Headers(init.headers || {});
    if (apiKey) headers.set("Authorization", "Bearer " + apiKey);
    var res = await fetch(path, Object.assign({}, init, { headers: headers }));
    if (res.status === 401) {
      askKey();
      throw new Error("This server needs an API key");
    }
    if (!res.ok) {
      var message = "HTTP " + res.status;
      try { message = (await res.json()).error.message; } catch (e) { /* not JSON */ }
      var error = new Error(message);
      error.status = res.status;
      throw error;
    }
    return res;
  }

  function pumpThumbs() {
    while (thumbActive < 2 && thumbQueue.length > 0) {
      var job = thumbQueue.shift();
      thumbActive++;
      api("/v1/videos/" + job.id + "/thumbnail")
        .then(function (res) { return res.blob(); })
        .then(function (blob) {
          var url = URL.createObjectURL(blob);
          thumbs.set(job.id, url);
          job.imgs.forEach(function (img) { img.src = url; });
        })
        .catch(function () { job.imgs.forEach(function (img) { img.alt = "no preview"; }); })
        .finally(function () { thumbActive--; pumpThumbs(); });
    }
  }

  // Thumbnails load two at a time, so a large collection never floods the server's thumbnail queue.
  function thumbnail(id) {
    var img = el("img");
    img.alt = "";
    if (thumbs.has(id)) { img.src = thumbs.get(id); return img; }
    var pending = thumbQueue.find(function (j) { return j.id === id; });
    if (pending) pending.imgs.push(img);
    else { thumbQueue.push({ id: id, imgs: [img] }); pumpThumbs(); }
    return img;
  }

  function videoItem(v, meta, onClick) {
    var li = el("li");
    var button = el("button");
    button.type = "button";
    var text = el("div");
    text.style.minWidth = "0";
    text.append(el("div", "name", v.name), el("div", "meta", meta));
    button.append(thumbnail(v.videoId !== undefined ? v.videoId : v.id), text);
    if (onClick) button.addEventListener("click", onClick);
    li.append(button);
    li.dataset.videoId = String(v.videoId !== undefined ? v.videoId : v.id);
    return li;
  }

  function labelList(title, scores) {
    var box = el("div");
    box.append(el("h3", "", title));
    var ol = el("ol", "labels");
    scores.forEach(function (s) {
      var li = el("li");
      var bar = el("div", "bar");
      var fill = el("span");
      fill.style.width = Math.round(s.score * 100) + "%";
      bar.append(fill);
      li.append(el("span", "label", s.label), bar, el("span", "score", (s.score * 100).toFixed(1) + "%"));
      ol.append(li);
    });
    box.append(ol);
    return box;
  }

  function renderLabels(result) {
    var box = $("labels");
    box.replaceChildren();
    if (result.classifier) {
      var scores = result.classifier.scores || [{ label: result.classifier.label, score: 1 }];
      box.append(labelList("Classifier (" + result.classifier.pipeline + ")", scores));
    }
    if (result.head) box.append(labelList("Model head", result.head));
  }

  function describeHit(h) {
    var parts = [h.label || "unlabelled", "distance " + h.distance.toFixed(3)];
    if (h.startSec !== undefined) parts.push(h.startSec.toFixed(1) + "-" + h.endSec.toFixed(1) + " s");
    return parts.join(" · ");
  }

  function renderNeighbours(title, hits) {
    $("similar").hidden = false;
    $("similar-title").textContent = title;
    var ol = $("neighbours");
    ol.replaceChildren();
    if (hits.length === 0) ol.append(el("li", "muted", "The collection has no other videos yet."));
    hits.forEach(function (h) {
      ol.append(videoItem(h, describeHit(h), function () { showSimilar(h.videoId, h.name); }));
    });
  }

  function drawMap() {
    var svg = $("map");
    svg.replaceChildren();
    $("legend").replaceChildren();
    if (!mapData) return;
    var W = 600, H = 400, pad = 24;
    var all = mapData.points.concat(newPoint ? [newPoint] : []);
    var xs = all.map(function (p) { return p.x; });
    var ys = all.map(function (p) { return p.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var sx = function (x) { return pad + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (W - 2 * pad); };
    var sy = function (y) { return H - pad - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * (H - 2 * pad); };
    mapData.points.forEach(function (p) {
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", sx(p.x).toFixed(1));
      c.setAttribute("cy", sy(p.y).toFixed(1));
      c.setAttribute("r", "6");
      c.setAttribute("fill", mapData.legend[p.group].color);
      c.setAttribute("class", "point" + (p.videoId === selectedId ? " selected" : ""));
      var title = document.createElementNS(SVG, "title");
      title.textContent = p.name + " — " + (p.label || "unlabelled");
      c.append(title);
      c.addEventListener("click", function () { showSimilar(p.videoId, p.name); });
      svg.append(c);
    });
    if (newPoint) {
      var ring = document.createElementNS(SVG, "circle");
      ring.setAttribute("cx", sx(newPoint.x).toFixed(1));
      ring.setAttribute("cy", sy(newPoint.y).toFixed(1));
      ring.setAttribute("r", "10");
      ring.setAttribute("class", "new-point");
      svg.append(ring);
      var text = document.createElementNS(SVG, "text");
      text.setAttribute("x", (sx(newPoint.x) + 14).toFixed(1));
      text.setAttribute("y", (sy(newPoint.y) + 4).toFixed(1));
      text.textContent = newPoint.name;
      svg.append(text);
    }
    mapData.legend.forEach(function (entry) {
      var li = el("li");
      var dot = el("i");
      dot.style.background = entry.color;
      li.append(dot, document.createTextNode(entry.name + " (" + entry.count + ")"));
      $("legend").append(li);
    });
  }

  async function loadMap() {
    $("map-note").textContent = "";
    try {
      mapData = await (await api("/v1/map?method=" + $("map-method").value)).json();
      $("map-note").textContent = mapData.points.length + " videos, " + $("map-method").selectedOptions[0].text +
        " of " + mapData.dim + "-d embeddings. Click a point for its neighbours.";
    } catch (e) {
      mapData = null;
      $("map-note").textContent = e.message;
    }
    drawMap();
  }

  async function loadCollection() {
    try {
      var list = await (await api("/v1/videos?limit=500")).json();
      $("collection-title").textContent = "Collection (" + list.total + " videos)";
      $("summary").textContent = list.total + " stored videos";
      var ul = $("collection");
      ul.replaceChildren();
      list.videos.forEach(function (v) {
        var meta = (v.label || "unlabelled") + (v.durationSec !== null ? " · " + v.durationSec.toFixed(1) + " s" : "");
        var li = videoItem(v, meta, v.status === "ok" ? function () { showSimilar(v.id, v.name); } : null);
        if (v.status !== "ok") li.querySelector(".meta").append(" ", el("span", "badge", v.status));
        ul.append(li);
      });
    } catch (e) {
      $("collection-title").textContent = "Collection: " + e.message;
    }
  }

  async function showSimilar(id, name) {
    selectedId = id;
    drawMap();
    try {
      var result = await (await api("/v1/videos/" + id + "/similar?k=6")).json();
      renderNeighbours("Similar to " + name, result.hits);
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  function form(file) {
    var data = new FormData();
    data.append("file", file, file.name);
    return data;
  }

  async function placeAndFindNeighbours(file) {
    var result = await (await api("/v1/similar?k=6&map=" + $("map-method").value, { method: "POST", body: form(file) })).json();
    renderNeighbours("Nearest stored videos", result.hits);
    newPoint = result.point ? { x: result.point.x, y: result.point.y, name: file.name } : null;
    drawMap();
  }

  async function analyze(file) {
    lastFile = file;
    selectedId = null;
    $("result").hidden = false;
    $("result-name").textContent = file.name;
    $("result-info").textContent = "";
    $("labels").replaceChildren();
    setStatus("Classifying " + file.name + "…");
    try {
      var labels = await (await api("/v1/classify?k=5", { method: "POST", body: form(file) })).json();
      $("result-info").textContent = labels.info.width + "×" + labels.info.height + ", " +
        labels.info.durationSec.toFixed(1) + " s, " + labels.info.codec;
      renderLabels(labels);
    } catch (e) {
      if (e.status !== 501) { setStatus(e.message, true); return; }
      $("labels").append(el("p", "muted", e.message));
    }
    setStatus("Finding similar videos…");
    try {
      await placeAndFindNeighbours(file);
      setStatus(file.name + ": done");
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  function refresh() {
    loadCollection();
    loadMap();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var zone = $("drop-zone");
    $("file").addEventListener("change", function () {
      if ($("file").files.length > 0) analyze($("file").files[0]);
    });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer.files.length > 0) analyze(e.dataTransfer.files[0]);
    });
    $("map-method").addEventListener("change", function () {
      newPoint = null;
      loadMap().then(function () { if (lastFile) return placeAndFindNeighbours(lastFile); });
    });
    $("key-button").addEventListener("click", askKey);
    $("key-form").addEventListener("submit", function () {
      apiKey = $("key-input").value;
      sessionStorage.setItem("vidmae-key", apiKey);
      thumbs.clear();
      refresh();
    });
    refresh();
  });
})();
`;
