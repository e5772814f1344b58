/**
 * `tsvs status [--json]`: one screen about the running daemon: VRRP instances with state and
 * priority, virtual services with their real servers (weight, health, connections, rates),
 * data-plane problems and recent events. Colours only when stdout is a terminal (and NO_COLOR is
 * unset); `--json` prints GET /v1/status as it is, for scripts.
 * Exit status: 0 ok, 1 daemon unreachable or refusing, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ApiClient, ApiError, ApiUnreachable } from '../api/client.js';
import { resolveEndpoint, takeApiArgs } from '../api/endpoint.js';
import type { StatusReport, StatusService } from '../api/events-status.js';

export const STATUS_USAGE = 'usage: tsvs status [--json] [--events N] [--api PATH]\n';

/** Events shown on the screen by default (the JSON has what the daemon sent). */
export const SCREEN_EVENTS = 10;

export interface StatusCliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly uid: number;
  readonly tty: boolean;
}

const processIo = (): StatusCliIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  uid: process.getuid?.() ?? 0,
  tty: process.stdout.isTTY === true,
});

export interface FormatOptions {
  readonly color: boolean;
  /** Time zone for event times (tests pin UTC); default the host's. */
  readonly timeZone?: string;
  readonly events?: number;
}

type Paint = (text: string, code: string) => string;
const ANSI: Readonly<Record<string, string>> = { red: '31', green: '32', yellow: '33', blue: '34', dim: '2', bold: '1' };

function painter(color: boolean): Paint {
  return color ? (t, c) => `\x1b[${ANSI[c]}m${t}\x1b[0m` : (t) => t;
}

const STATE_COLOR: Readonly<Record<string, string>> = { MASTER: 'green', BACKUP: 'blue', FAULT: 'red', INIT: 'yellow', STOP: 'dim' };
const HEALTH_COLOR: Readonly<Record<string, string>> = { up: 'green', down: 'red', unchecked: 'dim' };
const SEVERITY_COLOR: Readonly<Record<string, string>> = { info: 'dim', warn: 'yellow', error: 'red' };

/** Columns padded to the widest cell; `paint[c]` colours a column after padding (so widths stay right). */
function table(rows: readonly (readonly string[])[], paint?: (row: number, col: number, padded: string) => string): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) =>
    r
      .map((cell, c) => {
        const padded = c === r.length - 1 ? cell : cell.padEnd(widths[c]!);
        return paint ? paint(i, c, padded) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** "10.0.0.1 prio 100 heard 3s ago, 10.0.0.3 (not heard)": the other directors of an instance. */
function peersText(peers: StatusReport['vrrp']['instances'][number]['peers'] | undefined): string {
  if (!peers || peers.length === 0) return '-';
  return peers.map((x) => (x.heardMsAgo === null ? `${x.address} (not heard)` : `${x.address} prio ${x.priority} heard ${duration(x.heardMsAgo)} ago`)).join(', ');
}

function vrrpSection(r: StatusReport, p: Paint): string[] {
  const v = r.vrrp;
  if (v.instances.length === 0) return [`VRRP: not running${v.reason ? ` (${v.reason})` : ''}`];
  const rows = [['INSTANCE', 'IFACE', 'VRID', 'STATE', 'PRIO', 'MASTER', 'SINCE', 'PEERS']];
  for (const i of v.instances) {
    const prio = i.priority === i.basePriority ? String(i.priority) : `${i.priority} (${i.basePriority})`;
    rows.push([i.name, i.interface, String(i.vrid), i.state, prio, i.masterAddress ?? '-', duration(i.sinceTransitionMs), peersText(i.peers)]);
  }
  return table(rows, (row, col, t) => (row === 0 ? p(t, 'bold') : col === 3 ? p(t, STATE_COLOR[rows[row]![3]!] ?? 'dim') : t));
}

/** ipvsadm's words for the forwarding methods. */
const FORWARD: Readonly<Record<string, string>> = { nat: 'Masq', dr: 'Route', tun: 'Tunnel', local: 'Local', bypass: 'Bypass' };

function serviceRows(s: StatusService): string[][] {
  const rows = [[s.name, s.scheduler, '', '', '', '', '', String(s.conns), String(s.cps)]];
  for (const d of s.realServers) {
    const addr = d.address.includes(':') ? `[${d.address}]:${d.port}` : `${d.address}:${d.port}`;
    rows.push([`  -> ${addr}`, FORWARD[d.forward] ?? d.forward, String(d.weight), d.health, String(d.activeConns), String(d.inactConns), String(d.persistConns), String(d.conns), String(d.cps)]);
  }
  return rows;
}

function servicesSection(r: StatusReport, p: Paint): string[] {
  if (r.services.length === 0) return ['No virtual services'];
  const rows = [['SERVICE / REAL SERVER', 'SCHED/FWD', 'WEIGHT', 'HEALTH', 'ACTIVE', 'INACT', 'PERSIST', 'CONNS', 'CPS']];
  for (const s of r.services) rows.push(...serviceRows(s));
  return table(rows, (row, col, t) => (row === 0 ? p(t, 'bold') : col === 3 && rows[row]![3] ? p(t, HEALTH_COLOR[rows[row]![3]!]!) : t));
}

function eventTime(ms: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, ...(timeZone ? { timeZone } : {}) }).format(ms);
}

