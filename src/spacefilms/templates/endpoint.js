"use strict";
const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, text) => { const node = document.createElement(tag); if (text !== undefined) node.textContent = text; return node; };

$("about").textContent = "Read-only SPARQL 1.1 endpoint at " + new URL(config.endpoint, location.href) +
  " · queries stop after " + config.timeout_s + " s · results up to " + config.max_result_bytes + " bytes" +
  " · no updates, no SERVICE · spacefilms " + config.version;

function shorten(iri) {
  for (const [prefix, ns] of Object.entries(config.prefixes)) {
    if (iri.startsWith(ns) && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
  }
  return "<" + iri + ">";
}

// ---- the editor: SPARQL highlighted under a transparent textarea; known prefixes declared as they are typed
const KEYWORDS = new Set(("select construct describe ask where from named prefix base optional union minus filter bind values graph " +
  "service silent not exists in as distinct reduced order by asc desc group having limit offset count sum min max avg sample " +
  "group_concat separator a true false str lang langmatches datatype bound iri uri bnode isiri isuri isblank isliteral regex " +
  "replace strstarts strends contains concat if coalesce substr strlen ucase lcase year month day now abs").split(" "));
const TOKEN = /(#[^\n\r]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z_]\w*)|([A-Za-z][\w.-]*)?:([\w-]*)|(\b[A-Za-z_]+\b)|(\b\d+(?:\.\d+)?\b)/g;
const escapeHtml = (text) => text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);

function highlight(text) {
  let html = "", last = 0;
  for (const m of text.matchAll(TOKEN)) {
    html += escapeHtml(text.slice(last, m.index));
    const kind = m[1] ? "com" : m[2] ? "str" : m[3] ? "iri" : m[4] ? "var" : m[0].includes(":") ? "pn"
      : m[7] && KEYWORDS.has(m[7].toLowerCase()) ? "kw" : m[8] ? "num" : null;
    html += kind ? `<span class="hl-${kind}">${escapeHtml(m[0])}</span>` : escapeHtml(m[0]);
    last = m.index + m[0].length;
  }
  $("highlight").innerHTML = html + escapeHtml(text.slice(last)) + "\n";
  $("highlight").scrollTop = $("query").scrollTop;
}

// Typing a prefixed name whose prefix is known (sf:, schema:, wd: …) declares the prefix at the top, as YASGUI does.
function declarePrefixes() {
  const area = $("query"), text = area.value;
  const declared = new Set([...text.matchAll(/PREFIX\s+([A-Za-z][\w.-]*)?:/gi)].map((m) => m[1] || ""));
  const used = new Set();
  for (const m of text.matchAll(TOKEN)) if (m[5] && m[0].includes(":")) used.add(m[5]);
  const missing = [...used].filter((p) => !declared.has(p) && config.prefixes[p]);
  if (!missing.length) return;
  const lines = missing.map((p) => `PREFIX ${p}: <${config.prefixes[p]}>\n`).join("");
  const caret = area.selectionStart;
  area.value = lines + text;
  area.selectionStart = area.selectionEnd = caret + lines.length;
  $("note").textContent = "declared " + missing.map((p) => p + ":").join(", ");
}

function setQuery(text) { $("query").value = text; highlight(text); }

// A link to this page with the query in its fragment: open it, and the query is there and runs.
function permalink(query) { return location.pathname + "#query=" + encodeURIComponent(query); }

function cell(term) {
  const td = el("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = el("a", shorten(term.value));
    a.title = term.value;
    if (/^https?:/.test(term.value) && !Object.values(config.prefixes).some((ns) => term.value.startsWith(ns))) {
      a.href = term.value; a.rel = "noopener noreferrer"; a.target = "_blank";  // a source page: open it
    } else {
      a.href = permalink("DESCRIBE <" + term.value + ">");  // one of ours: what the graph says about it
      a.addEventListener("click", () => setTimeout(load, 0));
    }
    td.append(a);
  }
  else if (term.type === "bnode") td.textContent = "_:" + term.value;
  else if (/^https?:\/\/\S+(\s+https?:\/\/\S+)*$/.test(term.value)) {
    for (const url of term.value.split(/\s+/)) {  // a list of source pages (GROUP_CONCAT): each a link
      const a = el("a", url); a.href = url; a.rel = "noopener noreferrer"; a.target = "_blank";
      td.append(a, " ");
    }
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) { const tag = el("span", " @" + term["xml:lang"]); tag.className = "lang"; td.append(tag); }
  }
  return td;
}

