// tsvs dashboard: reads GET /v1/events (server-sent events: `status` every second, `event` for
// each entry of the event log) and draws the cluster, the ipvsadm-like table, the share of
// connections per real server and the events timeline. Plain browser JavaScript, no library:
// the page loads from the daemon alone, without internet access.
//
// On the API's TCP listener the data needs the bearer token: open the page as
// http://HOST:PORT/#token=TOKEN (the fragment never leaves the browser). The stream is read with
// fetch() because EventSource cannot send an Authorization header.
'use strict';

const HISTORY_SECONDS = 300;
const MAX_EVENTS = 200;
const RETRY_MS = 2000;
const COLORS = ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#f778ba', '#39c5cf', '#ff7b72', '#a5d6ff', '#7ee787', '#e3b341'];
const FORWARD = { nat: 'Masq', dr: 'Route', tun: 'Tunnel', local: 'Local', bypass: 'Bypass', '-': '-' };

const token = new URLSearchParams(location.hash.slice(1)).get('token');
const history = new Map(); // service name -> [{ t, conns: Map(rs -> n) }]
let lastSeq = 0;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

const hostPort = (a, p) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
const rsName = (r) => hostPort(r.address, r.port);

function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function setLink(up, text) {
  const l = document.getElementById('link');
  l.className = `link ${up ? 'up' : 'down'}`;
  l.dataset.link = up ? 'up' : 'down';
  l.textContent = text;
}

// ---- the cluster: VIPs -> this director (VRRP state) -> real servers ------------------------

function drawCluster(s) {
  const host = document.getElementById('cluster');
  const rowH = 30;
  const rows = s.services.map((svc) => Math.max(1, svc.realServers.length));
  const total = Math.max(rows.reduce((a, b) => a + b, 0), s.vrrp.instances.length + 2, 3);
  const h = total * rowH + 20;
  const root = svg('svg', { width: '100%', viewBox: `0 0 900 ${h}`, role: 'img' });
  const dirY = 10;
  const dirH = h - 20;
  root.append(svg('rect', { class: 'box', x: 330, y: dirY, width: 220, height: dirH, rx: 6, 'data-director': 'self' }));
  root.append(svg('text', { x: 345, y: dirY + 20 }, `this director (${s.daemon.engine})`));
  s.vrrp.instances.forEach((i, k) => {
    const line = `${i.name}: ${i.state} prio ${i.priority}`;
    root.append(svg('text', { x: 345, y: dirY + 42 + k * 36, class: i.state, 'data-instance': i.name, 'data-state': i.state }, line));
    if (i.state !== 'MASTER' && i.masterAddress) root.append(svg('text', { x: 345, y: dirY + 58 + k * 36, class: 'unchecked' }, `master: ${i.masterAddress}`));
  });
  if (s.vrrp.instances.length === 0) root.append(svg('text', { x: 345, y: dirY + 42, class: 'unchecked' }, s.vrrp.reason || 'no VRRP'));
  let y = 10;
  s.services.forEach((svc, k) => {
    const span = rows[k] * rowH;
    const vy = y + span / 2 - 11;
    root.append(svg('rect', { class: 'box', x: 10, y: vy, width: 220, height: 22, rx: 4 }));
    root.append(svg('text', { x: 20, y: vy + 15 }, `${svc.name} ${svc.scheduler}`));
    root.append(svg('path', { class: 'edge', d: `M230 ${vy + 11} C280 ${vy + 11} 280 ${vy + 11} 330 ${vy + 11}` }));
    svc.realServers.forEach((r, j) => {
      const ry = y + j * rowH + 4;
      const cls = r.health === 'down' ? 'edge down' : 'edge';
      root.append(svg('path', { class: cls, d: `M550 ${vy + 11} C600 ${vy + 11} 600 ${ry + 11} 650 ${ry + 11}` }));
      root.append(svg('rect', { class: 'box', x: 650, y: ry, width: 240, height: 22, rx: 4, 'data-rs': rsName(r), 'data-health': r.health }));
      root.append(svg('circle', { cx: 662, cy: ry + 11, r: 5, class: r.health, fill: 'currentColor' }));
      root.append(svg('text', { x: 674, y: ry + 15 }, `${rsName(r)}  w${r.weight}  ${r.health}`));
    });
    y += span;
  });
  host.replaceChildren(root);
}

// ---- tables ------------------------------------------------------------------------------------

function drawVrrp(s) {
  const body = document.querySelector('#vrrp tbody');
  const rows = s.vrrp.instances.map((i) =>
    el('tr', { 'data-instance': i.name, 'data-state': i.state },
      el('td', {}, i.name), el('td', {}, i.interface), el('td', {}, i.vrid),
      el('td', { class: i.state }, i.state),
      el('td', {}, i.priority === i.basePriority ? i.priority : `${i.priority} (${i.basePriority})`),
      el('td', {}, i.masterAddress || '-')));
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { class: 'empty', colspan: 6 }, s.vrrp.reason || 'VRRP is not running')));
  body.replaceChildren(...rows);
}

const num = (v) => el('td', { class: 'num' }, v);

