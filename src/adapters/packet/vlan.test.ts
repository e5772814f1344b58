import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vlanRetag, VLAN_SCRATCH_BYTES } from './vlan.js';

test('the re-tag scratch holds the largest IPv6 aggregate a ring slot carries, with its tag', () => {
  assert.equal(VLAN_SCRATCH_BYTES, 69_636);
  // 14 bytes of Ethernet and 65,575 of IPv6 (a 40-byte header and a 65,535-byte payload).
  const frame = new Uint8Array(14 + 65_575);
  frame.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x86, 0xdd, 0x60], 0);
  frame[frame.length - 1] = 0xee;
  const out = new Uint8Array(VLAN_SCRATCH_BYTES);
  assert.equal(vlanRetag(frame, frame.length, 0x2007, out), 65_593);
  assert.deepEqual([...out.subarray(0, 19)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x20, 0x07, 0x86, 0xdd, 0x60]);
  assert.equal(out[65_592], 0xee);
  // The previous 65,554-byte scratch could not hold it; a frame without a whole Ethernet header never can.
  assert.equal(vlanRetag(frame, frame.length, 0x2007, new Uint8Array(65_536 + 18)), 0);
  assert.equal(vlanRetag(frame, 13, 7, out), 0);
});
