/* AF_PACKET ring sockets for the packet data-plane engine: TPACKET_V3 receive ring, batched send, fanout. */
#ifndef TSVS_PACKET_RING_H
#define TSVS_PACKET_RING_H
#include <node_api.h>

napi_value tsvs_ring_open(napi_env env, napi_callback_info info);
napi_value tsvs_ring_send(napi_env env, napi_callback_info info);
napi_value tsvs_ring_stats(napi_env env, napi_callback_info info);
napi_value tsvs_ring_close(napi_env env, napi_callback_info info);

#endif
