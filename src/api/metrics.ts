/**
 * GET /metrics: everything `ipvsadm -L -n --stats --rate` shows, plus health checking, VRRP, the
 * data plane and the process, in the Prometheus text format. Label names follow node_exporter's
 * IPVS collector (local_address, local_port, local_mark, proto, remote_address, remote_port) so
 * dashboards written for it adapt by changing the metric prefix. Every metric is documented in
 * docs/metrics.md.
 */
import type { ServiceView } from '../core/snapshot.js';
import type { IpvsSnapshot } from '../core/snapshot.js';
import type { DataplaneInfo } from '../engine/director.js';
import type { HealthInfo } from '../engine/control-plane.js';
import type { EventKind, RealServerHealth } from '../engine/events.js';
import type { VrrpStatusReport } from '../engine/vrrp/engine.js';
import type { StreamFigures } from './events-stream.js';
import { addLabel, Exposition, formatLabels, ScrapeCache, type LabelText } from './metrics-format.js';
import { processMetrics, type ProcessFigures } from './metrics-process.js';
import { vrrpMetrics } from './metrics-vrrp.js';

export interface MetricsInput {
  readonly info: HealthInfo;
  readonly snapshot: IpvsSnapshot;
  readonly dataplane: DataplaneInfo;
  readonly health: readonly RealServerHealth[];
  readonly vrrp: VrrpStatusReport;
  readonly events: Readonly<Partial<Record<EventKind, number>>>;
  readonly process: ProcessFigures | null;
  /** What GET /v1/events (the dashboard's stream) has cost; absent: not served. */
  readonly stream?: StreamFigures;
}

/** The whole exposition as text. */
export function renderMetrics(m: MetricsInput): string {
  return exposition(m).text();
}

/** The whole exposition as the UTF-8 bytes GET /metrics sends. */
export function renderMetricsBytes(m: MetricsInput): Buffer {
  return exposition(m).bytes();
}

/** Label texts per series, from one scrape to the next (formatting them was a third of a scrape). */
const labelTexts = new ScrapeCache<{ readonly series: LabelText; readonly info: LabelText }>();

function exposition(m: MetricsInput): Exposition {
  const x = new Exposition();
  try {
    families(x, m);
  } finally {
    labelTexts.rotate();
  }
  return x;
}

function families(x: Exposition, m: MetricsInput): void {
  x.family('tsvs_build_info', 'gauge', 'Always 1; the labels say which tsvs and data plane run.')(1, { version: m.info.version, engine: m.info.engine });
  x.family('tsvs_uptime_seconds', 'gauge', 'Seconds since the daemon started.')(m.info.uptimeMs / 1000);
  totals(x, m.snapshot);
  services(x, m.snapshot.services);
  health(x, m.health);
  vrrpMetrics(x, m.vrrp);
  dataplane(x, m.dataplane);
  const ev = x.family('tsvs_events_total', 'counter', 'Events recorded in the event log, by kind.');
  for (const k of ['vrrp', 'health', 'reload', 'config', 'dataplane'] as const) ev(m.events[k] ?? 0, { kind: k });
  if (m.stream) eventStream(x, m.stream);
  if (m.process) processMetrics(x, m.process);
}

function eventStream(x: Exposition, s: StreamFigures): void {
  x.family('tsvs_event_stream_clients', 'gauge', 'Clients reading GET /v1/events (open dashboard pages).')(s.clients);
  x.family('tsvs_event_stream_cpu_seconds_total', 'counter', 'CPU time the daemon spent building and writing the event stream.')(s.cpuSeconds);
  x.family('tsvs_event_stream_bytes_total', 'counter', 'Bytes written to event-stream clients.')(s.bytes);
}

function totals(x: Exposition, s: IpvsSnapshot): void {
  x.family('tsvs_ipvs_connections_total', 'counter', 'Connections scheduled, all virtual services (ipvsadm --stats Conns total).')(s.totals.conns);
  x.family('tsvs_ipvs_incoming_packets_total', 'counter', 'Packets in, all virtual services.')(s.totals.inpkts);
  x.family('tsvs_ipvs_outgoing_packets_total', 'counter', 'Packets out, all virtual services.')(s.totals.outpkts);
  x.family('tsvs_ipvs_incoming_bytes_total', 'counter', 'Bytes in, all virtual services.')(s.totals.inbytes);
  x.family('tsvs_ipvs_outgoing_bytes_total', 'counter', 'Bytes out, all virtual services.')(s.totals.outbytes);
}

type Figures = (v: number, l: LabelText) => void;

