/* sock-inet-address-private.h: internet addresses between GVariant and sockaddr
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <netinet/in.h>

G_BEGIN_DECLS

typedef enum
{
  SOCK_SCOPED_PARSE_NOT_SCOPED,   /* not a numeric IPv6 address with "%scope" */
  SOCK_SCOPED_PARSE_OK,
  SOCK_SCOPED_PARSE_BAD_SCOPE,    /* error set: SOCK_RESOLVER_ERROR, EAI_NONAME */
} SockScopedParse;

/* Reads a numeric IPv6 address with a scope, "fe80::1%eth0" or "fe80::1%2":
 * the scope is an interface index in decimal or an interface name. */
SockScopedParse _sock_inet6_parse_scoped (const gchar      *host,
                                          struct in6_addr  *addr,
                                          guint32          *scope_id,
                                          GError          **error);

/* Resolves @host ("" is any, "<broadcast>" is broadcast, numeric addresses as
 * they are, names through getaddrinfo) for @family into @native, leaving the
 * port 0. */
gboolean  _sock_inet_host_to_native     (gint          family,
                                         const gchar  *host,
                                         gpointer      native,
                                         gsize         native_size,
                                         gsize        *native_length,
                                         GError      **error);

/* Whether _sock_inet_host_to_native() would look @host up with
 * getaddrinfo() (a name) rather than read it (numeric, scoped, "" or
 * "<broadcast>"): the asynchronous calls resolve such hosts first, without
 * blocking. */
gboolean  _sock_inet_host_needs_lookup  (gint          family,
                                         const gchar  *host);

/* The fields of an internet address tuple, checked: (host, port) for
 * AF_INET, and also (host, port, flowinfo, scope_id) for AF_INET6 and
 * AF_UNSPEC (either family). @host belongs to the variant. */
typedef struct
{
  const gchar *host;
  guint16 port;
  guint32 flowinfo;
  guint32 scope_id;
  gsize n_fields;
} SockInetAddressFields;

gboolean  _sock_inet_address_parse      (GVariant               *address,
                                         gint                    family,
                                         SockInetAddressFields  *fields,
                                         GError                **error);

/* Puts the port, flowinfo and scope id of @fields into @sin6, whose address
 * (and scope, from the host string) is already there. */
void      _sock_inet6_apply_fields      (struct sockaddr_in6         *sin6,
                                         const SockInetAddressFields *fields);

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
