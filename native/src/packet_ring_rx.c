/*
 * Receive side of the packet engine's ring sockets: when libuv reports the socket readable,
 * frames the kernel has released go to JavaScript in one call per batch, without copying — a
 * Buffer over ring memory and a descriptor array (DESC_WORDS × u32 per frame: offset in the
 * Buffer, captured length, length on the wire, flags, and with PACKET_VNET_HDR the frame's
 * virtio_net_hdr in two words). The callback must be done with the frames when it
 * returns (it may rewrite them in place and send them from there); they then go back to the kernel.
 *
 * TPACKET_V2 (the default) releases each frame as soon as it is written and wakes the reader per
 * frame, so a lone packet is forwarded at once. TPACKET_V3 releases whole blocks: when a block is
 * full or after the retire timeout — at low rates every packet waits for that timeout.
 */
#include "packet_ring_impl.h"
#include "napi_util.h"

#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static uint32_t flags_of(uint8_t pkttype, uint32_t status, uint16_t vlan_tci) {
  return (uint32_t)pkttype | ((status & TP_STATUS_CSUMNOTREADY) ? F_CSUM_NOT_READY : 0) |
         ((status & TP_STATUS_VLAN_VALID) ? F_VLAN_VALID | ((uint32_t)vlan_tci << 16) : 0);
}

/*
 * The kernel writes the header just before the frame's Ethernet header (tpacket_rcv: at
 * macoff - sizeof(struct virtio_net_hdr)), in host byte order for a packet socket (vio_le()).
 */
void tsvs_ring_vnet_words(const ring_t *r, const uint8_t *mac, uint32_t *d) {
  if (!r->vnet_hdr) {
    d[4] = d[5] = 0;
    return;
  }
  struct virtio_net_hdr h;
  memcpy(&h, mac - sizeof h, sizeof h);
  d[4] = (uint32_t)h.flags | ((uint32_t)h.gso_type << 8) | ((uint32_t)h.gso_size << 16);
  d[5] = (uint32_t)h.csum_start | ((uint32_t)h.csum_offset << 16);
}

static void deliver(ring_t *r, napi_value buffer, uint32_t count) {
  napi_env env = r->env;
  napi_value cb, recv, argv[3], result;
  if (!r->on_batch || napi_get_reference_value(env, r->on_batch, &cb) != napi_ok || !cb) return;
  argv[0] = buffer;
  if (napi_get_reference_value(env, r->desc_ref, &argv[1]) != napi_ok) return;
  argv[2] = tsvs_int(env, (int32_t)count);
  napi_get_global(env, &recv);
  if (napi_make_callback(env, r->actx, recv, cb, 3, argv, &result) == napi_pending_exception) {
    napi_value ex;
    napi_get_and_clear_last_exception(env, &ex);
    napi_fatal_exception(env, ex);
  }
}

/* Offset of frame i in the mapping. */
static size_t frame_offset(ring_t *r, uint32_t i) {
  return (size_t)(i / r->frames_per_block) * r->block_size + (size_t)(i % r->frames_per_block) * r->frame_size;
}

static struct tpacket2_hdr *frame_v2(ring_t *r, uint32_t i) {
  return (struct tpacket2_hdr *)(r->map + frame_offset(r, i));
}

