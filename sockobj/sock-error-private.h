/* sock-error-private.h: building SOCK_ERROR errors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets @error to SOCK_ERROR / @errsv with the message "<what>: <strerror>",
 * where <what> is formatted from @format. Always returns FALSE so callers can
 * `return _sock_set_errno_error (...)`. */
gboolean _sock_set_errno_error      (GError      **error,
                                     gint          errsv,
                                     const gchar  *format,
                                     ...) G_GNUC_PRINTF (3, 4);

/* Sets @error to SOCK_ERROR / EINVAL with the message formatted from @format:
 * for data from the caller that the library cannot use. Returns FALSE. */
gboolean _sock_set_invalid_error    (GError      **error,
                                     const gchar  *format,
                                     ...) G_GNUC_PRINTF (2, 3);

/* Maps a getaddrinfo()/getnameinfo() EAI_* code or an h_errno value into
 * SOCK_RESOLVER_ERROR; EAI_SYSTEM becomes SOCK_ERROR with @errsv, the errno
 * saved right after the lookup. Returns FALSE. */
gboolean _sock_set_gai_error        (GError      **error,
                                     gint          gai_code,
                                     gint          errsv,
                                     const gchar  *what);
/* The same for a failure found by the library itself, @detail saying what
 * (as "no interface named \"x\""): "<what>: <detail>: <gai_strerror>". */
gboolean _sock_set_gai_error_detail (GError      **error,
                                     gint          gai_code,
                                     const gchar  *what,
                                     const gchar  *detail);
gboolean _sock_set_h_errno_error    (GError      **error,
                                     gint          h_err,
                                     const gchar  *what);

G_END_DECLS
