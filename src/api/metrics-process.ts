/**
 * Process figures for /metrics under the names Prometheus client libraries use (process_*,
 * nodejs_*), so standard "process" dashboards work unchanged.
 */
import { readdirSync } from 'node:fs';
import type { Exposition } from './metrics-format.js';

export interface ProcessFigures {
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly residentBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly startTimeSeconds: number;
  /** Open file descriptors; null where /proc/self/fd is not readable. */
  readonly openFds: number | null;
}

const started = Date.now() / 1000 - process.uptime();

/** Read this process's figures now. */
export function readProcessFigures(): ProcessFigures {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  let openFds: number | null;
  try {
    openFds = readdirSync('/proc/self/fd').length;
  } catch {
    openFds = null;
  }
  return {
    cpuUserSeconds: cpu.user / 1e6,
    cpuSystemSeconds: cpu.system / 1e6,
    residentBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    heapTotalBytes: mem.heapTotal,
    externalBytes: mem.external,
    startTimeSeconds: Math.round(started),
    openFds,
  };
}

export function processMetrics(x: Exposition, p: ProcessFigures): void {
  x.family('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds.')(p.cpuUserSeconds);
  x.family('process_cpu_system_seconds_total', 'counter', 'System CPU time spent in seconds.')(p.cpuSystemSeconds);
  x.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.')(p.cpuUserSeconds + p.cpuSystemSeconds);
  x.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.')(p.residentBytes);
  x.family('process_start_time_seconds', 'gauge', 'Start time of the process since the epoch in seconds.')(p.startTimeSeconds);
  if (p.openFds !== null) x.family('process_open_fds', 'gauge', 'Number of open file descriptors.')(p.openFds);
  x.family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.')(p.heapUsedBytes);
  x.family('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes.')(p.heapTotalBytes);
  x.family('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript objects, in bytes.')(p.externalBytes);
}
