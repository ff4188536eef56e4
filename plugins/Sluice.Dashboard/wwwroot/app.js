// Sluice dashboard: one page, hash routes, the host's API from the same origin. Values are written with
// textContent only (never HTML from the API), and every live value is refreshed every 2 s.
"use strict";

const REFRESH_MS = 2000;
const page = document.getElementById("page");
const status = document.getElementById("status");
let cleanup = [];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

async function api(path, options = {}) {
  const r = await fetch(path, { credentials: "same-origin", ...options });
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { error: text }; }
  if (!r.ok) throw Object.assign(new Error((body && body.error) || `${r.status} ${r.statusText}`), { status: r.status });
  return body;
}

function say(text) { status.textContent = text || ""; }

function every(ms, fn) {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try { await fn(); } catch (e) { say(e.message); }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  let timer = setTimeout(tick, 0);
  cleanup.push(() => { stopped = true; clearTimeout(timer); });
}

function table(id, columns) {
  const head = el("tr", {}, ...columns.map(c => el("th", { text: c })));
  return el("table", { id }, el("thead", {}, head), el("tbody"));
}

function cell(field, value, cls) {
  const td = el("td", { "data-field": field, text: value == null ? "" : String(value) });
  if (cls) td.className = cls;
  return td;
}

function streamLink(name) { return el("a", { href: "#/stream/" + encodeURIComponent(name), text: name }); }

// ---- pages

function streamsPage() {
  const t = table("streams", ["", "Name", "State", "Input", "Bitrate (kbit/s)", "Viewers", "Uptime (s)"]);
  page.append(el("h1", { text: "Streams" }), t, el("p", { id: "sessions" }));
  const body = t.tBodies[0];
  every(REFRESH_MS, async () => {
    const answer = await api("/api/v1/streams");
    body.replaceChildren(...answer.streams.map(s => {
      // Streams without thumbnails; answer 404: the image is hidden.
      const img = el("img", { class: "thumb", alt: "", "data-field": "thumbnail", src: `/${s.name}/preview.jpg?t=${Date.now()}` });
      img.addEventListener("error", () => { img.style.visibility = "hidden"; });
      return el("tr", { "data-stream": s.name },
        el("td", {}, img),
        el("td", { "data-field": "name" }, streamLink(s.name)),
        cell("state", s.state, "state-" + s.state),
        cell("input", s.input),
        cell("bitrate_kbps", s.bitrate_kbps, "num"),
        cell("viewers", s.viewers, "num"),
        cell("uptime_s", Math.round(s.uptime_s), "num"));
    }));
    document.getElementById("sessions").textContent =
      `${answer.sessions} session(s) open` + (answer.max_sessions ? ` of ${answer.max_sessions}` : "");
    say("");
  });
}

function streamPage(name) {
  const video = el("video", { id: "player", controls: "", muted: "", autoplay: "", playsinline: "" });
  video.muted = true;
  const info = el("div", { class: "grid", id: "media-info" });
  const events = el("div", { id: "stream-events" });
  const archive = el("div", { id: "archive" });
  const stop = el("button", { type: "button", id: "stop", text: "Stop stream", onclick: async () => {
    try { await api(`/api/v1/streams/${name}/stop`, { method: "POST" }); say(`stream ${name} stopped`); }
    catch (e) { say(e.message); }
  } });
  page.append(el("h1", { text: name }), video, el("p", {}, stop), el("h2", { text: "Media info" }), info,
    el("h2", { text: "Archive" }), archive,
    el("h2", { text: "Recent events" }), events);

  const src = `/${name}/index.m3u8`;
  if (window.Hls && Hls.isSupported()) {
    const hls = new Hls({ liveSyncDurationCount: 3 });
    hls.loadSource(src);
    hls.attachMedia(video);
    hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) say(`player: ${data.type} ${data.details}`); });
    cleanup.push(() => hls.destroy());
  } else {
    video.src = src; // native HLS (Safari)
  }
  video.play().catch(() => {});

  every(REFRESH_MS, async () => {
    let s;
    try { s = await api("/api/v1/streams/" + name); }
    catch (e) {
      if (e.status !== 404) throw e;
      // Stopped (a configured stream starts again at once) or not configured: not an error of the page.
      info.replaceChildren(el("span", { text: "State" }), el("span", { "data-field": "state", text: "not running" }));
      return;
    }
    const m = s.media_info;
    const rows = [
      ["Title", s.title], ["State", s.state], ["Input", s.input], ["Bitrate (kbit/s)", s.bitrate_kbps],
      ["Video", m.video_codec ? `${m.video_codec} ${m.width}x${m.height}` : "none"],
      ["Audio", m.audio_codec ? `${m.audio_codec} ${m.sample_rate} Hz, ${m.channels} ch` : "none"],
      ["Viewers", s.viewers], ["Dropped frames", s.dropped_frames],
    ];
    info.replaceChildren(...rows.flatMap(([k, v]) => [el("span", { text: k }), el("span", { "data-field": k.toLowerCase(), text: v ?? "" })]));
  });
  every(5000, () => showArchive(archive, name));
  tail(events, [`media=${name}`], [], 50);
}

