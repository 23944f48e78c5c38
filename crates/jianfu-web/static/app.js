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
// Counts are drawn as they are (straight segments, never smoothed below zero); the months still
// to come have no point; counts and reach are never on one axis; a chart with nothing to draw
// says why instead of an empty box.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("dashboard-data");
  if (!data || typeof echarts === "undefined") return;
  var d = JSON.parse(data.textContent);
  var months = [];
  for (var m = 1; m <= 12; m++) {
    months.push(d.partial_month === m ? m + "月（至" + d.through.slice(8).replace(/^0/, "") + "日）" : m + "月");
  }
  var charts = [];
  function empty(el, why) {
    var p = document.createElement("p");
    p.className = "chart-empty";
    p.setAttribute("role", "status");
    p.textContent = "本期尚无数据：" + why;
    el.replaceWith(p);
  }
  // `rows`: a bar chart with one category per row grows to give each row room for a label of
  // two lines, instead of packing long rule names on top of each other.
  function chart(id, option, hasData, why, rows) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!hasData) { empty(el, why); return; }
    if (rows) el.style.height = Math.max(el.clientHeight, rows * 40 + 40) + "px";
    var c = echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }
  var countAxis = function (name) {
    return { type: "value", name: name, min: 0, minInterval: 1, nameTextStyle: { color: "#6b7280" },
             axisLabel: { hideOverlap: true } };
  };
  var line = function (name, values, color, dashed) {
    return { name: name, type: "line", data: values, smooth: false, connectNulls: false, symbolSize: 5,
             itemStyle: { color: color }, lineStyle: { type: dashed ? "dashed" : "solid" } };
  };
  // One solid line per channel this year and a dashed one for the same period last year.
  var trend = [], legend = [], any = false;
  d.channels.forEach(function (c) {
    legend.push(c.noun, "上年同期" + c.noun);
    trend.push(line(c.noun, d[c.name][0], c.color, false), line("上年同期" + c.noun, d[c.name][1], c.color, true));
    any = any || d[c.name][0].concat(d[c.name][1]).some(function (n) { return n > 0; });
  });
  chart("trend-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll", data: legend },
    grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: months, axisLabel: { interval: 0, rotate: 45, hideOverlap: true } },
    yAxis: countAxis("件（次）"),
    series: trend
  }, any, "本年和上年同期均无登记");
  var rules = d.open_warnings_by_rule.slice(0, 10);
  chart("warnings-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 32, top: 28, bottom: 8, containLabel: true },
    xAxis: countAxis("条"),
    yAxis: { type: "category", inverse: true, data: rules.map(function (r) { return r.rule_name; }),
             axisLabel: { width: 120, overflow: "break", lineHeight: 14 } },
    series: [{ name: "待处理预警", type: "bar", data: rules.map(function (r) { return r.count; }), itemStyle: { color: "#d97706" },
               label: { show: true, position: "right" } }]
  }, rules.length > 0, "当前没有待处理的预警", rules.length);
  var top = d.top_issuers;
  var names = top.map(function (r) { return r.issuer_name; });
  var nameAxis = { type: "category", inverse: true, data: names, axisLabel: { width: 110, overflow: "truncate" } };
  chart("issuers-reach-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 40, top: 28, bottom: 8, containLabel: true },
    xAxis: countAxis("个次"),
    yAxis: nameAxis,
    series: [{ name: "覆盖乡镇、村的次数", type: "bar", data: top.map(function (r) { return r.grassroots_reach; }),
               itemStyle: { color: "#6b7280" }, label: { show: true, position: "right" } }]
  }, top.length > 0, "尚无下发到乡镇、村的记录");
  chart("issuers-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: d.channels.map(function (c) { return c.noun; }) },
    grid: { left: 8, right: 32, top: 48, bottom: 8, containLabel: true },
    xAxis: countAxis("件（次）"),
    yAxis: nameAxis,
    series: d.channels.map(function (c) {
      return { name: c.noun, type: "bar", stack: "items", data: top.map(function (r) { return r[c.name]; }), itemStyle: { color: c.color } };
    })
  }, top.length > 0, "尚无下发到乡镇、村的记录");
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
