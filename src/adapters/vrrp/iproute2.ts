/**
 * NetControl on iproute2 and sysfs: VIPs added and removed over rtnetlink (native addon) or with
 * `ip addr` (argument vectors, no shell), with dev, label, brd, scope, peer, nodad,
 * noprefixroute, home and preferred_lft;
 * interface state from /sys/class/net (IFF_UP, and IFF_RUNNING as the kernel derives it from
 * the operational state: up or unknown; keepalived's FLAGS_UP) and
 * `ip -j addr`; changes from a long-running `ip -o monitor link address`. Only the VIPs this
 * object added are removed by restore(), so the host is left as it was found.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { InterfaceInfo, NetControl } from '../../core/vrrp/ports.js';
import type { VipSpec } from '../../core/vrrp/types.js';
import type { AddressWriter, AddResult } from './netlink-addresses.js';

const IFF_UP = 0x1;
const IP_TIMEOUT_MS = 5_000;
const DEBOUNCE_MS = 5;

export interface IpRunner {
  (args: readonly string[]): Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }>;
}

/** `ip ARGS` without a shell. */
export const runIp: IpRunner = (args) =>
  new Promise((resolve) => {
    execFile('ip', [...args], { timeout: IP_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });

/** The `ip addr add|del` arguments for a VIP (keepalived.md §2.5 entry syntax). */
export function vipArgs(op: 'add' | 'del', v: VipSpec): string[] {
  const a = ['addr', op, `${v.address}/${v.prefix}`];
  if (op === 'del') return [...a, 'dev', v.dev];
  if (v.peer) a.push('peer', v.peer);
  if (v.broadcast && v.family === 4) a.push('brd', v.broadcast);
  a.push('dev', v.dev);
  if (v.scope) a.push('scope', v.scope);
  if (v.label && v.family === 4) a.push('label', v.label);
  if (v.noDad) a.push('nodad');
  if (v.noPrefixRoute) a.push('noprefixroute');
  if (v.home) a.push('home');
  const lft = v.preferredLft ?? (v.family === 6 && v.prefix === 128 ? 0 : null);
  if (lft !== null) a.push('preferred_lft', String(lft));
  return a;
}

interface AddrJson {
  readonly ifname?: string;
  readonly address?: string;
  readonly addr_info?: ReadonlyArray<{ readonly family?: string; readonly local?: string; readonly scope?: string; readonly secondary?: boolean }>;
}

function readSys(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function macBytes(text: string | undefined | null): Uint8Array | null {
  if (!text || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text)) return null;
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** VIP changes through `ip addr` (when the native addon's netlink socket is not available). */
export class IpAddressWriter implements AddressWriter {
  constructor(private readonly ip: IpRunner = runIp) {}

  async add(v: VipSpec): Promise<AddResult> {
    const r = await this.ip(vipArgs('add', v));
    if (r.code === 0) return 'added';
    if (/File exists/.test(r.stderr)) return 'exists';
    throw new Error(`ip ${vipArgs('add', v).join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }

  async del(v: VipSpec): Promise<void> {
    const r = await this.ip(vipArgs('del', v));
    if (r.code !== 0 && !/Cannot assign requested address|No such device|Cannot find device/.test(r.stderr)) {
      throw new Error(`ip ${vipArgs('del', v).join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
  }
}

export class IpRouteNetControl implements NetControl {
  /** VIPs we added, as "address/prefix dev". */
  private readonly added = new Map<string, VipSpec>();
  private monitor: ChildProcess | null = null;
  private readonly writer: AddressWriter;

  constructor(
    private readonly ip: IpRunner = runIp,
    writer?: AddressWriter,
  ) {
    this.writer = writer ?? new IpAddressWriter(ip);
  }

  async interfaceInfo(ifname: string): Promise<InterfaceInfo | null> {
    const flags = readSys(`/sys/class/net/${ifname}/flags`);
    if (flags === null) return null;
    const f = parseInt(flags, 16);
    const oper = readSys(`/sys/class/net/${ifname}/operstate`);
    const r = await this.ip(['-j', 'addr', 'show', 'dev', ifname]);
    let entry: AddrJson | undefined;
    try {
      entry = (JSON.parse(r.stdout || '[]') as AddrJson[])[0];
    } catch {
      entry = undefined;
    }
    const infos = entry?.addr_info ?? [];
    const ours = new Set([...this.added.values()].filter((v) => v.dev === ifname).map((v) => v.address));
    const v4 = infos.filter((a) => a.family === 'inet' && a.local && !ours.has(a.local));
    const primary4 = (v4.find((a) => !a.secondary) ?? v4[0])?.local ?? null;
    const linkLocal6 = infos.find((a) => a.family === 'inet6' && a.scope === 'link')?.local ?? null;
    return {
      up: (f & IFF_UP) !== 0 && (oper === 'up' || oper === 'unknown'),
      primary4,
      linkLocal6,
      addresses: infos.map((a) => a.local).filter((a): a is string => typeof a === 'string'),
      mac: macBytes(entry?.address ?? readSys(`/sys/class/net/${ifname}/address`)),
      ipv6Forwarding: readSys(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`) === '1',
    };
  }

  async addVip(v: VipSpec): Promise<void> {
    if ((await this.writer.add(v)) === 'added') this.added.set(`${v.address}/${v.prefix} ${v.dev}`, v);
  }

  async removeVip(v: VipSpec): Promise<void> {
    this.added.delete(`${v.address}/${v.prefix} ${v.dev}`);
    await this.writer.del(v);
  }

  watch(ifnames: readonly string[], onChange: (ifname: string, info: InterfaceInfo | null) => void): () => void {
    const wanted = new Set(ifnames);
    const due = new Map<string, NodeJS.Timeout>();
    const child = spawn('ip', ['-o', 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.monitor = child;
    child.on('error', () => undefined);
    const refresh = (ifname: string): void => {
      if (!wanted.has(ifname) || due.has(ifname)) return;
      // Several lines arrive for one change; read the interface once they have.
      due.set(ifname, setTimeout(() => {
        due.delete(ifname);
        void this.interfaceInfo(ifname).then((info) => onChange(ifname, info));
      }, DEBOUNCE_MS));
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^(?:Deleted\s+)?\d+:\s+([^:@\s]+)/.exec(line);
      if (m) refresh(m[1]!);
    });
    return () => {
      for (const t of due.values()) clearTimeout(t);
      due.clear();
      child.kill();
      if (this.monitor === child) this.monitor = null;
    };
  }

  async restore(): Promise<void> {
    for (const v of [...this.added.values()]) await this.removeVip(v).catch(() => undefined);
    this.monitor?.kill();
    this.monitor = null;
  }
}
