/**
 * Starting, stopping, failing and healing what runs on the lab's nodes: HTTP servers and
 * `tsvs realserver` on real servers, `tsvs run --engine packet` (+ the seed's ipvsadm commands) on
 * directors. Every process goes through processes.ts, so it has a pid record in the state dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adm, daemonUp } from './adm.js';
import { agentArgv, childEnv, startInNode, stopRecorded, tsvsArgv, waitForLog, waitForReady } from './processes.js';
import { inNode, run, until } from './shell.js';
import { processRecord } from './state.js';
import { setLink } from './topology.js';
import type { DirectorSpec, FailHow, RealServerSpec, Scenario } from './types.js';

/** nginx when installed (Debian's package), unless TSVS_LAB_HTTP=builtin asks for the built-in server. */
const hasNginx = (): boolean => process.env['TSVS_LAB_HTTP'] !== 'builtin' && run(['sh', '-c', 'command -v nginx']).code === 0;

function nginxConf(dir: string, rs: RealServerSpec): string {
  const base = join(dir, `nginx-${rs.node}`);
  mkdirSync(base, { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${base}/${t};`).join('\n');
  // One process, in the foreground: the lab's pid record is nginx itself, and stopping it stops
  // the real server (as `systemctl stop httpd`).
  const conf = `daemon off;
master_process off;
worker_processes 1;
pid ${base}/nginx.pid;
error_log ${base}/error.log;
events { worker_connections 512; }
http {
    access_log off;
${temp}
    default_type text/html;
    charset utf-8;
    server {
        listen ${rs.port};
        root ${base}/www;
        index index.html;
    }
}
`;
  mkdirSync(join(base, 'www'), { recursive: true });
  writeFileSync(join(base, 'www', 'index.html'), `${rs.body}\n`);
  const file = join(base, 'nginx.conf');
  writeFileSync(file, conf);
  return file;
}

/** The web server of a real server (nginx when installed, else the built-in one), until it answers. */
export async function startHttp(dir: string, rs: RealServerSpec): Promise<void> {
  let argv: string[];
  if (hasNginx()) {
    const conf = nginxConf(dir, rs);
    argv = ['nginx', '-e', join(dir, `nginx-${rs.node}`, 'error.log'), '-c', conf];
  } else {
    const body = join(dir, `${rs.node}-index.html`);
    writeFileSync(body, `${rs.body}\n`);
    argv = agentArgv('http-server', [String(rs.port), body]);
  }
  startInNode(dir, rs.node, 'http', argv);
  const ok = await until(() => inNode(rs.node, ['curl', '-s', '-o', '/dev/null', '--max-time', '1', `http://127.0.0.1:${rs.port}/`]).code === 0, 15_000, 100);
  if (!ok) throw new Error(`${rs.node}: the web server did not answer on port ${rs.port} (${argv[0]})`);
}

/** `tsvs realserver start` (DR: one shot; TUN: the foreground decapsulator, detached). */
export async function startRealServerRole(dir: string, rs: RealServerSpec): Promise<void> {
  if (rs.mode === 'nat' || !rs.vip) return;
  if (rs.mode === 'dr') {
    const r = inNode(rs.node, tsvsArgv(['realserver', 'start', '--vip', rs.vip]), undefined, 30_000, childEnv());
    if (r.code !== 0) throw new Error(`${rs.node}: tsvs realserver start failed (exit ${r.code}): ${(r.err || r.out).trim()}`);
    return;
  }
  const rec = startInNode(dir, rs.node, 'decap', tsvsArgv(['realserver', 'start', '--vip', rs.vip, '--mode', 'tun', '--dev', rs.dev ?? 'eth0']));
  await waitForLog(dir, rec, 'Ctrl-C to stop', 30_000);
}

export function directorConfPath(dir: string, node: string): string {
  return join(dir, `${node}.conf`);
}

/** `tsvs run --engine packet` in the director's namespace, then the seed's ipvsadm commands. */
export async function startDirector(dir: string, d: DirectorSpec, log: (t: string) => void): Promise<void> {
  const conf = directorConfPath(dir, d.node);
  const sock = join(dir, `${d.node}.sock`);
  const rec = startInNode(dir, d.node, 'tsvs', tsvsArgv(['run', '--engine', 'packet', '-f', conf, '--api', sock, '-n', '-l']));
  await waitForReady(dir, rec, () => daemonUp(dir, d.node), 30_000, 100);
  for (const argv of d.ipvsadm ?? []) {
    const r = await adm(dir, d.node, argv);
    log(`  ${d.node}$ ipvsadm ${argv.join(' ')}${r.code === 0 ? '' : `   → exit ${r.code}: ${r.err.trim()}`}\n`);
    if (r.code !== 0) throw new Error(`${d.node}: ipvsadm ${argv.join(' ')}: ${r.err.trim()}`);
  }
}

function nodeSpec(s: Scenario, name: string) {
  const n = s.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node '${name}' in ${s.name}`);
  return n;
}

export function findDirector(s: Scenario, node: string): DirectorSpec {
  const d = s.directors.find((x) => x.node === node);
  if (!d) throw new Error(`'${node}' is not a director of ${s.name} (directors: ${s.directors.map((x) => x.node).join(', ')})`);
  return d;
}

export function findRealServer(s: Scenario, node: string): RealServerSpec {
  const r = s.realServers.find((x) => x.node === node);
  if (!r) throw new Error(`'${node}' is not a real server of ${s.name} (real servers: ${s.realServers.map((x) => x.node).join(', ')})`);
  return r;
}

const SIGNAL: Readonly<Record<Exclude<FailHow, 'link'>, NodeJS.Signals>> = { kill: 'SIGKILL', stop: 'SIGTERM' };

/** kill: SIGKILL of its `tsvs run`; stop: SIGTERM (a clean stop); link: its cable pulled. */
export async function failDirector(dir: string, s: Scenario, node: string, how: FailHow): Promise<void> {
  findDirector(s, node);
  if (how === 'link') return setLink(nodeSpec(s, node), false);
  await stopRecorded(dir, node, 'tsvs', SIGNAL[how]);
}

/** Cable back in, and the daemon started again (with its ipvsadm commands) if it is not running. */
export async function healDirector(dir: string, s: Scenario, node: string, log: (t: string) => void): Promise<void> {
  const d = findDirector(s, node);
  setLink(nodeSpec(s, node), true);
  if (await daemonUp(dir, node)) return;
  await stopRecorded(dir, node, 'tsvs', 'SIGKILL');
  await startDirector(dir, d, log);
}

/** stop: the web server stops (systemctl stop httpd); kill: SIGKILL; link: its cable pulled. */
export async function failRealServer(dir: string, s: Scenario, node: string, how: FailHow): Promise<void> {
  findRealServer(s, node);
  if (how === 'link') return setLink(nodeSpec(s, node), false);
  await stopRecorded(dir, node, 'http', SIGNAL[how]);
}

export async function healRealServer(dir: string, s: Scenario, node: string): Promise<void> {
  const rs = findRealServer(s, node);
  setLink(nodeSpec(s, node), true);
  const rec = processRecord(dir, node, 'http');
  if (rec && inNode(node, ['curl', '-s', '-o', '/dev/null', '--max-time', '1', `http://127.0.0.1:${rs.port}/`]).code === 0) return;
  await stopRecorded(dir, node, 'http', 'SIGKILL');
  await startHttp(dir, rs);
}
