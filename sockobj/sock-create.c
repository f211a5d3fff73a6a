/* sock-create.c: sockets made ready to use in one call
 *
 * CPython's socket.create_connection() and socket.create_server(), written
 * with the public calls only, as Lib/socket.py writes them with the socket
 * object's methods.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sock-create.h"
#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-resolver.h"
#include "sock-socket.h"

/* listen()'s queue when the caller asks for the default, as CPython's
 * socket.listen() without an argument. */
#define DEFAULT_BACKLOG MIN (SOMAXCONN, 128)

/* Whether the host of @address is one that only a dual-stack socket can
 * bind: the IPv6 wildcard ("" or "::"), or an IPv4-mapped address. */
static gboolean
wants_dual_stack (GVariant *address)
{
  struct in6_addr addr;
  const gchar *host;

  /* Any other shape is left to bind() to refuse. */
  if (!g_variant_is_of_type (address, G_VARIANT_TYPE_TUPLE) ||
      g_variant_n_children (address) < 2)
    return FALSE;
  {
    g_autoptr(GVariant) child = g_variant_get_child_value (address, 0);

    if (!g_variant_is_of_type (child, G_VARIANT_TYPE_STRING))
      return FALSE;
    host = g_variant_get_string (child, NULL);
    if (host[0] == '\0')
      return TRUE;
    if (inet_pton (AF_INET6, host, &addr) != 1)
      return FALSE;
  }

  return IN6_IS_ADDR_UNSPECIFIED (&addr) || IN6_IS_ADDR_V4MAPPED (&addr);
}

/**
 * sock_create_server:
 * @address: the address to listen on, as [method@Sock.Object.bind] takes it
 *   for @family, such as `("", 8080)` or `("127.0.0.1", 0)`
 * @family: `AF_INET`, `AF_INET6` or `AF_UNIX`; 0 for `AF_INET`, CPython's
 *   default
 * @backlog: the listen queue, as [method@Sock.Object.listen] takes it;
 *   negative for CPython's default, the smaller of `SOMAXCONN` and 128
 * @reuse_port: whether to set `SO_REUSEPORT`, so that several sockets can
 *   listen on the same port and share its connections
 * @error: return location for a #GError
 *
 * Creates a `SOCK_STREAM` socket listening on @address, as CPython's
 * `socket.create_server()` does.
 *
 * `SO_REUSEADDR` is set first, so that a server can be restarted at once
 * on the port of connections still in `TIME_WAIT`.
 *
 * An `AF_INET6` socket listens on IPv4 too (it is dual-stack:
 * `IPV6_V6ONLY` is turned off) when @address asks for the IPv6 wildcard,
 * `""` or `"::"`, as CPython's `dualstack_ipv6=True` does; IPv4 clients
 * then show as `"::ffff:a.b.c.d"`. The same holds for an IPv4-mapped
 * address such as `"::ffff:127.0.0.1"`, which a socket can only bind
 * without `IPV6_V6ONLY`. For any other `AF_INET6` address `IPV6_V6ONLY` is
 * turned on, so that the socket takes IPv6 only, whatever the system's
 * default.
 *
 * ```c
 * g_autoptr(SockObject) server = sock_create_server (g_variant_new ("(sq)", "", 8080),
 *                                                    SOCK_AF_INET6, -1, FALSE, &error);
 * ```
 *
 * Like the socket methods, this sinks a floating @address.
 *
 * Returns: (transfer full): the listening socket, or %NULL with @error set
 *   (the socket created on the way is closed): any error that
 *   [func@Sock.socket], [method@Sock.Object.setsockopt] (for `SO_REUSEPORT`
 *   and `IPV6_V6ONLY`), [method@Sock.Object.bind] or
 *   [method@Sock.Object.listen] gives, such as `EADDRINUSE`
 *
 * Since: 1.2
 */
SockObject *
sock_create_server (GVariant  *address,
                    gint       family,
                    gint       backlog,
                    gboolean   reuse_port,
                    GError   **error)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned = g_variant_ref_sink (address);
  if (family == AF_UNSPEC)
    family = AF_INET;

  sock = sock_socket (family, SOCK_STREAM, 0, error);
  if (sock == NULL)
    return NULL;

  /* As CPython on POSIX: where the option is refused, bind() says why. */
  sock_object_setsockopt (sock, SOL_SOCKET, SO_REUSEADDR, 1, NULL);

  if (reuse_port && !sock_object_setsockopt (sock, SOL_SOCKET, SO_REUSEPORT, 1, error))
    goto failed;

  if (family == AF_INET6 &&
      !sock_object_setsockopt (sock, IPPROTO_IPV6, IPV6_V6ONLY,
                               wants_dual_stack (owned) ? 0 : 1, error))
    goto failed;

  if (!sock_object_bind (sock, owned, error) ||
      !sock_object_listen (sock, backlog < 0 ? DEFAULT_BACKLOG : backlog, error))
    goto failed;

  return g_steal_pointer (&sock);

failed:
  g_prefix_error (error, "create_server: ");
  /* Now, rather than whenever the last reference goes. */
  sock_object_close (sock, NULL);
  return NULL;
}

/* Splits a (sq), (si) or (su) address, or the (sq...) of AF_INET6, into a
 * host and a port string for getaddrinfo(). */
