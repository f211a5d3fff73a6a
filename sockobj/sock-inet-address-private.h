/* sock-inet-address-private.h: internet addresses between GVariant and sockaddr
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Resolves @host ("" is any, "<broadcast>" is broadcast, numeric addresses as
 * they are, names through getaddrinfo) for @family into @native, leaving the
 * port 0. */
gboolean  _sock_inet_host_to_native     (gint          family,
                                         const gchar  *host,
                                         gpointer      native,
                                         gsize         native_size,
                                         gsize        *native_length,
                                         GError      **error);

gboolean  _sock_inet_address_to_native  (gint          family,
                                         GVariant     *address,
                                         gpointer      native,
                                         gsize         native_size,
                                         gsize        *native_length,
                                         GError      **error);

GVariant *_sock_inet_address_from_native (gconstpointer native,
                                          gsize         native_length,
                                          GError      **error);

G_END_DECLS
