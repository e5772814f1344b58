/**
 * Connection-entry flags, forwarding codes and protocol labels (uapi ip_vs.h, ipvs.md §1.3).
 * The bit values are the kernel's, so sync messages and /proc output can carry them unchanged.
 */
import type { FwdMethod } from '../model.js';

export const CONN_F = {
  /** conn_flags & 7: the forwarding method (FWD_* below). */
  FWD_MASK: 0x0007,
  /** Created by the sync backup. */
  SYNC: 0x0020,
  /** Linked in the connection table (one-packet entries never are). */
  HASHED: 0x0040,
  /** No reply traffic seen yet; set for every non-NAT destination (selects the INPUT_ONLY table). */
  NOOUTPUT: 0x0080,
  /** Counted in the destination's inactconns rather than activeconns. */
  INACTIVE: 0x0100,
  OUT_SEQ: 0x0200,
  IN_SEQ: 0x0400,
  /** Entry created without a client port (matches any client port until one is filled in). */
  NO_CPORT: 0x0800,
  /** Persistence template. */
  TEMPLATE: 0x1000,
  /** One-packet scheduling: never hashed, freed right after its packet. */
  ONE_PACKET: 0x2000,
} as const;

/** Forwarding method codes as stored in conn_flags & FWD_MASK. */
export const FWD_CODE: Readonly<Record<FwdMethod, number>> = { nat: 0, local: 1, tun: 2, dr: 3, bypass: 4 };
const FWD_BY_CODE: readonly FwdMethod[] = ['nat', 'local', 'tun', 'dr', 'bypass'];

export function fwdOfFlags(flags: number): FwdMethod {
  return FWD_BY_CODE[flags & CONN_F.FWD_MASK] ?? 'nat';
}

/** IP protocol numbers the connection code knows about (0 = "IP", used by fwmark templates). */
export const PROTO = { IP: 0, TCP: 6, UDP: 17, SCTP: 132 } as const;

/** The protocol label printed by the kernel (ip_vs_proto_name): TCP, UDP, SCTP, IP, else IP_<n>. */
export function protocolLabel(proto: number): string {
  switch (proto) {
    case PROTO.IP:
      return 'IP';
    case PROTO.TCP:
      return 'TCP';
    case PROTO.UDP:
      return 'UDP';
    case PROTO.SCTP:
      return 'SCTP';
    default:
      return `IP_${proto}`;
  }
}

/** Template states (ip_vs_ctpl_state_name_table): NONE until a controlled entry is confirmed. */
export const TEMPLATE_STATE = { NONE: 0, ASSURED: 1 } as const;
export const TEMPLATE_STATE_NAMES: readonly string[] = ['NONE', 'ASSURED'];

/** FTP control port: persistent port-21 services key their templates with vport 0 (ipvs.md §4.1). */
export const FTP_PORT = 21;
/** Active FTP data source port: such packets are never scheduled (ip_vs_schedule). */
export const FTP_DATA_PORT = 20;
/** Port written into invalidated templates so they can never match again (ip_vs_check_template). */
export const INVALID_TEMPLATE_PORT = 0xffff;
/** Entries that still control others are kept this long at a time when their timer fires (ms). */
export const CONTROL_EXTEND_MS = 60_000;
