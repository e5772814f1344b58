import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostResolvable, inetAton, isInetPton4, isInetPton6, parseInet, parsePrefixed, parseSockAddr } from './inet.js';
import { findDsfield, findProtocol, findRealms, findRouteType, findScope, findTable, ipProtocol } from './iproute-names.js';
import { readBool, readDecimal, readInt, readUnsigned, readUnsigned64, readUnsignedBase, strtoul } from './numbers.js';
import { readScriptLine, splitQuotedEscaped } from './script.js';
import { editDistance, suggest } from './suggest.js';

test('readUnsigned: base 10, leading blanks, range, keepalived messages', () => {
  assert.deepEqual(readUnsigned('42', 1, 255), { ok: true, value: 42 });
  assert.deepEqual(readUnsigned(' 7', 0, 9), { ok: true, value: 7 });
  assert.deepEqual(readUnsigned('300', 1, 255), { ok: false, value: 300, reason: 'range', message: "number '300' outside range [1, 255]" });
  assert.deepEqual(readUnsigned('-1', 0, 5), { ok: false, value: 0, reason: 'invalid', message: "negative number '-1'" });
  assert.deepEqual(readUnsigned('5x', 0, 9), { ok: false, value: 5, reason: 'invalid', message: "invalid number '5x'" });
  assert.deepEqual(readUnsigned('0x10', 0, 99), { ok: false, value: 0, reason: 'invalid', message: "invalid number '0x10'" });
  assert.deepEqual(readUnsigned('4294967296', 0, 4294967295).ok, false);
});

test('readInt: signed range', () => {
  assert.deepEqual(readInt('-253', -253, 253), { ok: true, value: -253 });
  assert.deepEqual(readInt('254', -253, 253), { ok: false, value: 254, reason: 'range', message: "number '254' outside range [-253, 253]" });
});

test('readDecimal: microseconds, rounding of extra digits, range text', () => {
  assert.deepEqual(readDecimal('1.5', 0, 10e6, 6), { ok: true, value: 1_500_000 });
  assert.deepEqual(readDecimal('.25', 0, 10e6, 6), { ok: true, value: 250_000 });
  assert.deepEqual(readDecimal('0.0000015', 0, 10e6, 6), { ok: true, value: 2, message: "number '0.0000015' has too many decimal places" });
  assert.deepEqual(readDecimal('0', 1, 4294967295, 6), { ok: false, value: 0, reason: 'range', message: "number '0' outside range [0.000001, 4294.967295]" });
  assert.equal(readDecimal('1.2.3', 0, 10e6, 6).ok, false);
  assert.equal(readDecimal('-1', 0, 10e6, 6).ok, false);
});

test('readBool: lower-case words only', () => {
  assert.deepEqual(['on', 'yes', 'true', 'off', 'no', 'false', 'Yes', '1'].map(readBool), [true, true, true, false, false, false, null, null]);
});

test('inet_pton: IPv4 needs four parts without leading zeros', () => {
  assert.deepEqual(['1.2.3.4', '0.0.0.0', '255.255.255.255', '192.168.200', '1.2.3.04', '1.2.3.256', '1..2.3', '1.2.3.4.'].map(isInetPton4), [true, true, true, false, false, false, false, false]);
  assert.deepEqual(['::1', 'fe80::1:2', '::ffff:1.2.3.4', ':::1', '1::2::3', 'fe80::1%eth0', '::ffff:1.2.3.04'].map(isInetPton6), [true, true, true, false, false, false, false]);
  assert.deepEqual(parseInet('2001:DB8:0:0::1'), { family: 6, addr: '2001:db8::1' });
});

test('addresses with a port, ranges and masks ignored after - or /', () => {
  assert.deepEqual(parseSockAddr('10.0.0.1', '80'), { family: 4, addr: '10.0.0.1', port: 80 });
  assert.deepEqual(parseSockAddr('10.0.0.1-9', undefined), { family: 4, addr: '10.0.0.1', port: 0 });
  assert.equal(parseSockAddr('10.0.0.1', '65536'), null);
  assert.equal(parseSockAddr('192.168.200', '80'), null);
  assert.deepEqual(parsePrefixed('10.0.0.1/24'), { family: 4, addr: '10.0.0.1', prefix: 24 });
  assert.deepEqual(parsePrefixed('10.0.0.1/33'), { family: 4, addr: '10.0.0.1', prefix: 32, badPrefix: '33' });
});

test('script lines: shell-like quoting and escapes; then user and group', () => {
  assert.deepEqual(splitQuotedEscaped(`a "b c" 'd e' f\\ g \\x41\\101\\t`), ['a', 'b c', 'd e', 'f g', 'AA\t']);
  assert.equal(splitQuotedEscaped('"open'), null);
  const at = { file: '/k', line: 1, col: 1 };
  assert.deepEqual(readScriptLine('notify_master "/bin/echo a b" root wheel', true, at), {
    ok: true,
    script: { text: '/bin/echo a b', args: ['/bin/echo', 'a', 'b'], user: 'root', group: 'wheel', loc: at },
  });
  assert.deepEqual(readScriptLine('script /bin/true extra', false, at), {
    ok: true,
    script: { text: '/bin/true', args: ['/bin/true'], user: null, group: null, loc: at },
  });
});

