// Every cell of the SCTP next-state tables against shared/reference/ipvs.md §3.5 (copied below and
// parsed independently), plus the chunk → event mapping and the state names and timeouts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIR } from './tcp-table.js';
import { SCTP_CHUNK, SCTP_EVENT, SCTP_STATE_NAMES, SCTP_TIMEOUTS_S, sctpEvent, sctpNextState } from './sctp-table.js';

const NAMES: Readonly<Record<string, string>> = {
  NO: 'NONE',
  I1: 'INIT1',
  IN: 'INIT',
  CS: 'C-SENT',
  CR: 'C-REPLIED',
  CW: 'C-WAIT',
  CO: 'COOKIE',
  CE: 'C-ECHOED',
  ES: 'ESTABLISHED',
  SS: 'S-SENT',
  SR: 'S-RECEIVED',
  SA: 'S-ACK-SENT',
  RJ: 'REJECTED',
  CL: 'CLOSED',
};

const INPUT = `
| event | NO | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| d | ES | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| i | I1 | IN | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | IN | IN |
| i_a | CW | CW | CW | CS | CR | CO | CO | CE | ES | SS | SR | SA | RJ | CL |
| c_e | CR | IN | IN | CR | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| c_a | ES | I1 | IN | CS | CR | CW | CO | ES | ES | SS | SR | SA | RJ | CL |
| s | SR | I1 | IN | CS | CR | CW | CO | CE | SR | SS | SR | SA | RJ | CL |
| s_a | CL | IN | IN | CS | CR | CW | CO | CE | ES | CL | SR | CL | RJ | CL |
| s_c | CL | CL | CL | CS | CR | CW | CO | CE | ES | SS | SR | CL | RJ | CL |
| err | CL | I1 | IN | CS | CR | CW | CO | CL | ES | SS | SR | SA | RJ | CL |
| ab | CL | CL | CL | CL | CL | RJ | CL | CL | CL | CL | CL | CL | CL | CL |`;
const OUTPUT = `
| event | NO | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| d | ES | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| i | CW | CW | CW | CW | CW | CW | CW | CW | ES | CW | CW | CW | CW | CW |
| i_a | CS | CS | CS | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| c_e | CE | CE | CE | CE | CE | CE | CE | CE | ES | SS | SR | SA | RJ | CL |
| c_a | ES | ES | ES | ES | ES | ES | ES | ES | ES | SS | SR | SA | RJ | CL |
| s | SS | SS | SS | SS | SS | SS | SS | SS | SS | SS | SR | SA | RJ | CL |
| s_a | SA | SA | SA | SA | SA | CW | CO | CE | ES | SA | SA | SA | RJ | CL |
| s_c | CL | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| err | CL | CL | CL | CL | CL | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| ab | CL | RJ | CL | CL | CL | CL | CL | CL | CL | CL | CL | CL | CL | CL |`;
const INPUT_ONLY = `
| event | NO | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| d | ES | I1 | IN | CS | CR | ES | CO | CE | ES | SS | SR | SA | RJ | CL |
| i | I1 | IN | IN | IN | IN | IN | CO | CE | ES | SS | SR | SA | IN | IN |
| i_a | CE | CE | CE | CE | CE | CE | CO | CE | ES | SS | SR | SA | RJ | CL |
| c_e | ES | ES | ES | ES | ES | ES | CO | CE | ES | SS | SR | SA | RJ | CL |
| c_a | ES | I1 | IN | ES | ES | CW | ES | ES | ES | SS | SR | SA | RJ | CL |
| s | SR | I1 | IN | CS | CR | CW | CO | CE | SR | SS | SR | SA | RJ | CL |
| s_a | CL | IN | IN | CS | CR | CW | CO | CE | CL | CL | SR | CL | RJ | CL |
| s_c | CL | CL | CL | CL | CL | CW | CO | CE | ES | SS | CL | CL | RJ | CL |
| err | CL | I1 | IN | CS | CR | CW | CO | CE | ES | SS | SR | SA | RJ | CL |
| ab | CL | CL | CL | CL | CL | RJ | CL | CL | CL | CL | CL | CL | CL | CL |`;

