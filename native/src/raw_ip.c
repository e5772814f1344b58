/*
 * Raw IP sockets for VRRP, shaped like a dgram socket: open on an interface (SO_BINDTODEVICE),
 * join a multicast group there, send datagrams, and get every received datagram with its source,
 * destination and TTL / hop limit through a callback driven by a libuv poll handle. All protocol
 * logic stays in TypeScript.
 *
 * IPv4 sockets use IP_HDRINCL when asked: the caller builds the IP header (keepalived does the
 * same: TOS 0xC0, its own IP ID, TTL 255). Received IPv4 datagrams start at the IP header.
 * IPv6 sockets let the kernel build the header and compute the checksum (IPV6_CHECKSUM), and
 * received datagrams start at the VRRP message; hop limit and destination come as ancillary data.
 */
#include "raw_ip.h"
#include "napi_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define RX_BUFFER 65536
#define MAX_READS_PER_WAKEUP 64

typedef struct raw_sock {
  napi_env env;
  int fd;
  int family;
  int ifindex;
  uv_poll_t poll;
  napi_ref on_message;
  /* Strong reference to the JS handle while open: like a dgram socket, an open socket stays alive
   * (and keeps delivering) even when the program holds no reference to its handle. */
  napi_ref self;
  napi_async_context actx;
  bool open;
  bool handle_closed;
  bool finalized;
  unsigned char buf[RX_BUFFER];
} raw_sock_t;

static void free_if_done(raw_sock_t *s) {
  if (s->handle_closed && s->finalized) free(s);
}

static void on_handle_closed(uv_handle_t *h) {
  raw_sock_t *s = h->data;
  s->handle_closed = true;
  free_if_done(s);
}

/* Stop polling and close the descriptor; Node-API references are released by the caller. */
static void shut(raw_sock_t *s) {
  if (!s->open) return;
  s->open = false;
  uv_poll_stop(&s->poll);
  close(s->fd);
  s->fd = -1;
  uv_close((uv_handle_t *)&s->poll, on_handle_closed);
}

static void release_refs(napi_env env, raw_sock_t *s) {
  if (s->on_message) napi_delete_reference(env, s->on_message);
  s->on_message = NULL;
  if (s->self) napi_delete_reference(env, s->self);
  s->self = NULL;
  if (s->actx) napi_async_destroy(env, s->actx);
  s->actx = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  raw_sock_t *s = data;
  shut(s);
  release_refs(env, s);
  s->finalized = true;
  free_if_done(s);
}

static int set_int(int fd, int level, int name, int value, const char **what, const char *label) {
  if (setsockopt(fd, level, name, &value, sizeof value) == 0) return 0;
  *what = label;
  return errno;
}

struct open_opts {
  int family, protocol, hdrincl, loop, mcast_hops, ucast_hops, tclass, checksum_offset;
  char ifname[IF_NAMESIZE + 1];
  char group[INET6_ADDRSTRLEN];
};

static int setup_v4(int fd, const struct open_opts *o, int ifindex, const char **what) {
  int err;
  if (o->hdrincl && (err = set_int(fd, IPPROTO_IP, IP_HDRINCL, 1, what, "setsockopt(IP_HDRINCL)"))) return err;
  struct ip_mreqn mr;
  memset(&mr, 0, sizeof mr);
  mr.imr_ifindex = ifindex;
  if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof mr) != 0) return *what = "setsockopt(IP_MULTICAST_IF)", errno;
  if ((err = set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, o->loop, what, "setsockopt(IP_MULTICAST_LOOP)"))) return err;
  if ((err = set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, o->mcast_hops, what, "setsockopt(IP_MULTICAST_TTL)"))) return err;
  if ((err = set_int(fd, IPPROTO_IP, IP_TTL, o->ucast_hops, what, "setsockopt(IP_TTL)"))) return err;
  if ((err = set_int(fd, IPPROTO_IP, IP_TOS, o->tclass, what, "setsockopt(IP_TOS)"))) return err;
  if ((err = set_int(fd, IPPROTO_IP, IP_RECVTTL, 1, what, "setsockopt(IP_RECVTTL)"))) return err;
  if (o->group[0]) {
    if (inet_pton(AF_INET, o->group, &mr.imr_multiaddr) != 1) return *what = "inet_pton(group)", EINVAL;
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) return *what = "setsockopt(IP_ADD_MEMBERSHIP)", errno;
  }
  return 0;
}

