// Site search and the phone menu for the build without Quarto (the charts: charts.js).
// The index is a script (search-index.js), not JSON fetched at run time, so search also works
// from file://. It and the ranking library (MiniSearch, vendored at install time) are loaded
// only when a reader first uses the search box: most visits never search, and neither file
// then costs the page anything.
(function () {
  "use strict";
  const toggle = document.querySelector(".nav-toggle");
  const links = document.getElementById("site-nav");
  if (toggle && links) {
    toggle.addEventListener("click", function () {
      const open = links.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  const form = document.querySelector(".site-search");
  const input = document.getElementById("search-input");
  if (!form || !input) return;
  // Results appear as one types; Enter does not reload the page. (A listener, not an onsubmit
  // attribute: the Content-Security-Policy runs no inline handler.)
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  const results = form.querySelector(".search-results");
  const status = form.querySelector(".search-status");
  const root = form.getAttribute("data-root") || "";
  const FIRST = 10; // Results shown before "Show all".
  let engine = null;
  let loading = null;

  function load(src) {
    return new Promise(function (resolve) {
      const script = document.createElement("script");
      script.src = root + src;
      script.onload = resolve;
      script.onerror = resolve; // Search then says nothing rather than breaking the page.
      document.head.appendChild(script);
    });
  }

  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // How often the whole query occurs as a phrase: "not adopted" should rank the section that
  // says "not adopted" above one that has "not" in one sentence and "adopted" in another.
  function phraseCount(entry, query) {
    const phrase = words(query).join(" ");
    if (phrase.indexOf(" ") < 0) return 0;
    const hay = words(entry.section + " " + entry.text).join(" ");
    let count = 0;
    for (let i = hay.indexOf(phrase); i >= 0; i = hay.indexOf(phrase, i + 1)) count += 1;
    return count;
  }

  function makeEngine(docs) {
    docs.forEach(function (d, i) { d.id = i; });
    if (window.MiniSearch) {
      const mini = new window.MiniSearch({
        fields: ["section", "title", "text"],
        storeFields: ["href", "title", "section", "text"],
      });
      mini.addAll(docs);
      return function (query) {
        return mini.search(query, {
          boost: { section: 4, title: 2 },
          prefix: true,
          fuzzy: function (term) { return term.length > 5 ? 0.15 : 0; },
          combineWith: "AND",
        }).map(function (hit) {
          return { entry: hit, score: hit.score * (1 + Math.min(phraseCount(hit, query), 5)) };
        });
      };
    }
    // The fallback: every word must occur; a word in the section title counts most.
    return function (query) {
      const terms = words(query);
      return docs.map(function (entry) {
        const section = entry.section.toLowerCase();
        const text = (entry.title + " " + entry.text).toLowerCase();
        let score = 0;
        for (const term of terms) {
          const inSection = section.indexOf(term) >= 0;
          const inText = text.split(term).length - 1;
          if (!inSection && !inText) return null;
          score += (inSection ? 10 : 0) + Math.log(1 + inText);
        }
        return { entry: entry, score: score * (1 + Math.min(phraseCount(entry, query), 5)) };
      }).filter(Boolean);
    };
  }

  function ready() {
    if (!loading) {
      loading = load("search-index.js")
        .then(function () {
          return window.MUNRO_SEARCH_RANKER ? load(window.MUNRO_SEARCH_RANKER) : null;
        })
        .then(function () { engine = makeEngine(window.MUNRO_SEARCH || []); });
    }
    return loading;
  }

  function clear() { while (results.firstChild) results.removeChild(results.firstChild); }

  // A few words of context around the first match, so that the reader sees why it ranks.
  function snippet(text, query) {
    const lower = text.toLowerCase();
    // The whole query if it occurs as typed, else its first word that does.
    let at = lower.indexOf(query.toLowerCase());
    for (const term of words(query)) { if (at >= 0) break; at = lower.indexOf(term); }
    if (at < 0) return text.slice(0, 140);
    let start = Math.max(0, at - 60);
    if (start) start = text.indexOf(" ", start) + 1 || start; // From a whole word.
    return (start ? "…" : "") + text.slice(start, start + 160) + "…";
  }

  // Under the search box, wherever the navbar's wrapping put it, and inside the viewport.
  function place() {
    const bar = form.closest(".navbar") || form.parentElement;
    const room = bar.getBoundingClientRect();
    const box = input.getBoundingClientRect();
    const width = Math.min(512, room.width - 32);
    const left = Math.max(16, Math.min(box.left - room.left, room.width - width - 16));
    results.style.left = left + "px";
    results.style.right = "auto";
    results.style.width = width + "px";
    results.style.top = (box.bottom - room.top + 4) + "px";
  }

  function show(hits, query, all) {
    clear();
    place();
    const shown = all ? hits : hits.slice(0, FIRST);
    shown.forEach(function (hit) {
      // textContent only: indexed text comes from the data and must never become markup.
      const entry = hit.entry;
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = root + entry.href;
      a.textContent = entry.section || entry.title;
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = entry.title;
      const context = document.createElement("span");
      context.className = "context";
      context.textContent = snippet(entry.text, query);
      a.appendChild(where);
      a.appendChild(context);
      li.appendChild(a);
      results.appendChild(li);
    });
    if (hits.length > shown.length) {
      const li = document.createElement("li");
      const more = document.createElement("button");
      more.type = "button";
      more.className = "search-more";
      more.textContent = "Show all " + hits.length + " results";
      more.addEventListener("click", function () { show(hits, query, true); });
      li.appendChild(more);
      results.appendChild(li);
    }
    status.textContent = query
      ? hits.length + (hits.length === 1 ? " result" : " results") + " for " + query
      : "";
  }

  function run() {
    const query = input.value.trim();
    if (!query) { show([], "", false); return; }
    ready().then(function () {
      if (input.value.trim() !== query) return; // The reader typed on meanwhile.
      const hits = engine(query).sort(function (a, b) { return b.score - a.score; });
      show(hits, query, false);
    });
  }

  input.addEventListener("focus", ready);
  input.addEventListener("input", run);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show([], "", false); }
    if (event.key === "Enter") {
      const first = results.querySelector("a");
      if (first) window.location.href = first.href;
    }
  });
})();
