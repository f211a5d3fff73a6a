/* sock-error.c: the error domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "sock-error.h"
#include "sock-error-private.h"

/**
 * sock_error_quark:
 *
 * Gets the quark of the `SOCK_ERROR` domain, whose codes are `errno`
 * values ([error@Sock.Error] names them).
 *
 * Returns: the error domain
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (sock-error-quark, sock_error)

/**
 * sock_resolver_error_quark:
 *
 * Gets the quark of the `SOCK_RESOLVER_ERROR` domain, whose codes are
 * [error@Sock.ResolverError] values.
 *
 * Returns: the error domain
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (sock-resolver-error-quark, sock_resolver_error)

gboolean
_sock_set_errno_error (GError      **error,
                       gint          errsv,
                       const gchar  *format,
                       ...)
{
  g_autofree gchar *what = NULL;
  va_list args;

  if (error == NULL)
    return FALSE;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SOCK_ERROR, errsv, "%s: %s", what, g_strerror (errsv));
  return FALSE;
}

gboolean
_sock_set_invalid_error (GError      **error,
                         const gchar  *format,
                         ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;

  va_start (args, format);
  *error = g_error_new_valist (SOCK_ERROR, EINVAL, format, args);
  va_end (args);
  return FALSE;
}

static SockResolverError
resolver_code_from_gai (gint gai_code)
{
  switch (gai_code)
    {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
    case EAI_SERVICE:
      return SOCK_RESOLVER_ERROR_NOT_FOUND;
    case EAI_AGAIN:
      return SOCK_RESOLVER_ERROR_TEMPORARY_FAILURE;
    default:
      return SOCK_RESOLVER_ERROR_FAILED;
    }
}

gboolean
_sock_set_gai_error (GError      **error,
                     gint          gai_code,
                     gint          errsv,
                     const gchar  *what)
{
  /* EAI_SYSTEM means the real reason is in errno, saved by the caller. */
  if (gai_code == EAI_SYSTEM)
    return _sock_set_errno_error (error, errsv, "%s", what);

  g_set_error (error, SOCK_RESOLVER_ERROR, resolver_code_from_gai (gai_code),
               "%s: %s", what, gai_strerror (gai_code));
  return FALSE;
}

gboolean
_sock_set_h_errno_error (GError      **error,
                         gint          h_err,
                         const gchar  *what)
{
  SockResolverError code;
  const gchar *reason;

  switch (h_err)
    {
    case HOST_NOT_FOUND:
    case NO_DATA:
      code = SOCK_RESOLVER_ERROR_NOT_FOUND;
      reason = "Unknown host";
      break;
    case TRY_AGAIN:
      code = SOCK_RESOLVER_ERROR_TEMPORARY_FAILURE;
      reason = "Temporary failure in name resolution";
      break;
    default:
      code = SOCK_RESOLVER_ERROR_FAILED;
      reason = "Non-recoverable failure in name resolution";
      break;
    }

  g_set_error (error, SOCK_RESOLVER_ERROR, code, "%s: %s", what, reason);
  return FALSE;
}
