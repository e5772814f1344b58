/**
 * Configuration files as the keepalived.conf reader sees them (its injected FileIo): a path is
 * read only when it is a regular file, anything else (missing, a directory, unreadable) is null;
 * include patterns expand with the shared glob (fs-glob.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { globSync } from './fs-glob.js';

export function readConfigFile(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export const configFileIo = {
  readFile: readConfigFile,
  glob: (pattern: string): string[] => globSync(pattern),
};
