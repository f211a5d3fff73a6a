/* sock-create.c: sockets made ready to use in one call
 *
 * CPython's socket.create_server(), written with the public calls only, as
 * Lib/socket.py writes it with the socket object's methods.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sock-create.h"
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
