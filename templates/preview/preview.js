(function () {
  'use strict';
  var table = document.getElementById('kommuner');
  if (!table || !table.tHead || !table.tBodies[0]) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var live = document.getElementById('antal-vises');
  var input = document.getElementById('soegefelt');
  var form = document.getElementById('soeg');
  var none = document.getElementById('ingen-match');
  var hint = document.getElementById('sorter-hint');
  var collator = new Intl.Collator('da', { numeric: true, sensitivity: 'base' });
  var sortText = '';

  function fold(s) {
    return String(s).toLocaleLowerCase('da').replace(/æ/g, 'ae').replace(/ø/g, 'oe').replace(/å/g, 'aa')
      .replace(/\s+/g, ' ').trim();
  }
  function shownText(n) {
    return (n === 1 ? '1 kommune vises' : n + ' kommuner vises') + (n < rows.length ? ' af ' + rows.length : '') + '.';
  }
  function announce(n) {
    live.textContent = shownText(n) + (sortText ? ' ' + sortText : '');
  }
  function filter() {
    var q = fold(input.value);
    var n = 0;
    rows.forEach(function (r) {
      var show = q === '' || r.getAttribute('data-kode').indexOf(q) === 0 || fold(r.getAttribute('data-navn')).indexOf(q) !== -1;
      r.hidden = !show;
      if (show) n++;
    });
    none.hidden = n !== 0;
    announce(n);
  }
  function visibleCount() {
    return rows.filter(function (r) { return !r.hidden; }).length;
  }

  if (form && input && live) {
    form.hidden = false;
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    input.addEventListener('input', filter);
    input.addEventListener('search', filter);
    if (input.value) filter();
  }

  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, i, type) {
    var cell = row.cells[i];
    var v = cell ? (cell.getAttribute('data-v') !== null ? cell.getAttribute('data-v') : cell.textContent) : '';
    return type === 'num' ? Number(v) : String(v).trim();
  }
  function sortBy(i, th) {
    var type = th.getAttribute('data-sort');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    var sign = dir === 'ascending' ? 1 : -1;
    heads.forEach(function (h) { if (h.hasAttribute('data-sort')) h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', dir);
    var sorted = rows.slice().sort(function (a, b) {
      var ka = key(a, i, type), kb = key(b, i, type);
      var c = type === 'num' ? ka - kb : collator.compare(ka, kb);
      return sign * c || collator.compare(a.getAttribute('data-kode'), b.getAttribute('data-kode'));
    });
    sorted.forEach(function (r) { tbody.appendChild(r); });
    rows = sorted;
    heads.forEach(function (h) {
      var p = h.querySelector('.pil');
      if (p) p.textContent = h === th ? (dir === 'ascending' ? '▲' : '▼') : '';
    });
    sortText = 'Sorteret efter ' + th.getAttribute('data-navn') + ', ' + (dir === 'ascending' ? 'stigende' : 'faldende') + '.';
    if (live) announce(visibleCount());
  }
  heads.forEach(function (th, i) {
    if (!th.hasAttribute('data-sort')) return;
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'sort';
    while (th.firstChild) b.appendChild(th.firstChild);
    var pil = document.createElement('span');
    pil.className = 'pil';
    pil.setAttribute('aria-hidden', 'true');
    pil.textContent = th.getAttribute('aria-sort') === 'ascending' ? '▲' : '';
    b.appendChild(pil);
    th.appendChild(b);
    // Chromium does not paint buttons in table headers repeated on printed pages.
    var label = document.createElement('span');
    label.className = 'print-label';
    label.setAttribute('aria-hidden', 'true');
    label.textContent = th.getAttribute('data-navn');
    th.appendChild(label);
    if (!th.hasAttribute('aria-sort')) th.setAttribute('aria-sort', 'none');
    b.addEventListener('click', function () { sortBy(i, th); });
  });
  if (hint) hint.hidden = false;

  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
