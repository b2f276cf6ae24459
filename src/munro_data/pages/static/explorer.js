(function () {
  // The script sits inside its explorer, so it finds its own table whatever else is on the page.
  var root = document.currentScript.closest(".munro-explorer");
  if (!root) return;
  var controls = root.querySelectorAll("[data-filter]");
  var rows = root.querySelectorAll("tbody tr");
  var count = root.querySelector(".explorer-count");
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = true;
      controls.forEach(function (control) {
        var key = control.getAttribute("data-filter"), value = control.value.trim().toLowerCase();
        if (!value) return;
        if (key === "text") keep = keep && row.textContent.toLowerCase().indexOf(value) >= 0;
        else keep = keep && (row.getAttribute("data-" + key) || "").toLowerCase() === value;
      });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " stances shown";
  }
  controls.forEach(function (control) { control.addEventListener("input", apply); });
})();