// The DVR's recorded ranges (GET /api/v1/streams/NAME/dvr, 404 when no dvr records the stream), each with
// its archive playlist and MP4 export.
async function showArchive(into, name) {
  let d;
  try { d = await api(`/api/v1/streams/${name}/dvr`); }
  catch (e) {
    if (e.status !== 404) throw e;
    into.dataset.state = "none";
    into.replaceChildren(el("p", { text: "Not recorded: no dvr directive covers this stream." }));
    return;
  }
  const utc = s => new Date(s * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");
  const t = table("archive-ranges", ["From", "Duration (s)", ""]);
  t.tBodies[0].replaceChildren(...d.ranges.map(r => el("tr", { "data-from": String(r.from), "data-duration": String(r.duration) },
    cell("from", utc(r.from)), cell("duration", r.duration, "num"),
    el("td", {}, el("a", { href: `/${name}/index-${r.from}-${r.duration}.m3u8`, text: "playlist" }), " ",
      el("a", { href: `/${name}/archive-${r.from}-${r.duration}.mp4`, text: "MP4" })))));
  const limit = d.size_limit != null ? `, at most ${d.size_limit} bytes` : d.disk_limit != null ? `, at most ${d.disk_limit}% of the disk` : "";
  into.dataset.state = d.ranges.length ? "ranges" : "empty";
  into.replaceChildren(
    el("p", { id: "archive-summary", text: `${d.recording ? "Recording" : "Not recording"}; ${d.fragments} fragments, ${d.bytes} bytes; kept ${d.depth} s${limit}` +
      (d.write_error ? `; write error: ${d.write_error}` : "") }),
    d.ranges.length ? t : el("p", { text: "Nothing recorded yet." }));
}

// The SSE tail read with fetch (EventSource only reports unnamed events, and every Sluice event is named).
function tail(into, only, except, backlog) {
  const q = new URLSearchParams();
  for (const o of only) if (o.trim()) q.append("only", o.trim());
  for (const x of except) if (x.trim()) q.append("except", x.trim());
  q.set("backlog", String(backlog));
  const abort = new AbortController();
  cleanup.push(() => abort.abort());
  const show = (name, data) => {
    into.prepend(el("div", { class: "event", "data-event": name, text: `${name} ${data}` }));
    while (into.childElementCount > 500) into.lastElementChild.remove();
  };
  (async () => {
    const r = await fetch("/api/v1/events/stream?" + q, { credentials: "same-origin", signal: abort.signal });
    if (!r.ok) { say("event tail: " + ((await r.json().catch(() => null))?.error ?? r.status)); return; }
    into.dataset.connected = "true";
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message", data = "";
        for (const line of message.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (data) show(name, data);
      }
    }
    say("event tail closed by the server: reload the page to reconnect");
  })().catch(e => { if (e.name !== "AbortError") say("event tail: " + e.message); });
}

function eventsPage() {
  const only = el("input", { id: "only", size: "60", placeholder: "only: event=stream_started,stream_stopped media=cam1" });
  const except = el("input", { id: "except", size: "40", placeholder: "except: event=play_started" });
  const list = el("div", { id: "events-list" });
  const apply = () => {
    for (const c of cleanup.splice(0)) c();
    list.replaceChildren();
    delete list.dataset.connected;
    say("");
    tail(list, [only.value], [except.value], 100);
  };
  const form = el("form", { id: "filter", onsubmit: ev => { ev.preventDefault(); apply(); } },
    only, " ", except, " ", el("button", { type: "submit", text: "Filter" }));
  page.append(el("h1", { text: "Events" }), form, list);
  apply();
}

