/*
 * AF_PACKET ring sockets for the packet data-plane engine (all forwarding logic is TypeScript).
 *
 * Receive: a TPACKET_V3 ring mmap'd once; when libuv reports the socket readable, every block the
 * kernel has retired is handed to JavaScript in one call, without copying: a Buffer over the
 * block's memory and a descriptor array (4 × u32 per frame: offset in the block, captured length,
 * length on the wire, flags). The callback must finish with the block before it returns (it may
 * rewrite frames in place and send them from there); the block then goes back to the kernel.
 *
 * Send: ringSend(handle, buffer, descriptors, count) sends `count` frames (pairs of offset and
 * length into `buffer`) with sendmmsg, a batch per system call.
 *
 * PACKET_FANOUT spreads an interface's traffic over several processes' sockets; frames this
 * socket sends are not received back (PACKET_IGNORE_OUTGOING).
 */
#include "packet_ring.h"
#include "napi_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define DESC_WORDS 4
#define SEND_BATCH 64
/* Flags word of a descriptor. */
#define F_PKTTYPE_MASK 0xff
#define F_CSUM_NOT_READY 0x100
#define F_VLAN_VALID 0x200

typedef struct ring {
  napi_env env;
  int fd;
  int ifindex;
  uint8_t *map;
  size_t map_len;
  uint32_t block_size;
  uint32_t block_nr;
  uint32_t next_block;
  uint32_t *desc;
  uint32_t desc_cap;
  uv_poll_t poll;
  napi_ref on_batch;
  napi_ref self;
  napi_ref desc_ref;
  napi_async_context actx;
  bool open;
  bool handle_closed;
  bool finalized;
} ring_t;

static void free_if_done(ring_t *r) {
  if (r->handle_closed && r->finalized) {
    free(r->desc);
    free(r);
  }
}

static void on_handle_closed(uv_handle_t *h) {
  ring_t *r = h->data;
  r->handle_closed = true;
  free_if_done(r);
}

static void shut(ring_t *r) {
  if (!r->open) return;
  r->open = false;
  uv_poll_stop(&r->poll);
  if (r->map) munmap(r->map, r->map_len);
  r->map = NULL;
  close(r->fd);
  r->fd = -1;
  uv_close((uv_handle_t *)&r->poll, on_handle_closed);
}

static void release_refs(napi_env env, ring_t *r) {
  if (r->on_batch) napi_delete_reference(env, r->on_batch);
  r->on_batch = NULL;
  if (r->self) napi_delete_reference(env, r->self);
  r->self = NULL;
  if (r->desc_ref) napi_delete_reference(env, r->desc_ref);
  r->desc_ref = NULL;
  if (r->actx) napi_async_destroy(env, r->actx);
  r->actx = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  ring_t *r = data;
  shut(r);
  release_refs(env, r);
  r->finalized = true;
  free_if_done(r);
}

static ring_t *unwrap(napi_env env, napi_value obj) {
  ring_t *r = NULL;
  if (napi_unwrap(env, obj, (void **)&r) != napi_ok || !r) {
    tsvs_throw_type(env, "not a packet ring handle");
    return NULL;
  }
  return r;
}

/* Fill the descriptors of one retired block; returns the number of frames. */
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
    d[3] = (uint32_t)ll->sll_pkttype | ((h->tp_status & TP_STATUS_CSUMNOTREADY) ? F_CSUM_NOT_READY : 0) |
           ((h->tp_status & TP_STATUS_VLAN_VALID) ? F_VLAN_VALID | ((uint32_t)h->hv1.tp_vlan_tci << 16) : 0);
    h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
  }
  return n;
}

static void deliver(ring_t *r, void *block, uint32_t count) {
  napi_env env = r->env;
  napi_value cb, recv, argv[3], result;
  if (!r->on_batch || napi_get_reference_value(env, r->on_batch, &cb) != napi_ok || !cb) return;
  if (napi_create_external_buffer(env, r->block_size, block, NULL, NULL, &argv[0]) != napi_ok) return;
  if (napi_get_reference_value(env, r->desc_ref, &argv[1]) != napi_ok) return;
  argv[2] = tsvs_int(env, (int32_t)count);
  napi_get_global(env, &recv);
  if (napi_make_callback(env, r->actx, recv, cb, 3, argv, &result) == napi_pending_exception) {
    napi_value ex;
    napi_get_and_clear_last_exception(env, &ex);
    napi_fatal_exception(env, ex);
  }
}

static void on_readable(uv_poll_t *p, int status, int events) {
  ring_t *r = p->data;
  napi_handle_scope scope;
  if (status < 0 || napi_open_handle_scope(r->env, &scope) != napi_ok) return;
  /* Walk retired blocks in order; stop at the first the kernel still owns. */
  for (uint32_t i = 0; r->open && i < r->block_nr; i++) {
    struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(r->map + (size_t)r->next_block * r->block_size);
    if (!(bd->hdr.bh1.block_status & TP_STATUS_USER)) break;
    uint32_t n = describe_block(r, bd);
    deliver(r, bd, n);
    if (!r->open) break;
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    r->next_block = (r->next_block + 1) % r->block_nr;
  }
  napi_close_handle_scope(r->env, scope);
}

