/**
 * Flatten a parsed keepalived model into the NodeView the cross-node checks compare.
 *
 * The model records one location per object (instance, virtual server), not per keyword, so
 * findings about a keyword point at the block that holds it; VIP findings point at the first VIP.
 */
import type { KeepalivedConfig, RealServer, VirtualServer, VrrpInstance } from '../keepalived/index.js';
import type { InstanceView, NodeView, ServiceView } from './node-view.js';

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function instanceView(i: VrrpInstance): InstanceView {
  const firstVip = i.virtualIpAddresses[0];
  return {
    name: i.name,
    at: i.loc,
    vrid: i.virtualRouterId,
    vridAt: i.loc,
    state: i.configuredState ?? undefined,
    priority: i.priority,
    priorityAt: i.loc,
    nopreempt: i.nopreempt,
    advertMs: Math.round(i.advertInt * 1000),
    advertAt: i.loc,
    version: i.version,
    authType: i.authType ?? undefined,
    authPass: i.authType === null ? undefined : (i.authPass ?? ''),
    authAt: i.loc,
    vips: i.virtualIpAddresses.map((v) => `${v.address}/${v.prefix}`),
    vipsAt: firstVip ? firstVip.loc : i.loc,
  };
}

export function serviceKey(vs: VirtualServer): string {
  if (vs.kind === 'fwmark') return `FWM ${vs.fwmark}`;
  if (vs.kind === 'group') return `group ${vs.group ?? ''}`;
  return `${(vs.protocol ?? 'udp').toUpperCase()} ${hostPort(vs.address ?? '', vs.port)}`;
}

function realServerKey(rs: RealServer): string {
  return `${hostPort(rs.address, rs.port)} weight ${rs.weight}`;
}

function serviceView(vs: VirtualServer): ServiceView {
  return {
    key: serviceKey(vs),
    address: vs.kind === 'addr' ? (vs.address ?? undefined) : undefined,
    at: vs.loc,
    scheduler: vs.scheduler,
    method: vs.forwarding.method.toUpperCase(),
    realServers: vs.realServers.map((rs) => ({ key: realServerKey(rs) })),
  };
}

export function nodeView(file: string, model: KeepalivedConfig): NodeView {
  return { file, instances: model.vrrpInstances.map(instanceView), services: model.virtualServers.map(serviceView) };
}
