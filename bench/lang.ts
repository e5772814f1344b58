/**
 * `npm run bench:lang`: keepalived.conf parsing at scale. Generates a configuration with 10,000
 * virtual servers × 10 real servers, each real server with a TCP_CHECK, then times
 * parseKeepalivedConfig (parse + validate + model, median of 3 runs) and reports the peak RSS.
 * Targets: ≤ 1.5 s and ≤ 400 MB. When /usr/sbin/keepalived is installed, `keepalived -t -f FILE`
 * is timed on the same file in the same run and the ratio is printed.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseKeepalivedConfig } from '../src/lang/keepalived/parse.js';
import { toIpvsOps } from '../src/lang/keepalived/to-ops.js';

const SERVERS = 10_000;
const REALS = 10;
const RUNS = 3;
const KEEPALIVED = '/usr/sbin/keepalived';

/** Write the configuration one virtual server at a time (the generator should not inflate the peak). */
function generate(file: string): { bytes: number; lines: number } {
  const fd = openSync(file, 'w');
  let bytes = 0;
  let lines = 0;
  const emit = (chunk: string[]): void => {
    const s = `${chunk.join('\n')}\n`;
    writeSync(fd, s);
    bytes += s.length;
    lines += chunk.length;
  };
  emit(['global_defs {', '  router_id BENCH', '}', '']);
  for (let v = 0; v < SERVERS; v++) {
    const vip = `10.${(v >> 8) & 255}.${v & 255}.1`;
    const port = 80 + (v % 100);
    const out = [`virtual_server ${vip} ${port} {`, '  delay_loop 6', '  lb_algo wrr', '  lb_kind DR', '  protocol TCP'];
    for (let r = 0; r < REALS; r++) {
      out.push(
        `  real_server 172.${16 + (v >> 12)}.${(v >> 4) & 255}.${((v & 15) << 4) | r} ${port} {`,
        `    weight ${1 + r}`,
        '    TCP_CHECK {',
        '      connect_timeout 3',
        '      retry 3',
        '      delay_before_retry 3',
        '    }',
        '  }',
      );
    }
    out.push('}');
    emit(out);
  }
  closeSync(fd);
  return { bytes, lines };
}

/** A full collection between runs, so each run's peak is measured from a clean heap. */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One timed parse; only numbers leave this function, so nothing is retained across runs. */
function timeOneParse(file: string, report: boolean): number {
  const t0 = performance.now();
  const r = parseKeepalivedConfig(file, { readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null), glob: () => [] });
  const ms = performance.now() - t0;
  if (report) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    console.log(`  model: ${r.model.virtualServers.length} virtual servers, ${toIpvsOps(r.model).length} IPVS operations, ${errors} errors`);
  }
  return ms;
}

const dir = mkdtempSync(join(tmpdir(), 'tsvs-bench-lang-'));
const file = join(dir, 'keepalived.conf');
try {
  const { bytes, lines } = generate(file);
  console.log(`Generated ${file}: ${SERVERS} virtual servers × ${REALS} real servers with TCP_CHECK, ${(bytes / 1e6).toFixed(1)} MB, ${lines} lines`);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    collect();
    times.push(timeOneParse(file, i === 0));
  }
  const ms = median(times);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`tsvs parse+validate: median ${(ms / 1000).toFixed(3)} s of ${RUNS} (${times.map((t) => (t / 1000).toFixed(3)).join(', ')}) — target ≤ 1.5 s: ${ms <= 1500 ? 'met' : 'MISSED'}`);
  console.log(`peak RSS: ${rssMb.toFixed(0)} MB — target ≤ 400 MB: ${rssMb <= 400 ? 'met' : 'MISSED'}`);
  if (existsSync(KEEPALIVED)) {
    const kt: number[] = [];
    let status: number | null = null;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const k = spawnSync(KEEPALIVED, ['-t', '-f', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      kt.push(performance.now() - t0);
      status = k.status;
    }
    const kms = median(kt);
    console.log(`keepalived -t -f FILE: median ${(kms / 1000).toFixed(3)} s of ${RUNS} (exit ${status})`);
    console.log(`ratio tsvs / keepalived: ${(ms / kms).toFixed(2)}`);
  } else console.log(`${KEEPALIVED} not installed: no comparison`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