/** The five counters and five rates ipvsadm shows for services and real servers alike. */
function statFamilies(x: Exposition, level: 'service' | 'backend'): (l: LabelText, st: ServiceView['stats'], r: ServiceView['rates']) => void {
  const what = level === 'service' ? 'virtual service' : 'real server';
  const c = (n: string, help: string): Figures => x.family(`tsvs_ipvs_${level}_${n}`, 'counter', `${help} of the ${what}.`);
  const g = (n: string, help: string): Figures => x.family(`tsvs_ipvs_${level}_${n}`, 'gauge', `${help} of the ${what} (2-second estimator, as ipvsadm --rate).`);
  const conns = c('connections_total', 'Connections scheduled (ipvsadm --stats Conns)');
  const inp = c('incoming_packets_total', 'Packets in (InPkts)');
  const outp = c('outgoing_packets_total', 'Packets out (OutPkts)');
  const inb = c('incoming_bytes_total', 'Bytes in (InBytes)');
  const outb = c('outgoing_bytes_total', 'Bytes out (OutBytes)');
  const cps = g('connections_per_second', 'Connection rate (CPS)');
  const inpps = g('incoming_packets_per_second', 'Packet rate in (InPPS)');
  const outpps = g('outgoing_packets_per_second', 'Packet rate out (OutPPS)');
  const inbps = g('incoming_bytes_per_second', 'Byte rate in (InBPS)');
  const outbps = g('outgoing_bytes_per_second', 'Byte rate out (OutBPS)');
  return (l, st, r) => {
    conns(st.conns, l);
    inp(st.inpkts, l);
    outp(st.outpkts, l);
    inb(st.inbytes, l);
    outb(st.outbytes, l);
    cps(r.cps, l);
    inpps(r.inpps, l);
    outpps(r.outpps, l);
    inbps(r.inbps, l);
    outbps(r.outbps, l);
  };
}

/** node_exporter's service labels: fwmark services have local_mark set and an empty address. */
export function serviceLabels(s: ServiceView): Record<string, string> {
  return s.kind === 'fwmark'
    ? { local_address: '', local_port: '0', local_mark: String(s.fwmark), proto: s.protocol.toUpperCase() }
    : { local_address: s.addr, local_port: String(s.port), local_mark: '', proto: s.protocol.toUpperCase() };
}

function services(x: Exposition, list: readonly ServiceView[]): void {
  const info = x.family('tsvs_ipvs_service_info', 'gauge', 'Always 1; the scheduler and flags of each virtual service.');
  const svcStats = statFamilies(x, 'service');
  const active = x.family('tsvs_ipvs_backend_connections_active', 'gauge', 'Active connections of the real server (ActiveConn).');
  const inactive = x.family('tsvs_ipvs_backend_connections_inactive', 'gauge', 'Inactive connections of the real server (InActConn).');
  const persistent = x.family('tsvs_ipvs_backend_connections_persistent', 'gauge', 'Persistence templates pointing at the real server (PersistConn).');
  const weight = x.family('tsvs_ipvs_backend_weight', 'gauge', 'Weight of the real server in IPVS (0: quiesced).');
  const overloaded = x.family('tsvs_ipvs_backend_overloaded', 'gauge', '1 while the real server is over its upper connection threshold.');
  const binfo = x.family('tsvs_ipvs_backend_info', 'gauge', 'Always 1; the forwarding method of each real server (nat, dr, tun, local, bypass).');
  const destStats = statFamilies(x, 'backend');
  for (const s of list) {
    const isPersistent = s.flags & 1 ? 'true' : 'false';
    const svc = labelTexts.get(`svc ${s.kind} ${s.protocol} ${s.addr} ${s.port} ${s.fwmark} ${s.scheduler} ${isPersistent} ${s.timeout}`, () => {
      const labels = serviceLabels(s);
      return { series: formatLabels(labels), info: formatLabels({ ...labels, scheduler: s.scheduler, persistent: isPersistent, timeout: String(s.timeout) }) };
    });
    const sl = svc.series;
    info(1, svc.info);
    svcStats(sl, s.stats, s.rates);
    for (const d of s.dests) {
      const rs = labelTexts.get(`rs ${sl} ${d.addr} ${d.port} ${d.fwd}`, () => {
        const backend = { ...serviceLabels(s), remote_address: d.addr, remote_port: String(d.port) };
        return { series: formatLabels(backend), info: formatLabels({ ...backend, forward: d.fwd }) };
      });
      const dl = rs.series;
      binfo(1, rs.info);
      active(d.activeConns, dl);
      inactive(d.inactConns, dl);
      persistent(d.persistConns, dl);
      weight(d.weight, dl);
      overloaded(d.overloaded ? 1 : 0, dl);
      destStats(dl, d.stats, d.rates);
    }
  }
}

