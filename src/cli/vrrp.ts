/**
 * `tsvs vrrp status [--json]`: the running daemon's VRRP instances (state, priority, master
 * address, time since the last transition, counters with --json).
 * `tsvs vrrp watch IFACE [-6] [-c COUNT]`: adverts arriving on IFACE, printed as `tcpdump -vvv
 * vrrp` prints them (root and the native addon; no daemon needed).
 * Exit status: 0 ok, 1 failure (daemon unreachable, socket refused), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ApiClient, ApiError, ApiUnreachable } from '../api/client.js';
import { resolveEndpoint, takeApiArgs } from '../api/endpoint.js';
import type { VrrpStatusReport } from '../api/vrrp-routes.js';
import { loadNative } from '../adapters/vrrp/native.js';
import { formatVrrpDatagram } from '../wire/vrrp-print.js';

export const VRRP_USAGE = `usage: tsvs vrrp status [--json] [--api PATH]
       tsvs vrrp watch IFACE [-6] [-c COUNT]
`;

export interface VrrpCliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly uid: number;
  /** Wall-clock time for the watch timestamps. */
  readonly now: () => Date;
}

const processIo: VrrpCliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  uid: process.getuid?.() ?? 0,
  now: () => new Date(),
};

function seconds(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The other directors heard in adverts: "10.0.0.1 prio 150 3.0s ago", a configured unicast peer not heard yet "(not heard)". */
function peers(list: VrrpStatusReport['instances'][number]['peers']): string {
  if (!list || list.length === 0) return '-';
  return list.map((p) => (p.heardMsAgo === null ? `${p.address} (not heard)` : `${p.address} prio ${p.priority} ${seconds(p.heardMsAgo)} ago`)).join(', ');
}

/** The status table of `tsvs vrrp status`. */
export function formatVrrpStatus(r: VrrpStatusReport): string {
  if (!r.running && r.instances.length === 0) return `VRRP: not running${r.reason ? ` (${r.reason})` : ''}\n`;
  const rows = [['INSTANCE', 'IFACE', 'VRID', 'VER', 'STATE', 'PRIO', 'MASTER', 'SINCE', 'PEERS']];
  for (const i of r.instances) {
    const prio = i.effectivePriority === i.basePriority ? String(i.effectivePriority) : `${i.effectivePriority} (${i.basePriority})`;
    rows.push([i.name, i.ifname, String(i.vrid), `v${i.version}`, i.state, prio, i.masterAddress ?? '-', seconds(i.sinceTransitionMs), peers(i.peers)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  for (const g of r.syncGroups) lines.push(`sync group ${g.name}: ${g.state} (${g.members.join(', ')})`);
  return `${lines.join('\n')}\n`;
}

async function status(args: string[], io: VrrpCliIo): Promise<number> {
  const api = takeApiArgs(args);
  const rest = api.rest.filter((a) => a !== '--json');
  if (api.error || rest.length > 0) {
    io.err(`tsvs vrrp: ${api.error ?? `unexpected argument '${rest[0]}'`}\n${VRRP_USAGE}`);
    return 2;
  }
  const ep = resolveEndpoint(api.api, api.tokenFile, { env: io.env, uid: io.uid, tmpdir: tmpdir(), readFile: (p) => readFileSync(p, 'utf8') });
  if (!ep.ok) {
    io.err(`tsvs vrrp: ${ep.message}\n`);
    return 2;
  }
  try {
    const report = await new ApiClient(ep.endpoint).get<VrrpStatusReport>('/v1/vrrp');
    io.out(api.rest.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatVrrpStatus(report));
    return 0;
  } catch (e) {
    if (e instanceof ApiUnreachable || e instanceof ApiError) {
      io.err(`tsvs vrrp: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function clock(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds() * 1000).padStart(6, '0')}`;
}

interface WatchArgs {
  readonly ifname: string;
  readonly family: 4 | 6;
  readonly count: number;
}

export function parseWatchArgs(args: readonly string[]): WatchArgs | string {
  let family: 4 | 6 = 4;
  let count = 0;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-6') family = 6;
    else if (a === '-4') family = 4;
    else if (a === '-c') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1) return `-c needs a positive count`;
      count = n;
    } else if (a.startsWith('-')) return `unknown option '${a}'`;
    else names.push(a);
  }
  if (names.length !== 1) return 'watch needs exactly one interface';
  return { ifname: names[0]!, family, count };
}

/** Print adverts until COUNT have arrived or SIGINT/SIGTERM. */
export function watch(args: readonly string[], io: VrrpCliIo): Promise<number> {
  const w = parseWatchArgs(args);
  if (typeof w === 'string') {
    io.err(`tsvs vrrp: ${w}\n${VRRP_USAGE}`);
    return Promise.resolve(2);
  }
  const native = loadNative();
  if (!native.ok) {
    io.err(`tsvs vrrp watch: ${native.reason}\n`);
    return Promise.resolve(1);
  }
  const a = native.addon;
  return new Promise((resolve) => {
    let seen = 0;
    let handle: ReturnType<typeof a.rawOpen>;
    const finish = (code: number): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      a.rawClose(handle);
      resolve(code);
    };
    const onSignal = (): void => finish(0);
    try {
      const group = w.family === 4 ? '224.0.0.18' : 'ff02::12';
      handle = a.rawOpen({ family: w.family, ifname: w.ifname, group, hdrincl: w.family === 4 ? 1 : 0, checksumOffset: -1 }, (data, info) => {
        if (!data) return void io.err(`tsvs vrrp watch: ${info.error ?? 'socket error'}\n`);
        io.out(`${clock(io.now())} ${formatVrrpDatagram(new Uint8Array(data), w.family, info)}\n`);
        if (w.count > 0 && ++seen >= w.count) finish(0);
      });
    } catch (e) {
      io.err(`tsvs vrrp watch: cannot listen on ${w.ifname}: ${e instanceof Error ? e.message : String(e)}\n`);
      return resolve(1);
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function runVrrp(args: readonly string[], io: VrrpCliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'status') return status(rest, io);
  if (sub === 'watch') return watch(rest, io);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(VRRP_USAGE);
    return sub === undefined ? 2 : 0;
  }
  io.err(`tsvs vrrp: unknown subcommand '${sub}'\n${VRRP_USAGE}`);
  return 2;
}

export function vrrpCommand(args: string[]): Promise<number> {
  return runVrrp(args, processIo);
}
