/**
 * `tsvs adm ARGS` (also `ipvsadm ARGS`): ipvsadm 1.31 against the running daemon. The arguments
 * are parsed exactly as ipvsadm parses them; changes go to the daemon's API as operations, listings
 * are formatted from its snapshot; messages and exit statuses are ipvsadm's.
 *
 * `--api PATH|http://HOST:PORT` and `--api-token-file FILE` may appear anywhere and are removed
 * before ipvsadm's parser sees the arguments.
 */
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { ApiClient, ApiError, ApiUnreachable } from '../api/client.js';
import { resolveEndpoint, takeApiArgs } from '../api/endpoint.js';
import { systemNames, systemResolver } from '../adapters/system-names.js';
import type { ServiceKey } from '../core/model.js';
import type { ConnView, IpvsSnapshot } from '../core/snapshot.js';
import type { IpvsadmCommand, IpvsadmError, ListOptions } from '../lang/ipvsadm/command.js';
import { kernelErrorMessage } from '../lang/ipvsadm/errors.js';
import type { Names } from '../lang/ipvsadm/format-addr.js';
import { usageText, versionText } from '../lang/ipvsadm/help.js';
import { formatConnections } from '../lang/ipvsadm/list-conns.js';
import { formatDaemons, formatTimeout } from '../lang/ipvsadm/list-misc.js';
import { formatList } from '../lang/ipvsadm/list.js';
import { parseIpvsadmArgs } from '../lang/ipvsadm/parse.js';
import type { Resolver } from '../lang/ipvsadm/resolver.js';
import { formatSave } from '../lang/ipvsadm/save.js';
import { runRestore } from './adm-restore.js';

/** The name ipvsadm's own messages use for the program (argv[0]). */
export const PROGRAM = 'ipvsadm';

export interface AdmIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly uid: number;
  /** Host and service names for parsing (`-t www.example.com:http`). */
  readonly resolver: Resolver;
  /** Reverse names for listings without -n, resolved up front for the given addresses. */
  readonly names: (addrs: Iterable<string>) => Promise<Names>;
}

export const processIo: AdmIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
  uid: process.getuid?.() ?? 0,
  resolver: systemResolver(),
  names: (addrs) => systemNames(addrs),
};

/** Print an ipvsadm error (its message has no final newline) and give its exit status. */
export function report(io: AdmIo, e: IpvsadmError): number {
  io.err(`${e.message}\n`);
  return e.exitCode;
}

/** Exit status when the daemon cannot be reached: ipvsadm's for "Can't initialize ipvs". */
export const UNREACHABLE_EXIT = 2;

export function unreachableMessage(e: ApiUnreachable): string {
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return `tsvs adm: permission denied on the tsvs daemon's socket ${e.endpoint} (it is mode 0600: run as its owner, normally root)\n`;
  }
  return `tsvs adm: cannot reach the tsvs daemon at ${e.endpoint} (is \`tsvs run\` running?)\n`;
}

export async function runAdm(args: readonly string[], io: AdmIo): Promise<number> {
  const api = takeApiArgs(args);
  if (api.error) {
    io.err(`tsvs adm: ${api.error}\n`);
    return 2;
  }
  const parsed = parseIpvsadmArgs(api.rest, io.resolver, { program: PROGRAM });
  // COMPAT(ipvsadm): ipvsadm opens the kernel interface before anything else, so even -h and -v
  // fail without IPVS; tsvs answers them without a daemon.
  if (parsed.ok && parsed.command.kind === 'help') return io.out(usageText(PROGRAM)), 0;
  if (parsed.ok && parsed.command.kind === 'version') return io.out(versionText()), 0;
  const ep = resolveEndpoint(api.api, api.tokenFile, { env: io.env, uid: io.uid, tmpdir: tmpdir(), readFile: (p) => readFileSync(p, 'utf8') });
  if (!ep.ok) {
    io.err(`tsvs adm: ${ep.message}\n`);
    return 2;
  }
  const client = new ApiClient(ep.endpoint);
  try {
    // As ipvsadm checks the kernel interface first, the daemon is checked before parse errors.
    // COMPAT(ipvsadm): the message names the daemon instead of "Can't initialize ipvs: ...".
    const reachable = await client.health().then(
      () => true,
      (e: unknown) => {
        if (!(e instanceof ApiError)) throw e;
        io.err(`tsvs adm: the tsvs daemon at ${client.where} refused us: ${e.message}\n`);
        return false;
      },
    );
    if (!reachable) return UNREACHABLE_EXIT;
    if (!parsed.ok) return report(io, parsed.error);
    return await execute(parsed.command, client, io);
  } catch (e) {
    if (e instanceof ApiUnreachable) {
      io.err(unreachableMessage(e));
      return UNREACHABLE_EXIT;
    }
    if (e instanceof ApiError) {
      io.err(`tsvs adm: the daemon refused the request: ${e.message} (${e.code})\n`);
      return 255;
    }
    throw e;
  }
}

/** Run one parsed command against the daemon; returns ipvsadm's exit status. */
export async function execute(cmd: IpvsadmCommand, client: ApiClient, io: AdmIo): Promise<number> {
  switch (cmd.kind) {
    case 'op': {
      const res = await client.ops([cmd.op]);
      const r = res.results[0];
      if (r && r.status === 'failed') return report(io, kernelErrorMessage(r.errno, cmd.name));
      return 0;
    }
    case 'list':
      return list(cmd.options, cmd.service, client, io);
    case 'save': {
      const snap = await client.snapshot();
      io.out(formatSave(snap, cmd.numeric, cmd.numeric ? undefined : await io.names(snapshotAddrs(snap))));
      return 0;
    }
    case 'restore':
      return runRestore(await io.readStdin(), client, io);
    case 'help':
      io.out(usageText(PROGRAM));
      return 0;
    case 'version':
      io.out(versionText());
      return 0;
  }
}

async function list(options: ListOptions, service: ServiceKey | undefined, client: ApiClient, io: AdmIo): Promise<number> {
  if (options.connection) {
    const conns = await client.connections();
    io.out(formatConnections(conns, options, options.numeric ? undefined : await io.names(connAddrs(conns))));
    return 0;
  }
  // formatList's order of checks: one service, then --timeout, then --daemon, then everything.
  if (!service && options.timeout) return io.out(formatTimeout(await client.timeouts())), 0;
  if (!service && options.daemon) return io.out(formatDaemons(await client.daemons())), 0;
  const snap = await client.snapshot();
  const names = options.numeric ? undefined : await io.names(snapshotAddrs(snap));
  const r = formatList(snap, options, service, names);
  if (!r.ok) return report(io, r.error);
  io.out(r.text);
  return 0;
}

function snapshotAddrs(s: IpvsSnapshot): string[] {
  return s.services.flatMap((svc) => [...(svc.kind === 'addr' ? [svc.addr] : []), ...svc.dests.map((d) => d.addr)]);
}

function connAddrs(conns: readonly ConnView[]): string[] {
  return conns.flatMap((c) => [c.caddr, c.vaddr, c.daddr]);
}

/** The `adm` command for the dispatcher. */
export function adm(args: string[]): Promise<number> {
  return runAdm(args, processIo);
}
