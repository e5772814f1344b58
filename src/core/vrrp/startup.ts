/**
 * Start-up of instances and sync groups (keepalived vrrp_scheduler.c vrrp_init_state, vrrp_sync.c
 * vrrp_sync_set_group): which state each instance begins in and with which down timer.
 */
import type { Host } from './host.js';
import type { Instance } from './instance.js';
import type { SyncGroup } from './sync-group.js';

/** vrrp_sync_set_group and the sync-group part of initialise_tracking_priorities. */
export function initGroup(h: Host, g: SyncGroup): void {
  for (const m of g.members) {
    if (g.state !== 'BACKUP') g.state = m.wantState === 'MASTER' && m.basePriority === 255 ? 'MASTER' : 'BACKUP';
  }
  for (const m of g.members) {
    if (m.state === 'FAULT') {
      if (g.state !== 'FAULT') {
        g.state = 'FAULT';
        h.info(`VRRP_Group(${g.name}): Syncing ${m.name} to FAULT state`);
      }
      g.numMemberFault++;
    }
    if (m.numScriptInit) {
      g.numMemberInit++;
      if (g.state !== 'FAULT') g.state = 'INIT';
    }
  }
}

/** vrrp_init_state() for one instance; `reloadMaster`: it was MASTER before a reload and carries on. */
export function initState(h: Host, i: Instance, reloadMaster = false): void {
  const begin = i.state;
  if (i.state === 'FAULT') i.wantState = 'FAULT';
  const newState = i.sync ? i.sync.state : i.wantState;
  const isUp = i.numScriptIfFault === 0;
  const noInit = !i.numScriptInit && (!i.sync || !i.sync.numMemberInit);
  if (isUp && newState === 'MASTER' && noInit && (i.basePriority === 255 || reloadMaster) && i.wantState === 'MASTER') {
    if (reloadMaster) return;
    // The simplest way to become master: time out of BACKUP almost at once (1 µs).
    i.setState(h, 'BACKUP');
    i.msDownTimerUs = 1;
    return;
  }
  i.msDownTimerUs = newState === 'BACKUP' && i.wantState === 'MASTER' ? i.masterAdverIntUs + i.minSkewUs() : i.masterDownUs();
  i.restoreInterface(h, false, false);
  if (isUp && newState !== 'FAULT' && noInit) {
    if (i.state !== 'BACKUP') {
      h.info(`(${i.name}) Entering BACKUP STATE (init)`);
      i.setState(h, 'BACKUP');
    }
  } else {
    if (begin !== 'FAULT') h.info(`(${i.name}) Entering FAULT STATE (init)`);
    i.setState(h, 'FAULT');
  }
  if (begin !== i.state && (i.state !== 'FAULT' || i.numScriptIfFault)) i.sendInstanceNotifies(h);
}
