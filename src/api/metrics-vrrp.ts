/** The VRRP part of /metrics: per instance state, priority, adverts, drops by reason, transitions. */
import type { VrrpStatusReport } from '../engine/vrrp/engine.js';
import type { Exposition } from './metrics-format.js';

const STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP'] as const;

/** Received adverts discarded, by keepalived's counter name (its SNMP vrrpStatistics names them the same). */
export const ADVERT_DROP_REASONS = [
  'packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err',
  'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'vers_err', 'chk_err',
] as const;

export function vrrpMetrics(x: Exposition, v: VrrpStatusReport): void {
  x.family('tsvs_vrrp_running', 'gauge', '1 when VRRP runs in this daemon.')(v.running ? 1 : 0);
  const state = x.family('tsvs_vrrp_state', 'gauge', '1 for the state the VRRP instance is in, 0 for the others.');
  const prio = x.family('tsvs_vrrp_priority', 'gauge', 'Effective priority of the VRRP instance (base priority adjusted by tracking).');
  const base = x.family('tsvs_vrrp_base_priority', 'gauge', 'Configured priority of the VRRP instance.');
  const sent = x.family('tsvs_vrrp_adverts_sent_total', 'counter', 'Adverts sent by the VRRP instance.');
  const rcvd = x.family('tsvs_vrrp_adverts_received_total', 'counter', 'Adverts received by the VRRP instance.');
  const drops = x.family('tsvs_vrrp_advert_drops_total', 'counter', 'Received adverts the VRRP instance discarded, by reason.');
  const p0r = x.family('tsvs_vrrp_priority_zero_received_total', 'counter', 'Priority-0 adverts (master leaving) received.');
  const p0s = x.family('tsvs_vrrp_priority_zero_sent_total', 'counter', 'Priority-0 adverts sent.');
  const become = x.family('tsvs_vrrp_become_master_total', 'counter', 'Times the VRRP instance became master.');
  const release = x.family('tsvs_vrrp_release_master_total', 'counter', 'Times the VRRP instance gave up being master.');
  for (const i of v.instances) {
    const l = { instance: i.name, interface: i.ifname, vrid: String(i.vrid), family: i.family === 6 ? 'inet6' : 'inet' };
    for (const s of STATES) state(i.state === s ? 1 : 0, { ...l, state: s });
    prio(i.effectivePriority, l);
    base(i.basePriority, l);
    sent(i.counters.advert_sent, l);
    rcvd(i.counters.advert_rcvd, l);
    for (const r of ADVERT_DROP_REASONS) drops(i.counters[r], { ...l, reason: r });
    p0r(i.counters.pri_zero_rcvd, l);
    p0s(i.counters.pri_zero_sent, l);
    become(i.counters.become_master, l);
    release(i.counters.release_master, l);
  }
  const sock = x.family('tsvs_vrrp_socket_drops_total', 'counter', 'Packets on a VRRP socket that no instance took, by reason.');
  for (const [socket, c] of Object.entries(v.sockets)) {
    for (const [reason, n] of Object.entries(c)) sock(n, { socket, reason });
  }
}
