"use strict";
// The query page: YASGUI (vendored, same origin) over this endpoint alone, the bundled queries as its examples (read
// from the queries-as-data graph), the project's prefixes for completion and for showing IRIs, and the entities of the
// graph linked to their pages. Nothing is asked of any other site: the page's CSP allows no other origin anyway.
const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, text) => { const node = document.createElement(tag); if (text !== undefined) node.textContent = text; return node; };
const endpoint = new URL(config.endpoint, location.href).href;
const { Yasqe, Yasr } = window;

$("about").textContent = "Read-only SPARQL 1.1 endpoint at " + endpoint +
  " · queries stop after " + config.timeout_s + " s · results up to " + config.max_result_bytes + " bytes" +
  " · no updates, no SERVICE · spacefilms " + config.version;

function shorten(iri, prefixes) {
  for (const [prefix, ns] of Object.entries({ ...prefixes, ...config.prefixes })) {
    if (iri.startsWith(ns) && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
  }
  return "<" + iri + ">";
}

// Completion from this page alone: the project's prefixes (YASQE's bundled list, copied from prefix.cc, gives sf: to
// another vocabulary) declared as they are typed; no class or property lookups at LOV, another site.
Yasqe.forkAutocompleter("prefixes", {
  name: "spacefilms-prefixes",
  persistenceId: null,
  get: () => Object.entries(config.prefixes).map(([prefix, ns]) => `${prefix}: <${ns}>`),
}, false);
Yasqe.defaults.autocompleters = ["spacefilms-prefixes", "variables"];

// Results: an entity of the graph links to its page (the endpoint's /entity answers where that is), a web IRI opens
// in a new tab, any other IRI is shown, never made a link (a javascript: IRI in an answer stays text); a list of
// source pages (GROUP_CONCAT) is a link each.
const WEB = /^https?:\/\/\S+$/i;
function link(href, text, title) {
  const a = el("a", text);
  a.className = "iri"; a.href = href; a.title = title;
  if (WEB.test(href)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
  return a.outerHTML;
}
class Table extends Yasr.plugins.table {
  getUriLinkFromBinding(binding, prefixes) {
    const iri = binding.value, text = shorten(iri, prefixes);
    if (iri.startsWith(config.resources)) return link("entity?iri=" + encodeURIComponent(iri), text, iri);
    return WEB.test(iri) ? link(iri, text, iri) : el("span", text).outerHTML;
  }
  formatLiteral(binding, prefixes) {
    const urls = binding.value.split(/\s+/);
    return urls.every((url) => WEB.test(url)) ? urls.map((url) => link(url, url, url)).join(" ") : super.formatLiteral(binding, prefixes);
  }
}
Yasr.registerPlugin("table", Table);

// A permalink (#query=…) opens with its query, and runs it (YASGUI reads the address, then clears it); otherwise the
// first bundled query is shown.
const openedFromLink = new URLSearchParams(location.hash.slice(1)).has("query");
const yasgui = new window.Yasgui($("yasgui"), {
  requestConfig: { endpoint, method: "POST" },
  endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
  copyEndpointOnNewTab: true,
  persistenceId: null,  // a page opens as its address says: a permalink, or the first bundled query
  populateFromUrl: (tab) => ({ ...tab, requestConfig: { ...tab.requestConfig, endpoint } }),  // a link never sends a query elsewhere
  yasr: { prefixes: config.prefixes },
});

// A permalink opened in this page's tab only changes the address's fragment: its query is run as on a fresh load.
window.addEventListener("hashchange", () => {
  const query = new URLSearchParams(location.hash.slice(1)).get("query");
  if (query === null) return;
  const tab = yasgui.getTab();
  tab.setQuery(query);
  tab.query().catch(() => {});  // YASR shows what went wrong
});

// The state of the last query, for people (YASR says it too) and for the page's tests; the address bar holds its permalink.
yasgui.on("queryBefore", () => { $("yasgui").dataset.state = "running"; });
yasgui.on("queryResponse", (_, tab) => Promise.resolve().then(() => {  // YASGUI tells before YASR has read the answer
  $("yasgui").dataset.state = tab.getYasr().results?.hasError() ? "error" : "done";
  history.replaceState(null, "", tab.getShareableLink());
}));

function choose(query, button) {
  for (const other of document.querySelectorAll("nav button")) other.classList.remove("current");
  button.classList.add("current");
  $("title").textContent = query.title;
  $("description").textContent = query.description;
  const tab = yasgui.getTab();
  tab.setName(query.name);
  tab.setQuery(query.text);
}

// The bundled queries, as the store publishes them (sh:SPARQLExecutable in the queries graph): one button each.
async function loadExamples() {
  const box = $("examples");
  try {
    const response = await fetch(endpoint, {
      method: "POST", headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json" },
      body: config.examples_query,
    });
    const text = await response.text();
    if (!response.ok) throw new Error("HTTP " + response.status + ": " + text.trim());
    const queries = JSON.parse(text).results.bindings.map((row) => ({
      name: row.name.value, title: row.title.value, description: row.description?.value || "", text: row.text.value,
    }));
    for (const query of queries) {
      const button = el("button", query.title);
      button.type = "button";
      button.dataset.name = query.name;
      button.append(el("small", query.name));
      button.addEventListener("click", () => choose(query, button));
      box.append(button);
    }
    if (queries.length && !openedFromLink) choose(queries[0], box.firstChild);
    box.dataset.state = "done";
  } catch (error) {
    box.className = "error"; box.dataset.state = "error"; box.textContent = "The bundled queries could not be read: " + error.message;
  }
}
loadExamples();