function eventsSection(r: StatusReport, p: Paint, o: FormatOptions): string[] {
  const shown = r.events.slice(-(o.events ?? SCREEN_EVENTS));
  if (shown.length === 0) return ['No events'];
  return shown.map((e) => `${eventTime(e.time, o.timeZone)}  ${p(e.kind.padEnd(9), SEVERITY_COLOR[e.severity]!)}  ${e.message}`);
}

/** The screen. */
export function formatStatus(r: StatusReport, o: FormatOptions): string {
  const p = painter(o.color);
  const d = r.daemon;
  const head = `tsvs ${d.version}  engine ${d.engine}  pid ${d.pid}  up ${duration(d.uptimeMs)}  config ${d.configFile ?? '(none)'}`;
  const parts = [p(head, 'bold'), '', ...vrrpSection(r, p), '', ...servicesSection(r, p)];
  if (r.problems.length > 0) parts.push('', p('Data-plane problems', 'bold'), ...r.problems.map((x) => p(`  ${x.service}: ${x.message} (${x.code})`, 'red')));
  parts.push('', p('Recent events', 'bold'), ...eventsSection(r, p, o));
  return `${parts.join('\n')}\n`;
}

export async function statusCommand(args: string[], io: StatusCliIo = processIo()): Promise<number> {
  const api = takeApiArgs(args);
  let json = false;
  let events = SCREEN_EVENTS;
  const rest = [...api.rest];
  while (rest.length > 0) {
    const a = rest.shift()!;
    if (a === '--json') json = true;
    else if (a === '--events' && /^\d+$/.test(rest[0] ?? '')) events = Number(rest.shift());
    else {
      io.err(`tsvs status: unexpected argument '${a}'\n${STATUS_USAGE}`);
      return 2;
    }
  }
  if (api.error) {
    io.err(`tsvs status: ${api.error}\n${STATUS_USAGE}`);
    return 2;
  }
  const ep = resolveEndpoint(api.api, api.tokenFile, { env: io.env, uid: io.uid, tmpdir: tmpdir(), readFile: (f) => readFileSync(f, 'utf8') });
  if (!ep.ok) {
    io.err(`tsvs status: ${ep.message}\n`);
    return 2;
  }
  try {
    const report = await new ApiClient(ep.endpoint).get<StatusReport>('/v1/status');
    const color = io.tty && io.env['NO_COLOR'] === undefined;
    io.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report, { color, events }));
    return 0;
  } catch (e) {
    if (e instanceof ApiUnreachable || e instanceof ApiError) {
      io.err(`tsvs status: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