struct ring_opts {
  int32_t block_size, block_nr, frame_size, retire_ms, fanout_group, fanout_mode;
  char ifname[IF_NAMESIZE + 1];
};

static int setup(int fd, const struct ring_opts *o, int ifindex, const char **what) {
  int v = TPACKET_V3;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0) return *what = "setsockopt(PACKET_VERSION)", errno;
  struct tpacket_req3 req;
  memset(&req, 0, sizeof req);
  req.tp_block_size = (unsigned)o->block_size;
  req.tp_block_nr = (unsigned)o->block_nr;
  req.tp_frame_size = (unsigned)o->frame_size;
  req.tp_frame_nr = (unsigned)(((uint64_t)o->block_size * (unsigned)o->block_nr) / (unsigned)o->frame_size);
  req.tp_retire_blk_tov = (unsigned)o->retire_ms;
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) return *what = "setsockopt(PACKET_RX_RING)", errno;
#ifdef PACKET_IGNORE_OUTGOING
  v = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v, sizeof v) != 0) return *what = "setsockopt(PACKET_IGNORE_OUTGOING)", errno;
#endif
  struct sockaddr_ll ll;
  memset(&ll, 0, sizeof ll);
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&ll, sizeof ll) != 0) return *what = "bind(AF_PACKET)", errno;
  if (o->fanout_group > 0) {
    int arg = (o->fanout_group & 0xffff) | (o->fanout_mode << 16);
    if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) return *what = "setsockopt(PACKET_FANOUT)", errno;
  }
  return 0;
}

/* ringOpen({ifname, blockSize?, blockCount?, frameSize?, retireMs?, fanoutGroup?, fanoutMode?}, onBatch(block, descriptors, count)) */
napi_value tsvs_ring_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], handle, desc_ab, desc_arr;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return tsvs_throw_type(env, "ringOpen(options, onBatch)");
  struct ring_opts o;
  memset(&o, 0, sizeof o);
  if (!tsvs_get_string(env, argv[0], "ifname", o.ifname, sizeof o.ifname, true) || !tsvs_get_int(env, argv[0], "blockSize", 1 << 18, &o.block_size) ||
      !tsvs_get_int(env, argv[0], "blockCount", 64, &o.block_nr) || !tsvs_get_int(env, argv[0], "frameSize", 2048, &o.frame_size) ||
      !tsvs_get_int(env, argv[0], "retireMs", 1, &o.retire_ms) || !tsvs_get_int(env, argv[0], "fanoutGroup", 0, &o.fanout_group) ||
      !tsvs_get_int(env, argv[0], "fanoutMode", PACKET_FANOUT_HASH, &o.fanout_mode))
    return NULL;
  long page = sysconf(_SC_PAGESIZE);
  if (o.block_size <= 0 || o.block_size % page != 0 || o.block_nr <= 0 || o.frame_size < 128 || o.block_size % o.frame_size != 0)
    return tsvs_throw_type(env, "blockSize must be a multiple of the page size and of frameSize");
  int ifindex = (int)if_nametoindex(o.ifname);
  if (!ifindex) return tsvs_throw_errno(env, "if_nametoindex", errno ? errno : ENODEV);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) return tsvs_throw_errno(env, "socket(AF_PACKET)", errno);
  const char *what = NULL;
  int err = setup(fd, &o, ifindex, &what);
  size_t map_len = (size_t)o.block_size * (size_t)o.block_nr;
  void *map = MAP_FAILED;
  if (!err) {
    map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd, 0);
    /* MAP_LOCKED needs RLIMIT_MEMLOCK room; fall back to an unlocked mapping. */
    if (map == MAP_FAILED) map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) err = errno, what = "mmap(ring)";
  }
  if (err) {
    close(fd);
    return tsvs_throw_errno(env, what, err);
  }
  ring_t *r = calloc(1, sizeof *r);
  /* A frame takes at least 64 bytes of ring (headers + minimum frame). */
  uint32_t cap = (uint32_t)o.block_size / 64;
  void *desc_mem = NULL;
  if (!r || napi_create_arraybuffer(env, (size_t)cap * DESC_WORDS * 4, &desc_mem, &desc_ab) != napi_ok) {
    munmap(map, map_len);
    close(fd);
    free(r);
    return tsvs_throw_errno(env, "calloc", ENOMEM);
  }
  r->env = env;
  r->fd = fd;
  r->ifindex = ifindex;
  r->map = map;
  r->map_len = map_len;
  r->block_size = (uint32_t)o.block_size;
  r->block_nr = (uint32_t)o.block_nr;
  r->desc = desc_mem;
  r->desc_cap = cap;
  r->poll.data = r;
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &r->poll, fd) != 0) {
    munmap(map, map_len);
    close(fd);
    free(r);
    return tsvs_throw_errno(env, "uv_poll_init", EINVAL);
  }
  /* The descriptor memory belongs to the ArrayBuffer; the ring keeps a reference to it. */
  r->open = true;
  bool wrapped = false;
  if (napi_create_typedarray(env, napi_uint32_array, (size_t)cap * DESC_WORDS, desc_ab, 0, &desc_arr) != napi_ok ||
      napi_create_reference(env, desc_arr, 1, &r->desc_ref) != napi_ok || napi_create_reference(env, argv[1], 1, &r->on_batch) != napi_ok ||
      napi_async_init(env, NULL, tsvs_string(env, "tsvs:packet-ring"), &r->actx) != napi_ok || napi_create_object(env, &handle) != napi_ok ||
      !(wrapped = napi_wrap(env, handle, r, finalize, NULL, NULL) == napi_ok) || napi_create_reference(env, handle, 1, &r->self) != napi_ok) {
    r->desc = NULL;
    shut(r);
    release_refs(env, r);
    if (!wrapped) r->finalized = true;
    tsvs_rethrow_pending(env, "ringOpen");
    return NULL;
  }
  napi_set_named_property(env, handle, "ifindex", tsvs_int(env, ifindex));
  uv_poll_start(&r->poll, UV_READABLE, on_readable);
  return handle;
}

