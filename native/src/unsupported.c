/* Stubs for systems without raw IP / AF_PACKET sockets: every call throws ENOSYS-like errors. */
#include "napi_util.h"
#include "netlink.h"
#include "packet_tx.h"
#include "raw_ip.h"

static napi_value unsupported(napi_env env, napi_callback_info info) {
  napi_throw_error(env, "ENOTSUP", "raw IP and AF_PACKET sockets need Linux");
  return NULL;
}

napi_value tsvs_raw_open(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_raw_send(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_raw_close(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_raw_ref(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_packet_open(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_packet_send(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_packet_close(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_nl_open(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_nl_request(napi_env env, napi_callback_info info) { return unsupported(env, info); }
napi_value tsvs_nl_close(napi_env env, napi_callback_info info) { return unsupported(env, info); }
