/**
 * IP addresses as the model keeps them: canonical text ("192.168.1.1", "2001:db8::1"), which is
 * immutable, printable and usable as a map key. Hot paths use the numeric forms computed here once
 * (IPv4 as an unsigned 32-bit number, IPv6 as four big-endian 32-bit words).
 */

export type Family = 4 | 6;

/** Parse dotted-quad IPv4 (exactly four decimal parts 0..255, no leading '+'). */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^[0-9]+$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v >>> 0;
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Parse an IPv6 literal (with optional embedded IPv4 tail) into 8 16-bit groups. */
export function parseIPv6Groups(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    // An embedded IPv4 tail ("::ffff:1.2.3.4") stands for the last two groups.
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return null;
  const parseSide = (side: string): number[] | null => {
    if (side === '') return [];
    const out: number[] = [];
    for (const g of side.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const all = parseSide(s);
    if (!all) return null;
    groups = all;
    if (groups.length !== 8) return null;
  } else {
    const head = parseSide(s.slice(0, dbl));
    const rest = parseSide(s.slice(dbl + 2));
    if (!head || !rest) return null;
    const known = head.length + rest.length;
    if (known > 7) return null;
    groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest];
  }
  return groups;
}

/** Format 8 groups the way glibc's inet_ntop does (longest run of >= 2 zero groups as "::"). */
export function formatIPv6Groups(g: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, not ::/::1) keep a dotted tail.
  const v4tail = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${v4tail}`;
  if (bestStart === 0 && bestLen === 6 && (g[6] !== 0 || g[7]! > 1)) return `::${v4tail}`;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += g[i]!.toString(16) + (i < 7 ? ':' : '');
  }
  return out;
}

export interface ParsedIp {
  readonly family: Family;
  /** Canonical text. */
  readonly text: string;
  /** IPv4: one word. IPv6: four big-endian 32-bit words. */
  readonly words: readonly number[];
}

/** Parse an IPv4 or IPv6 literal (no brackets, no zone). */
export function parseIp(text: string): ParsedIp | null {
  if (text.includes(':')) {
    const g = parseIPv6Groups(text);
    if (!g) return null;
    const words = [0, 1, 2, 3].map((i) => ((g[2 * i]! << 16) | g[2 * i + 1]!) >>> 0);
    return { family: 6, text: formatIPv6Groups(g), words };
  }
  const v = parseIPv4(text);
  if (v === null) return null;
  return { family: 4, text: formatIPv4(v), words: [v] };
}

/** Canonical text of a literal, or null when it is not an address. */
export function canonicalIp(text: string): string | null {
  return parseIp(text)?.text ?? null;
}

export function ipFamily(text: string): Family {
  return text.includes(':') ? 6 : 4;
}

/**
 * The kernel's address fold for hashing schedulers (sh, dh, mh, lblc): IPv4 is the address as a
 * host-order number; IPv6 is the XOR of its four big-endian 32-bit words.
 */
export function foldWords(words: readonly number[]): number {
  let f = 0;
  for (const w of words) f = (f ^ w) >>> 0;
  return f;
}

export function foldIp(text: string): number {
  const p = parseIp(text);
  if (!p) throw new Error(`not an IP address: ${text}`);
  return foldWords(p.words);
}

/** Apply a persistence netmask: IPv4 with a 32-bit mask, IPv6 with a prefix length. */
export function maskIp(text: string, family: Family, netmask: number): string {
  const p = parseIp(text);
  if (!p) throw new Error(`not an IP address: ${text}`);
  if (family === 4) return formatIPv4((p.words[0]! & netmask) >>> 0);
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) {
    const w = p.words[i >> 1]!;
    const g = i % 2 === 0 ? w >>> 16 : w & 0xffff;
    const bits = Math.max(0, Math.min(16, netmask - i * 16));
    const m = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    groups.push(g & m);
  }
  return formatIPv6Groups(groups);
}

/** IPv4 prefix length → 32-bit mask (e.g. 24 → 0xffffff00). */
export function prefixToMask4(prefix: number): number {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
}
