/**
 * `tsvs run -f keepalived.conf` — the daemon, with keepalived's flags where they apply:
 *   -f, --use-file FILE      configuration (default /etc/keepalived/keepalived.conf)
 *   -n, --dont-fork          accepted; tsvs always stays in the foreground
 *   -l, --log-console        console log lines (with timestamps)
 *   -D, --log-detail         detailed log (debug lines, fields)
 *   -t, --config-test        check the configuration, print its errors, exit (0, 2, 5 or 6)
 *   -i, --config-id ID       for @ID conditional lines (default: host name up to the first '.')
 *   -p, --pid FILE           pid file
 * and tsvs's own: --engine proxy|packet, --api PATH, --api-tcp HOST:PORT, --api-token-file FILE,
 * --log-format text|json.
 * SIGHUP reloads (a configuration with errors is refused and the running one kept);
 * SIGTERM and SIGINT stop cleanly (API socket and pid file removed), exit 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { defaultSocketPath, parseHostPort } from '../api/endpoint.js';
import { StreamLogger, type LogFormat } from '../adapters/logger.js';
import type { EngineName } from '../main/daemon.js';
import { startDaemon, type RunningDaemon } from '../main/daemon.js';
import { configTest, keepalivedSource } from '../main/keepalived-source.js';

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

export const RUN_USAGE = `usage: tsvs run [-f FILE] [-n] [-l] [-D] [-t] [-i|--config-id ID] [-p PIDFILE]
                [--engine proxy|packet] [--api PATH] [--api-tcp HOST:PORT --api-token-file FILE]
                [--log-format text|json]
`;

export interface RunArgs {
  readonly file: string | null;
  readonly console: boolean;
  readonly detail: boolean;
  readonly test: boolean;
  readonly configId: string | null;
  readonly pidFile: string | null;
  readonly engine: EngineName;
  readonly api: string | null;
  readonly apiTcp: string | null;
  readonly apiTokenFile: string | null;
  readonly logFormat: LogFormat;
}

const VALUED: Readonly<Record<string, keyof RunArgs>> = {
  '-f': 'file',
  '--use-file': 'file',
  '-i': 'configId',
  '--config-id': 'configId',
  '-p': 'pidFile',
  '--pid': 'pidFile',
  '--engine': 'engine',
  '--api': 'api',
  '--api-tcp': 'apiTcp',
  '--api-token-file': 'apiTokenFile',
  '--log-format': 'logFormat',
};
const FLAGS: Readonly<Record<string, keyof RunArgs | null>> = {
  '-n': null,
  '--dont-fork': null,
  '-l': 'console',
  '--log-console': 'console',
  '-D': 'detail',
  '--log-detail': 'detail',
  '-t': 'test',
  '--config-test': 'test',
};

/** Parse `tsvs run` arguments; a string is the usage error. */
export function parseRunArgs(args: readonly string[]): RunArgs | string {
  const out: Record<string, unknown> = {
    file: null, console: false, detail: false, test: false, configId: null, pidFile: null,
    engine: 'proxy', api: null, apiTcp: null, apiTokenFile: null, logFormat: 'text',
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (Object.hasOwn(FLAGS, name) && name === a) {
      const key = FLAGS[name];
      if (key) out[key] = true;
      continue;
    }
    const key = VALUED[name];
    if (!key) return `unknown option '${a}'`;
    const value = name !== a ? a.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') return `option '${name}' needs a value`;
    out[key] = value;
  }
  if (out['engine'] !== 'proxy' && out['engine'] !== 'packet') return `unknown engine '${String(out['engine'])}' (expected proxy or packet)`;
  if (out['logFormat'] !== 'text' && out['logFormat'] !== 'json') return `unknown log format '${String(out['logFormat'])}' (expected text or json)`;
  if (out['apiTcp'] !== null && out['apiTokenFile'] === null) return '--api-tcp needs --api-token-file (the TCP listener requires a bearer token)';
  return out as unknown as RunArgs;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function readToken(file: string): string {
  const token = readFileSync(file, 'utf8').trim();
  if (token === '') throw new Error(`API token file ${file} is empty`);
  return token;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseRunArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`tsvs run: ${parsed}\n${RUN_USAGE}`);
    return 2;
  }
  const configId = parsed.configId ?? hostname().split('.')[0] ?? '';
  if (parsed.test) return configTest(parsed.file ?? DEFAULT_CONFIG_FILE, configId, (t) => process.stderr.write(t));

  const logger = new StreamLogger({ format: parsed.logFormat, console: parsed.console, detail: parsed.detail });
  // Without -f, a missing default file means "no configuration" rather than an error.
  const file = parsed.file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : null);
  let tcp;
  try {
    if (parsed.apiTcp !== null) {
      const hp = parseHostPort(parsed.apiTcp);
      if (!hp) throw new Error(`invalid --api-tcp '${parsed.apiTcp}' (expected HOST:PORT)`);
      tcp = { ...hp, token: readToken(parsed.apiTokenFile!) };
    }
  } catch (e) {
    process.stderr.write(`tsvs run: ${(e as Error).message}\n`);
    return 2;
  }
  const socketPath = parsed.api ?? (process.env['TSVS_API'] || undefined) ?? defaultSocketPath({ env: process.env, uid: process.getuid?.() ?? 0, tmpdir: tmpdir() });
  // Signals are caught from the start: a SIGTERM that arrives while the daemon is starting stops it
  // as soon as it is up (Node's default action would kill it without cleaning up).
  let daemon: RunningDaemon | null = null;
  let stopRequested = false;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  const onHup = (): void => void daemon?.reload();
  const onStop = (): void => {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    stopRequested = true;
    if (daemon) void daemon.stop().then(() => finish(0));
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  try {
    daemon = await startDaemon({
      version: version(),
      engine: parsed.engine,
      config: file === null ? null : { file, source: keepalivedSource(file, configId, logger), configId },
      socketPath,
      ...(tcp ? { tcp } : {}),
      ...(parsed.pidFile ? { pidFile: parsed.pidFile } : {}),
      logger,
    });
  } catch (e) {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    logger.error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (stopRequested) void daemon.stop().then(() => finish(0));
  return done;
}
