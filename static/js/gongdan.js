/* Gongdan page behaviour: small, framework-free helpers used with htmx. */
(function () {
  'use strict';

  // Queue bulk selection: a "select all" checkbox (data-gd-select-all="name") toggles the row checkboxes
  // and the bulk bar (data-gd-bulk-count) shows how many are selected.
  function updateBulkCount(root) {
    document.querySelectorAll('[data-gd-bulk-count]').forEach(function (el) {
      var name = el.getAttribute('data-gd-bulk-count');
      var n = document.querySelectorAll('input[type=checkbox][name="' + name + '"]:checked').length;
      el.textContent = String(n);
      var form = el.closest('form');
      if (form) {
        form.querySelectorAll('[data-gd-needs-selection]').forEach(function (btn) { btn.disabled = n === 0; });
      }
    });
  }

  document.addEventListener('change', function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== 'checkbox') return;
    var all = target.getAttribute('data-gd-select-all');
    if (all) {
      document.querySelectorAll('input[type=checkbox][name="' + all + '"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    updateBulkCount();
  });

  // Confirm before destructive submits: <button data-gd-confirm="Delete this view?">
  document.addEventListener('submit', function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute('data-gd-confirm')) || event.target.getAttribute('data-gd-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Re-initialise Bootstrap tooltips inside content htmx swapped in.
  function initTooltips(root) {
    if (!window.bootstrap || !window.bootstrap.Tooltip) return;
    root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    initTooltips(document);
    updateBulkCount();
  });
  document.addEventListener('htmx:afterSwap', function (event) {
    initTooltips(event.target);
    updateBulkCount();
  });

  // Show server errors from htmx requests instead of failing silently.
  document.addEventListener('htmx:responseError', function (event) {
    var box = document.getElementById('gd-messages');
    if (!box) return;
    var alert = document.createElement('div');
    alert.className = 'alert alert-danger';
    alert.setAttribute('role', 'alert');
    alert.textContent = (document.body.getAttribute('data-gd-request-failed') || 'Request failed') +
      ' (HTTP ' + event.detail.xhr.status + ')';
    box.appendChild(alert);
  });
})();
