// The web UI: polls the node's JSON API every few seconds and draws it.
// Everything that came from the network is set as text, never as markup.
'use strict';

const REFRESH_MS = 5000;
const SVG_NS = 'http://www.w3.org/2000/svg';
let selectedKey = null;

const $ = (id) => document.getElementById(id);

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  const body = await response.json().catch(() => ({ error: 'not JSON' }));
  if (!response.ok) throw new Error(path + ': ' + (body.error || response.status));
  return body;
}

function el(tag, attrs = {}, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

function duration(s) {
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function keyCell(key) {
  const td = el('td', { class: 'key' }, key || '—');
  if (key) {
    td.classList.add('clickable');
    td.title = key;
    td.addEventListener('click', () => showNodeInfo(key));
  }
  return td;
}

function drawNode(node) {
  $('node-address').textContent = node.address;
  $('node-key').textContent = node.public_key;
  $('node-subnet').textContent = node.subnet;
  $('node-mtu').textContent = node.mtu;
  $('node-routes').textContent = node.routing_entries;
  document.title = 'ratatoskr ' + node.address;
}

function drawPeers(data) {
  const rows = data.peers.map((p) => {
    const tr = el('tr', { 'data-key': p.key || '' });
    tr.append(
      el('td', { class: p.up ? 'up' : 'down' }, p.up ? 'up' : 'down'),
      keyCell(p.key),
      el('td', {}, p.address || '—'),
      el('td', { title: p.last_error || '' }, (p.inbound ? '← ' : '→ ') + p.uri),
      el('td', {}, p.up ? p.latency_ms.toFixed(2) + ' ms' : '—'),
      el('td', {}, bytes(p.rx_bytes)),
      el('td', {}, bytes(p.tx_bytes)),
      el('td', {}, bytes(p.rx_rate) + '/s / ' + bytes(p.tx_rate) + '/s'),
      el('td', {}, p.up ? duration(p.uptime_s) : (p.last_error || '')));
    return tr;
  });
  if (rows.length === 0) {
    const tr = el('tr');
    tr.append(el('td', { colspan: 9, class: 'muted' }, 'no peers'));
    rows.push(tr);
  }
  $('peers').tBodies[0].replaceChildren(...rows);
}

function drawTree(data) {
  const children = new Map();
  for (const e of data.entries) {
    if (e.parent === e.key) continue;
    if (!children.has(e.parent)) children.set(e.parent, []);
    children.get(e.parent).push(e.key);
  }
  const shown = new Set();
  const item = (key, depth) => {
    shown.add(key);
    const li = el('li');
    const label = el('span', { class: 'key clickable', title: key }, key.slice(0, 16) + '…');
    label.addEventListener('click', () => showNodeInfo(key));
    li.append(label);
    if (key === data.root) li.append(el('span', { class: 'muted' }, ' (root)'));
    if (key === data.self) li.append(el('span', { class: 'muted' }, ' (this node)'));
    const kids = (children.get(key) || []).filter((k) => !shown.has(k)).sort();
    if (kids.length && depth < 32) {
      const ul = el('ul');
      for (const k of kids) ul.append(item(k, depth + 1));
      li.append(ul);
    }
    return li;
  };
  const top = el('ul');
  if (data.root) top.append(item(data.root, 0));
  $('tree').replaceChildren(top);
  $('tree-summary').textContent = '(' + data.entries.length + ' entries)';
}

// A radial layout: this node in the middle, each crawl depth on its own ring,
// nodes spread around their ring in the order of their parents' angles.
function drawCrawl(crawl) {
  const svg = $('crawl-graph');
  if (crawl.pending) { $('crawl-summary').textContent = '(first crawl running…)'; return; }
  if (crawl.error) { $('crawl-summary').textContent = '(' + crawl.error + ')'; return; }
  const depthOf = new Map([[crawl.root, 0]]);
  const angle = new Map([[crawl.root, 0]]);
  const byDepth = new Map();
  for (const n of crawl.nodes) {
    depthOf.set(n.key, n.depth);
    if (!byDepth.has(n.depth)) byDepth.set(n.depth, []);
    byDepth.get(n.depth).push(n);
  }
  const maxDepth = Math.max(1, ...byDepth.keys());
  const ringGap = 440 / maxDepth;
  const pos = new Map([[crawl.root, [0, 0]]]);
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    const ring = byDepth.get(depth);
    ring.sort((a, b) => (angle.get(a.parent) - angle.get(b.parent)) || (a.key < b.key ? -1 : 1));
    ring.forEach((n, i) => {
      const a = (2 * Math.PI * i) / ring.length + depth * 0.35;
      angle.set(n.key, a);
      pos.set(n.key, [Math.cos(a) * ringGap * depth, Math.sin(a) * ringGap * depth]);
    });
  }
  const parts = [];
  for (let d = 1; d <= maxDepth; d++) parts.push(el('svg:circle', { class: 'ring', r: ringGap * d }));
  const parentOf = new Map(crawl.nodes.map((n) => [n.key, n.parent]));
  for (const [a, b] of crawl.edges) {
    if (!pos.has(a) || !pos.has(b)) continue;
    const tree = parentOf.get(a) === b || parentOf.get(b) === a;
    const [x1, y1] = pos.get(a), [x2, y2] = pos.get(b);
    parts.push(el('svg:line', { x1, y1, x2, y2, class: tree ? 'tree' : '' }));
  }
  const all = [{ key: crawl.root, depth: 0, rtt_ms: null, unreachable: false }, ...crawl.nodes];
  for (const n of all) {
    const [x, y] = pos.get(n.key);
    const classes = ['node', n.depth === 0 ? 'root' : n.depth <= 2 ? 'depth-' + n.depth : 'deeper'];
    if (n.unreachable) classes.push('unreachable');
    if (n.key === selectedKey) classes.push('selected');
    const g = el('svg:g', { class: classes.join(' '), 'data-key': n.key, transform: `translate(${x},${y})` });
    const rtt = n.rtt_ms === null ? (n.depth === 0 ? 'this node' : 'no answer') : n.rtt_ms.toFixed(2) + ' ms';
    g.append(el('svg:title', {}, n.key + '\n' + rtt),
      el('svg:circle', { r: n.depth === 0 ? 20 : 14 }),
      el('svg:text', { x: 22, y: 7 }, n.key.slice(0, 8) + (n.depth ? ' ' + rtt : '')));
    g.addEventListener('click', () => showNodeInfo(n.key));
    parts.push(g);
  }
  svg.replaceChildren(...parts);
  $('crawl-summary').textContent = `(${crawl.nodes.length + 1} nodes, depth ≤ ${crawl.max_depth}` +
    `${crawl.truncated ? ', truncated at ' + crawl.max_nodes : ''}, ${crawl.remote_calls} calls in ` +
    `${crawl.elapsed_ms} ms, ${new Date(crawl.finished_unix * 1000).toLocaleTimeString()})`;
}

async function showNodeInfo(key) {
  selectedKey = key;
  history.replaceState(null, '', '#key=' + key);
  for (const g of document.querySelectorAll('#crawl-graph g.node'))
    g.classList.toggle('selected', g.getAttribute('data-key') === key);
  $('nodeinfo-key').textContent = key;
  $('nodeinfo').textContent = 'asking…';
  try {
    const info = await getJson('/api/nodeinfo?key=' + encodeURIComponent(key));
    if (selectedKey !== key) return;
    $('nodeinfo').textContent = '// ' + info.address + ', answered in ' + info.rtt_ms.toFixed(2) + ' ms\n' +
      JSON.stringify(info.nodeinfo, null, 2);
  } catch (e) {
    if (selectedKey === key) $('nodeinfo').textContent = String(e.message);
  }
}

async function refresh() {
  const parts = [
    ['/api/node', drawNode], ['/api/peers', drawPeers], ['/api/tree', drawTree], ['/api/crawl', drawCrawl]];
  const errors = [];
  await Promise.all(parts.map(async ([path, draw]) => {
    try { draw(await getJson(path)); } catch (e) { errors.push(e.message); }
  }));
  $('status').textContent = errors.length ? 'errors: ' + errors.join('; ') :
    'updated ' + new Date().toLocaleTimeString() + ', every ' + REFRESH_MS / 1000 + ' s';
}

refresh();
setInterval(refresh, REFRESH_MS);
// A link may name the node to show: …/#key=<64 hex>.
const linked = location.hash.match(/^#key=([0-9a-fA-F]{64})$/);
if (linked) showNodeInfo(linked[1].toLowerCase());
