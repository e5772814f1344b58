/**
 * An in-memory file set for parseKeepalivedConfig (configurations given as text, e.g. by an API
 * client, and tests): `readFile` and a glob(3)-style `glob` (`*`, `?`, `[...]`, `[!...]` within one
 * path segment) over absolute paths.
 */

export interface MemoryFiles {
  readFile(path: string): string | null;
  glob(pattern: string): string[];
}

function segmentRegex(pattern: string): RegExp {
  let rx = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') rx += '[^/]*';
    else if (c === '?') rx += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) rx += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        rx += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < pattern.length) rx += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else rx += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${rx}$`);
}

export function memoryFiles(files: Readonly<Record<string, string>>): MemoryFiles {
  return {
    readFile: (path) => (Object.prototype.hasOwnProperty.call(files, path) ? files[path]! : null),
    glob: (pattern) => {
      const rx = segmentRegex(pattern);
      return Object.keys(files).filter((p) => rx.test(p));
    },
  };
}
