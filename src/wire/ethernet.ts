/**
 * Ethernet II frames with an optional 802.1Q tag. The frame check sequence is not part of what
 * AF_PACKET or pcap hand over, so it is not handled here.
 */
import { ensureRoom, get16, put16, readMac, writeMac, type Decoded } from './bytes.js';

export const ETH_HEADER_LENGTH = 14;
export const VLAN_TAG_LENGTH = 4;
export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPV6: 0x86dd } as const;

export interface EthernetHeader {
  readonly dst: string;
  readonly src: string;
  /** The 802.1Q tag control information (PCP, DEI, VID), or null for an untagged frame. */
  readonly vlanTci: number | null;
  /** The EtherType of the payload (after the tag when there is one). */
  readonly etherType: number;
}

export function decodeEthernet(buf: Uint8Array, off: number, len: number): Decoded<EthernetHeader> {
  if (len < ETH_HEADER_LENGTH || off + ETH_HEADER_LENGTH > buf.length) return { ok: false, reason: 'short-ethernet' };
  const outer = get16(buf, off + 12);
  const tagged = outer === ETHERTYPE.VLAN;
  if (tagged && (len < ETH_HEADER_LENGTH + VLAN_TAG_LENGTH || off + ETH_HEADER_LENGTH + VLAN_TAG_LENGTH > buf.length)) return { ok: false, reason: 'short-vlan' };
  return {
    ok: true,
    bytes: tagged ? ETH_HEADER_LENGTH + VLAN_TAG_LENGTH : ETH_HEADER_LENGTH,
    value: {
      dst: readMac(buf, off),
      src: readMac(buf, off + 6),
      vlanTci: tagged ? get16(buf, off + 14) : null,
      etherType: tagged ? get16(buf, off + 16) : outer,
    },
  };
}

export function ethernetLength(h: Pick<EthernetHeader, 'vlanTci'>): number {
  return h.vlanTci === null ? ETH_HEADER_LENGTH : ETH_HEADER_LENGTH + VLAN_TAG_LENGTH;
}

export function encodeEthernet(h: EthernetHeader, buf: Uint8Array, off: number): number {
  const n = ethernetLength(h);
  ensureRoom(buf, off, n, 'Ethernet header');
  if (!writeMac(h.dst, buf, off) || !writeMac(h.src, buf, off + 6)) throw new TypeError(`bad MAC ${h.src} -> ${h.dst}`);
  if (h.vlanTci === null) {
    put16(buf, off + 12, h.etherType);
  } else {
    put16(buf, off + 12, ETHERTYPE.VLAN);
    put16(buf, off + 14, h.vlanTci);
    put16(buf, off + 16, h.etherType);
  }
  return n;
}
