import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decapIptablesScript, decapNftScript, installDecapRule, removeDecapRule } from './decap-rule.js';
import type { RunCommand } from './system.js';

function host(failing: readonly string[]): { run: RunCommand; calls: Array<[string, string | undefined]> } {
  const calls: Array<[string, string | undefined]> = [];
  const run: RunCommand = async (cmd, args, input) => {
    const line = `${cmd} ${args.join(' ')}`;
    calls.push([line, input]);
    if (failing.some((p) => line.startsWith(p))) throw new Error(`${line}: failed`);
    return '';
  };
  return { run, calls };
}

test('decapsulator rule scripts: IPv4 protocols 4 and 41 to the tunnel end, IPv6 next headers 4 and 41', () => {
  assert.equal(
    decapNftScript('2001:db8::11'),
    ['table inet tsvs_realserver', 'delete table inet tsvs_realserver', 'table inet tsvs_realserver {', '  chain prerouting {', '    type filter hook prerouting priority raw; policy accept;', '    ip6 daddr 2001:db8::11 ip6 nexthdr { 4, 41 } drop', '  }', '}', ''].join('\n'),
  );
  assert.match(decapNftScript('10.0.0.11'), /^ {4}ip daddr 10\.0\.0\.11 ip protocol \{ 4, 41 \} drop$/m);
  assert.equal(decapIptablesScript('10.0.0.11', true), ['*raw', ':TSVS_DECAP - [0:0]', '-A TSVS_DECAP -d 10.0.0.11/32 -p 4 -j DROP', '-A TSVS_DECAP -d 10.0.0.11/32 -p 41 -j DROP', '-I PREROUTING 1 -j TSVS_DECAP', 'COMMIT', ''].join('\n'));
  assert.equal(decapIptablesScript('2001:db8::11', false), ['*raw', ':TSVS_DECAP - [0:0]', '-A TSVS_DECAP -d 2001:db8::11/128 -p 4 -j DROP', '-A TSVS_DECAP -d 2001:db8::11/128 -p 41 -j DROP', 'COMMIT', ''].join('\n'));
});

test('decapsulator rule: nft first; without it ip6tables for an IPv6 tunnel end (jump added once), then iptables-legacy; removal by the same tools', async () => {
  const ok = host([]);
  assert.equal(await installDecapRule(ok.run, '10.0.0.11'), 'nft');
  assert.deepEqual(ok.calls, [['nft -f -', decapNftScript('10.0.0.11')]]);

  const noNft = host(['nft ', 'ip6tables -t raw -C']);
  assert.equal(await installDecapRule(noNft.run, '2001:db8::11'), 'iptables');
  assert.deepEqual(noNft.calls, [
    ['nft -f -', decapNftScript('2001:db8::11')],
    ['ip6tables -t raw -C PREROUTING -j TSVS_DECAP', undefined],
    ['ip6tables-restore --noflush', decapIptablesScript('2001:db8::11', true)],
  ]);
  noNft.calls.length = 0;
  await removeDecapRule(noNft.run, 'iptables', '2001:db8::11');
  assert.deepEqual(noNft.calls.map((c) => c[0]), ['ip6tables -t raw -D PREROUTING -j TSVS_DECAP', 'ip6tables -t raw -F TSVS_DECAP', 'ip6tables -t raw -X TSVS_DECAP']);

  const legacy = host(['nft ', 'iptables-restore']);
  assert.equal(await installDecapRule(legacy.run, '10.0.0.11'), 'iptables-legacy');
  assert.deepEqual(legacy.calls.map((c) => c[0]), ['nft -f -', 'iptables -t raw -C PREROUTING -j TSVS_DECAP', 'iptables-restore --noflush', 'iptables-legacy -t raw -C PREROUTING -j TSVS_DECAP', 'iptables-legacy-restore --noflush']);
  assert.equal(legacy.calls.at(-1)![1], decapIptablesScript('10.0.0.11', false));

  const none = host(['nft ', 'iptables-restore', 'iptables-legacy-restore']);
  await assert.rejects(installDecapRule(none.run, '10.0.0.11'), (e: Error) => e.message === "cannot install the decapsulator's rule (nft: nft -f -: failed; iptables: iptables-restore --noflush: failed; iptables-legacy: iptables-legacy-restore --noflush: failed)");
  const n = host([]);
  await removeDecapRule(n.run, 'nft', '10.0.0.11');
  assert.deepEqual(n.calls.map((c) => c[0]), ['nft delete table inet tsvs_realserver']);
});
