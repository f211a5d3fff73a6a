/* sock-resolver.h: host, protocol and service name lookups
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include <glib.h>

#include "sock-version-macros.h"

G_BEGIN_DECLS

SOCK_AVAILABLE_IN_ALL
gchar   *sock_getfqdn          (const gchar  *name);
SOCK_AVAILABLE_IN_ALL
gchar   *sock_gethostbyname    (const gchar  *hostname,
                                GError      **error);
SOCK_AVAILABLE_IN_ALL
gboolean sock_gethostbyname_ex (const gchar  *hostname,
                                gchar       **name,
                                GStrv        *aliases,
                                GStrv        *addresses,
                                GError      **error);
SOCK_AVAILABLE_IN_ALL
gchar   *sock_gethostname      (GError      **error);
SOCK_AVAILABLE_IN_ALL
gboolean sock_gethostbyaddr    (const gchar  *ip_address,
                                gchar       **name,
                                GStrv        *aliases,
                                GStrv        *addresses,
                                GError      **error);
SOCK_AVAILABLE_IN_ALL
gint     sock_getprotobyname   (const gchar  *name,
                                GError      **error);
SOCK_AVAILABLE_IN_ALL
gint     sock_getservbyname    (const gchar  *service,
                                const gchar  *protocol,
                                GError      **error);
SOCK_AVAILABLE_IN_1_2
GVariant *sock_getaddrinfo     (const gchar  *host,
                                const gchar  *port,
                                gint          family,
                                gint          type,
                                gint          proto,
                                gint          flags,
                                GError      **error);
SOCK_AVAILABLE_IN_1_2
gboolean sock_getnameinfo      (GVariant     *address,
                                gint          flags,
                                gchar       **host,
                                gchar       **port,
                                GError      **error);

G_END_DECLS
