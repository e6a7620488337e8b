/* Ticket page and intake form helpers: rows of table fields (add / remove), and the action modal reset. */
(function () {
  'use strict';

  function clear(row) {
    row.querySelectorAll('input, select, textarea').forEach(function (el) { el.value = ''; });
  }

  document.addEventListener('click', function (event) {
    var add = event.target.closest('[data-gd-add-row]');
    if (add) {
      var rows = add.closest('[data-gd-table]').querySelectorAll('[data-gd-row]');
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      clear(copy);
      last.parentNode.appendChild(copy);
      var first = copy.querySelector('input, select');
      if (first) { first.focus(); }
      return;
    }
    var remove = event.target.closest('[data-gd-remove-row]');
    if (remove) {
      var row = remove.closest('[data-gd-row]');
      if (row.parentNode.querySelectorAll('[data-gd-row]').length > 1) { row.remove(); } else { clear(row); }
    }
  });

  // A closed action modal must not show the previous action's form while the next one loads.
  document.addEventListener('hidden.bs.modal', function (event) {
    var content = event.target.querySelector('#gd-action-modal-content');
    if (content) { content.innerHTML = '<div class="modal-body text-secondary">…</div>'; }
  });
})();
