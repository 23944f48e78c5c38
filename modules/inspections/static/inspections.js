// 督查检查考核 overview: items per month, stacked by category (data in #inspections-chart-data).
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("inspections-chart-data");
  var el = document.getElementById("inspections-chart");
  if (!data || !el || typeof echarts === "undefined") return;
  var d = JSON.parse(data.textContent);
  var months = [];
  for (var m = 1; m <= 12; m++) months.push(m + "月");
  var colors = ["#b3261e", "#047857", "#d97706", "#1d4ed8"];
  var chart = echarts.init(el);
  chart.setOption({
    title: { text: d.title, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { top: 28, data: d.series.map(function (s) { return s.name; }) },
    grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: d.series.map(function (s, i) {
      return { name: s.name, type: "bar", stack: "items", data: s.data, itemStyle: { color: colors[i % colors.length] } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
