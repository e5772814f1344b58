/**
 * The IPVS TCP state machine as data (ipvs.md §3.4): state names and default timeouts, the
 * event of a segment, and the next-state tables for INPUT, OUTPUT and INPUT_ONLY, in a normal
 * and a secure_tcp variant. Rows are events (syn, fin, ack, rst), columns are current states.
 */

export const TCP_STATE = {
  NONE: 0,
  ESTABLISHED: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  FIN_WAIT: 4,
  TIME_WAIT: 5,
  CLOSE: 6,
  CLOSE_WAIT: 7,
  LAST_ACK: 8,
  LISTEN: 9,
  SYNACK: 10,
} as const;
export const TCP_STATE_COUNT = 11;

export const TCP_STATE_NAMES: readonly string[] = [
  'NONE',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'SYNACK',
];

/** Default timeout of each state in seconds (ESTABLISHED and FIN_WAIT are replaced by `--set`). */
export const TCP_TIMEOUTS_S: readonly number[] = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120];

/** TCP header flag bits as on the wire. */
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** Event rows: syn 0, fin 1, ack 2, rst 3; -1 = none of them (forces CLOSE). */
export const TCP_EVENT = { SYN: 0, FIN: 1, ACK: 2, RST: 3 } as const;

/** The event of a segment, by priority RST > SYN > FIN > ACK (tcp_state_idx). */
export function tcpEvent(flags: number): number {
  if (flags & TCP_FLAG.RST) return TCP_EVENT.RST;
  if (flags & TCP_FLAG.SYN) return TCP_EVENT.SYN;
  if (flags & TCP_FLAG.FIN) return TCP_EVENT.FIN;
  if (flags & TCP_FLAG.ACK) return TCP_EVENT.ACK;
  return -1;
}

/** Direction offsets into a table set: INPUT, OUTPUT, INPUT_ONLY (4 event rows each). */
export const DIR = { INPUT: 0, OUTPUT: 1, INPUT_ONLY: 2 } as const;

const ABBREV: Readonly<Record<string, number>> = {
  NO: 0,
  ES: 1,
  SS: 2,
  SR: 3,
  FW: 4,
  TW: 5,
  CL: 6,
  CW: 7,
  LA: 8,
  LI: 9,
  SA: 10,
};

/**
 * Build a flat next-state table: index (dir * 4 + event) * 11 + state. Each row string lists the
 * next state for current states NO ES SS SR FW TW CL CW LA LI SA, in that order.
 */
function build(rows: readonly string[]): Uint8Array {
  const t = new Uint8Array(rows.length * TCP_STATE_COUNT);
  rows.forEach((row, r) => {
    const cells = row.trim().split(/\s+/);
    if (cells.length !== TCP_STATE_COUNT) throw new Error(`bad TCP table row ${row}`);
    cells.forEach((c, s) => {
      const v = ABBREV[c];
      if (v === undefined) throw new Error(`bad TCP state ${c}`);
      t[r * TCP_STATE_COUNT + s] = v;
    });
  });
  return t;
}

/** The normal table (secure_tcp inactive). */
export const TCP_TABLE_NORMAL: Uint8Array = build([
  // INPUT: syn, fin, ack, rst
  'SR ES ES SR SR SR SR SR SR SR SR',
  'CL CW SS TW TW TW CL CW LA LI TW',
  'ES ES SS ES FW TW CL CW CL LI ES',
  'CL CL CL SR CL CL CL CL LA LI SR',
  // OUTPUT
  'SS ES SS SR SS SS SS SS SS LI SR',
  'TW FW SS TW FW TW CL TW LA LI TW',
  'ES ES SS ES FW TW CL CW LA ES ES',
  'CL CL SS CL CL TW CL CL CL CL CL',
  // INPUT_ONLY
  'SR ES ES SR SR SR SR SR SR SR SR',
  'CL FW SS TW FW TW CL CW LA LI TW',
  'ES ES SS ES FW TW CL CW CL LI ES',
  'CL CL CL SR CL CL CL CL LA LI CL',
]);

/** The table used while the secure_tcp defence is active (sysctl value >= 2). */
export const TCP_TABLE_SECURE: Uint8Array = build([
  // INPUT
  'SR ES ES SR SR SR SR SR SR SR SA',
  'CL CW SS TW TW TW CL CW LA LI SA',
  'ES ES SS SR FW TW CL CW CL LI SA',
  'CL CL CL SR CL CL CL CL LA LI CL',
  // OUTPUT
  'SS ES SS SA SS SS SS SS SS LI SA',
  'TW FW SS TW FW TW CL TW LA LI TW',
  'ES ES SS ES FW TW CL CW LA ES ES',
  'CL CL SS CL CL TW CL CL CL CL CL',
  // INPUT_ONLY
  'SA ES ES SR SA SA SA SA SA SA SA',
  'CL FW SS TW FW TW CL CW LA LI TW',
  'ES ES SS ES FW TW CL CW CL LI ES',
  'CL CL CL SR CL CL CL CL LA LI CL',
]);

/** Next state for (table, direction, event, state); event -1 forces CLOSE. */
export function tcpNextState(table: Uint8Array, dir: number, event: number, state: number): number {
  if (event < 0) return TCP_STATE.CLOSE;
  return table[(dir * 4 + event) * TCP_STATE_COUNT + state]!;
}
