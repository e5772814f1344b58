/**
 * The IPVS SCTP state machine as data (ipvs.md §3.5): states, timeouts, chunk → event mapping
 * and the INPUT / OUTPUT / INPUT_ONLY next-state tables. `--set` does not affect SCTP.
 */

export const SCTP_STATE = {
  NONE: 0,
  INIT1: 1,
  INIT: 2,
  COOKIE_SENT: 3,
  COOKIE_REPLIED: 4,
  COOKIE_WAIT: 5,
  COOKIE: 6,
  COOKIE_ECHOED: 7,
  ESTABLISHED: 8,
  SHUTDOWN_SENT: 9,
  SHUTDOWN_RECEIVED: 10,
  SHUTDOWN_ACK_SENT: 11,
  REJECTED: 12,
  CLOSED: 13,
} as const;
export const SCTP_STATE_COUNT = 14;

export const SCTP_STATE_NAMES: readonly string[] = [
  'NONE',
  'INIT1',
  'INIT',
  'C-SENT',
  'C-REPLIED',
  'C-WAIT',
  'COOKIE',
  'C-ECHOED',
  'ESTABLISHED',
  'S-SENT',
  'S-RECEIVED',
  'S-ACK-SENT',
  'REJECTED',
  'CLOSED',
];

export const SCTP_TIMEOUTS_S: readonly number[] = [2, 4, 61, 61, 61, 61, 61, 61, 900, 61, 61, 61, 4, 61];

/** Chunk type numbers (RFC 9260) the state machine distinguishes. */
export const SCTP_CHUNK = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  ECNE: 12,
  CWR: 13,
  SHUTDOWN_COMPLETE: 14,
} as const;

/** Event rows: d, i, i_a, c_e, c_a, s, s_a, s_c, err, ab. */
export const SCTP_EVENT = { DATA: 0, INIT: 1, INIT_ACK: 2, COOKIE_ECHO: 3, COOKIE_ACK: 4, SHUTDOWN: 5, SHUTDOWN_ACK: 6, SHUTDOWN_COMPLETE: 7, ERROR: 8, ABORT: 9 } as const;
const EVENTS = 10;

/** Event of each chunk type 0..14; anything else (unknown types) counts as DATA. */
const CHUNK_EVENT: readonly number[] = [
  SCTP_EVENT.DATA,
  SCTP_EVENT.INIT,
  SCTP_EVENT.INIT_ACK,
  SCTP_EVENT.DATA,
  SCTP_EVENT.DATA,
  SCTP_EVENT.DATA,
  SCTP_EVENT.ABORT,
  SCTP_EVENT.SHUTDOWN,
  SCTP_EVENT.SHUTDOWN_ACK,
  SCTP_EVENT.ERROR,
  SCTP_EVENT.COOKIE_ECHO,
  SCTP_EVENT.COOKIE_ACK,
  SCTP_EVENT.DATA,
  SCTP_EVENT.DATA,
  SCTP_EVENT.SHUTDOWN_COMPLETE,
];

/**
 * Event of a packet from its first chunk type and the type of the chunk bundled after it
 * (-1 if none): a COOKIE-ECHO or COOKIE-ACK followed by an ABORT counts as ABORT.
 */
export function sctpEvent(firstChunk: number, nextChunk: number): number {
  let type = firstChunk;
  if ((type === SCTP_CHUNK.COOKIE_ECHO || type === SCTP_CHUNK.COOKIE_ACK) && nextChunk === SCTP_CHUNK.ABORT) type = SCTP_CHUNK.ABORT;
  return type >= 0 && type < CHUNK_EVENT.length ? CHUNK_EVENT[type]! : SCTP_EVENT.DATA;
}

const ABBREV: Readonly<Record<string, number>> = {
  NO: 0,
  I1: 1,
  IN: 2,
  CS: 3,
  CR: 4,
  CW: 5,
  CO: 6,
  CE: 7,
  ES: 8,
  SS: 9,
  SR: 10,
  SA: 11,
  RJ: 12,
  CL: 13,
};

/** Flat table: index (dir * 10 + event) * 14 + state; rows list next states for NO..CL. */
function build(rows: readonly string[]): Uint8Array {
  const t = new Uint8Array(rows.length * SCTP_STATE_COUNT);
  rows.forEach((row, r) => {
    const cells = row.trim().split(/\s+/);
    if (cells.length !== SCTP_STATE_COUNT) throw new Error(`bad SCTP table row ${row}`);
    cells.forEach((c, s) => {
      const v = ABBREV[c];
      if (v === undefined) throw new Error(`bad SCTP state ${c}`);
      t[r * SCTP_STATE_COUNT + s] = v;
    });
  });
  return t;
}

export const SCTP_TABLE: Uint8Array = build([
  // INPUT: d, i, i_a, c_e, c_a, s, s_a, s_c, err, ab
  'ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL',
  'I1 IN IN CS CR CW CO CE ES SS SR SA IN IN',
  'CW CW CW CS CR CO CO CE ES SS SR SA RJ CL',
  'CR IN IN CR CR CW CO CE ES SS SR SA RJ CL',
  'ES I1 IN CS CR CW CO ES ES SS SR SA RJ CL',
  'SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL',
  'CL IN IN CS CR CW CO CE ES CL SR CL RJ CL',
  'CL CL CL CS CR CW CO CE ES SS SR CL RJ CL',
  'CL I1 IN CS CR CW CO CL ES SS SR SA RJ CL',
  'CL CL CL CL CL RJ CL CL CL CL CL CL CL CL',
  // OUTPUT
  'ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL',
  'CW CW CW CW CW CW CW CW ES CW CW CW CW CW',
  'CS CS CS CS CR CW CO CE ES SS SR SA RJ CL',
  'CE CE CE CE CE CE CE CE ES SS SR SA RJ CL',
  'ES ES ES ES ES ES ES ES ES SS SR SA RJ CL',
  'SS SS SS SS SS SS SS SS SS SS SR SA RJ CL',
  'SA SA SA SA SA CW CO CE ES SA SA SA RJ CL',
  'CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL',
  'CL CL CL CL CL CW CO CE ES SS SR SA RJ CL',
  'CL RJ CL CL CL CL CL CL CL CL CL CL CL CL',
  // INPUT_ONLY
  'ES I1 IN CS CR ES CO CE ES SS SR SA RJ CL',
  'I1 IN IN IN IN IN CO CE ES SS SR SA IN IN',
  'CE CE CE CE CE CE CO CE ES SS SR SA RJ CL',
  'ES ES ES ES ES ES CO CE ES SS SR SA RJ CL',
  'ES I1 IN ES ES CW ES ES ES SS SR SA RJ CL',
  'SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL',
  'CL IN IN CS CR CW CO CE CL CL SR CL RJ CL',
  'CL CL CL CL CL CW CO CE ES SS CL CL RJ CL',
  'CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL',
  'CL CL CL CL CL RJ CL CL CL CL CL CL CL CL',
]);

export function sctpNextState(dir: number, event: number, state: number): number {
  return SCTP_TABLE[(dir * EVENTS + event) * SCTP_STATE_COUNT + state]!;
}
