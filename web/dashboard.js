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

// ---- the cluster: VIPs -> the directors (VRRP state) -> real servers ---------------------------
//
// This director is the one the page is connected to; the others are the peers its VRRP instances
// heard in adverts (VRRP masters advertise, backups stay quiet, so a backup sees the master and a
// master that took over still remembers the director it replaced) or configured unicast peers.

/** Peer directors: address -> lines (one per instance that knows it). */
function peerDirectors(s) {
  const peers = new Map();
  for (const i of s.vrrp.instances) {
    for (const p of i.peers || []) {
      const master = i.state !== 'MASTER' && p.address === i.masterAddress;
      const state = master ? 'MASTER' : p.heardMsAgo === null ? 'unknown' : 'heard';
      const text = master ? `${i.name}: MASTER prio ${p.priority}`
        : p.heardMsAgo === null ? `${i.name}: not heard yet`
        : `${i.name}: last advert ${duration(p.heardMsAgo)} ago (prio ${p.priority})`;
      if (!peers.has(p.address)) peers.set(p.address, []);
      peers.get(p.address).push({ instance: i.name, state, text });
    }
  }
  return peers;
}

const LINE_H = 18;
const boxH = (lines) => 28 + LINE_H * Math.max(1, lines);

function drawDirectors(root, s, peers) {
  const self = s.vrrp.instances;
  let y = 10;
  root.append(svg('rect', { class: 'box', x: 320, y, width: 260, height: boxH(self.length), rx: 6, 'data-director': 'self' }));
  root.append(svg('text', { x: 335, y: y + 18 }, `this director (${s.daemon.engine})`));
  self.forEach((i, k) => {
    root.append(svg('text', { x: 335, y: y + 36 + k * LINE_H, class: i.state, 'data-instance': i.name, 'data-state': i.state }, `${i.name}: ${i.state} prio ${i.priority}`));
  });
  if (self.length === 0) root.append(svg('text', { x: 335, y: y + 36, class: 'unchecked' }, s.vrrp.reason || 'no VRRP'));
  const selfMid = y + boxH(self.length) / 2;
  y += boxH(self.length) + 12;
  for (const [addr, lines] of peers) {
    root.append(svg('path', { class: 'edge peer', d: `M450 ${y - 12} L450 ${y}` }));
    root.append(svg('rect', { class: 'box peer', x: 320, y, width: 260, height: boxH(lines.length), rx: 6, 'data-peer': addr, 'data-state': lines[0].state }));
    root.append(svg('text', { x: 335, y: y + 18 }, `director ${addr}`));
    lines.forEach((l, k) => root.append(svg('text', { x: 335, y: y + 36 + k * LINE_H, class: l.state === 'MASTER' ? 'MASTER' : 'unchecked', 'data-peer': addr, 'data-instance': l.instance, 'data-state': l.state }, l.text)));
    y += boxH(lines.length) + 12;
  }
  return { mid: selfMid, bottom: y };
}

function drawCluster(s) {
  const host = document.getElementById('cluster');
  const rowH = 30;
  const rows = s.services.map((svc) => Math.max(1, svc.realServers.length));
  const peers = peerDirectors(s);
  const directorsH = [...peers.values()].reduce((a, l) => a + boxH(l.length) + 12, boxH(s.vrrp.instances.length) + 12);
  const h = Math.max(rows.reduce((a, b) => a + b, 0) * rowH, directorsH, 3 * rowH) + 20;
  const root = svg('svg', { width: '100%', viewBox: `0 0 900 ${h}`, role: 'img' });
  const dir = drawDirectors(root, s, peers);
  let y = 10;
  s.services.forEach((svc, k) => {
    const span = rows[k] * rowH;
    const vy = y + span / 2 - 11;
    root.append(svg('rect', { class: 'box', x: 10, y: vy, width: 220, height: 22, rx: 4 }));
    root.append(svg('text', { x: 20, y: vy + 15 }, `${svc.name} ${svc.scheduler}`));
    root.append(svg('path', { class: 'edge', d: `M230 ${vy + 11} C275 ${vy + 11} 275 ${dir.mid} 320 ${dir.mid}` }));
    svc.realServers.forEach((r, j) => {
      const ry = y + j * rowH + 4;
      const cls = r.health === 'down' ? 'edge down' : 'edge';
      root.append(svg('path', { class: cls, d: `M580 ${dir.mid} C615 ${dir.mid} 615 ${ry + 11} 650 ${ry + 11}` }));
      root.append(svg('rect', { class: 'box', x: 650, y: ry, width: 240, height: 22, rx: 4, 'data-rs': rsName(r), 'data-health': r.health }));
      root.append(svg('circle', { cx: 662, cy: ry + 11, r: 5, class: r.health, fill: 'currentColor' }));
      root.append(svg('text', { x: 674, y: ry + 15 }, `${rsName(r)}  w${r.weight}  ${r.health}`));
    });
    y += span;
  });
  host.replaceChildren(root);
}

