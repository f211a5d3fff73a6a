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

/* SOCK_RESOLVER_ERROR is an extended error domain: beside its code, each
 * error records the EAI_* code of the getaddrinfo()/getnameinfo() failure it
 * reports, which the three 1.0 codes cannot tell apart. The domain keeps its
 * 1.0 name, so G_DEFINE_EXTENDED_ERROR (which derives the name from the type)
 * is spelled out here. */
typedef struct
{
  gint eai_code;
  gboolean recorded;    /* set by the library, not rebuilt by a binding */
} ResolverErrorPrivate;

static ResolverErrorPrivate *
resolver_error_get_private (const GError *error)
{
  /* Where GLib puts the private data: in front of the GError, aligned as
   * gtype.c aligns structures (the same sum as G_DEFINE_EXTENDED_ERROR's). */
  const gsize struct_align = 2 * sizeof (gsize);
  const gsize size = (sizeof (ResolverErrorPrivate) + (struct_align - 1)) & -struct_align;

  return (ResolverErrorPrivate *) (((guint8 *) error) - size);
}

static void
resolver_error_private_init (GError *error)
{
  *resolver_error_get_private (error) = (ResolverErrorPrivate) { 0 };
}

static void
resolver_error_private_copy (const GError *src_error,
                             GError       *dest_error)
{
  *resolver_error_get_private (dest_error) = *resolver_error_get_private (src_error);
}

static void
resolver_error_record (GError *error,
                       gint    eai_code)
{
  ResolverErrorPrivate *priv = resolver_error_get_private (error);

  priv->eai_code = eai_code;
  priv->recorded = TRUE;
}

static void
resolver_error_private_clear (GError *error)
{
}

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
GQuark
sock_resolver_error_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    {
      GQuark registered;

      registered = g_error_domain_register_static ("sock-resolver-error-quark",
                                                   sizeof (ResolverErrorPrivate),
                                                   resolver_error_private_init,
                                                   resolver_error_private_copy,
                                                   resolver_error_private_clear);
      g_once_init_leave (&quark, registered);
    }

  return (GQuark) quark;
}

/* GLib gives the private data only to errors created after the domain is
 * registered, yet frees every error of the domain as if it had it. So the
 * domain is registered when the library is loaded: a binding may create an
 * error of it (PyGObject rebuilding an exception to pass it back) before
 * anything in the library has asked for the quark. */
static void register_resolver_error_domain (void) __attribute__ ((constructor));

static void
register_resolver_error_domain (void)
{
  (void) sock_resolver_error_quark ();
}

/* The EAI_* codes the library may report, for reading one back from a
 * message (see below). */
static const gint eai_codes[] = {
  EAI_BADFLAGS, EAI_NONAME, EAI_AGAIN, EAI_FAIL, EAI_FAMILY, EAI_SOCKTYPE,
  EAI_SERVICE, EAI_MEMORY, EAI_SYSTEM, EAI_OVERFLOW,
#ifdef EAI_NODATA
  EAI_NODATA,
#endif
#ifdef EAI_ADDRFAMILY
  EAI_ADDRFAMILY,
#endif
};

/**
 * sock_resolver_error_get_eai_code:
 * @error: a #GError
 *
 * Gets the `EAI_*` code of a failed `getaddrinfo()` or `getnameinfo()`,
 * the value that CPython's `socket.gaierror` carries as its `errno`, such
 * as `SOCK_EAI_NONAME` or `SOCK_EAI_SERVICE`.
 *
 * The [error@Sock.ResolverError] code of @error sorts failures into three
 * kinds and stays as it was in 1.0; this gives the exact reason. Every
 * `SOCK_RESOLVER_ERROR` that a lookup through `getaddrinfo()` reports
 * carries it: those of [func@Sock.getaddrinfo], [func@Sock.getnameinfo],
 * [func@Sock.gethostbyname], [func@Sock.gethostbyaddr] given a name, and
 * of resolving the host of an address. An unknown interface name in the
 * scope of an IPv6 host (`"fe80::1%nosuch"`) is `SOCK_EAI_NONAME`.
 *
 * The code travels with @error in C and through g_error_copy(). A binding
 * that rebuilds the error from its domain, code and message (PyGObject does)
 * loses it; the code is then read back from the end of the message, which
 * is the system's text for it (`gai_strerror()`).
 *
 * Returns: the `EAI_*` code, or 0 when @error is not a `SOCK_RESOLVER_ERROR`
 *   from `getaddrinfo()` or `getnameinfo()` (for example a failure of
 *   [func@Sock.gethostbyname_ex], which reports `h_errno`, or of
 *   [func@Sock.getservbyname])
 *
 * Since: 1.2
 */
gint
sock_resolver_error_get_eai_code (const GError *error)
{
  const ResolverErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != SOCK_RESOLVER_ERROR)
    return 0;

  priv = resolver_error_get_private (error);
  if (priv->recorded || error->message == NULL)
    return priv->eai_code;

  for (gsize i = 0; i < G_N_ELEMENTS (eai_codes); i++)
    {
      if (g_str_has_suffix (error->message, gai_strerror (eai_codes[i])))
        return eai_codes[i];
    }

  return 0;
}

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

  return _sock_set_gai_error_detail (error, gai_code, what, NULL);
}

gboolean
_sock_set_gai_error_detail (GError      **error,
                            gint          gai_code,
                            const gchar  *what,
                            const gchar  *detail)
{
  GError *local;

  if (error == NULL)
    return FALSE;

  /* The system's text last, where sock_resolver_error_get_eai_code() looks
   * for it in an error a binding rebuilt. */
  local = g_error_new (SOCK_RESOLVER_ERROR, resolver_code_from_gai (gai_code),
                       "%s: %s%s%s", what, detail != NULL ? detail : "",
                       detail != NULL ? ": " : "", gai_strerror (gai_code));
  resolver_error_record (local, gai_code);
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
_sock_set_h_errno_error (GError      **error,
                         gint          h_err,
                         const gchar  *what)
{
  SockResolverError code;
  const gchar *reason;
  GError *local;

  if (error == NULL)
    return FALSE;

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

  /* Recorded, so that no EAI_* code is read from a reason that happens to
   * be worded as one. */
  local = g_error_new (SOCK_RESOLVER_ERROR, code, "%s: %s", what, reason);
  resolver_error_record (local, 0);
  g_propagate_error (error, local);
  return FALSE;
}
