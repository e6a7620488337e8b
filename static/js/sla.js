// Live SLA countdowns: every element with data-deadline shows the time left (or overdue) and turns
// orange in its last five minutes and red when overdue. Re-scans after htmx swaps.
(function () {
  'use strict';
  var root = document.documentElement;
  var overdueLabel = root.dataset.slaOverdue || 'overdue';

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function text(seconds) {
    var s = Math.abs(seconds);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var body = d > 0 ? d + 'd ' + pad(h) + ':' + pad(m) : pad(h) + ':' + pad(m) + ':' + pad(s % 60);
    return seconds < 0 ? overdueLabel + ' ' + body : body;
  }

  function tone(el, name) {
    ['green', 'orange', 'red'].forEach(function (c) { el.classList.remove('bg-' + c + '-lt'); });
    el.classList.add('bg-' + name + '-lt');
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-deadline]').forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.deadline) - now) / 1000);
      el.textContent = text(left);
      if (left < 0) { tone(el, 'red'); } else if (left < 300) { tone(el, 'orange'); }
    });
  }

  tick();
  setInterval(tick, 1000);
  document.addEventListener('htmx:afterSwap', tick);
})();
