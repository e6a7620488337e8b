// The supervisor's wall (reports/wall.html): draws each chart of /reports/wall.json with ECharts and opens the
// ticket queue a data point links to (every point carries the URL of the tickets it counts).
(function () {
  'use strict';

  function option(chart) {
    var base = { title: { text: chart.title, textStyle: { fontSize: 14 } }, tooltip: {} };
    if (chart.kind === 'pie') {
      base.tooltip.trigger = 'item';
      base.series = chart.series.map(function (s) {
        return { name: s.name, type: 'pie', radius: ['35%', '65%'], top: 30, data: s.data };
      });
      return base;
    }
    base.tooltip.trigger = 'axis';
    base.legend = { top: 24 };
    base.grid = { top: 60, left: 40, right: 16, bottom: 40, containLabel: true };
    base.xAxis = { type: 'category', data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 6 ? 30 : 0 } };
    base.yAxis = { type: 'value', minInterval: 1 };
    base.series = chart.series.map(function (s) {
      var series = { name: s.name, type: chart.kind === 'lines' ? 'line' : 'bar', data: s.data };
      if (chart.kind === 'stacked') { series.stack = 'all'; }
      if (chart.kind === 'lines') { series.smooth = true; series.showSymbol = chart.categories.length <= 62; }
      return series;
    });
    return base;
  }

  function draw(root, data) {
    data.charts.forEach(function (chart) {
      var el = root.querySelector('[data-chart="' + chart.id + '"]');
      if (!el) { return; }
      var instance = window.echarts.init(el);
      instance.setOption(option(chart));
      instance.on('click', function (params) {
        if (params.data && params.data.url) { window.location.href = params.data.url; }
      });
      window.addEventListener('resize', function () { instance.resize(); });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('report-wall');
    if (!root || !window.echarts) { return; }
    fetch(root.dataset.url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (data.charts) { draw(root, data); } });
  });
})();