test('suggestions by edit distance among the keywords of a block', () => {
  assert.equal(editDistance('gloal_defs', 'global_defs'), 1);
  assert.equal(editDistance('ab', 'ba'), 1);
  assert.equal(suggest('gloal_defs', ['global_defs', 'vrrp_instance']), 'global_defs');
  assert.equal(suggest('delay_before_retrey', ['delay_loop', 'delay_before_retry', 'retry']), 'delay_before_retry');
  assert.equal(suggest('TCP_check', ['TCP_CHECK', 'HTTP_GET']), 'TCP_CHECK');
  assert.equal(suggest('nat_mask', ['protocol', 'lb_kind']), undefined);
});

test('strtoul: C semantics on 64 bits (base 0 prefixes, sign wrap, overflow, where it stops)', () => {
  assert.deepEqual(strtoul('0x1f', 0), { value: 31n, end: 4, overflow: false });
  assert.deepEqual(strtoul('010', 0), { value: 8n, end: 3, overflow: false });
  assert.deepEqual(strtoul('08', 0), { value: 0n, end: 1, overflow: false });
  assert.deepEqual(strtoul('0x', 0), { value: 0n, end: 1, overflow: false });
  assert.deepEqual(strtoul('-1', 10), { value: (1n << 64n) - 1n, end: 2, overflow: false });
  assert.deepEqual(strtoul('99999999999999999999', 10), { value: (1n << 64n) - 1n, end: 20, overflow: true });
  assert.deepEqual(strtoul('abc', 0), { value: 0n, end: 0, overflow: false });
  assert.deepEqual(strtoul('ff:1', 16), { value: 255n, end: 2, overflow: false });
});

test('readUnsignedBase / readUnsigned64: keepalived read_unsigned_base / read_unsigned64 messages', () => {
  assert.deepEqual(readUnsignedBase('0x65', 0, 4294967295, 0), { ok: true, value: 101 });
  assert.deepEqual(readUnsignedBase('0x65', 0, 4294967295, 10), { ok: false, value: 0, reason: 'invalid', message: "invalid number '0x65'" });
  assert.deepEqual(readUnsignedBase('4294967296', 0, 4294967295, 0), { ok: false, value: 0, reason: 'range', message: "number '4294967296' outside unsigned integer range" });
  assert.deepEqual(readUnsignedBase('-0', 0, 9, 0), { ok: false, value: 0, reason: 'invalid', message: "negative number '-0'" });
  assert.deepEqual(readUnsignedBase('', 0, 9, 10), { ok: true, value: 0 });
  assert.deepEqual(readUnsigned64('18446744073709551615', 0n, (1n << 64n) - 1n), { ok: true, value: (1n << 64n) - 1n });
  assert.deepEqual(readUnsigned64('18446744073709551616', 0n, (1n << 64n) - 1n), { ok: false, message: "number '18446744073709551616' outside unsigned 64 bit range" });
  assert.deepEqual(readDecimal('2000000', 0, 960000, 0), { ok: false, value: 2000000, reason: 'range', message: "number '2000000' outside range [0., 960000.]" });
});

test('iproute2 names: Debian 12 tables, numbers up to each maximum, route types, realms, IP protocols', () => {
  assert.deepEqual(['main', 'local', 'default', 'unspec', 'backup', '100', '-1', '4294967296', '0x10'].map(findTable), [254, 255, 253, 0, null, 100, 4294967295, 0, 16]);
  assert.deepEqual(['EF', 'AF11', '0xb8', '256', 'ef'].map(findDsfield), [0xb8, 0x28, 0xb8, null, null]);
  assert.deepEqual(['keepalived', 'static', 'bgp', 'none', '18'].map(findProtocol), [18, 4, 186, null, 18]);
  assert.deepEqual(['link', 'host', 'site', 'global', 'nowhere', 'universe'].map(findScope), [253, 254, 200, 0, 255, null]);
  assert.deepEqual(['cosmos', 'cosmos/3', '1/2', '3/x', '256'].map(findRealms), [0, 3, 0x10002, null, null]);
  assert.deepEqual(['blackhole', 'brd', '6', '255', '256', '-1', '', 'to'].map(findRouteType), [6, 3, 6, 255, null, null, 0, null]);
  assert.deepEqual(['tcp', 'TCP', 'sctp', '6', '127', '128', '200', 'mptcp', '-6', ''].map(ipProtocol), [6, 6, 132, 6, 127, -1, -1, 262, -1, -1]);
});

test('inet_aton forms and host names getaddrinfo could resolve (smtp_server)', () => {
  assert.deepEqual(['10.1', '0x0a000001', '167772161', '010.0.0.1', '1.0x10000', '1.2.3.4'].map(inetAton), [0x0a000001, 0x0a000001, 0x0a000001, 0x08000001, 0x01010000, 0x01020304]);
  assert.deepEqual(['10.0.0.300', '99999999999', '08.1.1.1', '0x100.1.1.1', '1.2.65536', '1.2.3.4.5', '1..2', ''].map(inetAton), [null, null, null, null, null, null, null, null]);
  const ok = ['localhost', 'mail.example.com', 'mailhost.', 'a_b', '::1', 'fe80::1%eth0', '10.1'];
  const bad = ['10.0.0.300', '1.2.3.4.5', 'mail.123', '10.0.0.1-5', '1.2.3.4/24', 'exa..mple.com', '-abc', '::g', 'fe80::1%', '99999999999'];
  assert.deepEqual(ok.map(hostResolvable), ok.map(() => true));
  assert.deepEqual(bad.map(hostResolvable), bad.map(() => false));
});
