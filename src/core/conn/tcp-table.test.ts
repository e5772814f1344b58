// Every cell of the TCP next-state tables against the tables printed in shared/reference/ipvs.md
// §3.4 (copied verbatim below and parsed here, independently of the implementation's encoding).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIR, TCP_EVENT, TCP_FLAG, TCP_STATE_NAMES, TCP_TABLE_NORMAL, TCP_TABLE_SECURE, TCP_TIMEOUTS_S, tcpEvent, tcpNextState } from './tcp-table.js';

const NAMES: Readonly<Record<string, string>> = {
  NO: 'NONE',
  ES: 'ESTABLISHED',
  SS: 'SYN_SENT',
  SR: 'SYN_RECV',
  FW: 'FIN_WAIT',
  TW: 'TIME_WAIT',
  CL: 'CLOSE',
  CW: 'CLOSE_WAIT',
  LA: 'LAST_ACK',
  LI: 'LISTEN',
  SA: 'SYNACK',
};

const NORMAL_INPUT = `
| event | NO | ES | SS | SR | FW | TW | CL | CW | LA | LI | SA |
|---|---|---|---|---|---|---|---|---|---|---|---|
| syn | SR | ES | ES | SR | SR | SR | SR | SR | SR | SR | SR |
| fin | CL | CW | SS | TW | TW | TW | CL | CW | LA | LI | TW |
| ack | ES | ES | SS | ES | FW | TW | CL | CW | CL | LI | ES |
| rst | CL | CL | CL | SR | CL | CL | CL | CL | LA | LI | SR |`;
const NORMAL_OUTPUT = `
| event | NO | ES | SS | SR | FW | TW | CL | CW | LA | LI | SA |
|---|---|---|---|---|---|---|---|---|---|---|---|
| syn | SS | ES | SS | SR | SS | SS | SS | SS | SS | LI | SR |
| fin | TW | FW | SS | TW | FW | TW | CL | TW | LA | LI | TW |
| ack | ES | ES | SS | ES | FW | TW | CL | CW | LA | ES | ES |
| rst | CL | CL | SS | CL | CL | TW | CL | CL | CL | CL | CL |`;
const NORMAL_INPUT_ONLY = `
| event | NO | ES | SS | SR | FW | TW | CL | CW | LA | LI | SA |
|---|---|---|---|---|---|---|---|---|---|---|---|
| syn | SR | ES | ES | SR | SR | SR | SR | SR | SR | SR | SR |
| fin | CL | FW | SS | TW | FW | TW | CL | CW | LA | LI | TW |
| ack | ES | ES | SS | ES | FW | TW | CL | CW | CL | LI | ES |
| rst | CL | CL | CL | SR | CL | CL | CL | CL | LA | LI | CL |`;
const SECURE_INPUT = `
| event | NO | ES | SS | SR | FW | TW | CL | CW | LA | LI | SA |
|---|---|---|---|---|---|---|---|---|---|---|---|
| syn | SR | ES | ES | SR | SR | SR | SR | SR | SR | SR | SA |
| fin | CL | CW | SS | TW | TW | TW | CL | CW | LA | LI | SA |
| ack | ES | ES | SS | SR | FW | TW | CL | CW | CL | LI | SA |
| rst | CL | CL | CL | SR | CL | CL | CL | CL | LA | LI | CL |`;
const SECURE_OUTPUT = `
| event | NO | ES | SS | SR | FW | TW | CL | CW | LA | LI | SA |
|---|---|---|---|---|---|---|---|---|---|---|---|
| syn | SS | ES | SS | SA | SS | SS | SS | SS | SS | LI | SA |
| fin | TW | FW | SS | TW | FW | TW | CL | TW | LA | LI | TW |
| ack | ES | ES | SS | ES | FW | TW | CL | CW | LA | ES | ES |
| rst | CL | CL | SS | CL | CL | TW | CL | CL | CL | CL | CL |`;
// In the reference the secure INPUT_ONLY table is split: its syn and fin rows stand under the
// table heading, its ack and rst rows ended up after the "Typical traces" list (in §3.5).
const SECURE_INPUT_ONLY = `
| event | NO | ES | SS | SR | FW | TW | CL | CW | LA | LI | SA |
|---|---|---|---|---|---|---|---|---|---|---|---|
| syn | SA | ES | ES | SR | SA | SA | SA | SA | SA | SA | SA |
| fin | CL | FW | SS | TW | FW | TW | CL | CW | LA | LI | TW |
| ack | ES | ES | SS | ES | FW | TW | CL | CW | CL | LI | ES |
| rst | CL | CL | CL | SR | CL | CL | CL | CL | LA | LI | CL |`;

