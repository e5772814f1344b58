/**
 * `npm start` as root on Linux: seed 004's HA cluster in namespaces, the client's probe running in
 * the foreground, and what to type in another terminal to fail and heal nodes. Ctrl-C stops the
 * probe (with its summary); the lab stays up until `tsvs lab down`.
 */
import { up } from './lifecycle.js';
import { takeLabLock } from './lock.js';
import { clusterMap } from './map.js';
import { probeLinePrinter, RunningProbe } from './probe.js';
import { formatSummary, summarize } from './probe-stats.js';
import { seed004Ha } from './scenarios/seed-004-ha.js';

const INTERVAL_MS = 500;

export async function labDemo(out: (t: string) => void): Promise<number> {
  const s = seed004Ha;
  out(`tsvs demo: bringing up ${s.name} in network namespaces (two directors with VRRP, two real servers, a client)...\n`);
  const release = await takeLabLock(out);
  let dir: string;
  try {
    dir = await up(s, null, out);
  } finally {
    release();
  }
  const cli = 'node bin/tsvs.js';
  out(`\n${clusterMap(s, dir)}
In another terminal (from this directory):
  ${cli} lab fail director lvs1              # stop the master's daemon: lvs2 takes the VIP, the probe keeps answering
  ${cli} lab fail director lvs1 --how kill   # or kill -9 it (a gap of the VRRP master-down interval), or --how link
  ${cli} lab heal director lvs1              # it comes back and preempts (priority 100 > 90)
  ${cli} lab fail realserver rs1             # stop rs1's web server: TCP_CHECK removes it, only RS2 answers
  ${cli} lab heal realserver rs1
  ${cli} adm -L -n --api ${dir}/lvs1.sock    # the master's table
  ${cli} lab down                            # remove the whole lab
Ctrl-C here stops the probe and prints its summary; the lab stays up until \`lab down\`.

probe from client: GET ${s.client.url} every ${INTERVAL_MS} ms
`);
  const probe = new RunningProbe(s.client.node, s.client.url, INTERVAL_MS, 0, 1_000, probeLinePrinter(out, INTERVAL_MS));
  const stop = (): void => void probe.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await probe.done.catch((e: unknown) => out(`${e instanceof Error ? e.message : String(e)}\n`));
  out(`\n${formatSummary(summarize(probe.sorted()))}The lab is still up: ${cli} lab down removes it.\n`);
  return 0;
}