function showTable(data) {
  const out = $("results");
  if (typeof data.boolean === "boolean") { out.append(el("pre", String(data.boolean))); return "answer: " + data.boolean; }
  const vars = data.head.vars, rows = data.results.bindings;
  const table = el("table"), head = el("tr");
  for (const v of vars) head.append(el("th", v));
  table.append(head);
  for (const row of rows) {
    const tr = el("tr");
    for (const v of vars) tr.append(cell(row[v]));
    table.append(tr);
  }
  out.append(table);
  return rows.length + (rows.length === 1 ? " row" : " rows");
}

async function download(accept, extension) {
  const status = $("status");
  try {
    const response = await fetch(config.endpoint, {
      method: "POST", headers: { "Content-Type": "application/sparql-query", "Accept": accept }, body: $("query").value,
    });
    const text = await response.text();
    if (!response.ok) throw new Error("HTTP " + response.status + ": " + text.trim());
    const a = el("a");
    a.href = URL.createObjectURL(new Blob([text], { type: accept }));
    a.download = "spacefilms-results." + extension;
    document.body.append(a); a.click(); a.remove();
    status.dataset.download = a.download + ":" + text.length;
  } catch (error) {
    status.className = "error"; status.dataset.state = "error"; status.textContent = error.message;
  }
}

async function run() {
  const status = $("status"), format = $("format").value;
  history.replaceState(null, "", permalink($("query").value));
  $("permalink").href = permalink($("query").value);
  $("results").replaceChildren();
  status.className = ""; status.dataset.state = "running"; status.textContent = "Running…";
  const started = performance.now();
  try {
    const accept = format === "table" ? "application/sparql-results+json, text/turtle;q=0.9" : format + ", text/turtle;q=0.9";
    const response = await fetch(config.endpoint, {
      method: "POST", headers: { "Content-Type": "application/sparql-query", "Accept": accept }, body: $("query").value,
    });
    const type = response.headers.get("Content-Type") || "";
    const text = await response.text();
    if (!response.ok) throw new Error("HTTP " + response.status + ": " + text.trim());
    let summary;
    if (format === "table" && type.startsWith("application/sparql-results+json")) summary = showTable(JSON.parse(text));
    else { $("results").append(el("pre", text)); summary = text.length + " characters of " + type.split(";")[0]; }
    status.textContent = summary + " in " + ((performance.now() - started) / 1000).toFixed(2) + " s";
    status.dataset.state = "done";
  } catch (error) {
    status.className = "error"; status.dataset.state = "error"; status.textContent = error.message;
  }
}

function choose(query, button) {
  for (const other of document.querySelectorAll("nav button")) other.classList.remove("current");
  button.classList.add("current");
  $("title").textContent = query.title;
  $("description").textContent = query.description;
  setQuery(query.text);
}

for (const query of config.queries) {
  const button = el("button", query.title);
  button.type = "button";
  button.dataset.name = query.name;
  button.append(el("small", query.name));
  button.addEventListener("click", () => choose(query, button));
  $("examples").append(button);
}
$("run").addEventListener("click", run);
$("csv").addEventListener("click", () => download("text/csv", "csv"));
$("json").addEventListener("click", () => download("application/sparql-results+json", "json"));
$("query").addEventListener("keydown", (event) => { if (event.key === "Enter" && event.ctrlKey) run(); });
$("query").addEventListener("input", () => { declarePrefixes(); highlight($("query").value); });
$("query").addEventListener("scroll", () => { $("highlight").scrollTop = $("query").scrollTop; });

// A permalink (#query=…) opens with its query, and runs it; otherwise the first bundled example is shown.
function load() {
  const shared = new URLSearchParams(location.hash.slice(1)).get("query");
  if (shared !== null) {
    for (const other of document.querySelectorAll("nav button")) other.classList.remove("current");
    $("title").textContent = "Query"; $("description").textContent = "";
    setQuery(shared);
    run();
  } else if (config.queries.length) choose(config.queries[0], $("examples").firstChild);
}
window.addEventListener("hashchange", load);
load();
