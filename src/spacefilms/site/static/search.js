// Search of the spacefilms website: instant, offline, over search-index.js (loaded on first use).
// Case-, width- and diacritics-insensitive; Cyrillic names are also matched through a Latin transliteration, so that
// "peresild" finds "Пересильд" and "Пересильд" finds "Peresild". Arrow keys move through the results, Enter opens one.
(function () {
  "use strict";
  var CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g"
  };
  // Full-width and other compatibility forms as their plain letters (NFKC); zero-width characters and soft hyphens
  // dropped: on both sides, the names indexed and the text typed.
  function fold(text) {
    return String(text).normalize("NFKC").replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "").toLowerCase().normalize("NFD").replace(/\u0438\u0306/g, "\u0439").replace(/[\u0300-\u036f]/g, "");
  }
  function transliterate(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      out += Object.prototype.hasOwnProperty.call(CYRILLIC, c) ? CYRILLIC[c] : c;
    }
    return out;
  }
  // Also the spellings English texts use: "ia"/"iu" for я/ю after a consonant ("Yulia"), "i" for й ("Sergei").
  function variants(text) {
    var folded = fold(text), latin = transliterate(folded);
    var keys = [folded];
    if (latin !== folded) {
      keys.push(latin, latin.replace(/([^aeiouy ])ya/g, "$1ia").replace(/([^aeiouy ])yu/g, "$1iu").replace(/iy\b/g, "y"),
        latin.replace(/y\b/g, "i").replace(/ey/g, "ei"));
    }
    return keys;
  }

  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var box = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!box || !list) return;
  var index = null, active = -1, shown = [];

  function load(then) {
    if (index) return then();
    if (window.SPACEFILMS_SEARCH) { prepare(); return then(); }
    var tag = document.createElement("script");
    tag.src = root + "search-index.js";
    tag.onload = function () { prepare(); then(); };
    tag.onerror = function () { status.textContent = "The search index could not be loaded."; };
    document.head.appendChild(tag);
  }
  function prepare() {
    index = (window.SPACEFILMS_SEARCH || []).map(function (entry) {
      var names = [entry.l].concat(entry.r ? [entry.r] : [], entry.a || []);
      var keys = [];
      names.forEach(function (n) { keys = keys.concat(variants(n)); });
      return { entry: entry, keys: keys };
    });
  }
  function score(item, queries) {
    var best = -1;
    item.keys.forEach(function (key, i) {
      queries.forEach(function (q) {
        var at = key.indexOf(q);
        if (at < 0) return;
        var s = (at === 0 ? 3 : (/[\s\-(«"']/.test(key[at - 1]) ? 2 : 1)) * 10 - Math.min(i, 9);
        if (s > best) best = s;
      });
    });
    return best < 0 ? best : best + (item.entry.k === "source" ? 0 : 100);
  }
  function search() {
    var text = box.value.trim();
    list.replaceChildren();
    active = -1;
    shown = [];
    if (!text) { box.setAttribute("aria-expanded", "false"); status.textContent = ""; return; }
    var queries = variants(text).filter(function (q, i, all) { return q && all.indexOf(q) === i; });
    var found = [];
    index.forEach(function (item) {
      var s = score(item, queries);
      if (s >= 0) found.push({ s: s, e: item.entry });
    });
    found.sort(function (a, b) { return b.s - a.s || a.e.l.localeCompare(b.e.l); });
    shown = found.slice(0, 30).map(function (f) { return f.e; });
    shown.forEach(function (entry, i) {
      var li = document.createElement("li");
      li.id = "search-option-" + i;
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = root + entry.u;
      a.tabIndex = -1;
      a.textContent = entry.l;
      if (entry.ll) a.lang = entry.ll;
      li.appendChild(a);
      if (entry.r) {
        var ru = document.createElement("span");
        ru.lang = "ru";
        ru.className = "ru";
        ru.textContent = " " + entry.r;
        li.appendChild(ru);
      }
      if (entry.k) {
        var k = document.createElement("span");
        k.className = "what";
        k.textContent = " " + entry.k;
        li.appendChild(k);
      }
      li.addEventListener("mousedown", function (event) { event.preventDefault(); location.href = a.href; });
      list.appendChild(li);
    });
    box.setAttribute("aria-expanded", shown.length ? "true" : "false");
    status.textContent = found.length ? found.length + (found.length === 1 ? " match" : " matches") +
      (found.length > shown.length ? ", showing " + shown.length : "") : "No match";
  }
  function move(step) {
    if (!shown.length) return;
    active = (active + step + shown.length) % shown.length;
    Array.prototype.forEach.call(list.children, function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    box.setAttribute("aria-activedescendant", "search-option-" + active);
    list.children[active].scrollIntoView({ block: "nearest" });
  }
  box.addEventListener("focus", function () { load(function () {}); });
  box.addEventListener("input", function () { load(search); });
  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); load(function () { move(1); }); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Enter") {
      var target = shown[active >= 0 ? active : 0];
      if (target) { event.preventDefault(); location.href = root + target.u; }
    } else if (event.key === "Escape") { box.value = ""; search(); }
  });
  if (box.value) load(search);
})();
