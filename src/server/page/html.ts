/**
 * The page's markup. Kept as a TypeScript string (tsc emits only .ts files, so the page ships inside dist/ with
 * the code); its style and script are served from /page.css and /page.js so the Content-Security-Policy can forbid
 * inline code.
 */

/**
 * The HTML of `/`.
 *
 * @example
 * reply.type("text/html; charset=utf-8").send(PAGE_HTML);
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vidmae</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body>
<a class="skip" href="#collection-card">Skip to the collection</a>
<header>
  <h1>vidmae</h1>
  <p id="summary">Video classification and similarity on VideoMAE embeddings</p>
  <nav aria-label="Links"><a href="/docs">API docs</a></nav>
  <button id="key-button" type="button" hidden>API key</button>
</header>
<main>
  <div class="column">
    <section id="analyze" class="card" aria-labelledby="analyze-title">
      <h2 id="analyze-title">Find similar videos</h2>
      <label id="drop-zone" for="file">
        <strong>Drop a video here</strong>
        <span>or choose a file: its labels, nearest videos and matching moments</span>
        <input id="file" type="file" accept="video/*,.mkv,.avi,.webm,.mov,.mp4">
      </label>
    </section>
    <section id="add" class="card" aria-labelledby="add-title" hidden>
      <h2 id="add-title">Add to the collection</h2>
      <form id="add-form" class="add-form">
        <label for="add-file">Video</label>
        <input id="add-file" type="file" accept="video/*,.mkv,.avi,.webm,.mov,.mp4" required>
        <label for="add-label">Label</label>
        <input id="add-label" type="text" maxlength="200" placeholder="optional, e.g. cooking" autocomplete="off">
        <button id="add-button" type="submit">Upload and store</button>
      </form>
    </section>
    <section id="job" class="card" aria-labelledby="job-name" hidden>
      <div class="row">
        <h2 id="job-name"></h2>
        <span id="job-phase" class="muted"></span>
      </div>
      <progress id="upload-progress" max="100" value="0" aria-label="Upload progress"></progress>
      <p id="processing" class="processing" hidden><span class="spinner" aria-hidden="true"></span>Processing: embedding, labels and search…</p>
      <p id="status" role="status" aria-live="polite"></p>
    </section>
    <section id="player-card" class="card" aria-labelledby="player-title" hidden>
      <div class="row">
        <h2 id="player-title">Player</h2>
        <button id="replay" type="button">Replay clip</button>
      </div>
      <video id="player" controls muted playsinline preload="metadata" aria-describedby="player-note"></video>
      <div id="track" class="track" aria-hidden="true"><span id="track-range"></span><span id="track-head"></span></div>
      <p id="player-note" class="muted"></p>
    </section>
    <section id="result" class="card" aria-labelledby="result-name" hidden>
      <h2 id="result-name"></h2>
      <p id="result-info" class="muted"></p>
      <p id="stored-note" class="stored" hidden></p>
      <div id="labels"></div>
    </section>
    <section id="similar" class="card" aria-labelledby="similar-title" hidden>
      <h2 id="similar-title">Nearest stored videos</h2>
      <ol id="neighbours" class="videos"></ol>
      <h3 id="moments-title">Matching moments</h3>
      <ol id="moments" class="videos" aria-labelledby="moments-title"></ol>
    </section>
  </div>
  <div class="column">
    <section class="card" aria-labelledby="map-title">
      <div class="row">
        <h2 id="map-title">Map</h2>
        <select id="map-method" aria-label="Projection">
          <option value="pca">PCA</option>
          <option value="umap">UMAP</option>
          <option value="tsne">t-SNE</option>
          <option value="lda">LDA</option>
        </select>
      </div>
      <svg id="map" viewBox="0 0 600 400" role="group" aria-label="Map of the collection"></svg>
      <p id="map-note" class="muted"></p>
      <ul id="legend"></ul>
    </section>
    <section id="collection-card" class="card" aria-labelledby="collection-title" tabindex="-1">
      <h2 id="collection-title">Collection</h2>
      <form id="filters" class="filters" role="search">
        <label>Search paths <input id="filter-text" type="search" maxlength="200" placeholder="text in the path"></label>
        <label>Label <select id="filter-label"><option value="">All labels</option></select></label>
        <label>Order <select id="sort">
          <option value="added-desc">Newest first</option>
          <option value="added-asc">Oldest first</option>
        </select></label>
      </form>
      <ul id="collection" class="videos grid"></ul>
      <nav class="pager" aria-label="Collection pages">
        <button id="prev" type="button">Previous</button>
        <span id="page-info" aria-live="polite"></span>
        <button id="next" type="button">Next</button>
      </nav>
    </section>
  </div>
</main>
<dialog id="key-dialog" aria-labelledby="key-title">
  <form id="key-form" method="dialog">
    <p id="key-title">This server needs an API key.</p>
    <input id="key-input" type="password" autocomplete="off" placeholder="API key" aria-label="API key" required>
    <button type="submit">Use key</button>
  </form>
</dialog>
</body>
</html>
`;
