// Goldens recorded from the real program: Debian's ipvsadm 1:1.31-1+b1 binary, run with an
// LD_PRELOAD shim standing in for the kernel's IPVS socket options (every change succeeds and the
// shim prints the structure it received; lists are empty; a single-service lookup fails with
// ESRCH). Command lines came from random generators over ipvsadm's options and values.
//
// testdata/oracle-argv.json: {argv, out}, `out` being one of
//   "OK <shim lines joined by ' | '>"  the change ipvsadm passed to the kernel (IPv4 fields),
//   "STDOUT:<first line of stdout>"    help, version, listings, flush, save, restore of nothing,
//   "ERR <status> <stderr with \n escaped>".
// testdata/oracle-restore.json: {text, rc, err, outFirstLines} for `ipvsadm -R` with `text` on stdin.
//
// The old socket-option interface cannot carry IPv6, persistence engines or daemon extras, so
// the binary answers those with EAFNOSUPPORT after parsing them; the rendering below does the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatIPv4 } from '../../core/addr.js';
import type { ServiceKey, ServiceSpec } from '../../core/model.js';
import type { ParseResult } from './command.js';
import { parseIpvsadmArgs } from './parse.js';
import { BUILTIN_RESOLVER, type Resolver } from './resolver.js';
import { parseRestoreInput } from './restore.js';

/** The recording host resolved `localhost` through /etc/hosts. */
const RESOLVER: Resolver = { host: (name) => (name === 'localhost' ? '127.0.0.1' : null), service: BUILTIN_RESOLVER.service };
const EAFNOSUPPORT = 'Operation not supported with specified address family';
const VERSION = 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)';

function load<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')) as T[];
}

/** The shim's line for a service structure (sockopt layout: IPv4 only, no pe). */
function svcLine(key?: ServiceKey, spec?: ServiceSpec): string | null {
  if (!key) return 'SHIM svc proto=0 addr=0.0.0.0 port=0 fwmark=0 sched= flags=0x0 timeout=0 netmask=255.255.255.255';
  if (key.family === 6 || (spec && spec.pe !== '')) return null;
  const [proto, addr, port, fwmark] = key.kind === 'fwmark' ? [6, '0.0.0.0', 0, key.fwmark] : [{ tcp: 6, udp: 17, sctp: 132 }[key.protocol], key.addr, key.port, 0];
  const netmask = formatIPv4(spec?.netmask ?? 0xffffffff);
  return `SHIM svc proto=${proto} addr=${addr} port=${port} fwmark=${fwmark} sched=${spec?.scheduler ?? ''} flags=0x${(spec?.flags ?? 0).toString(16)} timeout=${spec?.timeout ?? 0} netmask=${netmask}`;
}

interface DestLike {
  family: number;
  addr: string;
  port: number;
  fwd?: string;
  weight?: number;
  uThreshold?: number;
  lThreshold?: number;
}
function destLine(d: DestLike): string | null {
  if (d.family === 6) return null;
  const method = { nat: 0, local: 1, tun: 2, dr: 3, bypass: 4 }[d.fwd ?? 'dr'];
  return `SHIM dest addr=${d.addr} port=${d.port} conn_flags=0x${method} weight=${d.weight ?? 1} u=${d.uThreshold ?? 0} l=${d.lThreshold ?? 0}`;
}

const err = (status: number, message: string): string => `ERR ${status} ${`${message}\n`.replace(/\n/g, '\\n')}`;
const change = (...lines: Array<string | null>): string => (lines.every((l) => l !== null) ? `OK ${lines.join(' | ')}` : err(255, EAFNOSUPPORT));

