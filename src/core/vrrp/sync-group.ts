/**
 * vrrp_sync_group: the members move together (keepalived vrrp_sync.c; keepalived.md §4.9): any
 * member in FAULT takes the group to FAULT, the group goes MASTER only when every member wants to,
 * otherwise all are BACKUP. The group's own notify scripts run on its transitions.
 */
import type { Host } from './host.js';
import type { Instance } from './instance.js';
import type { VrrpState } from './types.js';

export class SyncGroup {
  readonly name: string;
  readonly members: Instance[] = [];
  state: VrrpState = 'INIT';
  numMemberFault = 0;
  numMemberInit = 0;

  constructor(name: string) {
    this.name = name;
  }

  notify(h: Host): void {
    if (this.state === 'INIT') return;
    h.emit({ kind: 'notify', target: 'GROUP', name: this.name, state: this.state === 'STOP' ? 'STOP' : this.state, priority: 0 });
  }

  /** vrrp_sync_can_goto_master(). */
  canGotoMaster(h: Host, vrrp: Instance): boolean {
    if (this.state === 'MASTER') return true;
    for (const other of this.members) {
      if (other !== vrrp && other.wantState !== 'MASTER') {
        // Give the other members time to be ready; the timer value hardly matters here.
        vrrp.msDownTimerUs = vrrp.masterDownUs();
        vrrp.initSands(h);
        return false;
      }
    }
    return true;
  }

  /** vrrp_sync_backup(). */
  syncBackup(h: Host, vrrp: Instance): void {
    if (this.state === 'BACKUP') return;
    h.info(`VRRP_Group(${this.name}) Syncing instances to BACKUP state`);
    for (const other of this.members) {
      if (other === vrrp || other.state === 'BACKUP') continue;
      other.wantState = 'BACKUP';
      if (other.state === 'FAULT' || other.state === 'INIT') other.leaveFault(h);
      else other.leaveMaster(h, false);
    }
    this.state = 'BACKUP';
    this.notify(h);
  }

  /** vrrp_sync_master(). */
  syncMaster(h: Host, vrrp: Instance): void {
    if (this.state === 'MASTER') return;
    if (!this.canGotoMaster(h, vrrp)) return;
    h.info(`VRRP_Group(${this.name}) Syncing instances to MASTER state`);
    for (const other of this.members) {
      if (other !== vrrp && other.state !== 'MASTER') {
        other.wantState = 'MASTER';
        other.gotoMaster(h);
      }
    }
    this.state = 'MASTER';
    this.notify(h);
  }

  /** vrrp_sync_fault(). */
  syncFault(h: Host, vrrp: Instance): void {
    if (this.state === 'FAULT') return;
    h.info(`VRRP_Group(${this.name}) Syncing instances to FAULT state`);
    for (const other of this.members) {
      if (other === vrrp || other.state === 'FAULT') continue;
      other.wantState = 'FAULT';
      if (other.state === 'MASTER') other.leaveMaster(h, false);
      else if (other.state === 'BACKUP' || other.state === 'INIT') {
        other.state = 'FAULT';
        other.leaveFault(h);
      }
    }
    this.state = 'FAULT';
    this.notify(h);
  }

  /** VRRP_TSM_HANDLE: B→M, M→M, F→M sync the group to MASTER; M→B syncs it to BACKUP. */
  afterTransition(h: Host, vrrp: Instance, prev: VrrpState): void {
    if (vrrp.state === 'MASTER' && (prev === 'BACKUP' || prev === 'MASTER' || prev === 'FAULT')) this.syncMaster(h, vrrp);
    else if (vrrp.state === 'BACKUP' && prev === 'MASTER') this.syncBackup(h, vrrp);
  }
}
