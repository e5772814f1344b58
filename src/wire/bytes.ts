/**
 * Shared pieces of the frame codecs: the decode result type (design.md: `{ok, value, bytes}` or
 * `{ok:false, reason}`), big-endian field access and MAC address text.
 */

export type Decoded<T> = { readonly ok: true; readonly value: T; readonly bytes: number } | { readonly ok: false; readonly reason: string };

export function get16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

export function put16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}

export function get32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function put32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

/** "aa:bb:cc:dd:ee:ff" from 6 bytes at `off` (lower case, two digits each, as `ip link` prints). */
export function readMac(buf: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + buf[off + i]!.toString(16).padStart(2, '0');
  return s;
}

/** Write MAC text at `off`; false when the text is not six colon-separated hex bytes. */
export function writeMac(text: string, buf: Uint8Array, off: number): boolean {
  const parts = text.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return false;
  for (let i = 0; i < 6; i++) buf[off + i] = parseInt(parts[i]!, 16);
  return true;
}

/** The 6 bytes of a MAC address given as text; throws on bad text (configuration, never packet data). */
export function macBytes(text: string): Uint8Array {
  const out = new Uint8Array(6);
  if (!writeMac(text, out, 0)) throw new TypeError(`not a MAC address: ${text}`);
  return out;
}

/** Check that `len` bytes starting at `off` can be written to `buf`. */
export function ensureRoom(buf: Uint8Array, off: number, len: number, what: string): void {
  if (off < 0 || off + len > buf.length) throw new RangeError(`${what} needs ${len} bytes at ${off}, buffer has ${buf.length}`);
}