/** What the shimmed binary shows for a parse result. */
function render(r: ParseResult): string {
  if (!r.ok) return err(r.error.exitCode, r.error.message);
  const c = r.command;
  switch (c.kind) {
    case 'help':
    case 'version':
      return `STDOUT:${VERSION}`;
    case 'save':
    case 'restore':
      return 'STDOUT:';
    case 'list':
      if (c.options.connection) return err(1, 'cannot open file /proc/net/ip_vs_conn');
      if (c.service) return err(1, c.service.family === 6 ? EAFNOSUPPORT : 'No such service');
      if (c.options.timeout) return 'STDOUT:Timeout (tcp tcpfin udp): 900 120 300';
      // The shim's empty daemon table crashes the binary's daemon listing (SIGSEGV).
      if (c.options.daemon) return 'ERR -11 ';
      return 'STDOUT:IP Virtual Server version 1.2.1 (size=4096)';
    case 'op':
      return renderOp(c.op);
  }
}

function renderOp(op: import('../../core/ops.js').Op): string {
  switch (op.type) {
    case 'flush':
      return 'STDOUT:';
    case 'add-service':
    case 'edit-service':
      return change(svcLine(op.service.key, op.service));
    case 'delete-service':
    case 'zero':
      return change(svcLine(op.service));
    case 'add-dest':
    case 'edit-dest':
    case 'delete-dest':
      return change(svcLine(op.service), destLine(op.dest));
    case 'set-timeouts':
      return `OK SHIM timeout ${op.tcp} ${op.tcpfin} ${op.udp}`;
    case 'start-daemon':
      return `OK SHIM daemon state=${op.daemon.state === 'master' ? 1 : 2} ifn=${op.daemon.mcastIfn} syncid=${op.daemon.syncid}`;
    case 'stop-daemon':
      return `OK SHIM daemon state=${op.state === 'master' ? 1 : 2} ifn= syncid=0`;
  }
}

test('ipvsadm 1.31 goldens: single invocations', () => {
  const cases = load<{ argv: string[]; out: string }>('oracle-argv.json');
  assert.ok(cases.length > 1000);
  const wrong = cases.filter((c) => render(parseIpvsadmArgs(c.argv, RESOLVER)) !== c.out);
  assert.deepEqual(wrong.slice(0, 5).map((c) => ({ ...c, mine: render(parseIpvsadmArgs(c.argv, RESOLVER)) })), []);
});

/** Replay restore input the way `ipvsadm -R` runs it: stderr text, first stdout lines, status. */
function replay(text: string): { rc: number; err: string; outFirstLines: string[] } {
  let stderr = '';
  const out: string[] = [];
  let rc = 0;
  for (const e of parseRestoreInput(text, { resolver: RESOLVER }).entries) {
    const shown = render(parseIpvsadmArgs(e.argv, RESOLVER, { readingStdin: true }));
    if (!e.ok) {
      stderr += `${e.error.message}\n`;
      if (e.error.exits) return { rc: e.error.exitCode, err: stderr, outFirstLines: out };
      rc = 255;
    } else if (shown.startsWith('OK ')) {
      stderr += `${shown.slice(3).split(' | ').join('\n')}\n`;
      rc = 0;
    } else if (shown.startsWith('STDOUT:')) {
      if (shown.length > 7) out.push(shown.slice(7));
      rc = 0;
      if (e.command.kind === 'help' || e.command.kind === 'version') return { rc, err: stderr, outFirstLines: out };
    } else {
      // Listing failures exit(1) at once; kernel refusals are printed and the run goes on.
      const [, status, message] = /^ERR (\d+) (.*)$/.exec(shown)!;
      stderr += message!.replace(/\\n/g, '\n');
      if (status === '1') return { rc: 1, err: stderr, outFirstLines: out };
      rc = 255;
    }
  }
  return { rc, err: stderr, outFirstLines: out };
}

test('ipvsadm 1.31 goldens: -R input', () => {
  const cases = load<{ text: string; rc: number; err: string; outFirstLines: string[] }>('oracle-restore.json');
  assert.equal(cases.length, 100);
  const trim = (s: string): string => s.replace(/\n+$/, '');
  for (const c of cases) {
    const mine = replay(c.text);
    assert.deepEqual({ rc: mine.rc, err: trim(mine.err), out: mine.outFirstLines }, { rc: c.rc, err: trim(c.err), out: c.outFirstLines }, JSON.stringify(c.text));
  }
});
