"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const W = (text, count) => DATA.words[text].replace("{count}", count);  // the page's words in the diagram's language
const NS = "http://www.w3.org/2000/svg";
const svg = document.getElementById("canvas"), view = document.getElementById("view");
const tip = document.getElementById("tip"), panel = document.getElementById("panel");
let tx = 0, ty = 0, scale = 1;

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function esc(s) { return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]); }
function apply() { view.setAttribute("transform", `translate(${tx},${ty}) scale(${scale})`); }

function linePath(l) {
  const a = DATA.nodes[l.a], b = DATA.nodes[l.b], o = l.offset;
  if (l.curved) {
    const mid = a.x + (b.x - a.x) / 2;
    return `M${a.x},${a.y - o} C${mid},${a.y - o} ${mid},${b.y - o} ${b.x},${b.y - o}`;
  }
  const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1, nx = -dy / len * o, ny = dx / len * o;
  return `M${a.x + nx},${a.y + ny} L${b.x + nx},${b.y + ny}`;
}

const lineEls = DATA.lines.map(l => {
  const g = el("g", {}, document.getElementById("lines"));
  const attrs = {class: "line", d: linePath(l), stroke: l.color, "stroke-width": l.width};
  if (l.dash) attrs["stroke-dasharray"] = l.dash;
  const shown = el("path", attrs, g), hit = el("path", {class: "line hit", d: linePath(l)}, g);
  hit.addEventListener("pointerenter", ev => showTip(ev, lineInfo(l, false)));
  hit.addEventListener("pointermove", moveTip);
  hit.addEventListener("pointerleave", hideTip);
  hit.addEventListener("click", () => showPanel(lineInfo(l, true)));
  return {g, shown, hit, l};
});

function textAttrs(n, i, count) {
  const size = n.hub ? 13 : 10, lead = size * 1.2, gap = n.r + 4;
  const first = -(count - 1) * lead / 2;
  switch (n.anchor) {
    case "left": return {x: -gap, y: first + i * lead, "text-anchor": "end", "dominant-baseline": "central"};
    case "above": return {x: 0, y: -gap - (count - 1 - i) * lead, "text-anchor": "middle", "dominant-baseline": "text-after-edge"};
    case "below": return {x: 0, y: gap + i * lead, "text-anchor": "middle", "dominant-baseline": "text-before-edge"};
    default: return {x: gap, y: first + i * lead, "text-anchor": "start", "dominant-baseline": "central"};
  }
}

DATA.headings.forEach(h => {
  el("text", {x: h.x, y: h.y, "text-anchor": {right: "end", center: "middle"}[h.anchor] || "start"}, document.getElementById("headings")).textContent = h.text;
});

const nodeEls = DATA.nodes.map((n, i) => {
  const style = DATA.legend.find(k => k.label === n.kindLabel);
  const g = el("g", {class: "node" + (n.hub ? " hub" : ""), transform: `translate(${n.x},${n.y})`}, document.getElementById("nodes"));
  el("path", {d: DATA.shapes[n.kind], transform: `scale(${2 * n.r})`, fill: style ? style.color : "#bbb",
              stroke: n.hub ? "#222" : "#fff", "stroke-width": (n.hub ? 1.2 : 0.8) / (2 * n.r)}, g);
  n.lines.forEach((text, k) => { const t = el("text", textAttrs(n, k, n.lines.length), g); t.textContent = text; });
  g.addEventListener("pointerenter", ev => { if (!dragging) showTip(ev, nodeTip(n)); });
  g.addEventListener("pointermove", moveTip);
  g.addEventListener("pointerleave", hideTip);
  g.addEventListener("pointerdown", ev => startDrag(ev, i));
  return g;
});

