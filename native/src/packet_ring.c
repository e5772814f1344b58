/*
 * AF_PACKET ring sockets for the packet data-plane engine (all forwarding logic is TypeScript).
 *
 * Receive: an mmap'd ring, TPACKET_V2 by default (a frame is handed over as soon as it is
 * written) or TPACKET_V3 (whole blocks, when full or after the retire timeout); the walk over the
 * ring and the one JavaScript call per batch are in packet_ring_rx.c.
 *
 * Send: ringSend(handle, buffer, descriptors, count) sends `count` frames (pairs of offset and
 * length into `buffer`) with sendmmsg, a batch per system call.
 *
 * With `vnetHeader` (PACKET_VNET_HDR) every frame crosses the socket with a struct virtio_net_hdr:
 * received GSO/GRO aggregates come with their segment size, GSO type and partial-checksum place
 * (descriptor words 4 and 5), and a frame sent with such a header is segmented (and its checksum
 * finished) by the kernel or the device at the last moment, as for the kernel's own forwarding.
 *
 * PACKET_FANOUT spreads an interface's traffic over several processes' sockets; frames this
 * socket sends are not received back (PACKET_IGNORE_OUTGOING).
 */
#include "packet_ring.h"
#include "napi_util.h"
#include "packet_ring_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define SEND_BATCH 64

static void free_if_done(ring_t *r) {
  /* r->desc is the memory of a JavaScript ArrayBuffer: the garbage collector frees it. */
  if (r->handle_closed && r->finalized) {
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
  if (r->map_ref) napi_delete_reference(env, r->map_ref);
  r->map_ref = NULL;
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

/* TPACKET_V2: one Buffer over the whole mapping for every batch (valid only during a callback). */
static bool map_buffer(napi_env env, ring_t *r) {
  napi_value buf;
  return napi_create_external_buffer(env, r->map_len, r->map, NULL, NULL, &buf) == napi_ok && napi_create_reference(env, buf, 1, &r->map_ref) == napi_ok;
}

/* Before unmapping: a Buffer over the ring kept past a callback reads as empty, not as freed memory. */
static void detach_map_buffer(napi_env env, ring_t *r) {
  napi_value buf, ab;
  if (!r->map_ref || napi_get_reference_value(env, r->map_ref, &buf) != napi_ok || !buf) return;
  if (napi_get_typedarray_info(env, buf, NULL, NULL, NULL, &ab, NULL) == napi_ok) napi_detach_arraybuffer(env, ab);
}

static ring_t *unwrap(napi_env env, napi_value obj) {
  ring_t *r = NULL;
  if (napi_unwrap(env, obj, (void **)&r) != napi_ok || !r) {
    tsvs_throw_type(env, "not a packet ring handle");
    return NULL;
  }
  return r;
}

struct ring_opts {
  int32_t block_size, block_nr, frame_size, retire_ms, fanout_group, fanout_mode, version, spin_us;
  bool vnet_hdr;
  char ifname[IF_NAMESIZE + 1];
  /* Classic BPF run on each frame before it takes ring space (len 0: every frame). */
  struct sock_fprog filter;
};

/* A boolean option (absent, undefined or null: false). */
static bool get_flag(napi_env env, napi_value obj, const char *key, bool *out) {
  bool has = false;
  napi_value v;
  napi_valuetype vt;
  *out = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok) return false;
  if (!has) return true;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_typeof(env, v, &vt) != napi_ok) return false;
  if (vt == napi_undefined || vt == napi_null) return true;
  if (vt != napi_boolean) {
    tsvs_throw_type(env, "vnetHeader must be a boolean");
    return false;
  }
  return napi_get_value_bool(env, v, out) == napi_ok;
}

/* The `filter` option: raw struct sock_filter records (8 bytes each) in a Uint8Array. */
static bool get_filter(napi_env env, napi_value obj, struct sock_fprog *out) {
  bool has = false;
  napi_value v;
  napi_valuetype vt;
  if (napi_has_named_property(env, obj, "filter", &has) != napi_ok) return false;
  if (!has) return true;
  if (napi_get_named_property(env, obj, "filter", &v) != napi_ok || napi_typeof(env, v, &vt) != napi_ok) return false;
  if (vt == napi_undefined || vt == napi_null) return true;
  bool is_ta = false;
  napi_typedarray_type t;
  size_t n = 0;
  void *data = NULL;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta || napi_get_typedarray_info(env, v, &t, &n, &data, NULL, NULL) != napi_ok || t != napi_uint8_array || n == 0 ||
      n % sizeof(struct sock_filter) != 0 || n / sizeof(struct sock_filter) > BPF_MAXINSNS) {
    tsvs_throw_type(env, "filter must be a Uint8Array of 1 to 4096 struct sock_filter records (8 bytes each)");
    return false;
  }
  out->len = (unsigned short)(n / sizeof(struct sock_filter));
  out->filter = data;
  return true;
}