function drawTable(s) {
  const body = document.querySelector('#ipvs tbody');
  const rows = [];
  for (const svc of s.services) {
    rows.push(el('tr', { class: 'service', 'data-service': svc.name },
      el('td', {}, `${svc.name} ${svc.scheduler}`), el('td', {}), el('td', {}), el('td', {}), el('td', {}), el('td', {}),
      num(svc.cps), num(svc.inpps), num(svc.outpps), num(svc.inbps), num(svc.outbps)));
    for (const r of svc.realServers) {
      rows.push(el('tr', { 'data-rs': rsName(r), 'data-health': r.health },
        el('td', {}, `  -> ${rsName(r)}`), el('td', {}, FORWARD[r.forward] || r.forward), num(r.weight),
        el('td', { class: r.health }, r.health), num(r.activeConns), num(r.inactConns),
        num(r.cps), num(r.inpps), num(r.outpps), num(r.inbps), num(r.outbps)));
    }
  }
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { class: 'empty', colspan: 11 }, 'No virtual services')));
  body.replaceChildren(...rows);
}

// ---- share of connections (active + inactive) per real server, stacked to 100 % -----------------

function record(s) {
  const now = Date.now();
  for (const svc of s.services) {
    let h = history.get(svc.name);
    if (!h) history.set(svc.name, (h = []));
    h.push({ t: now, conns: new Map(svc.realServers.map((r) => [rsName(r), r.activeConns + r.inactConns])) });
    while (h.length > 0 && h[0].t < now - HISTORY_SECONDS * 1000) h.shift();
  }
  for (const name of [...history.keys()]) if (!s.services.some((x) => x.name === name)) history.delete(name);
}

function drawChart(name, samples) {
  const W = 420, H = 120;
  const keys = [...new Set(samples.flatMap((x) => [...x.conns.keys()]))].sort();
  const t1 = samples[samples.length - 1].t;
  const t0 = t1 - HISTORY_SECONDS * 1000;
  const x = (t) => ((t - t0) / (HISTORY_SECONDS * 1000)) * W;
  const root = svg('svg', { width: '100%', height: H, viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', 'data-chart': name });
  root.append(svg('rect', { x: 0, y: 0, width: W, height: H, fill: '#10161c' }));
  const base = samples.map(() => 0);
  keys.forEach((k, ki) => {
    const top = samples.map((smp, i) => {
      const total = [...smp.conns.values()].reduce((a, b) => a + b, 0);
      return base[i] + (total > 0 ? (smp.conns.get(k) || 0) / total : 0);
    });
    const upper = samples.map((smp, i) => `${x(smp.t).toFixed(1)},${(H - top[i] * H).toFixed(1)}`);
    const lower = samples.map((smp, i) => `${x(smp.t).toFixed(1)},${(H - base[i] * H).toFixed(1)}`).reverse();
    root.append(svg('polygon', { points: [...upper, ...lower].join(' '), fill: COLORS[ki % COLORS.length], 'fill-opacity': 0.75, 'data-series': k }));
    top.forEach((v, i) => (base[i] = v));
  });
  const quiet = samples.every((smp) => [...smp.conns.values()].every((n) => n === 0));
  if (quiet) root.append(svg('text', { x: W / 2 - 50, y: H / 2, class: 'unchecked' }, 'no connections yet'));
  const axis = el('div', { class: 'axis' }, el('span', {}, '-5 min'), el('span', {}, 'now'));
  const legend = el('div', { class: 'legend' }, ...keys.map((k, ki) => el('span', {}, el('i', { style: `background:${COLORS[ki % COLORS.length]}` }), k)));
  return el('div', { class: 'chart' }, el('div', {}, name), root, axis, legend);
}

function drawCharts() {
  const host = document.getElementById('charts');
  const charts = [...history].filter(([, h]) => h.length > 0).map(([name, h]) => drawChart(name, h));
  host.replaceChildren(...(charts.length ? charts : [el('p', { class: 'empty' }, 'No virtual services')]));
}

// ---- events --------------------------------------------------------------------------------------

function addEvent(e) {
  if (e.seq <= lastSeq) return;
  lastSeq = e.seq;
  const list = document.getElementById('events');
  const time = new Date(e.time).toLocaleTimeString([], { hour12: false });
  list.prepend(el('li', { class: e.severity, 'data-kind': e.kind, 'data-seq': e.seq }, el('span', { class: 'time' }, time), el('span', { class: 'kind' }, e.kind), el('span', {}, e.message)));
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
}

// ---- the stream ----------------------------------------------------------------------------------

function onStatus(s) {
  const d = s.daemon;
  document.getElementById('daemon').textContent = `v${d.version} · engine ${d.engine} · pid ${d.pid} · up ${duration(d.uptimeMs)} · ${d.configFile || 'no configuration file'}`;
  record(s);
  drawCluster(s);
  drawVrrp(s);
  drawTable(s);
  drawCharts();
}

function dispatch(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return;
  const body = JSON.parse(data.join('\n'));
  if (event === 'status') onStatus(body);
  else if (event === 'event') addEvent(body);
  else if (event === 'gap') addEvent({ seq: lastSeq, time: Date.now(), kind: 'gap', severity: 'warn', message: `events ${body.missedFrom}-${body.missedTo} were missed` });
}

async function stream() {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (lastSeq > 0) headers['last-event-id'] = String(lastSeq);
  const res = await fetch('/v1/events', { headers, cache: 'no-store' });
  if (res.status === 401) throw new Error('the API needs a token: open this page as /#token=TOKEN');
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  setLink(true, 'live');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      dispatch(buf.slice(0, i));
      buf = buf.slice(i + 2);
    }
  }
  throw new Error('the daemon closed the stream');
}

async function run() {
  for (;;) {
    try {
      await stream();
    } catch (e) {
      setLink(false, `offline: ${e instanceof Error ? e.message : e}`);
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

run();