static int setup_v6(int fd, const struct open_opts *o, int ifindex, const char **what) {
  int err;
  if (o->checksum_offset >= 0 && (err = set_int(fd, IPPROTO_IPV6, IPV6_CHECKSUM, o->checksum_offset, what, "setsockopt(IPV6_CHECKSUM)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, what, "setsockopt(IPV6_MULTICAST_IF)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, o->loop, what, "setsockopt(IPV6_MULTICAST_LOOP)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, o->mcast_hops, what, "setsockopt(IPV6_MULTICAST_HOPS)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, o->ucast_hops, what, "setsockopt(IPV6_UNICAST_HOPS)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, o->tclass, what, "setsockopt(IPV6_TCLASS)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, what, "setsockopt(IPV6_RECVHOPLIMIT)"))) return err;
  if ((err = set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, what, "setsockopt(IPV6_RECVPKTINFO)"))) return err;
  if (o->group[0]) {
    struct ipv6_mreq mr;
    memset(&mr, 0, sizeof mr);
    mr.ipv6mr_interface = (unsigned)ifindex;
    if (inet_pton(AF_INET6, o->group, &mr.ipv6mr_multiaddr) != 1) return *what = "inet_pton(group)", EINVAL;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) return *what = "setsockopt(IPV6_ADD_MEMBERSHIP)", errno;
  }
  return 0;
}

/* The info object passed with each datagram: { src, dst, ttl, ifindex, truncated }. */
static napi_value message_info(napi_env env, raw_sock_t *s, struct msghdr *m, ssize_t n) {
  napi_value info;
  char text[INET6_ADDRSTRLEN] = "";
  char dst[INET6_ADDRSTRLEN] = "";
  int ttl = -1;
  int ifindex = s->ifindex;
  napi_create_object(env, &info);
  struct sockaddr_storage *from = m->msg_name;
  if (from->ss_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)from)->sin_addr, text, sizeof text);
  else if (from->ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)from)->sin6_addr, text, sizeof text);
  if (s->family == AF_INET && n >= 20) {
    inet_ntop(AF_INET, s->buf + 16, dst, sizeof dst);
    ttl = s->buf[8];
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      struct in6_pktinfo pi;
      memcpy(&pi, CMSG_DATA(c), sizeof pi);
      inet_ntop(AF_INET6, &pi.ipi6_addr, dst, sizeof dst);
      ifindex = (int)pi.ipi6_ifindex;
    }
  }
  napi_value dstv, truncated;
  napi_set_named_property(env, info, "src", tsvs_string(env, text));
  if (dst[0]) dstv = tsvs_string(env, dst);
  else napi_get_null(env, &dstv);
  napi_set_named_property(env, info, "dst", dstv);
  napi_set_named_property(env, info, "ttl", tsvs_int(env, ttl));
  napi_set_named_property(env, info, "ifindex", tsvs_int(env, ifindex));
  napi_get_boolean(env, (m->msg_flags & MSG_TRUNC) != 0, &truncated);
  napi_set_named_property(env, info, "truncated", truncated);
  return info;
}

static void deliver(raw_sock_t *s, napi_value data, napi_value info) {
  napi_env env = s->env;
  napi_value cb, recv, argv[2] = {data, info}, result;
  if (!s->on_message || napi_get_reference_value(env, s->on_message, &cb) != napi_ok || !cb) return;
  /* napi_make_callback needs an object receiver; the callback does not use `this`. */
  napi_get_global(env, &recv);
  if (napi_make_callback(env, s->actx, recv, cb, 2, argv, &result) == napi_pending_exception) {
    napi_value ex;
    napi_get_and_clear_last_exception(env, &ex);
    napi_fatal_exception(env, ex);
  }
}