static int setup(int fd, const struct ring_opts *o, int ifindex, const char **what) {
  int v = o->version == 3 ? TPACKET_V3 : TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0) return *what = "setsockopt(PACKET_VERSION)", errno;
  /* Before the ring exists: the kernel refuses the option on a socket with a ring (EBUSY). */
  int on = 1;
  if (o->vnet_hdr && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof on) != 0) return *what = "setsockopt(PACKET_VNET_HDR)", errno;
  /* struct tpacket_req3 begins with the four fields of TPACKET_V2's struct tpacket_req. */
  struct tpacket_req3 req;
  memset(&req, 0, sizeof req);
  req.tp_block_size = (unsigned)o->block_size;
  req.tp_block_nr = (unsigned)o->block_nr;
  req.tp_frame_size = (unsigned)o->frame_size;
  /* Frames do not cross blocks: the space after the last whole frame of a block stays unused. */
  req.tp_frame_nr = (unsigned)(o->block_size / o->frame_size) * (unsigned)o->block_nr;
  req.tp_retire_blk_tov = (unsigned)o->retire_ms;
  socklen_t req_len = v == TPACKET_V3 ? sizeof req : sizeof(struct tpacket_req);
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, req_len) != 0) return *what = "setsockopt(PACKET_RX_RING)", errno;
#ifdef PACKET_IGNORE_OUTGOING
  v = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v, sizeof v) != 0) return *what = "setsockopt(PACKET_IGNORE_OUTGOING)", errno;
#endif
  if (o->filter.len && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &o->filter, sizeof o->filter) != 0) return *what = "setsockopt(SO_ATTACH_FILTER)", errno;
  /* Frames start to arrive only now: bound to one interface, with the ring and filter in place. */
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

/*
 * ringOpen({ifname, blockSize?, blockCount?, frameSize?, retireMs?, fanoutGroup?, fanoutMode?,
 *           tpacketVersion? (2 | 3, default 2), spinUs? (TPACKET_V2: default 0), filter? (cBPF),
 *           vnetHeader? (boolean, default false: PACKET_VNET_HDR)},
 *          onBatch(buffer, descriptors, count))
 */
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
      !tsvs_get_int(env, argv[0], "fanoutMode", PACKET_FANOUT_HASH, &o.fanout_mode) || !tsvs_get_int(env, argv[0], "tpacketVersion", 2, &o.version) ||
      !tsvs_get_int(env, argv[0], "spinUs", 0, &o.spin_us) || !get_flag(env, argv[0], "vnetHeader", &o.vnet_hdr) || !get_filter(env, argv[0], &o.filter))
    return NULL;
  if (o.version != 2 && o.version != 3) return tsvs_throw_type(env, "tpacketVersion must be 2 or 3");
  if (o.spin_us < 0 || o.spin_us > 1000000) return tsvs_throw_type(env, "spinUs must be between 0 and 1000000");
  long page = sysconf(_SC_PAGESIZE);
  /* The kernel allocates each block as 2^n pages: a block of a power-of-two size wastes none. */
  if (o.block_size <= 0 || o.block_size % page != 0 || o.block_nr <= 0 || o.frame_size < 128 || o.frame_size % TPACKET_ALIGNMENT != 0 || o.frame_size > o.block_size)
    return tsvs_throw_type(env, "blockSize must be a multiple of the page size, frameSize a multiple of 16 from 128 to blockSize");
  /* Descriptors hold 32-bit offsets into the mapping. */
  if ((uint64_t)o.block_size * (uint64_t)o.block_nr > UINT32_MAX) return tsvs_throw_type(env, "blockSize × blockCount must stay below 4 GiB");
  int ifindex = (int)if_nametoindex(o.ifname);
  if (!ifindex) return tsvs_throw_errno(env, "if_nametoindex", errno ? errno : ENODEV);
  /* Protocol 0: the socket receives nothing (from any interface) until bind names ETH_P_ALL. */
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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
  uint32_t frame_nr = (uint32_t)(o.block_size / o.frame_size) * (uint32_t)o.block_nr;
  /* TPACKET_V2: a batch is at most the whole ring; V3: a block, where a frame takes at least 64 bytes. */
  uint32_t cap = o.version == 2 ? frame_nr : (uint32_t)o.block_size / 64;
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
  r->version = o.version == 3 ? TPACKET_V3 : TPACKET_V2;
  r->frame_size = (uint32_t)o.frame_size;
  r->frames_per_block = (uint32_t)(o.block_size / o.frame_size);
  r->frame_nr = frame_nr;
  r->spin_ns = (uint32_t)o.spin_us * 1000u;
  r->vnet_hdr = o.vnet_hdr;
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
      !(wrapped = napi_wrap(env, handle, r, finalize, NULL, NULL) == napi_ok) || napi_create_reference(env, handle, 1, &r->self) != napi_ok ||
      (r->version == TPACKET_V2 && !map_buffer(env, r))) {
    r->desc = NULL;
    shut(r);
    release_refs(env, r);
    if (!wrapped) r->finalized = true;
    tsvs_rethrow_pending(env, "ringOpen");
    return NULL;
  }
  napi_set_named_property(env, handle, "ifindex", tsvs_int(env, ifindex));
  napi_value vnet;
  napi_get_boolean(env, r->vnet_hdr, &vnet);
  napi_set_named_property(env, handle, "vnetHeader", vnet);
  uv_poll_start(&r->poll, UV_READABLE, tsvs_ring_on_readable);
  return handle;
}