// ---- tables ------------------------------------------------------------------------------------

/** The peers cell of an instance's row (it holds the ages, so refreshAges() rewrites it in place). */
function peersText(i) {
  return (i.peers || []).map((p) => (p.heardMsAgo === null ? `${p.address} (not heard)` : `${p.address} (${duration(p.heardMsAgo)} ago)`)).join(', ') || '-';
}

function drawVrrp(s) {
  const body = document.querySelector('#vrrp tbody');
  const rows = s.vrrp.instances.map((i) =>
    el('tr', { 'data-instance': i.name, 'data-state': i.state },
      el('td', {}, i.name), el('td', {}, i.interface), el('td', {}, i.vrid),
      el('td', { class: i.state }, i.state),
      el('td', {}, i.priority === i.basePriority ? i.priority : `${i.priority} (${i.basePriority})`),
      el('td', {}, i.masterAddress || '-'),
      el('td', { class: 'peers' }, peersText(i))));
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { class: 'empty', colspan: 7 }, s.vrrp.reason || 'VRRP is not running')));
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

// Redraw a part only when what it shows changed: an idle page then costs the browser (and the
// machine the daemon shares with it) next to nothing. The charts move with time, so they are
// redrawn every CHART_EVERY_S seconds (every second while they are younger than that), or at
// once when their series change.
const CHART_EVERY_S = 5;
const drawn = { cluster: '', vrrp: '', table: '', series: '', chartAt: 0 };

/**
 * What the cluster picture and the VRRP table show, but for the peers' ages: a backup hears its
 * master every second, so the age changes all the time; refreshAges() rewrites those texts in place.
 */
function vrrpKey(s) {
  return JSON.stringify([s.daemon.engine, s.vrrp.reason, s.vrrp.instances.map((i) => [i.name, i.interface, i.vrid, i.state, i.priority, i.basePriority, i.masterAddress,
    (i.peers || []).map((p) => [p.address, p.priority, p.heardMsAgo === null])])]);
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** The peers' ages, written into what the last redraw left (the only texts vrrpKey leaves out). */
function refreshAges(s) {
  const peers = peerDirectors(s);
  for (const t of document.querySelectorAll('#cluster text[data-peer][data-instance]')) {
    const line = (peers.get(t.dataset.peer) || []).find((l) => l.instance === t.dataset.instance);
    if (line) setText(t, line.text);
  }
  const byName = new Map(s.vrrp.instances.map((i) => [i.name, i]));
  for (const row of document.querySelectorAll('#vrrp tbody tr[data-instance]')) {
    const i = byName.get(row.dataset.instance);
    const cell = row.querySelector('td.peers');
    if (i && cell) setText(cell, peersText(i));
  }
}

function clusterKey(s) {
  return vrrpKey(s) + JSON.stringify(s.services.map((svc) => [svc.name, svc.scheduler, svc.realServers.map((r) => [rsName(r), r.weight, r.health])]));
}

function tableKey(s) {
  return JSON.stringify(s.services);
}

function redraw(part, key, draw) {
  if (drawn[part] === key) return;
  drawn[part] = key;
  draw();
}

function onStatus(s) {
  const d = s.daemon;
  document.getElementById('daemon').textContent = `v${d.version} · engine ${d.engine} · pid ${d.pid} · up ${duration(d.uptimeMs)} · ${d.configFile || 'no configuration file'}`;
  record(s);
  redraw('cluster', clusterKey(s), () => drawCluster(s));
  redraw('vrrp', vrrpKey(s), () => drawVrrp(s));
  refreshAges(s);
  redraw('table', tableKey(s), () => drawTable(s));
  const series = JSON.stringify([...history].map(([name, h]) => [name, [...(h.at(-1)?.conns.keys() || [])]]));
  const now = Date.now();
  const young = [...history.values()].some((h) => h.length <= CHART_EVERY_S);
  if (young || series !== drawn.series || now - drawn.chartAt >= CHART_EVERY_S * 1000) {
    drawn.series = series;
    drawn.chartAt = now;
    drawCharts();
  }
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