const EVENTS: Readonly<Record<string, number>> = {
  d: SCTP_EVENT.DATA,
  i: SCTP_EVENT.INIT,
  i_a: SCTP_EVENT.INIT_ACK,
  c_e: SCTP_EVENT.COOKIE_ECHO,
  c_a: SCTP_EVENT.COOKIE_ACK,
  s: SCTP_EVENT.SHUTDOWN,
  s_a: SCTP_EVENT.SHUTDOWN_ACK,
  s_c: SCTP_EVENT.SHUTDOWN_COMPLETE,
  err: SCTP_EVENT.ERROR,
  ab: SCTP_EVENT.ABORT,
};

function checkTable(dir: number, md: string): number {
  const lines = md.trim().split('\n').map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const cols = lines[0]!.slice(1);
  let cells = 0;
  for (const row of lines.slice(2)) {
    row.slice(1).forEach((cell, i) => {
      const state = SCTP_STATE_NAMES.indexOf(NAMES[cols[i]!]!);
      assert.ok(state >= 0);
      assert.equal(SCTP_STATE_NAMES[sctpNextState(dir, EVENTS[row[0]!]!, state)], NAMES[cell], `${row[0]} in ${cols[i]}`);
      cells++;
    });
  }
  return cells;
}

test('SCTP tables: every cell of INPUT, OUTPUT and INPUT_ONLY', () => {
  assert.equal(checkTable(DIR.INPUT, INPUT), 140);
  assert.equal(checkTable(DIR.OUTPUT, OUTPUT), 140);
  assert.equal(checkTable(DIR.INPUT_ONLY, INPUT_ONLY), 140);
});

test('SCTP state names and timeouts (NONE 2 s, INIT1 4 s, INIT 61 s, ..., REJECTED 4 s, CLOSED 61 s)', () => {
  const ref =
    'NONE 2 s, INIT1 4 s, INIT 61 s, C-SENT 61 s, C-REPLIED 61 s, C-WAIT 61 s, COOKIE 61 s, C-ECHOED 61 s, ESTABLISHED 900 s, S-SENT 61 s, S-RECEIVED 61 s, S-ACK-SENT 61 s, REJECTED 4 s, CLOSED 61 s';
  const parsed = ref.split(', ').map((p) => p.split(' '));
  assert.deepEqual(SCTP_STATE_NAMES, parsed.map((p) => p[0]));
  assert.deepEqual(SCTP_TIMEOUTS_S, parsed.map((p) => Number(p[1])));
});

test('chunk → event: DATA/SACK/HEARTBEAT/ECN and unknown types are d; bundled ABORT after COOKIE chunks is ab', () => {
  const C = SCTP_CHUNK;
  const E = SCTP_EVENT;
  const cases: Array<[number, number, number]> = [
    [C.DATA, -1, E.DATA],
    [C.SACK, -1, E.DATA],
    [C.HEARTBEAT, -1, E.DATA],
    [C.HEARTBEAT_ACK, -1, E.DATA],
    [C.ECNE, -1, E.DATA],
    [C.CWR, -1, E.DATA],
    [200, -1, E.DATA],
    [C.INIT, -1, E.INIT],
    [C.INIT_ACK, -1, E.INIT_ACK],
    [C.COOKIE_ECHO, -1, E.COOKIE_ECHO],
    [C.COOKIE_ACK, -1, E.COOKIE_ACK],
    [C.COOKIE_ECHO, C.ABORT, E.ABORT],
    [C.COOKIE_ACK, C.ABORT, E.ABORT],
    [C.COOKIE_ECHO, C.DATA, E.COOKIE_ECHO],
    [C.SHUTDOWN, C.ABORT, E.SHUTDOWN],
    [C.SHUTDOWN, -1, E.SHUTDOWN],
    [C.SHUTDOWN_ACK, -1, E.SHUTDOWN_ACK],
    [C.SHUTDOWN_COMPLETE, -1, E.SHUTDOWN_COMPLETE],
    [C.ERROR, -1, E.ERROR],
    [C.ABORT, -1, E.ABORT],
  ];
  for (const [first, next, ev] of cases) assert.equal(sctpEvent(first, next), ev, `${first}/${next}`);
});
