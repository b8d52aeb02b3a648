/// The page at `GET /`: one self-contained HTML file (inline CSS and script, nothing fetched
/// from another host). Choose or drop a photo, see it with its top-5 classes as labelled bars
/// and, where the model can be explained, the activation map over it; a model picker when
/// several are loaded. `/?example=NAME` runs a shipped sample photo on load.
enum ServePage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zoo serve</title>
<style>
  :root { --ink: #1d2430; --muted: #6a7385; --line: #dde2ea; --accent: #2f6fde; --bg: #f5f7fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
  header { padding: 14px 24px; background: #fff; border-bottom: 1px solid var(--line); display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 18px; margin: 0; }
  header .model { margin-left: auto; color: var(--muted); }
  main { max-width: 1060px; margin: 20px auto; padding: 0 16px; display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px; }
  .card h2 { font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 10px; }
  #drop { border: 2px dashed var(--line); border-radius: 8px; min-height: 260px; display: flex; align-items: center;
          justify-content: center; text-align: center; color: var(--muted); cursor: pointer; overflow: hidden; }
  #drop.over { border-color: var(--accent); background: #eef4ff; }
  #drop img { max-width: 100%; max-height: 420px; display: block; }
  .bar { margin: 9px 0; }
  .bar .row { display: flex; justify-content: space-between; gap: 8px; }
  .bar .label { font-weight: 600; }
  .bar .score { color: var(--muted); font-variant-numeric: tabular-nums; }
  .bar .track { height: 12px; background: #edf0f5; border-radius: 6px; overflow: hidden; margin-top: 3px; }
  .bar .fill { height: 100%; background: var(--accent); border-radius: 6px; }
  #status { color: var(--muted); min-height: 1.4em; }
  #status.error { color: #b42318; }
  #map img { max-width: 100%; display: block; border-radius: 6px; }
  select { font: inherit; padding: 4px 6px; }
  @media (max-width: 760px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>zoo serve</h1>
  <label id="picker" hidden>Model <select id="models"></select></label>
  <span class="model" id="model-name"></span>
</header>
<main>
  <section class="card">
    <h2>Photo</h2>
    <div id="drop" tabindex="0">Drop a photo here, or click to choose one</div>
    <input id="file" type="file" accept="image/*" hidden>
    <p id="status"></p>
  </section>
  <section class="card">
    <h2>Top 5</h2>
    <div id="top5"></div>
  </section>
  <section class="card" id="map-card" hidden style="grid-column: 1 / -1">
    <h2>Activation map</h2>
    <div id="map"></div>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let model = null;

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function loadModels() {
  const answer = await fetch("/v1/models");
  const list = (await answer.json()).models;
  const select = $("models");
  for (const m of list) {
    const option = document.createElement("option");
    option.value = m.name;
    option.textContent = m.name;
    select.appendChild(option);
  }
  $("picker").hidden = list.length < 2;
  model = list.length ? list[0].name : null;
  $("model-name").textContent = model ? model + " · " + list[0].labels + " classes" : "no model loaded";
  select.onchange = () => { model = select.value; $("model-name").textContent = model; if (current) run(current.blob, current.name); };
}

let current = null;

function show(blob) {
  const img = document.createElement("img");
  img.alt = "the photo";
  img.src = URL.createObjectURL(blob);
  $("drop").replaceChildren(img);
}

function bars(report) {
  const box = $("top5");
  box.replaceChildren();
  for (const p of report.predictions) {
    const bar = document.createElement("div");
    bar.className = "bar prediction";
    bar.innerHTML = '<div class="row"><span class="label"></span><span class="score"></span></div><div class="track"><div class="fill"></div></div>';
    bar.querySelector(".label").textContent = p.label;
    bar.querySelector(".score").textContent = (100 * p.score).toFixed(1) + "%";
    bar.querySelector(".fill").style.width = Math.max(1, 100 * p.score).toFixed(1) + "%";
    bar.title = p.id + " (class " + p.index + ")";
    box.appendChild(bar);
  }
}

async function run(blob, name) {
  if (!model) return;
  current = { blob, name };
  show(blob);
  status("Classifying " + name + "…");
  const query = "?top=5&file=" + encodeURIComponent(name);
  const answer = await fetch("/v1/models/" + encodeURIComponent(model) + "/classify" + query, { method: "POST", body: blob });
  const report = await answer.json();
  if (!answer.ok) { status(report.error || answer.statusText, true); $("top5").replaceChildren(); return; }
  bars(report);
  status(name);
  const map = await fetch("/v1/models/" + encodeURIComponent(model) + "/explain" + query, { method: "POST", body: blob });
  if (map.ok) {
    const img = document.createElement("img");
    img.alt = "class activation map over the photo";
    img.src = URL.createObjectURL(await map.blob());
    $("map").replaceChildren(img);
    $("map-card").hidden = false;
  } else {
    $("map-card").hidden = true;
  }
}

function choose(file) { if (file) run(file, file.name); }
$("drop").onclick = () => $("file").click();
$("file").onchange = (e) => choose(e.target.files[0]);
$("drop").ondragover = (e) => { e.preventDefault(); $("drop").classList.add("over"); };
$("drop").ondragleave = () => $("drop").classList.remove("over");
$("drop").ondrop = (e) => { e.preventDefault(); $("drop").classList.remove("over"); choose(e.dataTransfer.files[0]); };

(async () => {
  try {
    await loadModels();
    const example = new URLSearchParams(location.search).get("example");
    if (example) {
      const answer = await fetch("/examples/" + encodeURIComponent(example));
      if (!answer.ok) { status((await answer.json()).error, true); return; }
      await run(await answer.blob(), example);
    }
  } catch (e) {
    status(String(e), true);
  }
})();
</script>
</body>
</html>
"""#
}
