/*
 * Internals shared by the ring socket (packet_ring.c: open, send, statistics, close) and its
 * receive side (packet_ring_rx.c: walking the ring and handing frames to JavaScript).
 */
#ifndef TSVS_PACKET_RING_IMPL_H
#define TSVS_PACKET_RING_IMPL_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/*
 * Words per frame: offset in the buffer, captured length, length on the wire, flags; then, with
 * PACKET_VNET_HDR (else 0), the virtio_net_hdr: flags | gso_type << 8 | gso_size << 16, and
 * csum_start | csum_offset << 16.
 */
#define DESC_WORDS 6
/* Flags word of a descriptor. */
#define F_PKTTYPE_MASK 0xff
#define F_CSUM_NOT_READY 0x100
#define F_VLAN_VALID 0x200

typedef struct ring {
  napi_env env;
  int fd;
  int ifindex;
  /* TPACKET_V2 (a status word per frame; the reader wakes per frame) or TPACKET_V3 (blocks). */
  int version;
  uint8_t *map;
  size_t map_len;
  uint32_t block_size;
  uint32_t block_nr;
  uint32_t next_block;
  /* TPACKET_V2: frames_per_block frames of frame_size bytes at the start of each block. */
  uint32_t frame_size;
  uint32_t frames_per_block;
  uint32_t frame_nr;
  uint32_t next_frame;
  /* After a batch, look again for this long before going back to the event loop (0: never). */
  uint32_t spin_ns;
  /* PACKET_VNET_HDR: a struct virtio_net_hdr precedes each frame, received and sent. */
  bool vnet_hdr;
  uint32_t *desc;
  uint32_t desc_cap;
  uv_poll_t poll;
  napi_ref on_batch;
  napi_ref self;
  napi_ref desc_ref;
  /* TPACKET_V2: one Buffer over the whole mapping, made once; descriptors index into it. */
  napi_ref map_ref;
  napi_async_context actx;
  /* Socket errors the poll reported (an interface going down: ENETDOWN); reported by ringStats. */
  uint32_t errors;
  bool open;
  bool handle_closed;
  bool finalized;
} ring_t;

/* Descriptor words 4 and 5 for a frame whose Ethernet header is at `mac` (0, 0 without vnet_hdr). */
void tsvs_ring_vnet_words(const ring_t *r, const uint8_t *mac, uint32_t *d);

/* uv_poll callback: hand every frame the kernel has released to the JavaScript callback. */
void tsvs_ring_on_readable(uv_poll_t *p, int status, int events);

#endif