/* All-zero virtio_net_hdr: a frame sent as it is (no segmentation, checksums as they are). */
static struct virtio_net_hdr plain_hdr;

/*
 * The optional `vnet` argument of ringSend: 10 bytes (a struct virtio_net_hdr in host byte
 * order) per frame, for a ring opened with vnetHeader. Sets *out (NULL when absent).
 */
static bool get_vnet_arg(napi_env env, ring_t *r, size_t argc, napi_value v, int32_t count, uint8_t **out) {
  *out = NULL;
  napi_valuetype vt = napi_undefined;
  if (argc < 5 || napi_typeof(env, v, &vt) != napi_ok || vt == napi_undefined || vt == napi_null) return true;
  bool is_ta = false;
  napi_typedarray_type t;
  size_t n = 0;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta || napi_get_typedarray_info(env, v, &t, &n, (void **)out, NULL, NULL) != napi_ok || t != napi_uint8_array) {
    tsvs_throw_type(env, "vnet must be a Uint8Array of 10 bytes per frame");
    return false;
  }
  if (!r->vnet_hdr) {
    tsvs_throw_type(env, "vnet headers given for a ring opened without vnetHeader");
    return false;
  }
  if (n < (size_t)count * sizeof(struct virtio_net_hdr)) {
    tsvs_throw_type(env, "vnet holds fewer headers than count");
    return false;
  }
  return true;
}

/*
 * ringSend(handle, buffer, pairs: Uint32Array [offset, length]*, count, vnet?: Uint8Array) -> frames
 * the kernel took. It stops at the first frame the socket has no room for; a frame it refuses
 * (EINVAL, EMSGSIZE) is skipped.
 */
napi_value tsvs_ring_send(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
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
  uint8_t *vnet;
  if (!get_vnet_arg(env, r, argc, argv[4], count, &vnet)) return NULL;
  /* With PACKET_VNET_HDR each message starts with its header: two iovecs per frame. */
  int per = r->vnet_hdr ? 2 : 1;
  struct mmsghdr msgs[SEND_BATCH];
  struct iovec iov[SEND_BATCH * 2];
  int32_t sent = 0, refused = 0;
  bool retried = false;
  while (sent < count) {
    int k = 0;
    for (; k < SEND_BATCH && sent + k < count; k++) {
      uint32_t o = pairs[(sent + k) * 2], l = pairs[(sent + k) * 2 + 1];
      if ((size_t)o + l > len) return tsvs_throw_type(env, "a frame lies outside the buffer");
      struct iovec *io = &iov[k * per];
      if (per == 2) {
        io->iov_base = vnet ? vnet + (size_t)(sent + k) * sizeof(struct virtio_net_hdr) : (uint8_t *)&plain_hdr;
        io->iov_len = sizeof(struct virtio_net_hdr);
        io++;
      }
      io->iov_base = data + o;
      io->iov_len = l;
      memset(&msgs[k], 0, sizeof msgs[k]);
      msgs[k].msg_hdr.msg_iov = &iov[k * per];
      msgs[k].msg_hdr.msg_iovlen = (size_t)per;
    }
    int n = sendmmsg(r->fd, msgs, (unsigned)k, MSG_DONTWAIT);
    /*
     * ENETDOWN may be the error an earlier down left pending on the socket (the kernel reports
     * and clears it on the next send, even after the interface is up again): try once more.
     */
    if (n < 0 && errno == ENETDOWN && !retried) {
      retried = true;
      n = sendmmsg(r->fd, msgs, (unsigned)k, MSG_DONTWAIT);
    }
    if (n < 0) {
      /*
       * No room, or the interface is down or gone: the rest of the batch is not sent and counts
       * as not taken, the same as a full socket, rather than an exception thrown into the
       * receive callback (which would end the process).
       */
      if (errno == EAGAIN || errno == ENOBUFS || errno == ENETDOWN || errno == ENXIO || errno == ENODEV) break;
      /* A frame the kernel refuses (a header it rejects, too long): skip it, send the rest. */
      if (errno != EINVAL && errno != EMSGSIZE) return tsvs_throw_errno(env, "sendmmsg", errno);
      refused++;
      n = 1;
    }
    if (n == 0) break;
    /* Short of k: the next call starts at the frame that stopped this one. */
    sent += n;
  }
  return tsvs_int(env, sent - refused);
}

/*
 * ringStats(handle) -> { packets, drops, freezes } since the last call (PACKET_STATISTICS), and
 * errors: socket errors seen by the receive poll since the ring was opened.
 */
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
  napi_create_uint32(env, r->errors, &v);
  napi_set_named_property(env, out, "errors", v);
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
  detach_map_buffer(env, r);
  shut(r);
  release_refs(env, r);
  napi_get_undefined(env, &undef);
  return undef;
}
