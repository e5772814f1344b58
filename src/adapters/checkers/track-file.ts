/**
 * The files FILE_CHECK follows (keepalived's track_file, trackers/track_file.c): the value is
 * the number at the start of the file as strtol(…, 0) reads it (decimal, 0x hex, 0 octal); a
 * missing or empty file is 0; a value outside the 32-bit range is ignored. Changes are picked up
 * from directory notifications (inotify through fs.watch), as keepalived does. init_file writes
 * through a temporary file renamed into place (keepalived's fopen_safe), so a reader never sees
 * a half-written value.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../core/ports.js';
import type { TrackFileInit, TrackFiles } from '../../engine/health/ports.js';

/** strtol(text, NULL, 0) with keepalived's range check; null when the number is out of range. */
export function parseTrackValue(text: string): number | null {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  if (!m) return 0;
  const digits = m[2]!;
  const v = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
  const value = m[1] === '-' ? -v : v;
  return value < -2147483648 || value > 2147483648 ? null : value;
}

/** Write `text` to `path` atomically: a new file (mode 0666 less the umask) renamed over it. */
function replaceFile(path: string, text: string): void {
  const tmp = `${path}${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o666);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

export class TrackFileWatcher implements TrackFiles {
  constructor(private readonly logger: Logger) {}

  initialise(path: string, value: number, overwrite: boolean, reload: boolean): TrackFileInit {
    let regular: boolean | null = null;
    try {
      regular = statSync(path).isFile();
    } catch {
      // Missing (or not reachable): create it.
    }
    if (regular !== null) {
      if (!overwrite) return 'kept';
      if (!regular) return 'not-regular';
      // Don't overwrite a file on reload.
      if (reload) return 'kept';
    }
    try {
      replaceFile(path, `${value}\n`);
      return 'written';
    } catch (e) {
      this.logger.debug(`init_file ${path}: ${e instanceof Error ? e.message : String(e)}`);
      return 'failed';
    }
  }

  read(path: string): number {
    return this.value(this.text(path), path) ?? 0;
  }

  /** The first bytes of the file ('' when missing or unreadable: keepalived's value 0). */
  private text(path: string): string {
    try {
      return readFileSync(path, 'latin1').slice(0, 127);
    } catch {
      return '';
    }
  }

  private value(text: string, path: string): number | null {
    const v = parseTrackValue(text);
    if (v === null) this.logger.info(`Invalid number ${text.trim()} read from ${path} - ignoring`);
    return v;
  }

  watch(path: string, changed: (value: number) => void): () => void {
    let lastText = this.text(path);
    let last = parseTrackValue(lastText) ?? 0;
    const file = basename(path);
    let w: FSWatcher;
    try {
      // One write can raise several notifications: act only on a changed content.
      w = watch(dirname(path), (_event, name) => {
        if (name !== null && name !== file) return;
        const text = this.text(path);
        if (text === lastText) return;
        lastText = text;
        const v = this.value(text, path);
        if (v === null || v === last) return;
        last = v;
        changed(v);
      });
    } catch (e) {
      this.logger.error(`Track file directory for ${path} cannot be watched: ${e instanceof Error ? e.message : String(e)}`);
      return () => undefined;
    }
    w.on('error', () => undefined);
    return () => w.close();
  }
}
