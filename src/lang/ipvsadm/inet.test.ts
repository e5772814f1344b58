// glibc conversions ipvsadm relies on. Each row is what glibc 2.x on Debian returned for the
// input (recorded with a small C program calling inet_aton, inet_pton, strtol and atoi).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atoi, inetAton, inetPton4, inetPton6, ipv4Text, ipv6Text, stringToNumber, strtol10 } from './inet.js';

type Row = [input: string, aton: string | null, pton4: string | null, pton6: string | null, strtol: [bigint, number, boolean], atoi: number];

const GLIBC: Row[] = [
  ["1.2.3.4", "1.2.3.4", "1.2.3.4", null, [1n, 1, false], 1],
  ["10.1", "10.0.0.1", null, null, [10n, 2, false], 10],
  ["167772161", "10.0.0.1", null, null, [167772161n, 9, false], 167772161],
  ["0x0a000001", "10.0.0.1", null, null, [0n, 1, false], 0],
  ["0x", null, null, null, [0n, 1, false], 0],
  ["0x.1", null, null, null, [0n, 1, false], 0],
  ["0X1F.2", "31.0.0.2", null, null, [0n, 1, false], 0],
  ["08", null, null, null, [8n, 2, false], 8],
  ["07.1", "7.0.0.1", null, null, [7n, 2, false], 7],
  ["1.2.3.4 x", "1.2.3.4", null, null, [1n, 1, false], 1],
  ["1.2.3.4x", null, null, null, [1n, 1, false], 1],
  ["1.2.3.4.5", null, null, null, [1n, 1, false], 1],
  ["256.1.1.1", null, null, null, [256n, 3, false], 256],
  ["1.256.1.1", null, null, null, [1n, 1, false], 1],
  ["1.2.65535", "1.2.255.255", null, null, [1n, 1, false], 1],
  ["1.2.65536", null, null, null, [1n, 1, false], 1],
  ["1.16777215", "1.255.255.255", null, null, [1n, 1, false], 1],
  ["1.16777216", null, null, null, [1n, 1, false], 1],
  ["4294967295", "255.255.255.255", null, null, [4294967295n, 10, false], -1],
  ["4294967296", null, null, null, [4294967296n, 10, false], 0],
  ["99999999999999999999999", null, null, null, [9223372036854775807n, 23, true], -1],
  [" 1.2.3.4", null, null, null, [1n, 2, false], 1],
  ["01.2.3.4", "1.2.3.4", null, null, [1n, 2, false], 1],
  ["0.0.0.0", "0.0.0.0", "0.0.0.0", null, [0n, 1, false], 0],
  ["1..2", null, null, null, [1n, 1, false], 1],
  ["1.2.3.", null, null, null, [1n, 1, false], 1],
  [".1.2.3", null, null, null, [0n, 0, false], 0],
  ["::1", null, null, "::1", [0n, 0, false], 0],
  ["::", null, null, "::", [0n, 0, false], 0],
  ["1::", null, null, "1::", [1n, 1, false], 1],
  [":1", null, null, null, [0n, 0, false], 0],
  ["1:", null, null, null, [1n, 1, false], 1],
  ["1::2::3", null, null, null, [1n, 1, false], 1],
  ["2001:db8::1:80", null, null, "2001:db8::1:80", [2001n, 4, false], 2001],
  ["::ffff:1.2.3.4", null, null, "::ffff:1.2.3.4", [0n, 0, false], 0],
  ["::ffff:01.2.3.4", null, null, null, [0n, 0, false], 0],
  ["1:2:3:4:5:6:7:8", null, null, "1:2:3:4:5:6:7:8", [1n, 1, false], 1],
  ["1:2:3:4:5:6:7:8:9", null, null, null, [1n, 1, false], 1],
  ["1:2:3:4:5:6:7::", null, null, "1:2:3:4:5:6:7:0", [1n, 1, false], 1],
  ["::1:2:3:4:5:6:7", null, null, "0:1:2:3:4:5:6:7", [0n, 0, false], 0],
  ["1:2:3:4:5:6::1.2.3.4", null, null, null, [1n, 1, false], 1],
  ["1:2:3:4:5:6:7:1.2.3.4", null, null, null, [1n, 1, false], 1],
  ["12345::", null, null, null, [12345n, 5, false], 12345],
  ["fe80::1%eth0", null, null, null, [0n, 0, false], 0],
  ["FF02::1", null, null, "ff02::1", [0n, 0, false], 0],
  ["ff02::8000:81", null, null, "ff02::8000:81", [0n, 0, false], 0],
  [" 5", null, null, null, [5n, 2, false], 5],
  ["+5", null, null, null, [5n, 2, false], 5],
  ["-5", null, null, null, [-5n, 2, false], -5],
  ["5x", null, null, null, [5n, 1, false], 5],
  ["-", null, null, null, [0n, 0, false], 0],
  ["+", null, null, null, [0n, 0, false], 0],
  [" ", null, null, null, [0n, 0, false], 0],
  ["-0", null, null, null, [0n, 2, false], 0],
  ["9223372036854775807", null, null, null, [9223372036854775807n, 19, false], -1],
  ["9223372036854775808", null, null, null, [9223372036854775807n, 19, true], -1],
  ["-9223372036854775809", null, null, null, [-9223372036854775808n, 20, true], 0],
  ["4294967297", null, null, null, [4294967297n, 10, false], 1],
  ["12abc", null, null, null, [12n, 2, false], 12],
  ["\t7", null, null, null, [7n, 2, false], 7],
  ["0x1.0x2.0x3.0x4", "1.2.3.4", null, null, [0n, 1, false], 0],
  ["1.2.3.4\ttab", "1.2.3.4", null, null, [1n, 1, false], 1],
  ["1.2.3.4", "1.2.3.4", "1.2.3.4", null, [1n, 1, false], 1],
];

test('inet_aton, inet_pton (v4, v6), strtol and atoi agree with glibc', () => {
  for (const [input, aton, pton4, pton6, [value, end, overflow], at] of GLIBC) {
    const a = inetAton(input);
    assert.equal(a === null ? null : ipv4Text(a), aton, `inet_aton ${JSON.stringify(input)}`);
    const p4 = inetPton4(input);
    assert.equal(p4 === null ? null : ipv4Text(p4), pton4, `inet_pton4 ${JSON.stringify(input)}`);
    const p6 = inetPton6(input);
    assert.equal(p6 === null ? null : ipv6Text(p6), pton6, `inet_pton6 ${JSON.stringify(input)}`);
    assert.deepEqual(strtol10(input), { value, end, overflow }, `strtol ${JSON.stringify(input)}`);
    assert.equal(atoi(input), at, `atoi ${JSON.stringify(input)}`);
  }
});

test('string_to_number wants the whole word, in range', () => {
  assert.equal(stringToNumber('65535', 0, 65535), 65535);
  assert.equal(stringToNumber('65536', 0, 65535), null);
  assert.equal(stringToNumber(' +7', 0, 10), 7);
  assert.equal(stringToNumber('-0', 0, 10), 0);
  assert.equal(stringToNumber('7 ', 0, 10), null);
  assert.equal(stringToNumber('', 0, 10), null);
  assert.equal(stringToNumber('-', 0, 10), null);
  assert.equal(stringToNumber('99999999999999999999', 0, 2147483647), null);
});
