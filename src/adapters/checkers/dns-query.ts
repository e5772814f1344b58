/**
 * The DNS_CHECK query (check_dns.c dns_make_query): a 12-byte header with the given id and RD
 * set, one question for `name` (the root `.` by default) of the configured type, class IN; and the
 * checks applied to an answer (same id, QR set, RCODE 0).
 */

/** Query types DNS_CHECK accepts (check_dns.h). */
export const DNS_TYPES: Readonly<Record<string, number>> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, RRSIG: 46, DNSKEY: 48 };

const HEADER = 12;

/** QNAME: length-prefixed labels, ending in a zero byte; `.` alone is the root (a single zero). */
export function encodeName(name: string): Buffer {
  const labels = name.split('.').filter((l, i, all) => l.length > 0 || (i === 0 && all.length === 1));
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'latin1');
    parts.push(Buffer.from([b.length & 0xff]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export function dnsQuery(id: number, type: string, name: string): Buffer {
  const q = encodeName(name);
  const buf = Buffer.alloc(HEADER + q.length + 4);
  buf.writeUInt16BE(id & 0xffff, 0);
  buf.writeUInt16BE(0x0100, 2); // RD
  buf.writeUInt16BE(1, 4); // QDCOUNT
  q.copy(buf, HEADER);
  buf.writeUInt16BE(DNS_TYPES[type.toUpperCase()] ?? DNS_TYPES['SOA']!, HEADER + q.length);
  buf.writeUInt16BE(1, HEADER + q.length + 2); // IN
  return buf;
}

/**
 * What an answer means: `ignore` (too short, another id, not a response: keep waiting), a
 * failure with keepalived's words, or `ok`.
 */
export function judgeAnswer(id: number, msg: Buffer): 'ignore' | 'ok' | { readonly rcode: number } {
  if (msg.length < HEADER) return 'ignore';
  if (msg.readUInt16BE(0) !== (id & 0xffff)) return 'ignore';
  const flags = msg.readUInt16BE(2);
  if (!(flags & 0x8000)) return 'ignore';
  const rcode = flags & 0x000f;
  return rcode === 0 ? 'ok' : { rcode };
}
