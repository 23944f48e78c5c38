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

// Charts: a page that carries chart data in a JSON script renders it with ECharts.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("burden-chart-data");
  var el = document.getElementById("burden-chart");
  if (!data || !el || typeof echarts === "undefined") return;
  var d = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    title: { text: d.title, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { top: 28, data: ["本期", "上年同期"] },
    grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: d.issuers, inverse: true },
    series: [
      { name: "本期", type: "bar", data: d.now, itemStyle: { color: "#b3261e" } },
      { name: "上年同期", type: "bar", data: d.before, itemStyle: { color: "#9ca3af" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
