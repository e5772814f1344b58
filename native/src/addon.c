/*
 * tsvs_native: the small native shim under tsvs's root-only adapters. One entry per socket kind,
 * each in its own file: raw IP sockets (raw_ip.c), AF_PACKET transmit (packet_tx.c), netlink
 * requests (netlink.c) and the packet engine's AF_PACKET rings (packet_ring.c).
 */
#include <node_api.h>

#include "netlink.h"
#include "packet_ring.h"
#include "packet_tx.h"
#include "raw_ip.h"

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"rawOpen", NULL, tsvs_raw_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawSend", NULL, tsvs_raw_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawClose", NULL, tsvs_raw_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rawRef", NULL, tsvs_raw_ref, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetOpen", NULL, tsvs_packet_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetSend", NULL, tsvs_packet_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetClose", NULL, tsvs_packet_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nlOpen", NULL, tsvs_nl_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nlRequest", NULL, tsvs_nl_request, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nlClose", NULL, tsvs_nl_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ringOpen", NULL, tsvs_ring_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ringSend", NULL, tsvs_ring_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ringStats", NULL, tsvs_ring_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ringClose", NULL, tsvs_ring_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value abi;
  napi_create_int32(env, 1, &abi);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "abi", abi);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
