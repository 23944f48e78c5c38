// Small behaviours on top of htmx: the tree's expander toggles instead of reloading.
document.addEventListener("click", function (ev) {
  var b = ev.target.closest && ev.target.closest(".expander");
  if (!b) return;
  var list = b.parentElement.querySelector(":scope > ul");
  if (b.classList.contains("open")) {
    ev.preventDefault();
    ev.stopImmediatePropagation();
    b.classList.remove("open");
    if (list) list.innerHTML = "";
  } else {
    b.classList.add("open");
  }
}, true);
