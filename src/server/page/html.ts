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
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body>
<header>
  <h1>vidmae</h1>
  <p id="summary">Video classification and similarity on VideoMAE embeddings</p>
  <button id="key-button" type="button" hidden>API key</button>
</header>
<main>
  <div class="column">
    <section id="drop" class="card">
      <label id="drop-zone" for="file">
        <strong>Drop a video here</strong>
        <span>or click to choose a file</span>
        <input id="file" type="file" accept="video/*,.mkv,.avi,.webm,.mov,.mp4">
      </label>
      <p id="status" role="status"></p>
    </section>
    <section id="result" class="card" hidden>
      <h2 id="result-name"></h2>
      <p id="result-info" class="muted"></p>
      <div id="labels"></div>
    </section>
    <section id="similar" class="card" hidden>
      <h2 id="similar-title">Nearest stored videos</h2>
      <ol id="neighbours" class="videos"></ol>
    </section>
  </div>
  <div class="column">
    <section class="card">
      <div class="row">
        <h2>Map</h2>
        <select id="map-method" aria-label="Projection">
          <option value="pca">PCA</option>
          <option value="umap">UMAP</option>
          <option value="tsne">t-SNE</option>
          <option value="lda">LDA</option>
        </select>
      </div>
      <svg id="map" viewBox="0 0 600 400" role="img" aria-label="Map of the collection"></svg>
      <p id="map-note" class="muted"></p>
      <ul id="legend"></ul>
    </section>
    <section class="card">
      <h2 id="collection-title">Collection</h2>
      <ul id="collection" class="videos grid"></ul>
    </section>
  </div>
</main>
<dialog id="key-dialog">
  <form id="key-form" method="dialog">
    <p>This server needs an API key.</p>
    <input id="key-input" type="password" autocomplete="off" placeholder="API key" required>
    <button type="submit">Use key</button>
  </form>
</dialog>
</body>
</html>
`;
