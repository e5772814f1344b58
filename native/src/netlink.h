/* Netlink request/response sockets (rtnetlink address changes for VIPs). */
#ifndef TSVS_NETLINK_H
#define TSVS_NETLINK_H
#include <node_api.h>

napi_value tsvs_nl_open(napi_env env, napi_callback_info info);
napi_value tsvs_nl_request(napi_env env, napi_callback_info info);
napi_value tsvs_nl_close(napi_env env, napi_callback_info info);

#endif
