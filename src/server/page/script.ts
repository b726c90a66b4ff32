/**
 * The page's script, served at /page.js: plain browser JavaScript, no build step. Every server-provided text
 * (file names, labels, messages) goes into the DOM as textContent, never as HTML. A dropped video is uploaded once
 * (`POST /v1/analyze` answers labels, neighbours, moments and the map position together), through XMLHttpRequest
 * for its upload progress.
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
  // Videos per collection page; the page's own URL may ask for another size (/?limit=50).
  var PAGE_SIZE = Math.min(100, Math.max(1, Math.floor(Number(new URLSearchParams(location.search).get("limit"))) || 24));
  var apiKey = sessionStorage.getItem("vidmae-key") || "";
  var mapData = null;
  var newPoint = null;
  var selectedId = null;
  var busy = false;
  var thumbs = new Map();
  var thumbQueue = [];
  var thumbActive = 0;
  var browse = { offset: 0, label: "", q: "", sort: "added-desc" };
  // What the player shows: a video, and the clip to play (null: the whole video).
  var playing = { videoId: null, range: null, duration: 0 };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function seconds(s) { return s.toFixed(1) + " s"; }

  function askKey() {
    $("key-button").hidden = false;
    if (!$("key-dialog").open) $("key-dialog").showModal();
  }

  function httpError(status, body) {
    var message = "HTTP " + status;
    try { message = JSON.parse(body).error.message; } catch (e) { /* not JSON */ }
    var error = new Error(message);
    error.status = status;
    return error;
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
    if (!res.ok) throw httpError(res.status, await res.text());
    return res;
  }

  // The job panel: upload progress (bytes sent), then a processing indicator until the answer arrives.
  function setPhase(phase, text) {
    $("job").hidden = false;
    $("job").dataset.phase = phase;
    $("job-phase").textContent = text;
    $("processing").hidden = phase !== "processing";
    $("status").className = phase === "error" ? "error" : "";
  }

  function setProgress(fraction) {
    var percent = Math.round(fraction * 100);
    $("upload-progress").value = percent;
    $("upload-progress").setAttribute("aria-valuetext", percent + "% uploaded");
    $("job-phase").textContent = "Uploading " + percent + "%";
  }

  // One upload through XMLHttpRequest: fetch() reports no upload progress.
  function upload(url, file, fields) {
    return new Promise(function (resolve, reject) {
      var data = new FormData();
      Object.keys(fields).forEach(function (name) { data.append(name, fields[name]); });
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      if (apiKey) xhr.setRequestHeader("Authorization", "Bearer " + apiKey);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) setProgress(e.loaded / e.total);
      });
      xhr.upload.addEventListener("load", function () {
        setProgress(1);
        setPhase("processing", "Processing…");
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 401) { askKey(); reject(new Error("This server needs an API key")); return; }
        if (xhr.status < 200 || xhr.status >= 300) { reject(httpError(xhr.status, xhr.responseText)); return; }
        try { resolve(JSON.parse(xhr.responseText)); } catch (e) { reject(e); }
      });
      xhr.addEventListener("error", function () { reject(new Error("The upload failed: network error")); });
      xhr.send(data);
    });
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

  function videoItem(id, name, meta, onClick, action) {
    var li = el("li");
    var button = el("button");
    button.type = "button";
    button.setAttribute("aria-label", action + " " + name + ", " + meta);
    var text = el("div", "text");
    text.append(el("div", "name", name), el("div", "meta", meta));
    button.append(thumbnail(id), text);
    if (onClick) button.addEventListener("click", onClick);
    else button.disabled = true;
    li.append(button);
    li.dataset.videoId = String(id);
    return li;
  }

  // The player: loads the video (a signed URL when the server has a key), seeks to the clip, plays it, marks its
  // range on the track and pauses at its end.
  function drawTrack() {
    var d = playing.duration;
    var range = playing.range;
    $("track-range").hidden = !range || !d;
    if (range && d) {
      $("track-range").style.left = (100 * range.start / d) + "%";
      $("track-range").style.width = Math.max(0.5, 100 * (range.end - range.start) / d) + "%";
    }
    $("track-head").style.left = d ? (100 * Math.min(1, $("player").currentTime / d)) + "%" : "0";
  }

  function startClip() {
    var player = $("player");
    if (Number.isFinite(player.duration)) playing.duration = player.duration;
    if (playing.range) playing.range.done = false;
    player.currentTime = playing.range ? playing.range.start : 0;
    drawTrack();
    player.play().catch(function () { /* autoplay refused: the controls still work */ });
  }

  async function play(item) {
    var player = $("player");
    try {
      var detail = await (await api("/v1/videos/" + item.videoId)).json();
      var range = item.startSec !== undefined ? { start: item.startSec, end: item.endSec, done: false } : null;
      var same = playing.videoId === item.videoId && player.readyState >= 1;
      playing = { videoId: item.videoId, range: range, duration: detail.durationSec || 0 };
      $("player-card").hidden = false;
      $("player-title").textContent = detail.name;
      $("player-note").textContent = (detail.label || "unlabelled") + " · " +
        (range ? "clip " + seconds(range.start) + " – " + seconds(range.end) : "whole video");
      $("replay").hidden = !range;
      player.dataset.videoId = String(item.videoId);
      player.dataset.start = range ? String(range.start) : "";
      player.dataset.end = range ? String(range.end) : "";
      if (same) startClip();
      else {
        player.addEventListener("loadedmetadata", startClip, { once: true });
        player.src = detail.mediaUrl;
      }
      $("player-card").scrollIntoView({ block: "nearest" });
    } catch (e) {
      $("player-note").textContent = e.message;
    }
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

  function renderLabels(labels) {
    var box = $("labels");
    box.replaceChildren();
    if (!labels) { box.append(el("p", "muted", "This server has no classifier.")); return; }
    if (labels.classifier) {
      var scores = labels.classifier.scores || [{ label: labels.classifier.label, score: 1 }];
      box.append(labelList("Classifier (" + labels.classifier.pipeline + ")", scores));
    }
    if (labels.head) box.append(labelList("Model head", labels.head));
  }

  function renderNeighbours(title, hits, moments) {
    $("similar").hidden = false;
    $("similar-title").textContent = title;
    var ol = $("neighbours");
    ol.replaceChildren();
    if (hits.length === 0) ol.append(el("li", "muted", "The collection has no other videos yet."));
    hits.forEach(function (h) {
      // A video plays from its best matching moment when there is one.
      var best = moments.find(function (m) { return m.videoId === h.videoId; });
      var meta = (h.label || "unlabelled") + " · distance " + h.distance.toFixed(3);
      ol.append(videoItem(h.videoId, h.name, meta, function () {
        play(best ? { videoId: h.videoId, startSec: best.startSec, endSec: best.endSec } : h);
      }, "Play"));
    });
    var mo = $("moments");
    mo.replaceChildren();
    if (moments.length === 0) mo.append(el("li", "muted", "No stored clips to match."));
    moments.forEach(function (m) {
      var meta = seconds(m.startSec) + " – " + seconds(m.endSec) + " · " + (m.label || "unlabelled") +
        " · distance " + m.distance.toFixed(3);
      var li = videoItem(m.videoId, m.name, meta, function () { play(m); }, "Play moment of");
      li.dataset.start = String(m.startSec);
      li.dataset.end = String(m.endSec);
      mo.append(li);
    });
  }

  function pointKey(e, action) {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); action(); }
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
      c.setAttribute("tabindex", "0");
      c.setAttribute("role", "button");
      c.setAttribute("aria-label", p.name + ", " + (p.label || "unlabelled") + ": play and show neighbours");
      var title = document.createElementNS(SVG, "title");
      title.textContent = p.name + " — " + (p.label || "unlabelled");
      c.append(title);
      var open = function () { select(p.videoId, p.name); };
      c.addEventListener("click", open);
      c.addEventListener("keydown", function (e) { pointKey(e, open); });
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
      // The name goes left of a point near the right edge, so it stays inside the map.
      var left = sx(newPoint.x) > W * 0.7;
      text.setAttribute("x", (sx(newPoint.x) + (left ? -14 : 14)).toFixed(1));
      text.setAttribute("text-anchor", left ? "end" : "start");
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
        " of " + mapData.dim + "-d embeddings. Click a point (or Tab to it and press Enter) to play it.";
    } catch (e) {
      mapData = null;
      $("map-note").textContent = e.message;
    }
    drawMap();
  }

  function fillLabels(labels) {
    var select = $("filter-label");
    var current = browse.label;
    select.replaceChildren(new Option("All labels", ""));
    labels.forEach(function (l) { select.append(new Option(l.label + " (" + l.count + ")", l.label)); });
    select.value = current;
  }

  async function loadCollection() {
    var query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(browse.offset), sort: browse.sort });
    if (browse.label) query.set("label", browse.label);
    if (browse.q) query.set("q", browse.q);
    try {
      var list = await (await api("/v1/videos?" + query)).json();
      var filtered = browse.label || browse.q;
      $("collection-title").textContent = "Collection (" + list.total + (filtered ? " matching)" : " videos)");
      if (!filtered) $("summary").textContent = list.total + " stored videos";
      fillLabels(list.labels);
      var ul = $("collection");
      ul.replaceChildren();
      if (list.videos.length === 0) ul.append(el("li", "muted", filtered ? "No video matches." : "No videos yet."));
      list.videos.forEach(function (v) {
        var meta = (v.label || "unlabelled") + (v.durationSec !== null ? " · " + seconds(v.durationSec) : "") +
          " · added " + v.addedAt.slice(0, 10);
        var li = videoItem(v.id, v.name, meta, v.status === "ok" ? function () { select(v.id, v.name); } : null,
          "Play");
        li.title = v.path;
        if (v.status !== "ok") li.querySelector(".meta").append(" ", el("span", "badge", v.status));
        ul.append(li);
      });
      var last = Math.min(list.total, browse.offset + list.videos.length);
      $("page-info").textContent = list.total === 0 ? "" : (browse.offset + 1) + "–" + last + " of " + list.total;
      $("prev").disabled = browse.offset === 0;
      $("next").disabled = last >= list.total;
    } catch (e) {
      $("collection-title").textContent = "Collection: " + e.message;
    }
  }

  // A stored video: play it, and list the stored videos and moments nearest to it.
  async function select(id, name) {
    selectedId = id;
    drawMap();
    play({ videoId: id });
    try {
      var results = await Promise.all([
        api("/v1/videos/" + id + "/similar?k=6").then(function (r) { return r.json(); }),
        api("/v1/videos/" + id + "/similar?k=6&level=clip").then(function (r) { return r.json(); }),
      ]);
      renderNeighbours("Similar to " + name, results[0].hits, results[1].hits);
    } catch (e) {
      $("similar").hidden = false;
      $("similar-title").textContent = e.message;
    }
  }

  function renderResult(r, stored) {
    $("result").hidden = false;
    $("result-name").textContent = r.name;
    $("result-info").textContent = r.info.width + "×" + r.info.height + ", " + seconds(r.info.durationSec) + ", " +
      r.info.codec;
    $("stored-note").hidden = !stored;
    if (stored) $("stored-note").textContent = "Stored in the collection as video " + stored.id +
      (stored.label ? " with label “" + stored.label + "”" : " without a label") + ".";
    renderLabels(r.labels);
    renderNeighbours("Nearest stored videos", r.hits, r.moments);
    newPoint = r.point ? { x: r.point.x, y: r.point.y, name: r.name } : null;
    selectedId = null;
    drawMap();
  }

  // One upload answers everything; with store, the video is also added to the collection.
  async function send(file, fields) {
    if (busy) return;
    busy = true;
    $("analyze").setAttribute("aria-busy", "true");
    $("add-button").disabled = true;
    $("job-name").textContent = file.name;
    $("status").textContent = "";
    $("upload-progress").value = 0;
    setPhase("uploading", "Uploading 0%");
    try {
      var query = "/v1/analyze?k=6&map=" + $("map-method").value;
      var r = await upload(query, file, fields);
      renderResult(r, r.stored);
      setPhase("done", "Done");
      $("status").textContent = file.name + (r.stored ? ": stored as video " + r.stored.id : ": done");
      if (r.stored) { browse.offset = 0; refresh(); }
    } catch (e) {
      setPhase("error", "Failed");
      $("status").textContent = e.message;
    } finally {
      busy = false;
      $("analyze").removeAttribute("aria-busy");
      $("add-button").disabled = false;
    }
  }

  function refresh() {
    loadCollection();
    loadMap();
  }

  async function loadInfo() {
    try {
      var info = await (await api("/v1/info")).json();
      $("add").hidden = !info.storesUploads;
    } catch (e) { /* the page works without the add form */ }
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var zone = $("drop-zone");
    $("file").addEventListener("change", function () {
      if ($("file").files.length > 0) send($("file").files[0], {});
    });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer.files.length > 0) send(e.dataTransfer.files[0], {});
    });
    $("add-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var file = $("add-file").files[0];
      if (!file) return;
      var fields = { store: "1" };
      var label = $("add-label").value.trim();
      if (label) fields.label = label;
      send(file, fields);
    });
    $("map-method").addEventListener("change", function () {
      newPoint = null;
      loadMap();
    });
    $("filter-text").addEventListener("input", debounce(function () {
      browse.q = $("filter-text").value.trim();
      browse.offset = 0;
      loadCollection();
    }, 250));
    $("filters").addEventListener("submit", function (e) { e.preventDefault(); });
    $("filter-label").addEventListener("change", function () {
      browse.label = $("filter-label").value;
      browse.offset = 0;
      loadCollection();
    });
    $("sort").addEventListener("change", function () {
      browse.sort = $("sort").value;
      browse.offset = 0;
      loadCollection();
    });
    $("prev").addEventListener("click", function () {
      browse.offset = Math.max(0, browse.offset - PAGE_SIZE);
      loadCollection();
    });
    $("next").addEventListener("click", function () {
      browse.offset += PAGE_SIZE;
      loadCollection();
    });
    var player = $("player");
    player.addEventListener("timeupdate", function () {
      var range = playing.range;
      if (range && !range.done && player.currentTime >= range.end) {
        range.done = true;
        player.pause();
      }
      drawTrack();
    });
    player.addEventListener("play", function () {
      // Playing again after the clip ended replays the clip.
      var range = playing.range;
      if (range && range.done && player.currentTime >= range.end) {
        range.done = false;
        player.currentTime = range.start;
      }
    });
    $("replay").addEventListener("click", startClip);
    $("key-button").addEventListener("click", askKey);
    $("key-form").addEventListener("submit", function () {
      apiKey = $("key-input").value;
      sessionStorage.setItem("vidmae-key", apiKey);
      thumbs.clear();
      loadInfo();
      refresh();
    });
    loadInfo();
    refresh();
  });
})();
`;
