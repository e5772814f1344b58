/*
 * AF_PACKET for sending whole Ethernet frames on one interface: the gratuitous ARPs and
 * unsolicited Neighbour Advertisements a new VRRP master sends. Protocol 0: the socket never
 * receives. (The packet data-plane engine adds ring-buffer sockets beside this file.)
 */
#include "packet_tx.h"
#include "napi_util.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
  int fd;
  int ifindex;
} packet_tx_t;

static void finalize(napi_env env, void *data, void *hint) {
  packet_tx_t *p = data;
  if (p->fd >= 0) close(p->fd);
  free(p);
}

static packet_tx_t *unwrap(napi_env env, napi_value obj) {
  packet_tx_t *p = NULL;
  if (napi_unwrap(env, obj, (void **)&p) != napi_ok || !p) {
    tsvs_throw_type(env, "not a packet socket handle");
    return NULL;
  }
  return p;
}

/* packetOpen(ifname) -> handle */
napi_value tsvs_packet_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], handle;
  char ifname[IF_NAMESIZE + 1];
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || !tsvs_arg_string(env, argv[0], ifname, sizeof ifname, "ifname")) return NULL;
  int ifindex = (int)if_nametoindex(ifname);
  if (!ifindex) return tsvs_throw_errno(env, "if_nametoindex", errno ? errno : ENODEV);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return tsvs_throw_errno(env, "socket(AF_PACKET)", errno);
  packet_tx_t *p = malloc(sizeof *p);
  if (!p) {
    close(fd);
    return tsvs_throw_errno(env, "malloc", ENOMEM);
  }
  p->fd = fd;
  p->ifindex = ifindex;
  if (napi_create_object(env, &handle) != napi_ok || napi_wrap(env, handle, p, finalize, NULL, NULL) != napi_ok) {
    close(fd);
    free(p);
    tsvs_rethrow_pending(env, "packetOpen");
    return NULL;
  }
  napi_set_named_property(env, handle, "ifindex", tsvs_int(env, ifindex));
  return handle;
}

/* packetSend(handle, frame) -> bytes sent; the frame starts with its Ethernet header. */
napi_value tsvs_packet_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return tsvs_throw_type(env, "packetSend(handle, frame)");
  packet_tx_t *p = unwrap(env, argv[0]);
  if (!p) return NULL;
  if (p->fd < 0) return tsvs_throw_errno(env, "send", EBADF);
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer) return tsvs_throw_type(env, "frame must be a Buffer");
  void *data;
  size_t len;
  NAPI_TRY(env, napi_get_buffer_info(env, argv[1], &data, &len));
  if (len < 14) return tsvs_throw_type(env, "frame shorter than an Ethernet header");
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = p->ifindex;
  to.sll_halen = 6;
  memcpy(to.sll_addr, data, 6);
  ssize_t n = sendto(p->fd, data, len, 0, (struct sockaddr *)&to, sizeof to);
  if (n < 0) return tsvs_throw_errno(env, "sendto(AF_PACKET)", errno);
  return tsvs_int(env, (int32_t)n);
}

/* packetClose(handle); idempotent. */
napi_value tsvs_packet_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  NAPI_TRY(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return tsvs_throw_type(env, "packetClose(handle)");
  packet_tx_t *p = unwrap(env, argv[0]);
  if (!p) return NULL;
  if (p->fd >= 0) close(p->fd);
  p->fd = -1;
  napi_get_undefined(env, &undef);
  return undef;
}
