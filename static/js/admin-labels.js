'use strict';
// The admin's autocomplete boxes (Select2) draw their own controls, which screen readers would
// announce without a name: give each the name of the field it stands for, from the field's
// label or, in a table of inline rows, from its column's heading.
(function () {
  function nameOf(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label.textContent.replace(/:\s*$/, '').trim();
    }
    const cell = select.closest('td');
    if (cell) {
      const column = Array.prototype.indexOf.call(cell.parentElement.children, cell);
      const heading = cell.closest('table').querySelectorAll('thead th')[column];
      if (heading) {
        return heading.textContent.trim();
      }
    }
    return select.name;
  }

  function labelAutocompletes(root) {
    root.querySelectorAll('select.admin-autocomplete').forEach(function (select) {
      const box = select.nextElementSibling;
      if (!box || !box.classList.contains('select2')) {
        return;
      }
      const name = nameOf(select);
      box.querySelectorAll('[role=combobox]').forEach(function (control) {
        control.removeAttribute('aria-labelledby');
        control.setAttribute('aria-label', name);
      });
      box.querySelectorAll('.select2-search__field').forEach(function (field) {
        field.setAttribute('aria-label', 'Find ' + name.toLowerCase());
      });
      // The chosen value is the combobox's text, not a text box of its own.
      box.querySelectorAll('.select2-selection__rendered[role=textbox]').forEach(function (value) {
        value.removeAttribute('role');
        value.removeAttribute('aria-readonly');
      });
    });
  }

  // Select2 draws its boxes when jQuery is ready, new inline rows' boxes later, and redraws
  // a multiple choice's list on each change: name whatever it adds, whenever it adds it.
  document.addEventListener('DOMContentLoaded', function () {
    labelAutocompletes(document);
    new MutationObserver(function () {
      labelAutocompletes(document);
    }).observe(document.body, {childList: true, subtree: true});
  });
})();