static bool ready_v2(ring_t *r, uint32_t i) {
  return (__atomic_load_n(&frame_v2(r, i)->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

/* Describe the frames released from next_frame on (at most desc_cap); returns how many. */
static uint32_t describe_v2(ring_t *r) {
  uint32_t n = 0, i = r->next_frame;
  while (n < r->desc_cap && ready_v2(r, i)) {
    struct tpacket2_hdr *h = frame_v2(r, i);
    struct sockaddr_ll *ll = (struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)));
    uint32_t *d = r->desc + n * DESC_WORDS;
    d[0] = (uint32_t)frame_offset(r, i) + h->tp_mac;
    d[1] = h->tp_snaplen;
    d[2] = h->tp_len;
    d[3] = flags_of(ll->sll_pkttype, h->tp_status, h->tp_vlan_tci);
    tsvs_ring_vnet_words(r, (uint8_t *)h + h->tp_mac, d);
    n++;
    i = (i + 1) % r->frame_nr;
  }
  return n;
}

static void release_v2(ring_t *r, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) {
    __atomic_store_n(&frame_v2(r, r->next_frame)->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    r->next_frame = (r->next_frame + 1) % r->frame_nr;
  }
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Wait up to spin_ns for the next frame; true when one arrived. */
static bool spin_v2(ring_t *r) {
  if (!r->spin_ns) return false;
  uint64_t until = now_ns() + r->spin_ns;
  do {
    if (ready_v2(r, r->next_frame)) return true;
  } while (now_ns() < until);
  return false;
}

static void read_v2(ring_t *r) {
  napi_value buffer;
  if (napi_get_reference_value(r->env, r->map_ref, &buffer) != napi_ok) return;
  /* Frames that arrive while JavaScript runs are taken in the same wakeup, up to a ring's worth. */
  for (uint32_t taken = 0; r->open && taken < r->frame_nr;) {
    uint32_t n = describe_v2(r);
    if (n == 0) {
      if (spin_v2(r)) continue;
      break;
    }
    deliver(r, buffer, n);
    if (!r->open) break;
    release_v2(r, n);
    taken += n;
  }
}

/* Fill the descriptors of one retired TPACKET_V3 block; returns the number of frames. */
static uint32_t describe_block(ring_t *r, struct tpacket_block_desc *bd) {
  uint32_t n = bd->hdr.bh1.num_pkts;
  if (n > r->desc_cap) n = r->desc_cap;
  uint8_t *base = (uint8_t *)bd;
  struct tpacket3_hdr *h = (struct tpacket3_hdr *)(base + bd->hdr.bh1.offset_to_first_pkt);
  for (uint32_t i = 0; i < n; i++) {
    struct sockaddr_ll *ll = (struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
    uint32_t *d = r->desc + i * DESC_WORDS;
    d[0] = (uint32_t)((uint8_t *)h - base) + h->tp_mac;
    d[1] = h->tp_snaplen;
    d[2] = h->tp_len;
    d[3] = flags_of(ll->sll_pkttype, h->tp_status, h->hv1.tp_vlan_tci);
    tsvs_ring_vnet_words(r, (uint8_t *)h + h->tp_mac, d);
    h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
  }
  return n;
}

/* Walk retired blocks in order; stop at the first the kernel still owns. */
static void read_v3(ring_t *r) {
  for (uint32_t i = 0; r->open && i < r->block_nr; i++) {
    struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(r->map + (size_t)r->next_block * r->block_size);
    if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) break;
    uint32_t n = describe_block(r, bd);
    napi_value buffer;
    if (napi_create_external_buffer(r->env, r->block_size, bd, NULL, NULL, &buffer) != napi_ok) break;
    deliver(r, buffer, n);
    if (!r->open) break;
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    r->next_block = (r->next_block + 1) % r->block_nr;
  }
}

/*
 * A socket error (sk_err: ENETDOWN when the interface goes down) makes poll report POLLERR, and
 * libuv then stops the handle before calling back with status < 0. The socket stays bound: the
 * kernel hooks it up again when the interface comes back. So read the error (which clears it)
 * and poll again, or the ring would stay deaf for good.
 */
static void recover(ring_t *r) {
  int err = 0;
  socklen_t len = sizeof err;
  r->errors++;
  if (!r->open) return;
  getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  uv_poll_start(&r->poll, UV_READABLE, tsvs_ring_on_readable);
}

void tsvs_ring_on_readable(uv_poll_t *p, int status, int events) {
  ring_t *r = p->data;
  napi_handle_scope scope;
  (void)events;
  if (status < 0) {
    recover(r);
    return;
  }
  if (napi_open_handle_scope(r->env, &scope) != napi_ok) return;
  if (r->version == TPACKET_V2) read_v2(r);
  else read_v3(r);
  napi_close_handle_scope(r->env, scope);
}
