/*
 * Small helpers around Node-API: errors that carry errno as `code`, argument reading, and
 * address text. Shared by every socket kind of the addon.
 */
#ifndef TSVS_NAPI_UTIL_H
#define TSVS_NAPI_UTIL_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bail out of a Node-API function returning napi_value when a call fails. */
#define NAPI_TRY(env, call)                                  \
  do {                                                       \
    if ((call) != napi_ok) {                                 \
      tsvs_rethrow_pending(env, #call);                      \
      return NULL;                                           \
    }                                                        \
  } while (0)

/* Throw Error(`syscall: strerror`) with .code = "EPERM"... and .errno, .syscall. Returns NULL. */
napi_value tsvs_throw_errno(napi_env env, const char *syscall, int err);
/* Throw a TypeError with a message. Returns NULL. */
napi_value tsvs_throw_type(napi_env env, const char *message);
/* Make sure some exception is pending after a failed Node-API call. */
void tsvs_rethrow_pending(napi_env env, const char *what);

/* The errno name (EPERM, ENODEV, ...) or "EUNKNOWN". */
const char *tsvs_errno_name(int err);

/* Read properties of an options object; false (with an exception pending) when wrongly typed. */
bool tsvs_get_int(napi_env env, napi_value obj, const char *key, int32_t dflt, int32_t *out);
bool tsvs_get_string(napi_env env, napi_value obj, const char *key, char *buf, size_t size, bool required);
bool tsvs_arg_string(napi_env env, napi_value v, char *buf, size_t size, const char *what);

napi_value tsvs_string(napi_env env, const char *s);
napi_value tsvs_int(napi_env env, int32_t v);

#endif