/** Parse a markdown table into event → (column state → next state), full names. */
function parse(md: string): Map<string, Map<string, string>> {
  const lines = md.trim().split('\n').map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const cols = lines[0]!.slice(1);
  const out = new Map<string, Map<string, string>>();
  for (const row of lines.slice(2)) {
    const m = new Map<string, string>();
    row.slice(1).forEach((cell, i) => m.set(NAMES[cols[i]!]!, NAMES[cell]!));
    out.set(row[0]!, m);
  }
  return out;
}

const EVENTS: Readonly<Record<string, number>> = { syn: TCP_EVENT.SYN, fin: TCP_EVENT.FIN, ack: TCP_EVENT.ACK, rst: TCP_EVENT.RST };

function checkTable(table: Uint8Array, dir: number, md: string): number {
  let cells = 0;
  for (const [event, row] of parse(md)) {
    for (const [from, to] of row) {
      const state = TCP_STATE_NAMES.indexOf(from);
      assert.ok(state >= 0, from);
      const got = TCP_STATE_NAMES[tcpNextState(table, dir, EVENTS[event]!, state)];
      assert.equal(got, to, `${event} in ${from}`);
      cells++;
    }
  }
  return cells;
}

test('normal TCP table: every cell of INPUT, OUTPUT and INPUT_ONLY', () => {
  assert.equal(checkTable(TCP_TABLE_NORMAL, DIR.INPUT, NORMAL_INPUT), 44);
  assert.equal(checkTable(TCP_TABLE_NORMAL, DIR.OUTPUT, NORMAL_OUTPUT), 44);
  assert.equal(checkTable(TCP_TABLE_NORMAL, DIR.INPUT_ONLY, NORMAL_INPUT_ONLY), 44);
});

test('secure_tcp table: every cell of INPUT, OUTPUT and INPUT_ONLY', () => {
  assert.equal(checkTable(TCP_TABLE_SECURE, DIR.INPUT, SECURE_INPUT), 44);
  assert.equal(checkTable(TCP_TABLE_SECURE, DIR.OUTPUT, SECURE_OUTPUT), 44);
  assert.equal(checkTable(TCP_TABLE_SECURE, DIR.INPUT_ONLY, SECURE_INPUT_ONLY), 44);
});

test('state names and default timeouts are the reference ones', () => {
  const ref = `| 0 | NONE | 2 s |
| 1 | ESTABLISHED | 900 s (\`--set\` tcp) |
| 2 | SYN_SENT | 120 s |
| 3 | SYN_RECV | 60 s |
| 4 | FIN_WAIT | 120 s (\`--set\` tcpfin) |
| 5 | TIME_WAIT | 120 s |
| 6 | CLOSE | 10 s |
| 7 | CLOSE_WAIT | 60 s |
| 8 | LAST_ACK | 30 s |
| 9 | LISTEN | 120 s |
| 10 | SYNACK | 120 s |`;
  for (const line of ref.split('\n')) {
    const [, idx, name, timeout] = line.split('|').map((c) => c.trim());
    assert.equal(TCP_STATE_NAMES[Number(idx)], name);
    assert.equal(TCP_TIMEOUTS_S[Number(idx)], Number(timeout!.split(' ')[0]));
  }
});

test('segment event by priority RST > SYN > FIN > ACK; none of them is -1 (forces CLOSE)', () => {
  const { FIN, SYN, RST, ACK, PSH } = TCP_FLAG;
  assert.equal(tcpEvent(RST | SYN | FIN | ACK), TCP_EVENT.RST);
  assert.equal(tcpEvent(SYN | FIN | ACK), TCP_EVENT.SYN);
  assert.equal(tcpEvent(FIN | ACK), TCP_EVENT.FIN);
  assert.equal(tcpEvent(ACK | PSH), TCP_EVENT.ACK);
  assert.equal(tcpEvent(PSH), -1);
  assert.equal(tcpEvent(0), -1);
  for (let s = 0; s < TCP_STATE_NAMES.length; s++) {
    for (const dir of [DIR.INPUT, DIR.OUTPUT, DIR.INPUT_ONLY]) assert.equal(TCP_STATE_NAMES[tcpNextState(TCP_TABLE_NORMAL, dir, -1, s)], 'CLOSE');
  }
});
