// `tsvs lab` usage errors that need no privileges: an unknown scenario name never reaches the lab.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labCommand } from '../../src/cli/lab.js';
import { SCENARIOS } from '../../src/lab/scenarios/index.js';

async function captured(args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const realErr = process.stderr.write.bind(process.stderr);
  const realOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((t: string) => ((err += t), true)) as typeof process.stderr.write;
  process.stdout.write = ((t: string) => ((out += t), true)) as typeof process.stdout.write;
  try {
    return { code: await labCommand(args), err, out };
  } finally {
    process.stderr.write = realErr;
    process.stdout.write = realOut;
  }
}

test('tsvs lab down|up|test NAME: a name that is no scenario is a usage error (exit 2), before anything is touched', async () => {
  const known = SCENARIOS.map((s) => s.name).join(', ');
  for (const [cmd, name] of [['down', '..'], ['down', '../../../etc'], ['down', 'nope'], ['up', '..'], ['test', '/etc']] as const) {
    const r = await captured([cmd, name]);
    assert.deepEqual(r, { code: 2, err: `tsvs lab: no scenario '${name}'; one of: ${known}\n`, out: '' }, `${cmd} ${name}`);
  }
});

test('down(NAME) refuses a name that is no scenario before it stops or removes anything', async () => {
  const { down } = await import('../../src/lab/lifecycle.js');
  await assert.rejects(down('..'), { message: "no scenario '..'" });
});
