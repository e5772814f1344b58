/**
 * Read the desired-state shapes (ServiceSpec, DestSpec) back out of live IPVS objects, and
 * compare them. The diff and the dry run both need "what would `-A`/`-a` say to recreate this".
 */
import { SVC_F, type Destination, type DestSpec, type ServiceSpec, type SyncDaemon, type VirtualService } from '../core/model.js';

export function serviceSpecOf(svc: VirtualService): ServiceSpec {
  return {
    key: svc.key,
    scheduler: svc.scheduler,
    flags: svc.flags & ~SVC_F.HASHED,
    timeout: svc.timeout,
    netmask: svc.netmask,
    pe: svc.pe,
  };
}

export function destSpecOf(d: Destination): DestSpec {
  return {
    family: d.family,
    addr: d.addr,
    port: d.port,
    fwd: d.fwd,
    weight: d.weight,
    uThreshold: d.uThreshold,
    lThreshold: d.lThreshold,
    tunType: d.tunType,
    tunPort: d.tunPort,
    tunFlags: d.tunFlags,
  };
}

/** Same attributes an `-E` would set (the key is compared by the caller). */
export function sameServiceAttrs(a: ServiceSpec, b: ServiceSpec): boolean {
  return (
    a.scheduler === b.scheduler &&
    (a.flags & ~SVC_F.HASHED) === (b.flags & ~SVC_F.HASHED) &&
    a.timeout === b.timeout &&
    a.netmask === b.netmask &&
    a.pe === b.pe
  );
}

/** Same attributes an `-e` would set (identity — family, address, port — compared by the caller). */
export function sameDestAttrs(a: DestSpec, b: DestSpec): boolean {
  return (
    a.fwd === b.fwd &&
    a.weight === b.weight &&
    a.uThreshold === b.uThreshold &&
    a.lThreshold === b.lThreshold &&
    a.tunType === b.tunType &&
    a.tunPort === b.tunPort &&
    a.tunFlags === b.tunFlags
  );
}

export function sameDaemon(a: SyncDaemon, b: SyncDaemon): boolean {
  return (
    a.state === b.state &&
    a.mcastIfn === b.mcastIfn &&
    a.syncid === b.syncid &&
    a.maxlen === b.maxlen &&
    a.mcastGroup === b.mcastGroup &&
    a.mcastPort === b.mcastPort &&
    a.mcastTtl === b.mcastTtl
  );
}
