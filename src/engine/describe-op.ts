/**
 * One-line, human-readable descriptions of operations for the daemon's log
 * (e.g. `add-dest TCP 127.0.0.100:8080 -> 127.0.0.1:8081 nat weight 1`).
 */
import type { DestId, ServiceKey } from '../core/model.js';
import type { Op } from '../core/ops.js';

function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export function describeService(k: ServiceKey): string {
  if (k.kind === 'fwmark') return `FWM ${k.fwmark}${k.family === 6 ? ' IPv6' : ''}`;
  return `${k.protocol.toUpperCase()} ${hostPort(k.addr, k.port)}`;
}

export function describeDest(d: DestId): string {
  return hostPort(d.addr, d.port);
}

export function describeOp(op: Op): string {
  switch (op.type) {
    case 'add-service':
    case 'edit-service':
      return `${op.type} ${describeService(op.service.key)} ${op.service.scheduler}`;
    case 'delete-service':
      return `${op.type} ${describeService(op.service)}`;
    case 'flush':
      return 'flush';
    case 'add-dest':
    case 'edit-dest':
      return `${op.type} ${describeService(op.service)} -> ${describeDest(op.dest)} ${op.dest.fwd} weight ${op.dest.weight}`;
    case 'delete-dest':
      return `${op.type} ${describeService(op.service)} -> ${describeDest(op.dest)}`;
    case 'zero':
      return op.service ? `zero ${describeService(op.service)}` : 'zero all';
    case 'set-timeouts':
      return `set-timeouts ${op.tcp} ${op.tcpfin} ${op.udp}`;
    case 'start-daemon':
      return `start-daemon ${op.daemon.state} ${op.daemon.mcastIfn} syncid ${op.daemon.syncid}`;
    case 'stop-daemon':
      return `stop-daemon ${op.state}`;
  }
}
