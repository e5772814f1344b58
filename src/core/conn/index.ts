/**
 * The IPVS connection table, protocol state machines, persistence and per-packet decisions.
 * Entry point: {@link ConnEngine} (engine.ts); packets go in as {@link PacketMeta}, decisions come
 * out as {@link Verdict}; `advance(now)` expires entries; `views(now)` lists them.
 */
export { ConnEngine, type ConnEngineOptions } from './engine.js';
export { Connections, type ConnectionsOptions } from './connections.js';
export { ConnTable, type ConnTableOptions } from './conn-table.js';
export { TimerWheel, type TimerWheelOptions } from './timer-wheel.js';
export { DestRegistry } from './dest-registry.js';
export { PacketMeta, Verdict, DROP_REASONS, newDropCounters, type Direction, type DropReason, type DropCounters, type VerdictKind } from './packet.js';
export { CONN_F, FWD_CODE, PROTO, fwdOfFlags, protocolLabel } from './flags.js';
export { TCP_FLAG, TCP_STATE, TCP_STATE_NAMES, TCP_TIMEOUTS_S } from './tcp-table.js';
export { SCTP_CHUNK, SCTP_STATE, SCTP_STATE_NAMES, SCTP_TIMEOUTS_S } from './sctp-table.js';
export { connView, connectionViews, stateName } from './view.js';
export { wordsToText, textToWords } from './addr-words.js';
