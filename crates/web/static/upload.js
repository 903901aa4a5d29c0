// The upload form of the import page, with the progress of a large file shown as it goes up.
// The file is sent by XMLHttpRequest so that its upload can be followed; the page the server
// answers with then takes the place of this one, as after an ordinary submit. Without
// JavaScript the form is an ordinary form, and if anything here goes wrong it submits as one.
(function () {
  'use strict';

  function text(template, percent) {
    return template.replace('%{percent}', String(percent));
  }

  // Shows the page the server answered with in place of this one.
  function replacePage(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
    window.scrollTo(0, 0);
    var focus = document.querySelector('.error-summary, main .notice, #main');
    if (focus) {
      if (!focus.hasAttribute('tabindex')) focus.setAttribute('tabindex', '-1');
      focus.focus();
    }
    init();
  }

  // Submits the form the ordinary way, keeping the button that was pressed.
  function plainSubmit(form, submitter) {
    if (submitter && submitter.name) {
      var hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    form.submit();
  }

  function enhance(form) {
    if (form.getAttribute('data-upload-ready')) return;
    form.setAttribute('data-upload-ready', '1');
    var box = form.querySelector('[data-upload-status]');
    var bar = box && box.querySelector('progress');
    var line = box && box.querySelector('[data-upload-text]');
    if (!box || !bar || !line) return;
    form.addEventListener('submit', function (event) {
      var submitter = event.submitter || null;
      event.preventDefault();
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      var buttons = form.querySelectorAll('button');
      buttons.forEach(function (b) { b.disabled = true; });
      box.hidden = false;
      bar.value = 0;
      line.textContent = text(form.getAttribute('data-uploading') || '', 0);
      var shown = 0;
      var xhr = new XMLHttpRequest();
      // Not form.action: a control named "action" would stand in its place.
      xhr.open('POST', form.getAttribute('action') || window.location.pathname);
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.floor((e.loaded / e.total) * 100);
        bar.value = percent;
        // Read out in steps of ten, not at every event.
        if (percent - shown >= 10 || percent === 100) {
          shown = percent;
          line.textContent = text(form.getAttribute('data-uploading') || '', percent);
        }
      });
      xhr.upload.addEventListener('load', function () {
        bar.removeAttribute('value');
        line.textContent = form.getAttribute('data-processing') || '';
      });
      xhr.addEventListener('load', function () {
        if (xhr.status === 0 || !/text\/html/.test(xhr.getResponseHeader('content-type') || '')) {
          plainSubmit(form, submitter);
          return;
        }
        replacePage(xhr.responseText);
      });
      xhr.addEventListener('error', function () {
        line.textContent = form.getAttribute('data-failed') || '';
        buttons.forEach(function (b) { b.disabled = false; });
      });
      xhr.send(data);
    });
  }

  function init() {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
    document.querySelectorAll('form[data-upload-progress]').forEach(enhance);
  }

  init();
})();
