import type { Collection } from './oci/catalog';

/**
 * The static catalogue page (`stagepack catalog --html DIR`): one self-contained index.html, no request to
 * anywhere (a Content-Security-Policy says so), so it can be served from any static host or opened from disk.
 *
 * Everything shown comes from a registry, so it is data, never markup: the collections are embedded as JSON in
 * a `<script type="application/json">` with every `<` written as `\u003c` (no `</script>` can end it early),
 * and the page's script builds the DOM with textContent only. Search filters by id, name, description,
 * keywords and option names; `#q=TEXT` in the address opens the page filtered (and typing keeps it there),
 * so a search can be linked to, and tested in a headless browser.
 */
export function catalogPage(collections: readonly Collection[], generatedAt: string): string {
  const data = JSON.stringify({ collections, generatedAt }).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>Dev container catalogue</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f8fa; }
  body { margin: 0 auto; max-width: 70rem; padding: 1.5rem; }
  header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; justify-content: space-between; }
  h1 { font-size: 1.5rem; margin: 0; }
  #search { font-size: 1rem; padding: .5rem .75rem; width: min(28rem, 100%); border: 1px solid #8c959f; border-radius: 6px; }
  #count { color: #57606a; }
  h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
  article { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.25rem; margin: .75rem 0; }
  article[hidden] { display: none; }
  article h3 { margin: 0 0 .25rem; font-size: 1.1rem; }
  .id { font-family: ui-monospace, monospace; color: #57606a; font-size: .9rem; }
  .versions { color: #57606a; font-size: .9rem; margin: .25rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
  th, td { text-align: left; border-top: 1px solid #d0d7de; padding: .35rem .5rem; vertical-align: top; }
  code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
  pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .75rem; overflow-x: auto; margin: .25rem 0; white-space: pre-wrap; word-break: break-all; }
  .use { display: flex; gap: .5rem; align-items: flex-start; }
  .use pre { flex: 1; }
  button { font-size: .8rem; padding: .3rem .6rem; border: 1px solid #8c959f; border-radius: 6px; background: #fff; cursor: pointer; }
  .empty { color: #57606a; font-style: italic; }
</style>
</head>
<body>
<header>
  <h1>Dev container catalogue</h1>
  <input id="search" type="search" placeholder="Search templates and features (id, name, description, option)" aria-label="Search" autofocus>
  <span id="count" role="status"></span>
</header>
<main id="collections"></main>
<p id="none" class="empty" hidden>Nothing matches this search.</p>
<footer><p class="versions" id="generated"></p></footer>
<script type="application/json" id="catalog-data">${data}</script>
<script>
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('catalog-data').textContent);
  var root = document.getElementById('collections');
  var cards = [];
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function copyable(text) {
    var row = el('div', undefined, 'use');
    var pre = el('pre');
    pre.appendChild(el('code', text));
    var button = el('button', 'Copy');
    button.type = 'button';
    button.addEventListener('click', function () {
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () { select(pre); });
      else select(pre);
    });
    row.appendChild(pre);
    row.appendChild(button);
    return row;
  }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function shellQuote(text) { return "'" + text.replace(/'/g, "'\\\\''") + "'"; }
  function optionsTable(options) {
    var names = Object.keys(options);
    if (!names.length) return el('p', 'No options.', 'empty');
    var table = el('table');
    var head = el('tr');
    ['Option', 'Description', 'Type', 'Default', 'Values'].forEach(function (h) { head.appendChild(el('th', h)); });
    table.appendChild(head);
    names.forEach(function (name) {
      var o = options[name];
      var row = el('tr');
      var id = el('td');
      id.appendChild(el('code', name));
      row.appendChild(id);
      row.appendChild(el('td', o.description || ''));
      row.appendChild(el('td', o.type || ''));
      row.appendChild(el('td', o.default === undefined || o.default === '' ? '(empty)' : String(o.default)));
      var values = o.enum ? 'one of: ' + o.enum.join(', ') : o.proposals ? 'e.g. ' + o.proposals.map(function (p) { return p === '' ? '(empty)' : p; }).join(', ') : '';
      row.appendChild(el('td', values));
      table.appendChild(row);
    });
    return table;
  }
  data.collections.forEach(function (collection) {
    var section = el('section');
    section.appendChild(el('h2', (collection.kind === 'template' ? 'Templates' : 'Features') + ' in ' + collection.registry + '/' + collection.namespace));
    if (!collection.items.length) section.appendChild(el('p', 'This collection lists nothing.', 'empty'));
    collection.items.forEach(function (item) {
      var newest = item.versions[0];
      var card = el('article');
      card.dataset.id = item.id;
      var title = el('h3', (newest && newest.name) || item.id);
      card.appendChild(title);
      card.appendChild(el('div', item.reference, 'id'));
      card.appendChild(el('p', item.versions.map(function (v) { return v.version + (v.tags.length ? ' (' + v.tags.join(', ') + ')' : ''); }).join(' \\u00b7 ') || 'no published version', 'versions'));
      if (newest && newest.description) card.appendChild(el('p', newest.description));
      if (newest) {
        card.appendChild(optionsTable(newest.options));
        var major = newest.version.split('.')[0];
        var ref = item.reference + ':' + major;
        if (item.kind === 'template') {
          var defaults = {};
          Object.keys(newest.options).forEach(function (name) { var d = newest.options[name].default; if (d !== undefined) defaults[name] = String(d); });
          var command = 'devcontainer templates apply -t ' + ref + ' -w .';
          if (Object.keys(defaults).length) command += ' -a ' + shellQuote(JSON.stringify(defaults));
          card.appendChild(copyable(command));
        } else {
          card.appendChild(copyable('"features": {\\n  "' + ref + '": {}\\n}'));
        }
      }
      var haystack = [item.id, item.reference].concat(item.versions.map(function (v) { return [v.name || '', v.description || '', v.keywords.join(' '), Object.keys(v.options).join(' ')].join(' '); })).join(' ').toLowerCase();
      cards.push({ card: card, haystack: haystack });
      section.appendChild(card);
    });
    root.appendChild(section);
  });
  document.getElementById('generated').textContent = 'Read from the registry at ' + data.generatedAt + ' by stagepack catalog.';
  var search = document.getElementById('search');
  function apply(query) {
    var words = query.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (c) {
      var match = words.every(function (w) { return c.haystack.indexOf(w) >= 0; });
      c.card.hidden = !match;
      if (match) shown++;
    });
    document.getElementById('count').textContent = shown + ' of ' + cards.length + ' shown';
    document.getElementById('none').hidden = shown > 0;
  }
  function fromHash() {
    var match = /(?:^#|&)q=([^&]*)/.exec(location.hash);
    return match ? decodeURIComponent(match[1].replace(/\\+/g, ' ')) : '';
  }
  search.value = fromHash();
  apply(search.value);
  search.addEventListener('input', function () {
    apply(search.value);
    history.replaceState(null, '', search.value ? '#q=' + encodeURIComponent(search.value) : location.pathname);
  });
  window.addEventListener('hashchange', function () { search.value = fromHash(); apply(search.value); });
})();
</script>
</body>
</html>
`;
}
