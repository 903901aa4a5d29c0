// What every page does with a script, none of which it needs: a form shown again with its
// error summary moves focus there, wherever on the page the form is; the menu folds behind a
// "Menu" button on a narrow screen; an open list of the menu closes on Escape or a click
// elsewhere. Without the script every heading of the menu is shown and each list opens and
// closes by itself.
(function () {
  var summary = document.querySelector('.error-summary');
  if (!summary) return;
  // After the load, when the browser has gone to any #fragment of the address (which would
  // take the focus back).
  function show() {
    summary.focus();
    summary.scrollIntoView({ block: 'start' });
  }
  if (document.readyState === 'complete') show();
  else window.addEventListener('load', function () { window.setTimeout(show, 0); });
})();
(function () {
  var nav = document.querySelector('.site-nav');
  if (!nav) return;
  var toggle = nav.querySelector('.nav-toggle');
  var narrow = window.matchMedia('(max-width: 40rem)');
  function fold(folded) {
    nav.classList.toggle('nav-folded', folded);
    toggle.setAttribute('aria-expanded', folded ? 'false' : 'true');
  }
  function follow() {
    toggle.hidden = !narrow.matches;
    fold(narrow.matches);
  }
  toggle.addEventListener('click', function () {
    fold(!nav.classList.contains('nav-folded'));
  });
  if (narrow.addEventListener) narrow.addEventListener('change', follow);
  follow();
  var groups = nav.querySelectorAll('details.nav-group');
  function closeAll(except) {
    groups.forEach(function (d) { if (d !== except) d.open = false; });
  }
  // Browsers without exclusive <details name> still keep one list open at a time.
  groups.forEach(function (d) {
    d.addEventListener('toggle', function () { if (d.open) closeAll(d); });
  });
  document.addEventListener('click', function (e) {
    if (!nav.contains(e.target)) closeAll(null);
  });
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    var open = nav.querySelector('details.nav-group[open]');
    if (!open) return;
    open.open = false;
    open.querySelector('summary').focus();
  });
})();
