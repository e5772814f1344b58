/**
 * keepalived.conf as the daemon's configuration source: read it (with includes and @config-id
 * lines) from the file system, translate it to operations, and render its diagnostics the way
 * keepalived 2.2.7 prints them under -t: `(FILE: Line N) message`. Also `tsvs run -t`.
 * COMPAT(keepalived): keepalived prints the findings of its post-reading checks ("Virtual server
 * [10.0.0.1]:tcp:80: no scheduler set, ...") without a location and some reading errors a second
 * time as `(Line N) message` from its child processes; tsvs prints each finding once, located.
 */
import { configFileIo, readConfigFile } from '../adapters/config-files.js';
import type { Logger } from '../core/ports.js';
import type { ConfigLoad, ConfigSource } from '../engine/reload.js';
import { configTestExitCode, type Diagnostic } from '../lang/keepalived/diagnostics.js';
import { parseKeepalivedConfig } from '../lang/keepalived/parse.js';
import { toIpvsOps } from '../lang/keepalived/to-ipvs-ops.js';

/** keepalived's rendering of one diagnostic. */
export function keepalivedLine(d: Diagnostic): string {
  return `(${d.file}: Line ${d.line}) ${d.message}`;
}

/**
 * `-t` for a missing main file. COMPAT(keepalived): 2.2.7 prints the message and exits 0 (a bug,
 * issue #955); tsvs exits with keepalived's own "cannot run" status.
 */
export const EXIT_CONFIG_MISSING = 4;

function missingMessage(file: string): string {
  return `Config files missing '${file}'.`;
}

interface Reading {
  readonly load: ConfigLoad;
  readonly diagnostics: readonly Diagnostic[];
}

function read(file: string, configId: string): Reading {
  if (readConfigFile(file) === null) return { load: { messages: [missingMessage(file)], errors: 1, fatal: true, ops: [], model: null }, diagnostics: [] };
  const { model, diagnostics } = parseKeepalivedConfig(file, { ...configFileIo, configId });
  const shown = diagnostics.filter((d) => d.severity !== 'info');
  return {
    load: {
      messages: shown.map(keepalivedLine),
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      fatal: false,
      ops: toIpvsOps(model),
      model,
    },
    diagnostics,
  };
}

/**
 * The reloader's source: every call re-reads the file, and gives its operations with the model
 * they come from (health checking reads the model). Notes (info) go to the detail log.
 */
export function keepalivedSource(file: string, configId: string, logger: Logger): ConfigSource {
  return () => {
    logger.debug(`Opening file '${file}'.`);
    const r = read(file, configId);
    for (const d of r.diagnostics) if (d.severity === 'info') logger.debug(keepalivedLine(d), { code: d.code });
    return r.load;
  };
}

/** `tsvs run -t`: print the errors as keepalived -t does and return its exit status. */
export function configTest(file: string, configId: string, write: (text: string) => void): number {
  if (readConfigFile(file) === null) {
    write(`${missingMessage(file)}\n`);
    return EXIT_CONFIG_MISSING;
  }
  const { diagnostics } = parseKeepalivedConfig(file, { ...configFileIo, configId });
  for (const d of diagnostics) if (d.severity === 'error') write(`${keepalivedLine(d)}\n`);
  return configTestExitCode(diagnostics);
}
