/** The one page of an `export-web` site: pick a video, see progress, get labels and the vector, all in-browser. */

/**
 * The page's HTML; it loads `./vidmae-web.js` and the model from `./model/`.
 *
 * @param model.labels - number of labels of the checkpoint's head (0: embeddings only)
 * @example
 * sitePage({ kind: "classification", labels: 400 }); // "<!doctype html>…"
 */
export function sitePage(model: { kind: string; labels: number }): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vidmae: videos classified in your browser</title>
<style>
  body { font: 16px system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  #status { color: #555; } #error { color: #b00020; } ol { padding-left: 1.5rem; }
</style>
<h1>Video ${model.labels > 0 ? "classification" : "embedding"} in your browser</h1>
<p>The video is decoded and run through VideoMAE on this device; it is never uploaded.</p>
<input id="file" type="file" accept="video/mp4,video/quicktime" disabled>
<p id="status">loading the model…</p>
<p id="error"></p>
<ol id="labels"></ol>
<pre id="vector"></pre>
<script type="module">
import { loadModel } from "./vidmae-web.js";
const $ = (id) => document.getElementById(id);
const say = (text) => ($("status").textContent = text);
try {
  const model = await loadModel(new URL("./model/", location.href).href, {
    backend: "wasm",
    onProgress: (p) => say(\`loading \${p.file.split("/").pop()}: \${(p.loaded / 1e6).toFixed(1)} MB\${p.cached ? " (cached)" : ""}\`),
  });
  say("ready: pick a video");
  $("file").disabled = false;
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (!file) return;
    $("error").textContent = "";
    $("labels").replaceChildren();
    say(\`\${file.name}: decoding and running the model…\`);
    try {
      const out = await model.embedVideo(file);
      $("vector").textContent = \`vector [\${out.vector.length}]: \${Array.from(out.vector.slice(0, 8), (v) => v.toFixed(4)).join(", ")} …\`;
      if (model.labels) {
        for (const { label, score } of await model.classify(out, 5)) {
          const li = document.createElement("li");
          li.className = "label";
          li.textContent = \`\${label} (\${(score * 100).toFixed(1)}%)\`;
          $("labels").append(li);
        }
      }
      say(\`\${file.name}: done\`);
    } catch (e) {
      $("error").textContent = e.message;
      say(\`\${file.name}: failed\`);
    }
  });
} catch (e) {
  $("error").textContent = e.message;
  say("the model could not be loaded");
}
</script>
</html>
`;
}
