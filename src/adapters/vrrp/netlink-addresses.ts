/**
 * VIPs added and removed over rtnetlink through the native addon: the same request `ip addr`
 * sends, without spawning a process, so a new master's VIP is up within microseconds of its
 * decision (keepalived does the same over its own netlink socket).
 */
import { readFileSync } from 'node:fs';
import type { VipSpec } from '../../core/vrrp/types.js';
import { decodeAck, encodeAddrRequest, IFA_F_HOMEADDRESS, IFA_F_NODAD, IFA_F_NOPREFIXROUTE, scopeValue } from '../../wire/vrrp-rtnetlink.js';
import type { NativeAddon } from './native.js';

const NETLINK_ROUTE = 0;
const EEXIST = 17;
const EADDRNOTAVAIL = 99;
const ENODEV = 19;

/** What addVip reports: added by us, or already there (then not ours to remove). */
export type AddResult = 'added' | 'exists';

export interface AddressWriter {
  add(v: VipSpec): Promise<AddResult>;
  /** Remove; an address that is not there is not an error. */
  del(v: VipSpec): Promise<void>;
}

function ifindex(dev: string): number {
  try {
    return Number(readFileSync(`/sys/class/net/${dev}/ifindex`, 'utf8').trim());
  } catch {
    throw new Error(`Cannot find device "${dev}"`);
  }
}

export class NetlinkAddressWriter implements AddressWriter {
  private readonly handle: ReturnType<NativeAddon['nlOpen']>;
  private seq = 0;

  constructor(private readonly addon: NativeAddon) {
    this.handle = addon.nlOpen(NETLINK_ROUTE, 2_000);
  }

  private request(op: 'add' | 'del', v: VipSpec): number {
    const scope = scopeValue(v.scope);
    if (scope === null) throw new Error(`unknown scope '${v.scope}' for ${v.address}`);
    const flags = (v.noDad ? IFA_F_NODAD : 0) | (v.noPrefixRoute ? IFA_F_NOPREFIXROUTE : 0) | (v.home ? IFA_F_HOMEADDRESS : 0);
    const lft = v.preferredLft === 'forever' ? null : (v.preferredLft ?? (v.family === 6 && v.prefix === 128 ? 0 : null));
    const seq = (this.seq = (this.seq % 0x7fffffff) + 1);
    const msg = encodeAddrRequest({
      op, family: v.family, ifindex: ifindex(v.dev), address: v.address, prefix: v.prefix, peer: v.peer, broadcast: v.broadcast,
      label: v.label, scope, flags, preferredLft: lft, seq,
    });
    const reply = this.addon.nlRequest(this.handle, Buffer.from(msg.buffer, msg.byteOffset, msg.length));
    const ack = decodeAck(new Uint8Array(reply.buffer, reply.byteOffset, reply.length));
    if (!ack.ok) throw new Error(`netlink: unexpected reply (${ack.reason})`);
    return -ack.value.error;
  }

  async add(v: VipSpec): Promise<AddResult> {
    const err = this.request('add', v);
    if (err === 0) return 'added';
    if (err === EEXIST) return 'exists';
    throw new Error(`RTNETLINK answers: errno ${err} adding ${v.address}/${v.prefix} on ${v.dev}`);
  }

  async del(v: VipSpec): Promise<void> {
    const err = this.request('del', v);
    if (err !== 0 && err !== EADDRNOTAVAIL && err !== ENODEV) throw new Error(`RTNETLINK answers: errno ${err} removing ${v.address}/${v.prefix} on ${v.dev}`);
  }

  close(): void {
    this.addon.nlClose(this.handle);
  }
}
