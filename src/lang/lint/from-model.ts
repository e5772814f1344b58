/**
 * Flatten a parsed keepalived model into the NodeView the cross-node checks compare. Findings
 * point at the keyword concerned (the model records where each instance keyword was written), or
 * at the instance when the keyword is absent.
 */
import type { KeepalivedConfig, RealServer, VirtualServer, VrrpInstance } from '../keepalived/index.js';
import type { InstanceView, NodeView, ServiceView } from './node-view.js';

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function instanceView(i: VrrpInstance): InstanceView {
  const k = i.keywordLocs;
  const authTypeAt = k.authType ?? k.authentication ?? i.loc;
  return {
    name: i.name,
    at: i.loc,
    vrid: i.virtualRouterId,
    vridAt: k.virtualRouterId ?? i.loc,
    state: i.configuredState ?? undefined,
    stateAt: k.state ?? i.loc,
    priority: i.priority,
    priorityAt: k.priority ?? i.loc,
    nopreempt: i.nopreempt,
    nopreemptAt: k.nopreempt ?? i.loc,
    advertMs: Math.round(i.advertInt * 1000),
    advertAt: k.advertInt ?? i.loc,
    version: i.version,
    versionAt: k.version ?? i.loc,
    authType: i.authType ?? undefined,
    authPass: i.authType === null ? undefined : (i.authPass ?? ''),
    authTypeAt,
    authPassAt: k.authPass ?? authTypeAt,
    vips: i.virtualIpAddresses.map((v) => ({ text: `${v.address}/${v.prefix}`, at: v.loc })),
    vipsAt: k.virtualIpAddress ?? i.loc,
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
