/* Raw IPv4/IPv6 sockets for one IP protocol (VRRP: 112) on one interface. */
#ifndef TSVS_RAW_IP_H
#define TSVS_RAW_IP_H
#include <node_api.h>

napi_value tsvs_raw_open(napi_env env, napi_callback_info info);
napi_value tsvs_raw_send(napi_env env, napi_callback_info info);
napi_value tsvs_raw_close(napi_env env, napi_callback_info info);
napi_value tsvs_raw_ref(napi_env env, napi_callback_info info);

#endif
