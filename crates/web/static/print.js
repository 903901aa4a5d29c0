// The "Print / save as PDF" button of a printable page: shown only where it can work.
document.querySelectorAll('[data-print]').forEach(function (button) {
  button.hidden = false;
  button.addEventListener('click', function () { window.print(); });
});
