/* Node-API helpers shared by the socket kinds (see napi_util.h). */
#include "napi_util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *tsvs_errno_name(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case EINVAL: return "EINVAL";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EADDRINUSE: return "EADDRINUSE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case ENETUNREACH: return "ENETUNREACH";
    case ENETDOWN: return "ENETDOWN";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EAGAIN: return "EAGAIN";
    case EMSGSIZE: return "EMSGSIZE";
    case EBADF: return "EBADF";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EINTR: return "EINTR";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EEXIST: return "EEXIST";
    case ESRCH: return "ESRCH";
    default: return "EUNKNOWN";
  }
}

napi_value tsvs_throw_errno(napi_env env, const char *syscall, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_value code, message, error, num, sys;
  if (napi_create_string_utf8(env, tsvs_errno_name(err), NAPI_AUTO_LENGTH, &code) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok) return NULL;
  if (napi_create_error(env, code, message, &error) != napi_ok) return NULL;
  napi_create_int32(env, -err, &num);
  napi_set_named_property(env, error, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, error, "syscall", sys);
  napi_throw(env, error);
  return NULL;
}

napi_value tsvs_throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

void tsvs_rethrow_pending(napi_env env, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, NULL, what);
}

bool tsvs_get_int(napi_env env, napi_value obj, const char *key, int32_t dflt, int32_t *out) {
  bool has = false;
  *out = dflt;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok) return false;
  if (!has) return true;
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_undefined || t == napi_null) return true;
  if (t != napi_number) {
    char msg[96];
    snprintf(msg, sizeof msg, "option '%s' must be a number", key);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  return napi_get_value_int32(env, v, out) == napi_ok;
}

bool tsvs_arg_string(napi_env env, napi_value v, char *buf, size_t size, const char *what) {
  napi_valuetype t;
  size_t len = 0;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_string) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a string", what);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) return false;
  if (len + 1 >= size) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s is too long", what);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  return true;
}

bool tsvs_get_string(napi_env env, napi_value obj, const char *key, char *buf, size_t size, bool required) {
  bool has = false;
  buf[0] = '\0';
  if (napi_has_named_property(env, obj, key, &has) != napi_ok) return false;
  napi_value v;
  napi_valuetype t = napi_undefined;
  if (has && (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok)) return false;
  if (!has || t == napi_undefined || t == napi_null) {
    if (!required) return true;
    char msg[96];
    snprintf(msg, sizeof msg, "option '%s' is required", key);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  return tsvs_arg_string(env, v, buf, size, key);
}

napi_value tsvs_string(napi_env env, const char *s) {
  napi_value v = NULL;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value tsvs_int(napi_env env, int32_t n) {
  napi_value v = NULL;
  napi_create_int32(env, n, &v);
  return v;
}
