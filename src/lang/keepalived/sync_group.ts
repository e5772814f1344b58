/**
 * vrrp_sync_group NAME { } (keepalived 2.2.7 vrrp_parser.c vrrp_sync_group_handler and friends).
 */
import { bool, flag, script, values, words } from './keywords.js';
import { type ParseState, type SyncGroupDraft, emptyNotify, last } from './state.js';
import type { Block, Call, Keyword } from './table.js';
import { addTracked } from './tracking.js';

type G = SyncGroupDraft;

export function openSyncGroup(s: ParseState, c: Call): void {
  if (c.words.length !== 2) {
    c.error('missing-required', 'vrrp_sync_group must have a name - skipping');
    return c.skipBlock();
  }
  const name = c.arg(1);
  if (s.syncGroups.some((g) => g.name === name)) {
    c.error('duplicate', `vrrp sync group ${name} already defined`, 1);
    return c.skipBlock();
  }
  s.syncGroups.push({
    name, members: null, trackInterfaces: [], trackScripts: [], trackFiles: [], notify: emptyNotify(), smtpAlert: null,
    trackingWeight: false, notifyPriorityChanges: null, loc: c.at(0),
  });
}

function notify(name: string, key: keyof G['notify']): Keyword<G> {
  return script<G>(name, (g, v) => (g.notify[key] = v), {
    userWords: true,
    already: (g) => g.notify[key] !== null,
    alreadyMessage: (t) => `vrrp group ${name}: ${name} script already specified - ignoring ${t}`,
  });
}

export function syncGroupBlock(s: ParseState): Block<G> {
  const cur = (): G | null => last(s.syncGroups);
  const track = (kind: 'interface' | 'script' | 'file' | 'process' | 'bfd', pick: (g: G) => G['trackInterfaces']): Keyword<G> =>
    values<G>(`track_${kind}`, (g, e) => addTracked(kind, g.name, pick(g), e, s));
  return {
    name: 'vrrp_sync_group',
    target: cur,
    keywords: [
      words<G>('group', (g, c) => {
        if (g.members !== null) {
          c.error('duplicate', `Group list already specified for sync group ${g.name}`);
          return c.skipBlock();
        }
        const members = c.valueBlock().flatMap((e) => e.words.map((w) => w.text));
        g.members = members;
        if (members.length === 0) {
          g.members = null;
          c.error('missing-required', `Warning - sync group ${g.name} has empty group block`);
        }
      }),
      track('interface', (g) => g.trackInterfaces),
      track('script', (g) => g.trackScripts),
      track('file', (g) => g.trackFiles),
      track('process', () => []),
      track('bfd', () => []),
      notify('notify_backup', 'backup'),
      notify('notify_master', 'master'),
      notify('notify_fault', 'fault'),
      notify('notify_stop', 'stop'),
      notify('notify', 'any'),
      bool<G>('smtp_alert', (g, v) => (g.smtpAlert = v), (t) => `Invalid vrrp_group smtp_alert parameter ${t}`),
      flag<G>('global_tracking', (g, c) => {
        c.error('deprecated', `(${g.name}) global_tracking is deprecated. Use track_interface/script/file on the sync group`, 0, "use 'sync_group_tracking_weight'");
        g.trackingWeight = true;
      }),
      flag<G>('sync_group_tracking_weight', (g) => (g.trackingWeight = true)),
      bool<G>('notify_priority_changes', (g, v) => (g.notifyPriorityChanges = v), (t) => `(${cur()?.name}) Invalid value '${t}' for sync group notify_priority_changes specified`),
    ],
  };
}
