/* Stubs of the packet engine's ring sockets for systems without AF_PACKET: every call throws. */
#include <node_api.h>

#include "packet_ring.h"

static napi_value ring_unsupported(napi_env env, napi_callback_info info) {
  napi_throw_error(env, "ENOTSUP", "AF_PACKET ring sockets need Linux");
  return NULL;
}

napi_value tsvs_ring_open(napi_env env, napi_callback_info info) { return ring_unsupported(env, info); }
napi_value tsvs_ring_send(napi_env env, napi_callback_info info) { return ring_unsupported(env, info); }
napi_value tsvs_ring_stats(napi_env env, napi_callback_info info) { return ring_unsupported(env, info); }
napi_value tsvs_ring_close(napi_env env, napi_callback_info info) { return ring_unsupported(env, info); }
