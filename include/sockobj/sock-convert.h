/* sock-convert.h: byte order and packed address conversions
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
guint32 sock_ntohl      (guint32        x);
SOCK_AVAILABLE_IN_ALL
guint16 sock_ntohs      (guint16        x);
SOCK_AVAILABLE_IN_ALL
guint32 sock_htonl      (guint32        x);
SOCK_AVAILABLE_IN_ALL
guint16 sock_htons      (guint16        x);
SOCK_AVAILABLE_IN_ALL
GBytes *sock_inet_aton  (const gchar   *ip_string,
                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gchar  *sock_inet_ntoa  (const guint8  *packed,
                         gsize          length,
                         GError       **error);
SOCK_AVAILABLE_IN_1_2
GBytes *sock_inet_pton  (gint           family,
                         const gchar   *ip_string,
                         GError       **error);
SOCK_AVAILABLE_IN_1_2
gchar  *sock_inet_ntop  (gint           family,
                         const guint8  *packed,
                         gsize          length,
                         GError       **error);

G_END_DECLS