function notifyPage() {
  const t = table("notify", ["Block", "Sink", "Queued", "Delivered", "Failed batches", "Dropped", "Resend buffer", "Last error"]);
  page.append(el("h1", { text: "Notify blocks" }), t);
  every(REFRESH_MS, async () => {
    const answer = await api("/api/v1/notify");
    t.tBodies[0].replaceChildren(...answer.handlers.map(h => el("tr", { "data-block": h.name },
      cell("name", h.name), cell("sink", h.sink), cell("queued", h.queued, "num"), cell("delivered", h.delivered, "num"),
      cell("failed_batches", h.failed_batches, "num"), cell("dropped", h.dropped, "num"),
      cell("in_resend_buffer", h.in_resend_buffer, "num"),
      cell("last_error", h.last_error ? `${h.last_error} (${new Date(h.last_error_utc_ms).toISOString()})` : ""))));
  });
}

function pluginsPage() {
  const t = table("plugins", ["Plugin", "Version", "State", "Error", "Used by"]);
  const h = table("history", ["When", "Change", "Plugin", "From", "To", "Applied", "Error"]);
  page.append(el("h1", { text: "Plugins" }), t, el("h2", { text: "Changes" }), h);
  every(REFRESH_MS, async () => {
    const [plugins, history] = await Promise.all([api("/api/v1/plugins"), api("/api/v1/plugins/history")]);
    t.tBodies[0].replaceChildren(...plugins.plugins.map(p => el("tr", { "data-plugin": p.name },
      cell("name", p.name), cell("version", p.version), cell("state", p.state, "state-" + p.state), cell("error", p.error),
      cell("used_by", p.used_by.join(", ")))));
    h.tBodies[0].replaceChildren(...history.changes.slice().reverse().map(c => el("tr", {},
      cell("at", new Date(c.at).toLocaleString()), cell("kind", c.kind), cell("name", c.name), cell("old_version", c.old_version),
      cell("new_version", c.new_version), cell("applied", c.applied ? "yes" : "no"), cell("error", c.error))));
  });
}

function checkPage() {
  const text = el("textarea", { id: "config", spellcheck: "false", placeholder: "paste a configuration" });
  const messages = el("ul", { id: "messages", class: "messages" });
  const verdict = el("p", { id: "verdict" });
  const run = el("button", { type: "button", id: "run-check", text: "Check", onclick: async () => {
    try {
      const answer = await api("/api/v1/config/check", { method: "POST", headers: { "Content-Type": "text/plain" }, body: text.value });
      verdict.textContent = answer.valid ? "valid" : "invalid";
      messages.replaceChildren(...answer.messages.map(m => el("li", { class: m.severity, text: m.text })));
    } catch (e) { verdict.textContent = e.message; }
  } });
  page.append(el("h1", { text: "Configuration check" }), text, el("p", {}, run), verdict, messages);
}

// ---- routing

function route() {
  for (const c of cleanup.splice(0)) c();
  page.replaceChildren();
  say("");
  const hash = location.hash.replace(/^#\/?/, "");
  const [name, ...rest] = hash.split("/");
  document.querySelectorAll("nav a[data-page]").forEach(a => a.classList.toggle("active", a.dataset.page === (name || "streams")));
  switch (name) {
    case "stream": return streamPage(rest.map(decodeURIComponent).join("/"));
    case "notify": return notifyPage();
    case "plugins": return pluginsPage();
    case "events": return eventsPage();
    case "check": return checkPage();
    default: return streamsPage();
  }
}

document.getElementById("reload").addEventListener("click", async () => {
  try {
    const r = await api("/api/v1/config/reload", { method: "POST" });
    say(r.reloaded ? "configuration reloaded" : "reload refused: " + r.errors.join("; "));
  } catch (e) { say("reload: " + e.message); }
});
api("/api/v1/server").then(s => { document.getElementById("server").textContent = `Sluice ${s.version} on ${s.hostname}`; }).catch(e => say(e.message));
window.addEventListener("hashchange", route);
route();
