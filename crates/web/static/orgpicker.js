// Suggests organisations while a name is typed into an organisation field (an input marked
// data-org-lookup), following the combobox pattern: from two characters on, after a short
// pause, it asks /organisations/lookup and lists what it answers below the field; the arrow
// keys move through the list, Enter or a click takes one (its reference goes into the field),
// Escape closes it, and the number found is announced. Without the script the form takes
// the typed text as it is and, when it matches several organisations, offers them to choose.
(function () {
  var inputs = document.querySelectorAll('input[data-org-lookup]');
  inputs.forEach(function (input) {
    var id = input.id;
    var list = document.createElement('ul');
    list.id = id + '-suggestions';
    list.className = 'org-listbox';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', input.dataset.list);
    list.hidden = true;
    var status = document.createElement('div');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    var picked = document.createElement('p');
    picked.className = 'org-picked muted';
    picked.hidden = true;
    input.after(list, status, picked);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var choices = document.querySelectorAll('input[type=radio][name="' + input.name + '.choice"]');

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function describe(o) {
      return [o.cvr ? 'CVR ' + o.cvr : null, o.ref, o.city].filter(Boolean).join(' · ');
    }
    function announce(n) {
      var text = n === 0 ? input.dataset.none : n === 1 ? input.dataset.one : input.dataset.many.replace('%{count}', n);
      status.textContent = text;
    }
    function show(found) {
      items = found;
      list.textContent = '';
      found.forEach(function (o, i) {
        var li = document.createElement('li');
        li.id = id + '-suggestion-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var name = document.createElement('span');
        name.className = 'org-choice-name';
        name.textContent = o.name;
        var more = document.createElement('span');
        more.className = 'muted org-choice-more';
        more.textContent = describe(o);
        li.append(name, ' ', more);
        li.addEventListener('mousedown', function (e) { e.preventDefault(); });
        li.addEventListener('click', function () { pick(i); });
        list.appendChild(li);
      });
      announce(found.length);
      if (found.length) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      } else {
        close();
      }
    }
    function move(to) {
      if (!items.length) return;
      active = (to + items.length) % items.length;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute('aria-selected', i === active ? 'true' : 'false');
      });
      var li = list.children[active];
      input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    }
    function pick(i) {
      var o = items[i];
      input.value = o.ref;
      picked.textContent = o.name + ' · ' + describe(o);
      picked.hidden = false;
      status.textContent = o.name;
      close();
      input.focus();
    }
    function ask() {
      var q = input.value.trim();
      var n = ++asked;
      if (q.length < 2) {
        items = [];
        close();
        return;
      }
      fetch('/organisations/lookup?q=' + encodeURIComponent(q), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (n === asked) show(found); })
        .catch(function () {});
    }
    input.addEventListener('input', function () {
      picked.hidden = true;
      // Typing again searches for the new text rather than a choice offered before.
      choices.forEach(function (c) { c.checked = c.value === ''; });
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (list.hidden && items.length) {
          list.hidden = false;
          input.setAttribute('aria-expanded', 'true');
        }
        move(active + 1);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        move(active - 1);
      } else if (e.key === 'Enter' && !list.hidden && active >= 0) {
        e.preventDefault();
        pick(active);
      } else if (e.key === 'Escape' && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener('blur', close);
  });
})();