static void on_readable(uv_poll_t *h, int status, int events) {
  raw_sock_t *s = h->data;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  if (status < 0) {
    napi_value info, nul;
    napi_create_object(env, &info);
    napi_set_named_property(env, info, "error", tsvs_string(env, uv_err_name(status)));
    napi_get_null(env, &nul);
    deliver(s, nul, info);
  }
  for (int i = 0; status >= 0 && s->open && i < MAX_READS_PER_WAKEUP; i++) {
    struct sockaddr_storage from;
    char control[256];
    struct iovec iov = {s->buf, sizeof s->buf};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control, .msg_controllen = sizeof control};
    memset(&from, 0, sizeof from);
    ssize_t n = recvmsg(s->fd, &m, MSG_DONTWAIT);
    if (n < 0) break; /* EAGAIN (drained) or a transient error: wait for the next wakeup */
    size_t len = (size_t)n > sizeof s->buf ? sizeof s->buf : (size_t)n;
    napi_value data, info;
    void *copy;
    if (napi_create_buffer_copy(env, len, s->buf, &copy, &data) != napi_ok) break;
    info = message_info(env, s, &m, n);
    deliver(s, data, info);
  }
  napi_close_handle_scope(env, scope);
}

static raw_sock_t *unwrap(napi_env env, napi_value obj) {
  raw_sock_t *s = NULL;
  if (napi_unwrap(env, obj, (void **)&s) != napi_ok || !s) {
    tsvs_throw_type(env, "not a raw IP socket handle");
    return NULL;
  }
  return s;
}

static bool read_open_opts(napi_env env, napi_value o, struct open_opts *out) {
  memset(out, 0, sizeof *out);
  return tsvs_get_int(env, o, "family", 4, &out->family) && tsvs_get_int(env, o, "protocol", 112, &out->protocol) &&
         tsvs_get_int(env, o, "hdrincl", 0, &out->hdrincl) && tsvs_get_int(env, o, "loop", 0, &out->loop) &&
         tsvs_get_int(env, o, "multicastHops", 255, &out->mcast_hops) && tsvs_get_int(env, o, "unicastHops", 255, &out->ucast_hops) &&
         tsvs_get_int(env, o, "tclass", 0xc0, &out->tclass) && tsvs_get_int(env, o, "checksumOffset", -1, &out->checksum_offset) &&
         tsvs_get_string(env, o, "ifname", out->ifname, sizeof out->ifname, true) &&
         tsvs_get_string(env, o, "group", out->group, sizeof out->group, false);
}

/* rawOpen({family, protocol, ifname, group?, hdrincl?, loop?, multicastHops?, unicastHops?, tclass?, checksumOffset?}, onMessage) */
napi_value tsvs_raw_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], handle;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return tsvs_throw_type(env, "rawOpen(options, onMessage)");
  struct open_opts o;
  if (!read_open_opts(env, argv[0], &o)) return NULL;
  if (o.family != 4 && o.family != 6) return tsvs_throw_type(env, "family must be 4 or 6");
  int ifindex = (int)if_nametoindex(o.ifname);
  if (!ifindex) return tsvs_throw_errno(env, "if_nametoindex", errno ? errno : ENODEV);
  int af = o.family == 4 ? AF_INET : AF_INET6;
  int fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, o.protocol);
  if (fd < 0) return tsvs_throw_errno(env, "socket", errno);
  const char *what = NULL;
  int err = 0;
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o.ifname, (socklen_t)strlen(o.ifname)) != 0) err = errno, what = "setsockopt(SO_BINDTODEVICE)";
  if (!err) err = o.family == 4 ? setup_v4(fd, &o, ifindex, &what) : setup_v6(fd, &o, ifindex, &what);
  if (err) {
    close(fd);
    return tsvs_throw_errno(env, what, err);
  }
  raw_sock_t *s = calloc(1, sizeof *s);
  if (!s) {
    close(fd);
    return tsvs_throw_errno(env, "calloc", ENOMEM);
  }
  s->env = env;
  s->fd = fd;
  s->family = af;
  s->ifindex = ifindex;
  s->poll.data = s;
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->poll, fd) != 0) {
    close(fd);
    free(s);
    return tsvs_throw_errno(env, "uv_poll_init", EINVAL);
  }
  s->open = true;
  bool wrapped = false;
  if (napi_create_reference(env, argv[1], 1, &s->on_message) != napi_ok ||
      napi_async_init(env, NULL, tsvs_string(env, "tsvs:raw-ip"), &s->actx) != napi_ok ||
      napi_create_object(env, &handle) != napi_ok || !(wrapped = napi_wrap(env, handle, s, finalize, NULL, NULL) == napi_ok) ||
      napi_create_reference(env, handle, 1, &s->self) != napi_ok) {
    shut(s);
    release_refs(env, s);
    /* Once wrapped, the finalizer frees it; before that, nobody else will. */
    if (!wrapped) s->finalized = true;
    tsvs_rethrow_pending(env, "rawOpen");
    return NULL;
  }
  napi_set_named_property(env, handle, "ifindex", tsvs_int(env, ifindex));
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  return handle;
}

