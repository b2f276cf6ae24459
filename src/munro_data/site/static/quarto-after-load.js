// Quarto's pages only (its post-render puts this file in place of four of Quarto's scripts):
// the search (autocomplete, Fuse and Quarto's search code, 150 KB) and Bootstrap's script
// (80 KB, which only opens the navbar's menu on these pages) are fetched once the page has
// loaded and painted, so that on a slow connection they do not hold back its first screen.
// They run in their order, as they would have. Quarto's search code starts when the document has been
// parsed (DOMContentLoaded), which is long past by then: its handler is run at once instead.
// The search box is also named (Quarto's has no accessible name on a screen narrower than
// 992 px, where it is a button, and its combobox names itself after a label that is not
// there: axe's button-name and aria-input-field-name), now and whenever it is redrawn.
// The navbar's menu button freezes the hiding header while the menu is open, as Quarto's inline
// onclick did (the post-render removes it: the Content-Security-Policy runs no inline handler).
(function () {
  "use strict";
  const me = document.currentScript;
  const sources = (me && me.dataset.src ? me.dataset.src : "").split(" ").filter(Boolean);

  document.querySelectorAll(".navbar-toggler").forEach(function (toggler) {
    toggler.addEventListener("click", function () {
      if (window.quartoToggleHeadroom) window.quartoToggleHeadroom();
    });
  });

  const box = document.getElementById("quarto-search");
  if (box) {
    const label = box.getAttribute("title") || "Search";
    const name = function () {
      box.querySelectorAll(".aa-Autocomplete, .aa-DetachedSearchButton").forEach(function (el) {
        if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", label);
      });
    };
    name();
    new MutationObserver(name).observe(box, { childList: true, subtree: true });
  }

  function loadAll() {
    if (!sources.length) return;
    const own = Object.prototype.hasOwnProperty.call(document, "addEventListener");
    const add = document.addEventListener;
    document.addEventListener = function (type, listener, options) {
      if (type === "DOMContentLoaded") {
        // After the script has run to its end (its later declarations are needed).
        setTimeout(function () {
          if (typeof listener === "function") listener.call(document, new Event(type));
          else listener.handleEvent(new Event(type));
        }, 0);
        return;
      }
      return add.call(this, type, listener, options);
    };
    const restore = function () {
      if (own) document.addEventListener = add;
      else delete document.addEventListener;
    };
    let left = sources.length;
    sources.forEach(function (src) {
      const script = document.createElement("script");
      script.src = src;
      script.async = false; // In order, as they were in the head.
      script.onload = script.onerror = function () {
        left -= 1;
        if (left === 0) setTimeout(restore, 0);
      };
      document.head.appendChild(script);
    });
  }
  // Once the page has loaded and its main content has been painted (its largest contentful
  // paint; where the browser does not report it, two frames after the load event), so that on a
  // slow connection these scripts never share the bandwidth the first screen of text needs.
  function afterFirstPaint(then) {
    let painted = false;
    let loaded = document.readyState === "complete";
    const go = function () {
      if (painted && loaded) {
        painted = loaded = false; // Once.
        setTimeout(then, 0);
      }
    };
    const types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    const supported = types.indexOf("largest-contentful-paint") >= 0;
    if (supported) {
      new PerformanceObserver(function (list, observer) {
        observer.disconnect();
        painted = true;
        go();
      }).observe({ type: "largest-contentful-paint", buffered: true });
      setTimeout(function () { painted = true; go(); }, 3000); // A page with nothing to paint.
    }
    const onLoad = function () {
      loaded = true;
      if (!supported) {
        requestAnimationFrame(function () {
          requestAnimationFrame(function () { painted = true; go(); });
        });
      }
      go();
    };
    if (loaded) onLoad();
    else window.addEventListener("load", onLoad);
  }
  afterFirstPaint(loadAll);
})();
