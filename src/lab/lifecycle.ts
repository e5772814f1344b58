/**
 * `tsvs lab up` and `tsvs lab down`: build the scenario's network and start everything on it, or
 * remove everything the lab made — its processes (by pid record, then whatever is still inside its
 * namespaces), its namespaces, its state directory. `down` is idempotent and works after a crash.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directorConfPath, startDirector, startHttp, startRealServerRole } from './nodes.js';
import { isRunning, stopProcess } from './processes.js';
import { inNode, sleep, until } from './shell.js';
import { findScenario } from './scenarios/index.js';
import { processRecords, removeStateDirs, stateDir, stateDirs, writeUpRecord } from './state.js';
import { buildTopology, pidsInNamespaces, removeNamespaces } from './topology.js';
import type { Scenario } from './types.js';
import { labNamespaces } from './shell.js';
import { validateScenario } from './validate.js';

export interface DownReport {
  readonly stopped: number;
  readonly namespaces: readonly string[];
}

/**
 * Stop every recorded process of every scenario, then anything left in the lab's namespaces. Every
 * lab namespace goes, whatever `scenario` names, so every state directory goes with them.
 */
export async function down(scenario: string | null): Promise<DownReport> {
  if (scenario !== null && !findScenario(scenario)) throw new Error(`no scenario '${scenario}'`);
  const dirs = stateDirs();
  let stopped = 0;
  for (const dir of dirs) {
    const recs = processRecords(dir).filter(isRunning);
    // SIGTERM first so daemons remove their VIPs and nft tables, then SIGKILL what remains.
    await Promise.all(recs.map((r) => stopProcess(r, 'SIGTERM', 3_000)));
    stopped += recs.length;
  }
  // Processes the records do not know (a crash between spawn and record, children of ours).
  for (const pid of pidsInNamespaces()) {
    try {
      process.kill(pid, 'SIGKILL');
      stopped++;
    } catch {
      // Already gone.
    }
  }
  if (pidsInNamespaces().length) await sleep(200);
  const namespaces = removeNamespaces();
  removeStateDirs();
  return { stopped, namespaces };
}

/** Build and start the scenario; `configDir` may hold NODE.conf files replacing its keepalived.conf. */
export async function up(s: Scenario, configDir: string | null, log: (t: string) => void): Promise<string> {
  const problems = validateScenario(s);
  if (problems.length) throw new Error(`scenario ${s.name} is not valid:\n  ${problems.join('\n  ')}`);
  if (labNamespaces().length) {
    log('tsvs lab: an earlier lab is still up; taking it down first\n');
    await down(null);
  }
  const dir = stateDir(s.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configs: Record<string, string> = {};
  let vrrp = false;
  for (const d of s.directors) {
    const own = configDir ? join(configDir, `${d.node}.conf`) : null;
    const path = directorConfPath(dir, d.node);
    const text = own && existsSync(own) ? readFileSync(own, 'utf8') : d.keepalived;
    writeFileSync(path, text);
    configs[d.node] = own && existsSync(own) ? own : path;
    vrrp ||= /^\s*vrrp_instance\b/m.test(text);
  }
  writeUpRecord(dir, { scenario: s.name, configs });
  try {
    buildTopology(s);
    for (const rs of s.realServers) {
      await startRealServerRole(dir, rs);
      await startHttp(dir, rs);
    }
    for (const d of s.directors) await startDirector(dir, d, log);
    // With VRRP, ready once a master holds the VIP and the client is answered through it. (Not
    // with ipvsadm: a request here would move the scheduler on before the user's first one.)
    if (vrrp) {
      const served = await until(() => inNode(s.client.node, ['curl', '-s', '-o', '/dev/null', '--max-time', '1', s.client.url]).code === 0, 20_000, 200);
      if (!served) log(`tsvs lab: warning: ${s.client.url} does not answer the client yet\n`);
    }
  } catch (e) {
    await down(s.name);
    throw e;
  }
  return dir;
}