/* rawSend(handle, data, dst, src?) -> bytes sent. IPv6: src and the interface go in IPV6_PKTINFO. */
napi_value tsvs_raw_send(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return tsvs_throw_type(env, "rawSend(handle, data, dst, src?)");
  raw_sock_t *s = unwrap(env, argv[0]);
  if (!s) return NULL;
  if (!s->open) return tsvs_throw_errno(env, "send", EBADF);
  void *data;
  size_t len;
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer) return tsvs_throw_type(env, "data must be a Buffer");
  NAPI_TRY(env, napi_get_buffer_info(env, argv[1], &data, &len));
  char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN] = "";
  if (!tsvs_arg_string(env, argv[2], dst, sizeof dst, "dst")) return NULL;
  napi_valuetype t = napi_undefined;
  if (argc > 3) napi_typeof(env, argv[3], &t);
  if (t == napi_string && !tsvs_arg_string(env, argv[3], src, sizeof src, "src")) return NULL;
  ssize_t n;
  if (s->family == AF_INET) {
    struct sockaddr_in to = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, dst, &to.sin_addr) != 1) return tsvs_throw_type(env, "dst is not an IPv4 address");
    n = sendto(s->fd, data, len, 0, (struct sockaddr *)&to, sizeof to);
  } else {
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)s->ifindex};
    if (inet_pton(AF_INET6, dst, &to.sin6_addr) != 1) return tsvs_throw_type(env, "dst is not an IPv6 address");
    char control[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    struct iovec iov = {data, len};
    struct msghdr m = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1};
    if (src[0]) {
      memset(control, 0, sizeof control);
      m.msg_control = control;
      m.msg_controllen = sizeof control;
      struct cmsghdr *c = CMSG_FIRSTHDR(&m);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
      struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned)s->ifindex};
      if (inet_pton(AF_INET6, src, &pi.ipi6_addr) != 1) return tsvs_throw_type(env, "src is not an IPv6 address");
      memcpy(CMSG_DATA(c), &pi, sizeof pi);
    }
    n = sendmsg(s->fd, &m, 0);
  }
  if (n < 0) return tsvs_throw_errno(env, "sendto", errno);
  return tsvs_int(env, (int32_t)n);
}

/* rawClose(handle): stop receiving and close; idempotent. */
napi_value tsvs_raw_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return tsvs_throw_type(env, "rawClose(handle)");
  raw_sock_t *s = unwrap(env, argv[0]);
  if (!s) return NULL;
  shut(s);
  release_refs(env, s);
  napi_get_undefined(env, &undef);
  return undef;
}

/* rawRef(handle, keepAlive): whether an open socket keeps the event loop alive. */
napi_value tsvs_raw_ref(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], undef;
  bool on = true;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return tsvs_throw_type(env, "rawRef(handle, keepAlive)");
  raw_sock_t *s = unwrap(env, argv[0]);
  if (!s) return NULL;
  NAPI_TRY(env, napi_get_value_bool(env, argv[1], &on));
  if (s->open) {
    if (on) uv_ref((uv_handle_t *)&s->poll);
    else uv_unref((uv_handle_t *)&s->poll);
  }
  napi_get_undefined(env, &undef);
  return undef;
}
