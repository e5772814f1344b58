/**
 * The first takeover of a fresh process would pay for compiling the code it runs (measured: about
 * 15 ms more than later ones). This runs that path once at start-up, on a throwaway machine and
 * with the encoders, sending nothing: every instance is taken from BACKUP to MASTER and its
 * adverts, GARP/NA frames and VIP requests are built.
 */
import { VrrpMachine } from '../../core/vrrp/machine.js';
import { advertDatagram } from '../../core/vrrp/packet.js';
import type { InterfaceFacts, VrrpConfig } from '../../core/vrrp/types.js';
import { encodeGratuitousArp, encodeUnsolicitedNa } from '../../wire/vrrp-garp.js';
import { encodeAddrRequest } from '../../wire/vrrp-rtnetlink.js';

/** Returns the number of bytes built (so the work cannot be optimised away). */
export function warmTakeoverPath(cfg: VrrpConfig, facts: ReadonlyMap<string, InterfaceFacts>): number {
  const machine = new VrrpMachine({ ...cfg, scripts: [], instances: cfg.instances.map((i) => ({ ...i, trackScripts: [] })) });
  let bytes = 0;
  const mac = new Uint8Array(6);
  const effects = [...machine.start(0, facts), ...cfg.instances.flatMap((i) => machine.timer(10_000, i.name, 'instance'))];
  for (const e of effects) {
    if (e.kind === 'send') for (const dst of e.dsts) bytes += advertDatagram(e, dst, 1).length;
    if (e.kind === 'garp') for (const t of e.targets) bytes += (t.family === 4 ? encodeGratuitousArp(mac, t.address) : encodeUnsolicitedNa(mac, t.address, false)).length;
    if (e.kind === 'vips') {
      for (const v of e.vips) {
        bytes += encodeAddrRequest({ op: e.op === 'add' ? 'add' : 'del', family: v.family, ifindex: 1, address: v.address, prefix: v.prefix, peer: null, broadcast: null, label: v.label, scope: 0, flags: 0, preferredLft: null, seq: 1 }).length;
      }
    }
  }
  machine.stop(20_000);
  return bytes;
}
