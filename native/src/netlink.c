/*
 * A netlink socket for synchronous requests: send one message the caller built (in TypeScript)
 * and return the kernel's first reply datagram (for an NLM_F_ACK request: the NLMSG_ERROR
 * acknowledgement). Used for RTM_NEWADDR / RTM_DELADDR, so a new VRRP master's VIP is up in
 * microseconds rather than after spawning `ip`. Replies carrying another sequence number (late
 * answers to an earlier request that timed out) are skipped.
 */
#include "netlink.h"
#include "napi_util.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_BUFFER 65536

typedef struct {
  int fd;
} nl_sock_t;

static void finalize(napi_env env, void *data, void *hint) {
  nl_sock_t *s = data;
  if (s->fd >= 0) close(s->fd);
  free(s);
}

static nl_sock_t *unwrap(napi_env env, napi_value obj) {
  nl_sock_t *s = NULL;
  if (napi_unwrap(env, obj, (void **)&s) != napi_ok || !s) {
    tsvs_throw_type(env, "not a netlink socket handle");
    return NULL;
  }
  return s;
}

/* nlOpen(protocol, timeoutMs) -> handle */
napi_value tsvs_nl_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], handle;
  int32_t protocol = NETLINK_ROUTE, timeout_ms = 2000;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc > 0) NAPI_TRY(env, napi_get_value_int32(env, argv[0], &protocol));
  if (argc > 1) NAPI_TRY(env, napi_get_value_int32(env, argv[1], &timeout_ms));
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) return tsvs_throw_errno(env, "socket(AF_NETLINK)", errno);
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
    int err = errno;
    close(fd);
    return tsvs_throw_errno(env, "bind(AF_NETLINK)", err);
  }
  nl_sock_t *s = malloc(sizeof *s);
  if (!s) {
    close(fd);
    return tsvs_throw_errno(env, "malloc", ENOMEM);
  }
  s->fd = fd;
  if (napi_create_object(env, &handle) != napi_ok || napi_wrap(env, handle, s, finalize, NULL, NULL) != napi_ok) {
    close(fd);
    free(s);
    tsvs_rethrow_pending(env, "nlOpen");
    return NULL;
  }
  return handle;
}

/* nlRequest(handle, message) -> Buffer with the reply whose sequence number matches the message's. */
napi_value tsvs_nl_request(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return tsvs_throw_type(env, "nlRequest(handle, message)");
  nl_sock_t *s = unwrap(env, argv[0]);
  if (!s) return NULL;
  if (s->fd < 0) return tsvs_throw_errno(env, "send", EBADF);
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer) return tsvs_throw_type(env, "message must be a Buffer");
  void *data;
  size_t len;
  NAPI_TRY(env, napi_get_buffer_info(env, argv[1], &data, &len));
  if (len < sizeof(struct nlmsghdr)) return tsvs_throw_type(env, "message shorter than a netlink header");
  uint32_t seq = ((struct nlmsghdr *)data)->nlmsg_seq;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(s->fd, data, len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return tsvs_throw_errno(env, "sendto(AF_NETLINK)", errno);
  unsigned char *buf = malloc(NL_BUFFER);
  if (!buf) return tsvs_throw_errno(env, "malloc", ENOMEM);
  for (;;) {
    ssize_t n = recv(s->fd, buf, NL_BUFFER, 0);
    if (n < 0) {
      int err = errno;
      free(buf);
      return tsvs_throw_errno(env, "recv(AF_NETLINK)", err == EAGAIN ? ETIMEDOUT : err);
    }
    if ((size_t)n >= sizeof(struct nlmsghdr) && ((struct nlmsghdr *)buf)->nlmsg_seq != seq) continue;
    void *copy;
    napi_status st = napi_create_buffer_copy(env, (size_t)n, buf, &copy, &out);
    free(buf);
    if (st != napi_ok) {
      tsvs_rethrow_pending(env, "nlRequest");
      return NULL;
    }
    return out;
  }
}

/* nlClose(handle); idempotent. */
napi_value tsvs_nl_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return tsvs_throw_type(env, "nlClose(handle)");
  nl_sock_t *s = unwrap(env, argv[0]);
  if (!s) return NULL;
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  napi_get_undefined(env, &undef);
  return undef;
}
