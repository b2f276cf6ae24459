// Site search and the phone menu for the build without Quarto. The index is a script
// (search-index.js), not JSON fetched at run time, so search also works from file://.
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
  const results = form.querySelector(".search-results");
  const root = form.getAttribute("data-root") || "";
  function clear() { while (results.firstChild) results.removeChild(results.firstChild); }
  input.addEventListener("input", function () {
    clear();
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length || !window.MUNRO_SEARCH) return;
    const hits = window.MUNRO_SEARCH.filter(function (entry) {
      const hay = (entry.title + " " + entry.section + " " + entry.text).toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    }).slice(0, 12);
    hits.forEach(function (entry) {
      // textContent only: indexed text comes from the data and must never become markup.
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = root + entry.href;
      a.textContent = entry.section || entry.title;
      const where = document.createElement("span");
      where.className = "where";
      where.textContent = entry.title;
      a.appendChild(where);
      li.appendChild(a);
      results.appendChild(li);
    });
  });
  input.addEventListener("keydown", function (event) { if (event.key === "Escape") { input.value = ""; clear(); } });
})();