/* ringSend(handle, buffer, pairs: Uint32Array [offset, length]*, count) -> frames sent */
napi_value tsvs_ring_send(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) return tsvs_throw_type(env, "ringSend(handle, buffer, pairs, count)");
  ring_t *r = unwrap(env, argv[0]);
  if (!r) return NULL;
  if (!r->open) return tsvs_throw_errno(env, "sendmmsg", EBADF);
  uint8_t *data = NULL;
  size_t len = 0;
  bool is_ta = false;
  napi_is_typedarray(env, argv[1], &is_ta);
  if (is_ta) {
    napi_typedarray_type t;
    size_t n;
    napi_value ab;
    size_t off;
    NAPI_TRY(env, napi_get_typedarray_info(env, argv[1], &t, &n, (void **)&data, &ab, &off));
    if (t != napi_uint8_array) return tsvs_throw_type(env, "buffer must be a Uint8Array");
    len = n;
  } else {
    return tsvs_throw_type(env, "buffer must be a Uint8Array");
  }
  napi_typedarray_type pt;
  size_t pn;
  uint32_t *pairs;
  napi_value pab;
  size_t poff;
  NAPI_TRY(env, napi_get_typedarray_info(env, argv[2], &pt, &pn, (void **)&pairs, &pab, &poff));
  if (pt != napi_uint32_array) return tsvs_throw_type(env, "pairs must be a Uint32Array");
  int32_t count;
  NAPI_TRY(env, napi_get_value_int32(env, argv[3], &count));
  if (count < 0 || (size_t)count * 2 > pn) return tsvs_throw_type(env, "count exceeds the pairs given");
  struct mmsghdr msgs[SEND_BATCH];
  struct iovec iov[SEND_BATCH];
  int32_t sent = 0;
  while (sent < count) {
    int k = 0;
    for (; k < SEND_BATCH && sent + k < count; k++) {
      uint32_t o = pairs[(sent + k) * 2], l = pairs[(sent + k) * 2 + 1];
      if ((size_t)o + l > len) return tsvs_throw_type(env, "a frame lies outside the buffer");
      iov[k].iov_base = data + o;
      iov[k].iov_len = l;
      memset(&msgs[k], 0, sizeof msgs[k]);
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
    }
    int n = sendmmsg(r->fd, msgs, (unsigned)k, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == ENOBUFS) break;
      return tsvs_throw_errno(env, "sendmmsg", errno);
    }
    sent += n;
    if (n < k) break;
  }
  return tsvs_int(env, sent);
}

/* ringStats(handle) -> { packets, drops, freezes } since the last call (PACKET_STATISTICS). */
napi_value tsvs_ring_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return tsvs_throw_type(env, "ringStats(handle)");
  ring_t *r = unwrap(env, argv[0]);
  if (!r) return NULL;
  if (!r->open) return tsvs_throw_errno(env, "getsockopt", EBADF);
  struct tpacket_stats_v3 st;
  socklen_t sl = sizeof st;
  memset(&st, 0, sizeof st);
  if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) != 0) return tsvs_throw_errno(env, "getsockopt(PACKET_STATISTICS)", errno);
  napi_create_object(env, &out);
  napi_value v;
  napi_create_uint32(env, st.tp_packets, &v);
  napi_set_named_property(env, out, "packets", v);
  napi_create_uint32(env, st.tp_drops, &v);
  napi_set_named_property(env, out, "drops", v);
  napi_create_uint32(env, st.tp_freeze_q_cnt, &v);
  napi_set_named_property(env, out, "freezes", v);
  return out;
}

/* ringClose(handle): stop receiving, unmap and close; idempotent. */
napi_value tsvs_ring_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return tsvs_throw_type(env, "ringClose(handle)");
  ring_t *r = unwrap(env, argv[0]);
  if (!r) return NULL;
  shut(r);
  release_refs(env, r);
  napi_get_undefined(env, &undef);
  return undef;
}
