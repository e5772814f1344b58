/**
 * Cross-node checks: the files given together are the nodes of one cluster (a master and its
 * backups). VRRP peers must agree on what goes on the wire, or adverts are dropped and both nodes
 * become MASTER (split brain, keepalived.md §5.2 #1, §7 items 7–8), and every node that can take
 * over a VIP must carry the virtual services behind it (seed 004's warning).
 *
 * The first node that has an instance is the reference the others are compared with. Findings are
 * reported on the node that differs, at the keyword that differs (or at the instance when that
 * node leaves the keyword out), and name the line of the reference's keyword.
 */
import type { Loc } from '../keepalived/diagnostics.js';
import type { InstanceView, NodeView, ServiceView, VipView } from './node-view.js';
import type { LintDiagnostic, Severity } from './types.js';

type Emit = (severity: Severity, code: string, at: Loc, message: string, hint?: string) => void;

function where(at: Loc): string {
  return `${at.file}:${at.line}`;
}

function vipAddress(vip: VipView): string {
  const slash = vip.text.indexOf('/');
  return slash < 0 ? vip.text : vip.text.slice(0, slash);
}

function vipSet(inst: InstanceView): string[] {
  return [...new Set(inst.vips.map(vipAddress))].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function showList(list: readonly string[]): string {
  return list.length === 0 ? '(none)' : list.join(' ');
}

function seconds(ms: number): string {
  return `${ms / 1000}`;
}

function authText(i: InstanceView): string {
  return i.authType === undefined ? 'no authentication' : `${i.authType} '${i.authPass ?? ''}'`;
}

/** VIP lists differ: point at the first VIP one side has and the other lacks (else at the block). */
function compareVips(ref: InstanceView, other: InstanceView, emit: Emit): void {
  const refVips = vipSet(ref);
  const vips = vipSet(other);
  if (sameList(refVips, vips)) return;
  const extra = other.vips.find((v) => !refVips.includes(vipAddress(v)));
  const missing = ref.vips.find((v) => !vips.includes(vipAddress(v)));
  emit('error', 'cluster-vip-mismatch', extra?.at ?? other.vipsAt, `(${other.name}) virtual_ipaddress ${showList(vips)} differs from ${showList(refVips)} on ${where(missing?.at ?? ref.vipsAt)}`, 'keepalived 2.2.7 drops adverts whose VIP list differs from its own (split brain); list the same VIPs on every node');
}

/** Authentication differs: at auth_type when the types differ, else at auth_pass. */
function compareAuth(ref: InstanceView, other: InstanceView, emit: Emit): void {
  if (ref.authType === other.authType && ref.authPass === other.authPass) return;
  const typeDiffers = ref.authType !== other.authType;
  const at = typeDiffers ? other.authTypeAt : other.authPassAt;
  const refAt = typeDiffers ? ref.authTypeAt : ref.authPassAt;
  emit('error', 'cluster-auth-mismatch', at, `(${other.name}) authentication ${authText(other)} differs from ${authText(ref)} on ${where(refAt)}`, 'adverts that fail authentication are dropped; use the same auth_type and auth_pass (first 8 characters count) on every node');
}

/** Compare one instance with the reference node's instance of the same name. */
function compareInstance(ref: InstanceView, other: InstanceView, emit: Emit): void {
  const name = other.name;
  if (ref.vrid !== other.vrid) {
    emit('error', 'cluster-vrid-mismatch', other.vridAt, `(${name}) virtual_router_id ${other.vrid ?? '(unset)'} differs from ${ref.vrid ?? '(unset)'} on ${where(ref.vridAt)}`, 'peers of one VRRP instance must use the same virtual_router_id, or each ignores the other and both become MASTER');
  }
  compareVips(ref, other, emit);
  compareAuth(ref, other, emit);
  if (ref.advertMs !== other.advertMs) {
    const message = `(${name}) advert_int ${seconds(other.advertMs)} differs from ${seconds(ref.advertMs)} on ${where(ref.advertAt)}`;
    // VRRPv3 backups adopt the master's interval (RFC 5798); VRRPv2 drops the advert silently.
    if (ref.version === 2 && other.version === 2) emit('error', 'cluster-advert-mismatch', other.advertAt, message, 'a VRRPv2 advert with another interval is dropped silently, which ends in split brain');
    else emit('warning', 'cluster-advert-mismatch', other.advertAt, message, 'VRRPv3 backups follow the master\'s interval, but failover timing then depends on which node is master; use the same advert_int');
  }
  if (ref.version !== other.version) {
    emit('error', 'cluster-version-mismatch', other.versionAt, `(${name}) VRRP version ${other.version} differs from ${ref.version} on ${where(ref.versionAt)}`, 'set the same vrrp_version (global_defs) or version (instance) on every node');
  }
  if (ref.nopreempt !== other.nopreempt) {
    const message = other.nopreempt
      ? `(${name}) nopreempt is set here but not on ${where(ref.at)}`
      : `(${name}) nopreempt is not set here but is on ${where(ref.nopreemptAt)}`;
    emit('warning', 'cluster-nopreempt-differs', other.nopreempt ? other.nopreemptAt : other.at, message, 'nopreempt only keeps a recovering node from taking the VIPs back when that node has it; set it (with state BACKUP) on every node, or on none');
  }
}

function checkPriorities(members: readonly InstanceView[], emit: Emit): void {
  for (const [j, b] of members.entries()) {
    const a = members.slice(0, j).find((x) => x.priority === b.priority && !x.nopreempt);
    if (a === undefined || b.nopreempt) continue;
    emit('warning', 'cluster-priority-equal', b.priorityAt, `(${b.name}) priority ${b.priority} is the same as on ${where(a.priorityAt)}`, 'with equal priorities the node with the higher primary IP address wins; give each node its own priority, or set nopreempt (with state BACKUP) if that is intended');
  }
  const masters = members.filter((i) => i.state === 'MASTER');
  for (const inst of masters.slice(1)) {
    emit('warning', 'cluster-master-state', inst.stateAt, `(${inst.name}) state MASTER on more than one node (also ${where((masters[0] as InstanceView).stateAt)})`, 'give the other nodes state BACKUP; each node with state MASTER takes the VIPs at start-up until it hears a higher priority');
  }
}

function checkInstances(nodes: readonly NodeView[], emit: Emit): void {
  const names = [...new Set(nodes.flatMap((n) => n.instances.map((i) => i.name)))];
  for (const name of names) {
    const members: InstanceView[] = [];
    const lacking: NodeView[] = [];
    for (const node of nodes) {
      const inst = node.instances.find((i) => i.name === name);
      if (inst) members.push(inst);
      else lacking.push(node);
    }
    const ref = members[0] as InstanceView;
    for (const inst of members.slice(1)) compareInstance(ref, inst, emit);
    for (const node of lacking) {
      emit('warning', 'cluster-instance-missing', ref.at, `(${name}) vrrp_instance is not configured on ${node.file}`, 'every node of the cluster normally runs every VRRP instance');
    }
    checkPriorities(members, emit);
  }
}

/** The same VRID used by differently named instances on different nodes for different VIPs. */
function checkVridReuse(nodes: readonly NodeView[], emit: Emit): void {
  const seen: Array<[NodeView, InstanceView]> = [];
  for (const node of nodes) {
    for (const inst of node.instances) {
      if (inst.vrid === undefined) continue;
      const clash = seen.find(([n, i]) => n !== node && i.vrid === inst.vrid && i.name !== inst.name && !sameList(vipSet(i), vipSet(inst)));
      if (clash) {
        const i = clash[1];
        emit('error', 'cluster-vrid-reused', inst.vridAt, `(${inst.name}) virtual_router_id ${inst.vrid} is also used by ${i.name} on ${where(i.vridAt)} for other VIPs (${showList(vipSet(i))})`, 'one VRID on one network carries one set of VIPs; give the other instance its own virtual_router_id');
      }
      seen.push([node, inst]);
    }
  }
}

function describeService(s: ServiceView): string {
  return `virtual_server ${s.key}`;
}

function serviceDifferences(a: ServiceView, b: ServiceView): string[] {
  const out: string[] = [];
  if (a.scheduler !== b.scheduler) out.push(`scheduler ${b.scheduler} (not ${a.scheduler})`);
  if (a.method !== b.method) out.push(`forwarding method ${b.method} (not ${a.method})`);
  const ra = a.realServers.map((r) => r.key).sort();
  const rb = b.realServers.map((r) => r.key).sort();
  if (!sameList(ra, rb)) out.push(`real servers ${showList(rb)} (not ${showList(ra)})`);
  return out;
}

function checkServices(nodes: readonly NodeView[], emit: Emit): void {
  const keys = [...new Set(nodes.flatMap((n) => n.services.map((s) => s.key)))];
  for (const key of keys) {
    const owners = nodes.filter((n) => n.services.some((s) => s.key === key));
    const refNode = owners[0] as NodeView;
    const ref = refNode.services.find((s) => s.key === key) as ServiceView;
    for (const node of nodes) {
      const svc = node.services.find((s) => s.key === key);
      if (svc) {
        if (node === refNode) continue;
        const diff = serviceDifferences(ref, svc);
        if (diff.length > 0) emit('warning', 'cluster-service-differs', svc.at, `${describeService(svc)} differs from ${where(ref.at)}: ${diff.join('; ')}`, 'after a failover the other node forwards with its own settings; keep the blocks identical');
        continue;
      }
      const vip = ref.address === undefined ? undefined : node.instances.flatMap((i) => i.vips.map((v) => ({ i, v }))).find(({ v }) => vipAddress(v) === ref.address);
      if (vip) {
        const carrier = vip.i;
        emit('error', 'cluster-service-missing', vip.v.at, `(${carrier.name}) takes over VIP ${ref.address} but this node has no ${describeService(ref)} (configured on ${where(ref.at)})`, 'copy the virtual_server block to every node that can become MASTER, or after a failover the VIP answers with no forwarding table');
      } else {
        emit('warning', 'cluster-service-missing', ref.at, `${describeService(ref)} is not configured on ${node.file}`, 'every director of the cluster normally carries the same virtual_server blocks');
      }
    }
  }
}

/** Run every cross-node check; with fewer than two nodes there is nothing to compare. */
export function crossCheck(nodes: readonly NodeView[]): LintDiagnostic[] {
  const out: LintDiagnostic[] = [];
  if (nodes.length < 2) return out;
  const emit: Emit = (severity, code, at, message, hint) => {
    const d = { severity, code, message, file: at.file, line: at.line, col: at.col };
    out.push(hint === undefined ? d : { ...d, hint });
  };
  checkInstances(nodes, emit);
  checkVridReuse(nodes, emit);
  checkServices(nodes, emit);
  return out;
}
