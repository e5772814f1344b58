/**
 * IP address text <-> bytes for the VRRP codecs. The wire layer imports nothing (design.md), so
 * this is a small local version of what core/addr.ts does: dotted quads, and IPv6 text in the
 * form glibc's inet_ntop prints (the canonical text the rest of tsvs uses).
 */

export type AddrFamily = 4 | 6;

export function addrLength(family: AddrFamily): number {
  return family === 4 ? 4 : 16;
}

function ipv4Bytes(text: string, out: Uint8Array, off: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return false;
    out[off + i] = Number(p);
  }
  return true;
}

function ipv6Groups(text: string): number[] | null {
  let s = text;
  const last = s.lastIndexOf(':');
  if (last >= 0 && s.includes('.', last)) {
    const tail = new Uint8Array(4);
    if (!ipv4Bytes(s.slice(last + 1), tail, 0)) return null;
    s = `${s.slice(0, last + 1)}${((tail[0]! << 8) | tail[1]!).toString(16)}:${((tail[2]! << 8) | tail[3]!).toString(16)}`;
  }
  const side = (t: string): number[] | null => {
    if (t === '') return [];
    const out: number[] = [];
    for (const g of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const dbl = s.indexOf('::');
  if (dbl === -1) {
    const all = side(s);
    return all && all.length === 8 ? all : null;
  }
  if (s.indexOf('::', dbl + 1) !== -1) return null;
  const head = side(s.slice(0, dbl));
  const tail = side(s.slice(dbl + 2));
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Write the address `text` of `family` at `out[off]`; false when the text is not such an address. */
export function writeAddr(text: string, family: AddrFamily, out: Uint8Array, off: number): boolean {
  if (family === 4) return ipv4Bytes(text, out, off);
  const g = ipv6Groups(text);
  if (!g) return false;
  for (let i = 0; i < 8; i++) {
    out[off + 2 * i] = g[i]! >>> 8;
    out[off + 2 * i + 1] = g[i]! & 0xff;
  }
  return true;
}

/** The bytes of an address, or null when `text` is not an address of `family`. */
export function addrBytes(text: string, family: AddrFamily): Uint8Array | null {
  const out = new Uint8Array(addrLength(family));
  return writeAddr(text, family, out, 0) ? out : null;
}

/** Address text from `buf[off]`: dotted quad, or IPv6 with the longest zero run (≥ 2 groups) as "::". */
export function readAddr(buf: Uint8Array, off: number, family: AddrFamily): string {
  if (family === 4) return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hex(g);
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
    // inet_ntop prints IPv4-compatible and IPv4-mapped addresses with a dotted tail.
    return `::${bestLen === 5 ? 'ffff:' : ''}${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Numeric comparison of two addresses of one family, as keepalived's tie-break compares them. */
export function compareAddr(a: string, b: string, family: AddrFamily): number {
  const x = addrBytes(a, family);
  const y = addrBytes(b, family);
  if (!x || !y) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** True for 224.0.0.0/4 or ff00::/8. */
export function isMulticast(text: string, family: AddrFamily): boolean {
  const b = addrBytes(text, family);
  if (!b) return false;
  return family === 4 ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff;
}
