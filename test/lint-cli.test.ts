// `tsvs lint`: exact output and exit status for the seeds' configurations, cluster pairs, JSON,
// config-id, and usage errors. A few cases go through bin/tsvs.js (the real entry point); the rest
// call the command with captured output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { lintCommand, parseLintArgs } from '../src/cli/lint.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SEEDS = 'test/corpus/keepalived/seeds';
const CRAFTED = 'test/corpus/keepalived/crafted';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run `tsvs lint` in-process from the repository root, capturing stdout and stderr. */
async function lint(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await lintCommand(args, { out: (t) => (out += t), err: (t) => (err += t), defaultConfigId: () => 'lvs1' });
    return { code, out, err };
  } finally {
    process.chdir(cwd);
  }
}

/** Run `node bin/tsvs.js lint ...` on the TypeScript sources. */
function spawnLint(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['bin/tsvs.js', 'lint', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TSVS_FROM_SOURCE: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const NB_GET_RETRY_HINT = "    hint: nb_get_retry is the old name of 'retry', still accepted only inside HTTP_GET and SSL_GET; write 'retry' instead\n";
const PORT_HINT = "    hint: the check then says nothing about the forwarded service; remove connect_port (it defaults to the real server's port) or set connect_port 8080\n";

const SKIPPED_VS = 'keepalived skips the whole virtual_server block at line 27 (its address is invalid) and does not report this';

const SEED_000 =
  `${SEEDS}/seed-000-director.conf:1:2: error: Unknown keyword 'gloal_defs' [unknown-keyword]\n` +
  "    hint: did you mean 'global_defs'?\n" +
  `${SEEDS}/seed-000-director.conf:1:13: error: Unexpected '{' - ignoring [unexpected-brace]\n` +
  `${SEEDS}/seed-000-director.conf:1:13: warning: The block after unknown keyword 'gloal_defs' is not skipped: its lines are read as top-level keywords and its '}' is reported as an unknown keyword [block-not-skipped]\n` +
  `${SEEDS}/seed-000-director.conf:2:6: error: Unknown keyword 'router_id' [unknown-keyword]\n` +
  "    hint: 'router_id' is not a keyword at the top level\n" +
  `${SEEDS}/seed-000-director.conf:3:2: error: Unknown keyword '}' [unknown-keyword]\n` +
  '    hint: this closes no block\n' +
  `${SEEDS}/seed-000-director.conf:27:17: error: Invalid virtual server IP address/port 192.168.200/80 - skipping [bad-address]\n` +
  "    hint: an IPv4 address needs four numbers (a.b.c.d); '192.168.200' has 3\n" +
  // keepalived skips the block of a virtual_server whose address is invalid: what is inside is
  // still reported, as warnings saying so.
  `${SEEDS}/seed-000-director.conf:34:26: warning: persistence_timeout invalid [out-of-range]\n` +
  `    hint: ${SKIPPED_VS}; number '0' outside range [1, 2678400]; omit persistence_timeout to disable persistence\n` +
  `${SEEDS}/seed-000-director.conf:44:10: warning: Unknown keyword 'nb_get_retry' [unknown-keyword]\n` +
  NB_GET_RETRY_HINT.replace('hint: ', `hint: ${SKIPPED_VS}; `) +
  `${SEEDS}/seed-000-director.conf:45:10: warning: Unknown keyword 'delay_before_retrey' [unknown-keyword]\n` +
  `    hint: ${SKIPPED_VS}; did you mean 'delay_before_retry'?\n` +
  `${SEEDS}/seed-000-director.conf:51:10: warning: Unknown keyword 'nb_get_retry' [unknown-keyword]\n` +
  NB_GET_RETRY_HINT.replace('hint: ', `hint: ${SKIPPED_VS}; `) +
  `${SEEDS}/seed-000-director.conf:52:10: warning: Unknown keyword 'delay_before_retrey' [unknown-keyword]\n` +
  `    hint: ${SKIPPED_VS}; did you mean 'delay_before_retry'?\n`;

const seed002 = (file: string, shift: number) =>
  `${SEEDS}/${file}:${24 - shift}:5: error: Unknown keyword 'nat_mask' [unknown-keyword]\n` +
  "    hint: nat_mask is from keepalived 1.x (a virtual service has no netmask); delete it, or use 'persistence_granularity' for a persistence netmask\n" +
  `${SEEDS}/${file}:${30 - shift}:9: warning: TCP_CHECK probes port 80 but real server 39.106.40.172 serves port 8080 [checker-port-mismatch]\n` +
  PORT_HINT +
  `${SEEDS}/${file}:${32 - shift}:9: error: Unknown keyword 'nb_get_retry' [unknown-keyword]\n` +
  NB_GET_RETRY_HINT +
  `${SEEDS}/${file}:${40 - shift}:9: warning: TCP_CHECK probes port 80 but real server 39.107.137.111 serves port 8080 [checker-port-mismatch]\n` +
  PORT_HINT +
  `${SEEDS}/${file}:${42 - shift}:9: error: Unknown keyword 'nb_get_retry' [unknown-keyword]\n` +
  NB_GET_RETRY_HINT;

describe('through bin/tsvs.js', () => {
  test('seed 000 (gloal_defs, virtual_server 192.168.200 80, delay_before_retrey): every mistake located, exit 1', () => {
    assert.deepEqual(spawnLint('--config-id', 'lvs1', `${SEEDS}/seed-000-director.conf`), { code: 1, out: SEED_000, err: '' });
  });
  test('no FILE is a usage error, exit 2', () => {
    assert.deepEqual(spawnLint(), { code: 2, out: '', err: 'tsvs lint: no FILE given\nusage: tsvs lint FILE... [--json] [--config-id ID]\n' });
  });
  test('a clean file prints nothing, exit 0', () => {
    assert.deepEqual(spawnLint(`${CRAFTED}/005-clean-full.conf`), { code: 0, out: '', err: '' });
  });
});

describe('seed configurations', () => {
  test('seed 000 in-process gives the same bytes', async () => {
    assert.deepEqual(await lint(`${SEEDS}/seed-000-director.conf`), { code: 1, out: SEED_000, err: '' });
  });

  test('seed 002 pair: nat_mask, nb_get_retry and the connect_port 80 check of an 8080 service; the nodes agree', async () => {
    const r = await lint(`${SEEDS}/seed-002-lvs01.conf`, `${SEEDS}/seed-002-lvs02.conf`);
    assert.deepEqual(r, { code: 1, out: seed002('seed-002-lvs01.conf', 0) + seed002('seed-002-lvs02.conf', 1), err: '' });
  });

  test('seed 004 pair as JSON: only nb_get_retry in TCP_CHECK, sorted by file', async () => {
    const r = await lint('--json', `${SEEDS}/seed-004-master.conf`, `${SEEDS}/seed-004-backup.conf`);
    const row = (file: string, line: number) => ({
      file: `${SEEDS}/${file}`,
      line,
      col: 13,
      severity: 'error',
      code: 'unknown-keyword',
      message: "Unknown keyword 'nb_get_retry'",
      hint: "nb_get_retry is the old name of 'retry', still accepted only inside HTTP_GET and SSL_GET; write 'retry' instead",
    });
    assert.equal(r.code, 1);
    assert.equal(r.err, '');
    assert.equal(r.out, `${JSON.stringify([row('seed-004-backup.conf', 30), row('seed-004-master.conf', 31)], null, 2)}\n`);
  });
});

describe('exit status and options', () => {
  test('warnings alone exit 0', async () => {
    const r = await lint(`${CRAFTED}/099-connect-port-mismatch.conf`);
    assert.deepEqual(r, {
      code: 0,
      out: `${CRAFTED}/099-connect-port-mismatch.conf:9:9: warning: TCP_CHECK probes port 80 but real server 10.0.0.11 serves port 8080 [checker-port-mismatch]\n${PORT_HINT}`,
      err: '',
    });
  });

  test('a cluster mismatch between otherwise clean files exits 1', async () => {
    const r = await lint(`${CRAFTED}/119-lvs-director-pair-vs.conf`, `${CRAFTED}/001-clean-vrrp.conf`);
    assert.equal(r.code, 1);
    assert.equal(
      r.out,
      // Each finding is at the keyword concerned: state (line 3), priority (line 6), the VIP (line 9).
      `${CRAFTED}/001-clean-vrrp.conf:3:5: warning: (VI_1) state MASTER on more than one node (also ${CRAFTED}/119-lvs-director-pair-vs.conf:3) [cluster-master-state]\n` +
        '    hint: give the other nodes state BACKUP; each node with state MASTER takes the VIPs at start-up until it hears a higher priority\n' +
        `${CRAFTED}/001-clean-vrrp.conf:6:5: warning: (VI_1) priority 100 is the same as on ${CRAFTED}/119-lvs-director-pair-vs.conf:6 [cluster-priority-equal]\n` +
        '    hint: with equal priorities the node with the higher primary IP address wins; give each node its own priority, or set nopreempt (with state BACKUP) if that is intended\n' +
        `${CRAFTED}/001-clean-vrrp.conf:9:9: error: (VI_1) takes over VIP 10.0.0.100 but this node has no virtual_server TCP 10.0.0.100:80 (configured on ${CRAFTED}/119-lvs-director-pair-vs.conf:12) [cluster-service-missing]\n` +
        '    hint: copy the virtual_server block to every node that can become MASTER, or after a failover the VIP answers with no forwarding table\n',
    );
  });

  test('--config-id chooses which @id lines count', async () => {
    const file = `${CRAFTED}/139-conditional-this-host-bad.conf`;
    const bad =
      `${file}:7:19: error: (VI_1) Priority not valid! must be between 1 & 255. Using default 100 [out-of-range]\n` +
      "    hint: number '999' outside range [1, 255]\n";
    assert.deepEqual(await lint('--config-id', 'lvs1', file), { code: 1, out: bad, err: '' });
    assert.deepEqual(await lint(`--config-id=lvs2`, file), { code: 0, out: '', err: '' });
    // Without --config-id the node name is used (here the injected 'lvs1').
    assert.deepEqual(await lint(file), { code: 1, out: bad, err: '' });
  });

  test('missing files and directories exit 2 and lint nothing', async () => {
    assert.deepEqual(await lint(`${SEEDS}/seed-000-director.conf`, 'no/such.conf', SEEDS), {
      code: 2,
      out: '',
      err: `tsvs lint: no/such.conf: no such file\ntsvs lint: ${SEEDS}: is a directory\n`,
    });
  });

  test('usage errors exit 2', async () => {
    const usage = 'usage: tsvs lint FILE... [--json] [--config-id ID]\n';
    assert.deepEqual(await lint('--verbose', 'x.conf'), { code: 2, out: '', err: `tsvs lint: unknown option '--verbose'\n${usage}` });
    assert.deepEqual(await lint('x.conf', '--config-id'), { code: 2, out: '', err: `tsvs lint: option '--config-id' needs a value\n${usage}` });
    assert.deepEqual(await lint('--config-id=', 'x.conf'), { code: 2, out: '', err: `tsvs lint: option '--config-id' needs a value\n${usage}` });
    assert.deepEqual(await lint('--json'), { code: 2, out: '', err: `tsvs lint: no FILE given\n${usage}` });
  });

  test('argument parsing: options anywhere, -- ends options', () => {
    assert.deepEqual(parseLintArgs(['a.conf', '--json', '--config-id', 'n1', 'b.conf']), { files: ['a.conf', 'b.conf'], json: true, configId: 'n1' });
    assert.deepEqual(parseLintArgs(['--', '--json']), { files: ['--json'], json: false, configId: undefined });
    assert.equal(parseLintArgs(['-x']), "unknown option '-x'");
  });
});
