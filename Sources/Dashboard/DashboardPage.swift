/// The dashboard's one page: HTML, CSS and a script with no dependencies, compiled into the
/// binary (no build chain, nothing fetched). The script opens the event stream first (its
/// `hello` says where the stream starts), then loads the overview and the selected job's map;
/// a map applies only the batches newer than its snapshot.
///
/// The map is a canvas with one pixel per tile cell, scaled up with crisp edges, so a 1 M-tile
/// job is one 1 MB image updated in place. For jobs of at most `DashboardPage.listedTiles`
/// tiles the page also keeps a visually hidden list with one element per tile (`li` with
/// `data-state`), for screen readers and for checks of what the page shows.
package enum DashboardPage {
    package static let listedTiles = 20_000

    package static func html(title: String) -> String {
        var escaped = ""
        for character in title {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return page.replacingOccurrences(of: "{{title}}", with: escaped)
            .replacingOccurrences(of: "{{listed}}", with: String(listedTiles))
    }

    static let page = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · grow</title>
        <style>
        :root { --bg:#0f172a; --panel:#111c33; --line:#24324f; --text:#e2e8f0; --dim:#94a3b8; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
        header { display:flex; align-items:center; gap:16px; padding:10px 18px; border-bottom:1px solid var(--line); }
        header h1 { font-size:18px; margin:0; }
        header .dim { color:var(--dim); }
        #live { width:10px; height:10px; border-radius:50%; background:#64748b; display:inline-block; }
        #live.on { background:#22c55e; }
        main { display:grid; grid-template-columns: minmax(0, 2.4fr) minmax(380px, 1fr); gap:14px; padding:14px 18px; }
        section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; }
        h2 { font-size:14px; margin:0 0 8px; color:var(--dim); font-weight:600; text-transform:uppercase; letter-spacing:.04em; }
        table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
        th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); white-space:nowrap; }
        th { color:var(--dim); font-weight:500; }
        tr.job { cursor:pointer; }
        tr.job.selected { background:#1e2a47; }
        .bar { width:120px; height:8px; background:#1e293b; border-radius:4px; overflow:hidden; display:inline-block; vertical-align:middle; }
        .bar > span { display:block; height:100%; background:#22c55e; }
        #mapbox { position:relative; width:100%; }
        #workers { font-size:12px; }
        #map { image-rendering:pixelated; image-rendering:crisp-edges; background:#0b1222; display:block; cursor:crosshair; }
        #mapframe img.quicklook { position:absolute; opacity:.85; pointer-events:none; image-rendering:auto; }
        .legend { display:flex; flex-wrap:wrap; gap:12px; margin:8px 0; }
        .legend span.sw { display:inline-block; width:11px; height:11px; border-radius:2px; margin-right:4px; vertical-align:-1px; }
        .controls { display:flex; gap:14px; align-items:center; margin-bottom:8px; color:var(--dim); }
        #detail { min-height:120px; }
        #detail dl { display:grid; grid-template-columns:auto 1fr; gap:2px 10px; margin:0; }
        #detail dt { color:var(--dim); }
        #detail dd { margin:0; overflow-wrap:anywhere; }
        #detail pre { white-space:pre-wrap; font-size:12px; max-height:200px; overflow:auto; margin:0; }
        .sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
        .empty { color:var(--dim); }
        </style>
        </head>
        <body>
        <header><h1>grow</h1><span class="dim">{{title}}</span><span id="live" title="event stream"></span><span id="clock" class="dim"></span></header>
        <main>
          <div>
            <section>
              <h2>Jobs</h2>
              <table id="jobs"><thead><tr><th>job</th><th>name</th><th>progress</th><th>done</th><th>on workers</th><th>failed</th><th>rate</th><th>ETA</th></tr></thead><tbody></tbody></table>
            </section>
            <section style="margin-top:14px">
              <h2 id="maptitle">Map</h2>
              <div class="controls">
                <label><input type="radio" name="colour" value="state" checked> by state</label>
                <label><input type="radio" name="colour" value="worker"> by worker</label>
                <label><input type="checkbox" id="showql" checked> quicklook</label>
              </div>
              <div class="legend" id="legend"></div>
              <div id="mapbox"><div id="mapframe" style="position:relative"><canvas id="map" width="1" height="1" aria-label="tile map"></canvas></div></div>
              <ol id="cells" class="sr-only" aria-label="tiles"></ol>
            </section>
          </div>
          <div>
            <section id="detail"><h2>Tile</h2><p class="empty">Click a tile on the map.</p></section>
            <section style="margin-top:14px">
              <h2>Workers</h2>
              <table id="workers"><thead><tr><th>worker</th><th>state</th><th>busy</th><th>queued</th><th>load</th><th>RSS</th><th>heard</th></tr></thead><tbody></tbody></table>
            </section>
          </div>
        </main>
        <script>
        "use strict";
        const STATES = ["pending", "queued", "running", "done", "failed", "quarantined", "cancelled"];
        const COLOURS = [[71,85,105],[96,165,250],[250,204,21],[34,197,94],[239,68,68],[192,132,252],[30,41,59]];
        const LISTED = {{listed}};
        const maps = {};          // job -> map (snapshot + live state)
        const early = {};         // job -> batches that came while its map loaded
        let selected = null, colourBy = "state", overview = null, workerColour = {};

        function bytes(b64) { const s = atob(b64); const a = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i); return a; }
        function u16(b64) { const b = bytes(b64); return new Uint16Array(b.buffer, 0, b.length >> 1); }
        function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
        function duration(s) { if (s == null) return "–"; s = Math.round(s); const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60); return h ? `${h}h${String(m).padStart(2,"0")}m` : m ? `${m}m${String(s % 60).padStart(2,"0")}s` : `${s}s`; }
        function mib(b) { return (b / 1048576).toFixed(0) + " MiB"; }
        function colourOfWorker(id) { if (!id) return [51,65,85]; if (!workerColour[id]) { const h = (id * 137.508) % 360; workerColour[id] = hsl(h, .65, .55); } return workerColour[id]; }
        function hsl(h, s, l) { const k = n => (n + h / 30) % 12, a = s * Math.min(l, 1 - l); const f = n => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1)); return [f(0) * 255, f(8) * 255, f(4) * 255]; }

        // A job's map: the snapshot, then batches newer than it.
        function buildMap(snap) {
          const L = snap.layout, m = { job: snap.job, name: snap.name, tiles: snap.tiles, seq: snap.seq, w: L.width, h: L.height,
            state: bytes(snap.state), worker: u16(snap.worker), quicklooks: snap.quicklooks, counts: new Array(STATES.length).fill(0) };
          m.pixel = new Int32Array(m.tiles);
          m.at = new Int32Array(m.w * m.h).fill(-1);
          if (L.kind === "rows") { for (let p = 0; p < m.tiles; p++) m.pixel[p] = p; }
          else { const x = u16(L.x), y = u16(L.y); for (let p = 0; p < m.tiles; p++) m.pixel[p] = y[p] * m.w + x[p]; }
          for (let p = 0; p < m.tiles; p++) { m.at[m.pixel[p]] = p; m.counts[m.state[p]]++; }
          m.image = new ImageData(m.w, m.h);
          for (let p = 0; p < m.tiles; p++) paint(m, p);
          m.dirty = true;
          return m;
        }
        function paint(m, p) {
          const c = colourBy === "worker" && m.state[p] !== 0 ? colourOfWorker(m.worker[p]) : COLOURS[m.state[p]];
          const i = m.pixel[p] * 4, d = m.image.data;
          d[i] = c[0]; d[i + 1] = c[1]; d[i + 2] = c[2]; d[i + 3] = 255;
        }
        function applyGroups(m, groups) {
          for (const [state, worker, deltas] of groups) {
            let p = 0;
            for (let i = 0; i < deltas.length; i++) {
              p = i === 0 ? deltas[0] : p + deltas[i];
              if (p >= m.tiles) continue;
              m.counts[m.state[p]]--; m.counts[state]++;
              m.state[p] = state; m.worker[p] = worker; paint(m, p);
              if (m.items) m.items[p].dataset.state = STATES[state];
            }
          }
          m.dirty = true;
        }
        function applyBatch(b) {
          for (const [job, groups] of Object.entries(b.jobs)) {
            const m = maps[job];
            if (m) { if (b.seq > m.seq) { applyGroups(m, groups); m.seq = b.seq; } }
            else if (early[job]) early[job].push(b);
          }
          for (const job of b.ended) if (maps[job]) loadMap(job);
          if (b.opened.length || b.ended.length || b.workers) loadOverview();
        }
        async function loadMap(job) {
          if (!early[job]) early[job] = [];
          const r = await fetch(`api/jobs/${job}/map`);
          if (!r.ok) return;
          const m = buildMap(await r.json());
          for (const b of early[job] || []) if (b.seq > m.seq) { applyGroups(m, b.jobs[job]); m.seq = b.seq; }
          delete early[job];
          maps[job] = m;
          if (String(selected) === String(job)) showMap();
        }
        async function loadOverview() {
          const r = await fetch("api/state");
          if (!r.ok) return;
          overview = await r.json();
          if (selected === null && overview.jobs.length) selectJob(overview.jobs[0].job);
          renderJobs(); renderWorkers();
        }
        function selectJob(job) {
          selected = job;
          if (maps[job]) showMap(); else loadMap(job);
          renderJobs();
        }
        function jobRow(j) {
          const m = maps[j.job], c = m ? Object.fromEntries(STATES.map((s, i) => [s, m.counts[i]])) : j.counts;
          const finished = c.done + c.failed + c.quarantined + c.cancelled, pct = j.tiles ? 100 * c.done / j.tiles : 0;
          const tr = el("tr", undefined, "job" + (String(j.job) === String(selected) ? " selected" : ""));
          tr.dataset.job = j.job;
          tr.append(el("td", j.job), el("td", j.name));
          const bar = el("span", undefined, "bar"), fill = el("span"); fill.style.width = pct.toFixed(1) + "%"; bar.append(fill);
          const tdBar = el("td"); tdBar.append(bar, " " + pct.toFixed(1) + "%");
          tr.append(tdBar, el("td", `${c.done} / ${j.tiles}`), el("td", c.running + c.queued), el("td", c.failed + c.quarantined),
            el("td", j.ended ? (j.cancelled ? "cancelled" : "finished") : j.rate.toFixed(1) + "/s"),
            el("td", j.ended ? duration((j.ended - j.submitted) / 1000) : duration(j.eta)));
          tr.onclick = () => selectJob(j.job);
          return tr;
        }
        function renderJobs() {
          if (!overview) return;
          const body = document.querySelector("#jobs tbody");
          body.replaceChildren(...overview.jobs.map(jobRow));
          if (!overview.jobs.length) { const tr = el("tr"); const td = el("td", "No jobs yet: grow-head submit job.json", "empty"); td.colSpan = 8; tr.append(td); body.append(tr); }
        }
        function renderWorkers() {
          const body = document.querySelector("#workers tbody");
          body.replaceChildren(...overview.workers.map(w => {
            const tr = el("tr"), name = el("td");
            const sw = el("span"); sw.className = "sw"; const c = colourOfWorker(w.id);
            sw.style.cssText = `display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:5px;background:rgb(${c.join(",")})`;
            name.append(sw, w.name);
            name.title = [w.host, w.node, w.nodeType, w.market].filter(Boolean).join(" · ");
            const node = [w.nodeType, w.market].filter(Boolean).join(" · ");
            if (node) name.append(el("div", node, "empty"));
            tr.append(name, el("td", w.state), el("td", `${w.busy}/${w.slots}`), el("td", w.queued), el("td", w.load.toFixed(2)),
              el("td", mib(w.rss)), el("td", (w.heardAgoMs / 1000).toFixed(1) + " s"));
            return tr;
          }));
        }
        function showMap() {
          const m = maps[selected]; if (!m) return;
          const canvas = document.getElementById("map");
          canvas.width = m.w; canvas.height = m.h;
          fitMap();
          document.getElementById("maptitle").textContent = `Map · job ${m.job} ${m.name} · ${m.tiles} tiles`;
          const box = document.getElementById("mapframe");
          box.querySelectorAll("img.quicklook").forEach(i => i.remove());
          for (const q of m.quicklooks) {
            const img = el("img", undefined, "quicklook"); img.src = q.url; img.alt = `quicklook EPSG:${q.epsg}`;
            img.style.left = (100 * q.x / m.w) + "%"; img.style.top = (100 * q.y / m.h) + "%";
            img.style.width = (100 * q.w / m.w) + "%"; img.style.height = (100 * q.h / m.h) + "%";
            img.hidden = !document.getElementById("showql").checked;
            box.append(img);
          }
          const list = document.getElementById("cells");
          if (m.tiles <= LISTED) {
            if (!m.items) { m.items = []; for (let p = 0; p < m.tiles; p++) { const li = el("li", "tile " + p); li.dataset.tile = p; li.dataset.state = STATES[m.state[p]]; m.items.push(li); } }
            list.replaceChildren(...m.items);
          } else list.replaceChildren();
          m.dirty = true;
        }
        // The canvas has a pixel per cell; it is shown scaled to the box, at most 62 % of the window's height.
        function fitMap() {
          const m = maps[selected]; if (!m) return;
          const box = document.getElementById("mapbox"), canvas = document.getElementById("map");
          const scale = Math.min(box.clientWidth / m.w, window.innerHeight * 0.62 / m.h);
          canvas.style.width = Math.floor(m.w * scale) + "px"; canvas.style.height = Math.floor(m.h * scale) + "px";
          document.getElementById("mapframe").style.width = canvas.style.width;
        }
        window.addEventListener("resize", fitMap);
        function renderLegend() {
          const m = maps[selected], legend = document.getElementById("legend");
          if (!m) { legend.replaceChildren(); return; }
          legend.replaceChildren(...STATES.map((s, i) => {
            const span = el("span"), sw = el("span", undefined, "sw"); sw.style.background = `rgb(${COLOURS[i].join(",")})`;
            const n = el("b", m.counts[i]); n.className = "count"; n.dataset.state = s;
            span.append(sw, s + " ", n); return span;
          }).filter((_, i) => i < 6 || m.counts[i] > 0));
        }
        function frame() {
          const m = maps[selected];
          if (m && m.dirty) {
            m.dirty = false;
            document.getElementById("map").getContext("2d").putImageData(m.image, 0, 0);
            renderLegend(); renderJobs();
          }
          document.getElementById("clock").textContent = new Date().toLocaleTimeString();
          requestAnimationFrame(frame);
        }
        document.getElementById("map").addEventListener("click", async ev => {
          const m = maps[selected]; if (!m) return;
          const r = ev.target.getBoundingClientRect();
          const x = Math.floor((ev.clientX - r.left) / r.width * m.w), y = Math.floor((ev.clientY - r.top) / r.height * m.h);
          const p = m.at[y * m.w + x]; if (p === undefined || p < 0) return;
          const res = await fetch(`api/jobs/${m.job}/tiles/${p}`); if (!res.ok) return;
          const t = await res.json(), box = document.getElementById("detail"), dl = el("dl");
          const rows = [["tile", t.name], ["state", t.state], ["worker", t.worker ?? "–"], ["attempts", t.attempt || "–"],
            ["duration", t.durationMs == null ? "–" : (t.durationMs / 1000).toFixed(3) + " s"], ["cell", `${t.x}, ${t.y}`]];
          for (const [k, v] of rows) dl.append(el("dt", k), el("dd", v));
          const err = el("pre", t.lastError ?? "none");
          box.replaceChildren(el("h2", "Tile"), dl, el("h2", "Last error"), err);
        });
        document.querySelectorAll("input[name=colour]").forEach(i => i.onchange = () => {
          colourBy = i.value; for (const m of Object.values(maps)) { for (let p = 0; p < m.tiles; p++) paint(m, p); m.dirty = true; }
        });
        document.getElementById("showql").onchange = ev => document.querySelectorAll("img.quicklook").forEach(i => i.hidden = !ev.target.checked);

        const stream = new EventSource("api/events");
        stream.addEventListener("hello", () => { document.getElementById("live").className = "on"; for (const job of Object.keys(maps)) loadMap(job); loadOverview(); });
        stream.addEventListener("tiles", ev => applyBatch(JSON.parse(ev.data)));
        stream.addEventListener("resync", () => { for (const job of Object.keys(maps)) loadMap(job); loadOverview(); });
        stream.onerror = () => { document.getElementById("live").className = ""; };
        setInterval(loadOverview, 2000);
        requestAnimationFrame(frame);
        </script>
        </body>
        </html>
        """#

    /// The login form of a dashboard bound beyond loopback. `failed` after a wrong token.
    package static func login(title: String, failed: Bool) -> String {
        let note = failed ? "<p class=\"bad\">That is not this cluster's token.</p>" : ""
        return #"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>grow · sign in</title>
            <style>
            body { margin:0; font:15px/1.4 system-ui, sans-serif; background:#0f172a; color:#e2e8f0; display:grid; place-items:center; min-height:100vh; }
            form { background:#111c33; border:1px solid #24324f; border-radius:8px; padding:24px; width:340px; }
            input { width:100%; padding:8px; margin:8px 0 14px; background:#0b1222; color:#e2e8f0; border:1px solid #24324f; border-radius:4px; }
            button { padding:8px 14px; background:#22c55e; border:0; border-radius:4px; font-weight:600; }
            .bad { color:#f87171; }
            </style></head>
            <body><form method="post" action="login">
            <h1 style="font-size:18px;margin-top:0">grow · sign in</h1>
            NOTE
            <label for="token">Cluster token (what the head's token file holds)</label>
            <input id="token" name="token" type="password" autocomplete="current-password" autofocus>
            <button type="submit">Sign in</button>
            </form></body></html>
            """#.replacingOccurrences(of: "NOTE", with: note)
    }
}
