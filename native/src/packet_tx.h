/* AF_PACKET sockets that only send whole Ethernet frames (gratuitous ARP, unsolicited NA). */
#ifndef TSVS_PACKET_TX_H
#define TSVS_PACKET_TX_H
#include <node_api.h>

napi_value tsvs_packet_open(napi_env env, napi_callback_info info);
napi_value tsvs_packet_send(napi_env env, napi_callback_info info);
napi_value tsvs_packet_close(napi_env env, napi_callback_info info);

#endif