/** Labels for a real server of the health model, in the IPVS metrics' terms where the identity allows. */
export function healthLabels(h: RealServerHealth): Record<string, string> {
  const [raddr = '', rport = ''] = splitLast(h.rs);
  const parts = h.vs.split('|');
  let svc: Record<string, string>;
  if (parts[0] === 'fwm') svc = { local_address: '', local_port: '0', local_mark: parts[2] ?? '', proto: 'TCP' };
  else if (parts[0] === 'group') svc = { local_address: '', local_port: '0', local_mark: '', proto: (parts[2] ?? '').toUpperCase() };
  else svc = { local_address: parts[1] ?? '', local_port: parts[2] ?? '', local_mark: '', proto: (parts[0] ?? '').toUpperCase() };
  // A virtual server group has no single address: its name tells its real servers apart.
  return parts[0] === 'group' ? { ...svc, remote_address: raddr, remote_port: rport, virtual_server: h.vsName } : { ...svc, remote_address: raddr, remote_port: rport };
}

function splitLast(id: string): [string, string] {
  const i = id.lastIndexOf('|');
  return i < 0 ? [id, ''] : [id.slice(0, i), id.slice(i + 1)];
}

const RESULT_KINDS = ['pass', 'fail', 'exit', 'signal', 'skipped'] as const;

function health(x: Exposition, list: readonly RealServerHealth[]): void {
  const up = x.family('tsvs_health_backend_up', 'gauge', '1 while health checking considers the real server up, else 0.');
  const w = x.family('tsvs_health_backend_weight', 'gauge', 'Weight health checking gives the real server while up (configured weight adjusted by MISC_CHECK).');
  const failed = x.family('tsvs_health_backend_failed_checkers', 'gauge', 'Checkers of the real server currently failing.');
  const checks = x.family('tsvs_health_checks_total', 'counter', 'Checks completed, by result (pass, fail, exit, signal, skipped).');
  const dur = x.family('tsvs_health_check_duration_seconds', 'summary', 'Time the checks of the real server took.');
  const last = x.family('tsvs_health_check_last_duration_seconds', 'gauge', 'Duration of the last check of the real server.');
  const tr = x.family('tsvs_health_transitions_total', 'counter', 'Times the real server went down or came back up.');
  for (const h of list) {
    const l = labelTexts.get(`health ${h.vs} ${h.rs} ${h.vsName}`, () => ({ series: formatLabels(healthLabels(h)), info: '' })).series;
    up(h.alive ? 1 : 0, l);
    w(h.weight, l);
    failed(h.failedCheckers, l);
    let count = 0;
    let seconds = 0;
    for (const k of RESULT_KINDS) {
      const c = h.checks[k];
      // pass and fail always (so rate() works from the first check); the rarer kinds once seen.
      if (c === undefined && k !== 'pass' && k !== 'fail') continue;
      checks(c?.count ?? 0, addLabel(l, 'result', k));
      count += c?.count ?? 0;
      seconds += c?.seconds ?? 0;
    }
    dur(seconds, l, '_sum');
    dur(count, l, '_count');
    if (h.lastCheckSeconds !== null) last(h.lastCheckSeconds, l);
    tr(h.transitions, l);
  }
}

/** Figures among a data plane's counters that go down as well as up (the rest only grow). */
const DATAPLANE_GAUGES: ReadonlySet<string> = new Set(['tcpFlowsOpen', 'listeners']);

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_]/g, '_');

function dataplane(x: Exposition, d: DataplaneInfo): void {
  const problems = x.family('tsvs_dataplane_problem', 'gauge', '1 for each virtual service the data plane cannot carry, with the reason code.');
  for (const p of d.problems) problems(1, { service: p.service, code: p.code });
  for (const [k, v] of Object.entries(d.counters).sort(([a], [b]) => a.localeCompare(b))) {
    if (DATAPLANE_GAUGES.has(k)) x.family(`tsvs_dataplane_${snake(k)}`, 'gauge', `Data-plane figure '${k}' (see docs/metrics.md).`)(v, { engine: d.name });
    else x.family(`tsvs_dataplane_${snake(k)}_total`, 'counter', `Data-plane counter '${k}' (see docs/metrics.md).`)(v, { engine: d.name });
  }
}
