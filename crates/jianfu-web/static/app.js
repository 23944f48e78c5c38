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

// A button with data-confirm asks before its form is sent.
document.addEventListener("click", function (ev) {
  var b = ev.target.closest && ev.target.closest("[data-confirm]");
  if (b && !window.confirm(b.getAttribute("data-confirm"))) ev.preventDefault();
});

// The home dashboard: monthly trend, open warnings by rule, issuers reaching the most units.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("dashboard-data");
  if (!data || typeof echarts === "undefined") return;
  var d = JSON.parse(data.textContent);
  var months = [];
  for (var m = 1; m <= 12; m++) months.push(m + "月");
  var charts = [];
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }
  var line = function (name, values, color, dashed) {
    return { name: name, type: "line", data: values, smooth: true, itemStyle: { color: color },
             lineStyle: { type: dashed ? "dashed" : "solid" } };
  };
  // One solid line per channel this year and a dashed one for last year.
  var trend = [], legend = [];
  d.channels.forEach(function (c) {
    legend.push(c.noun, "上年" + c.noun);
    trend.push(line(c.noun, d[c.name][0], c.color, false), line("上年" + c.noun, d[c.name][1], c.color, true));
  });
  chart("trend-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: legend },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: trend
  });
  var rules = d.open_warnings_by_rule.slice(0, 10);
  chart("warnings-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: rules.map(function (r) { return r.rule_name; }) },
    series: [{ name: "待处理", type: "bar", data: rules.map(function (r) { return r.count; }), itemStyle: { color: "#d97706" } }]
  });
  var top = d.top_issuers;
  chart("issuers-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["覆盖基层单位次数"].concat(d.channels.map(function (c) { return c.noun; })) },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: top.map(function (r) { return r.issuer_name; }) },
    series: [
      { name: "覆盖基层单位次数", type: "bar", data: top.map(function (r) { return r.grassroots_reach; }), itemStyle: { color: "#9ca3af" } }
    ].concat(d.channels.map(function (c) {
      return { name: c.noun, type: "bar", data: top.map(function (r) { return r[c.name]; }), itemStyle: { color: c.color } };
    }))
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