// ---- hover and details
function sourceList(ids, links) {
  return "<ul class='facts'>" + ids.map(id => {
    const [url, label, linkable] = DATA.sources[id];  // linkable: http(s), decided by spacefilms.templating.is_web_link
    const text = esc(label || url);
    return "<li>" + (links && linkable ? `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text) + "</li>";
  }).join("") + "</ul>";
}
function nodeTip(n) {
  const facts = n.facts.filter(f => f[0] !== "label").slice(0, 10).map(f =>
    `<li><b>${esc(f[0])}</b>: ${esc(f[1])} <span class="muted">(${esc(W(f[2].length === 1 ? "{count} source" : "{count} sources", f[2].length))})</span></li>`).join("");
  return `<b>${esc(n.label)}</b>${n.ru ? " · " + esc(n.ru) : ""}<br><span class="muted">${esc(n.kindLabel)} · ${esc(n.types.join(", "))}</span>` +
    (n.description ? `<br>${esc(n.description)}` : "") + (facts ? `<ul class="facts">${facts}</ul>` : "") +
    `<span class="muted">${esc(W("click for all facts and their sources"))}</span>`;
}
function lineInfo(l, links) {
  const a = DATA.nodes[l.a].label, b = DATA.nodes[l.b].label;
  return `<b>${esc(a)}</b> — <b>${esc(b)}</b>` + l.relations.map(r =>
    `<div><i>${esc(r.label)}</i> <span class="muted">${esc(r.relation)}</span>${r.role ? ": " + esc(r.role) : ""}` +
    (r.sources.length ? sourceList(r.sources, links) : `<div class='muted'>${esc(W("no source (derived by the query)"))}</div>`) + "</div>").join("");
}
function nodePanel(n) {
  const i = DATA.nodes.indexOf(n);
  // its relations drawn here, each way, with the pages that state them (not only the facts written as text)
  const relations = DATA.lines.filter(l => l.a === i || l.b === i).flatMap(l => l.relations.map(r =>
    `<li>${l.a === i ? "→" : "←"} <i>${esc(r.label)}</i> <b>${esc(DATA.nodes[l.a === i ? l.b : l.a].label)}</b>` +
    (r.role ? ` <span class="muted">(${esc(r.role)})</span>` : "") + (r.sources.length ? sourceList(r.sources, true) : "") + "</li>")).join("");
  return `<h2>${esc(n.label)}</h2>${n.ru ? esc(n.ru) + "<br>" : ""}<span class="muted">${esc(n.id)}<br>${esc(n.kindLabel)}</span>` +
    (n.description ? `<p>${esc(n.description)}</p>` : "") + "<ul class='facts'>" + n.facts.map(f =>
      `<li><b>${esc(f[0])}</b>: ${esc(f[1])}${sourceList(f[2], true)}</li>`).join("") + "</ul>" +
    (relations ? `<h3>${esc(W("Relations"))}</h3><ul class="facts">${relations}</ul>` : "");
}
function showTip(ev, content) { tip.innerHTML = content; tip.style.display = "block"; moveTip(ev); }
// The tip goes beside the pointer (right of it, else left, else narrowed on the roomier side), never under it, and
// stays in the part of the canvas the window shows: capped to that height (the click panel shows everything).
function moveTip(ev) {
  const GAP = 14, MARGIN = 6, WIDEST = 420, box = svg.getBoundingClientRect();
  const left = Math.max(box.left, 0), top = Math.max(box.top, 0);
  const right = Math.min(box.right, window.innerWidth), bottom = Math.min(box.bottom, window.innerHeight);
  const px = ev.clientX, py = ev.clientY;
  const roomRight = right - MARGIN - px - GAP, roomLeft = px - GAP - left - MARGIN;
  tip.style.maxHeight = Math.max(60, bottom - top - 2 * MARGIN) + "px";
  tip.style.maxWidth = WIDEST + "px";
  const onRight = roomRight >= tip.offsetWidth || (roomLeft < tip.offsetWidth && roomRight >= roomLeft);
  tip.style.maxWidth = Math.max(80, Math.min(WIDEST, onRight ? roomRight : roomLeft)) + "px";
  const w = tip.offsetWidth, h = tip.offsetHeight;
  const x = onRight ? px + GAP : px - GAP - w, y = Math.max(top + MARGIN, Math.min(py - h / 2, bottom - MARGIN - h));
  tip.style.left = (x - box.left) + "px"; tip.style.top = (y - box.top) + "px";
}
function hideTip() { tip.style.display = "none"; }
function showPanel(content) {
  panel.innerHTML = `<button class='close' title='${esc(W("Close"))}'>×</button>` + content;
  panel.style.display = "block";
  panel.querySelector(".close").addEventListener("click", () => { panel.style.display = "none"; });
}

// ---- pan, zoom, drag
let dragging = null, panning = null, moved = false;
function toLayout(ev) {
  const box = svg.getBoundingClientRect();
  return [(ev.clientX - box.left - tx) / scale, (ev.clientY - box.top - ty) / scale];
}
function startDrag(ev, i) {
  ev.stopPropagation(); hideTip();
  const [x, y] = toLayout(ev), n = DATA.nodes[i];
  dragging = {i, dx: n.x - x, dy: n.y - y}; moved = false;
  svg.setPointerCapture(ev.pointerId);
}
svg.addEventListener("pointerdown", ev => {
  panning = {x: ev.clientX - tx, y: ev.clientY - ty}; svg.classList.add("panning"); svg.setPointerCapture(ev.pointerId);
});
svg.addEventListener("pointermove", ev => {
  if (dragging) {
    const [x, y] = toLayout(ev), n = DATA.nodes[dragging.i];
    n.x = x + dragging.dx; n.y = y + dragging.dy; moved = true;
    nodeEls[dragging.i].setAttribute("transform", `translate(${n.x},${n.y})`);
    lineEls.forEach(e => { if (e.l.a === dragging.i || e.l.b === dragging.i) { const d = linePath(e.l); e.shown.setAttribute("d", d); e.hit.setAttribute("d", d); } });
  } else if (panning) { tx = ev.clientX - panning.x; ty = ev.clientY - panning.y; apply(); }
});
svg.addEventListener("pointerup", () => {
  if (dragging && !moved) showPanel(nodePanel(DATA.nodes[dragging.i]));
  dragging = null; panning = null; svg.classList.remove("panning");
});
function zoomAt(factor, cx, cy) {
  const next = Math.min(8, Math.max(0.05, scale * factor));
  tx = cx - (cx - tx) * next / scale; ty = cy - (cy - ty) * next / scale; scale = next; apply();
}
svg.addEventListener("wheel", ev => {
  ev.preventDefault();
  const box = svg.getBoundingClientRect();
  zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - box.left, ev.clientY - box.top);
}, {passive: false});
document.getElementById("zoomin").onclick = () => { const b = svg.getBoundingClientRect(); zoomAt(1.25, b.width / 2, b.height / 2); };
document.getElementById("zoomout").onclick = () => { const b = svg.getBoundingClientRect(); zoomAt(0.8, b.width / 2, b.height / 2); };
function fit() {
  const box = svg.getBoundingClientRect(), bb = view.getBBox();
  scale = Math.min(box.width / (bb.width + 40), box.height / (bb.height + 40), 2);
  tx = (box.width - bb.width * scale) / 2 - bb.x * scale; ty = (box.height - bb.height * scale) / 2 - bb.y * scale; apply();
}
document.getElementById("fit").onclick = fit;

// ---- search
const search = document.getElementById("search");
function matches(q) {
  q = q.trim().toLowerCase();
  return q ? DATA.nodes.map((n, i) => (n.label + " " + n.ru + " " + n.id).toLowerCase().includes(q) ? i : -1).filter(i => i >= 0) : [];
}
search.addEventListener("input", () => {
  const found = new Set(matches(search.value)), any = search.value.trim() !== "";
  nodeEls.forEach((g, i) => { g.classList.toggle("match", found.has(i)); g.classList.toggle("dim", any && !found.has(i)); });
  nodeEls.forEach((g, i) => { if (found.has(i)) g.parentNode.appendChild(g); });  // drawn last: nothing covers its label
  lineEls.forEach(e => e.g.classList.toggle("dim", any && !(found.has(e.l.a) || found.has(e.l.b))));
});
search.addEventListener("keydown", ev => {
  if (ev.key !== "Enter") return;
  const found = matches(search.value);
  if (!found.length) return;
  const n = DATA.nodes[found[0]], box = svg.getBoundingClientRect();
  scale = Math.max(scale, 1.2); tx = box.width / 2 - n.x * scale; ty = box.height / 2 - n.y * scale; apply();
  showPanel(nodePanel(n));
});

document.getElementById("legend").innerHTML = DATA.legend.map(k =>
  `<span><svg width="14" height="14" viewBox="-0.6 -0.6 1.2 1.2"><path d="${k.shape}" fill="${k.color}"/></svg> ${esc(k.label)}</span>`).join("")
  + DATA.relations.map(r =>
  `<span><svg width="24" height="10"><line x1="1" y1="5" x2="23" y2="5" stroke="${r.color}" stroke-width="${Math.max(1, r.width * 1.5)}" stroke-dasharray="${r.dash}"/></svg> ${esc(r.label)}</span>`).join("");
fit();