static gboolean
host_and_port (GVariant  *address,
               gchar    **host,
               gchar    **port,
               GError   **error)
{
  g_autoptr(GVariant) host_v = NULL;
  g_autoptr(GVariant) port_v = NULL;
  gint64 number;

  if (!g_variant_is_of_type (address, G_VARIANT_TYPE_TUPLE) ||
      g_variant_n_children (address) < 2 || g_variant_n_children (address) > 4)
    return _sock_set_invalid_error (error, "create_connection: the address must be "
                                    "(host, port), not %s",
                                    g_variant_get_type_string (address));

  host_v = g_variant_get_child_value (address, 0);
  port_v = g_variant_get_child_value (address, 1);
  if (!g_variant_is_of_type (host_v, G_VARIANT_TYPE_STRING))
    return _sock_set_invalid_error (error, "create_connection: the host must be a string");

  if (g_variant_is_of_type (port_v, G_VARIANT_TYPE_UINT16))
    number = g_variant_get_uint16 (port_v);
  else if (g_variant_is_of_type (port_v, G_VARIANT_TYPE_INT32))
    number = g_variant_get_int32 (port_v);
  else if (g_variant_is_of_type (port_v, G_VARIANT_TYPE_UINT32))
    number = g_variant_get_uint32 (port_v);
  else
    return _sock_set_invalid_error (error, "create_connection: the port must be q, i or u, "
                                    "not %s", g_variant_get_type_string (port_v));

  if (number < 0 || number > G_MAXUINT16)
    return _sock_set_invalid_error (error, "create_connection: port %" G_GINT64_FORMAT
                                    " is out of range (0 to 65535)", number);

  *host = g_variant_dup_string (host_v, NULL);
  *port = g_strdup_printf ("%" G_GINT64_FORMAT, number);
  return TRUE;
}

/* Makes a socket for one getaddrinfo() result and connects it. */
static SockObject *
try_address (gint       family,
             gint       type,
             gint       proto,
             GVariant  *address,
             gdouble    timeout,
             GError   **error)
{
  g_autoptr(SockObject) sock = sock_socket (family, type, proto, error);

  if (sock == NULL)
    return NULL;

  if (!sock_object_settimeout (sock, timeout, error) ||
      !sock_object_connect (sock, address, error))
    {
      sock_object_close (sock, NULL);
      return NULL;
    }

  return g_steal_pointer (&sock);
}

/**
 * sock_create_connection:
 * @address: the server's `(sq)` host and port (or `(si)`, `(su)`), the
 *   host a name or a numeric address of either family
 * @timeout: the timeout of the socket, in seconds, as
 *   [method@Sock.Object.settimeout] takes it: negative for none, or
 *   [func@Sock.getdefaulttimeout] for the default
 * @error: return location for a #GError
 *
 * Connects a `SOCK_STREAM` socket to @address, as CPython's
 * `socket.create_connection()` does: the host is resolved with
 * [func@Sock.getaddrinfo] for both IPv6 and IPv4, and each address is tried
 * in the order the system gives them, until one connects.
 *
 * The socket gets @timeout before it connects, so the timeout bounds each
 * attempt, as in CPython, and the socket keeps it.
 *
 * Like the socket methods, this sinks a floating @address.
 *
 * Returns: (transfer full): the connected socket, or %NULL with @error set:
 *   a resolver error when the host cannot be resolved, `EINVAL` for an
 *   address of the wrong shape, or else the error of the first attempt, in
 *   its code, with every attempt's error in its message
 *
 * Since: 1.2
 */
SockObject *
sock_create_connection (GVariant  *address,
                        gdouble    timeout,
                        GError   **error)
{
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GString) messages = NULL;
  g_autofree gchar *host = NULL;
  g_autofree gchar *port = NULL;
  GVariantIter iter;
  GVariant *result_address;
  struct in6_addr numeric;
  gint family, type, proto;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned = g_variant_ref_sink (address);
  if (!host_and_port (owned, &host, &port, error))
    return NULL;

  /* A numeric host has one address, which getaddrinfo() would only copy
   * (scoped IPv6 hosts go through it, for the scope). */
  if (inet_pton (AF_INET, host, &numeric) == 1 || inet_pton (AF_INET6, host, &numeric) == 1)
    {
      gboolean v6 = strchr (host, ':') != NULL;
      guint16 number = (guint16) g_ascii_strtoull (port, NULL, 10);
      g_autoptr(GVariant) to = g_variant_ref_sink (v6 ? g_variant_new ("(squu)", host, number,
                                                                     0, 0)
                                                      : g_variant_new ("(sq)", host, number));
      SockObject *sock = try_address (v6 ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP, to,
                                      timeout, error);

      if (sock == NULL)
        g_prefix_error (error, "create_connection to %s port %s: ", host, port);
      return sock;
    }

  results = sock_getaddrinfo (host, port, AF_UNSPEC, SOCK_STREAM, 0, 0, error);
  if (results == NULL)
    return NULL;

  g_variant_iter_init (&iter, results);
  while (g_variant_iter_next (&iter, "(iii&sv)", &family, &type, &proto, NULL,
                              &result_address))
    {
      g_autoptr(GVariant) to = result_address;
      g_autoptr(GError) local_error = NULL;
      SockObject *sock = try_address (family, type, proto, to, timeout, &local_error);

      if (sock != NULL)
        return sock;

      /* Ended for a binding's signal handler (sock-interrupt-private.h):
       * the next address would not see it again. */
      if (g_error_matches (local_error, SOCK_ERROR, EINTR))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (messages == NULL)
        messages = g_string_new (NULL);
      else
        g_string_append (messages, "; ");
      g_string_append (messages, local_error->message);
      if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }

  if (first_error == NULL)
    {
      _sock_set_errno_error (error, EADDRNOTAVAIL,
                             "create_connection: getaddrinfo returned no address for %s",
                             host);
      return NULL;
    }

  g_set_error (error, first_error->domain, first_error->code,
               "create_connection to %s port %s: %s", host, port, messages->str);
  return NULL;
}
