/* sock-inet-object.c: AF_INET and AF_INET6 sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-inet-object.h"
#include "sock-inet-address-private.h"
#include "sock-object-private.h"

/**
 * SockInetObject:
 *
 * An internet socket: `AF_INET`, or `AF_INET6`.
 *
 * Its addresses are `(sq)` tuples of host and port for `AF_INET`; a port
 * given as `(si)` or `(su)` is accepted too and checked to be in range. For
 * `AF_INET6` the tuple may carry flow information and a scope id, `(squu)`,
 * which is also the shape returned.
 *
 * The host may be a numeric address, used as it is; `""` for any address
 * (`INADDR_ANY`); `"<broadcast>"` for `INADDR_BROADCAST`; or a name,
 * resolved with `getaddrinfo()` (a failure is a `SOCK_RESOLVER_ERROR`).
 *
 * Since: 1.0
 */

G_DEFINE_TYPE (SockInetObject, sock_inet_object, SOCK_TYPE_OBJECT)

static gboolean
sock_inet_object_address_to_native (SockObject  *object,
                                    GVariant    *address,
                                    gpointer     native,
                                    gsize        native_size,
                                    gsize       *native_length,
                                    GError     **error)
{
  return _sock_inet_address_to_native (sock_object_get_family (object), address,
                                       native, native_size, native_length, error);
}

static GVariant *
sock_inet_object_address_from_native (SockObject    *object,
                                      gconstpointer  native,
                                      gsize          native_length,
                                      GError       **error)
{
  return _sock_inet_address_from_native (native, native_length, error);
}

static void
sock_inet_object_constructed (GObject *object)
{
  SockObject *self = SOCK_OBJECT (object);
  gint family = sock_object_get_family (self);

  /* Only this class's families have addresses it can convert. */
  if (family >= 0 && family != AF_INET && family != AF_INET6)
    _sock_object_set_create_errno (self, EAFNOSUPPORT);

  G_OBJECT_CLASS (sock_inet_object_parent_class)->constructed (object);
}

static void
sock_inet_object_class_init (SockInetObjectClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  G_OBJECT_CLASS (klass)->constructed = sock_inet_object_constructed;

  object_class->address_to_native = sock_inet_object_address_to_native;
  object_class->address_from_native = sock_inet_object_address_from_native;
}

static void
sock_inet_object_init (SockInetObject *self)
{
  _sock_object_set_default_family (SOCK_OBJECT (self), AF_INET);
}

/**
 * sock_inet_object_new:
 * @family: `AF_INET` or `AF_INET6`
 * @type: the socket type, such as `SOCK_STREAM` or `SOCK_DGRAM`
 * @proto: the protocol number, usually 0
 * @error: return location for a #GError
 *
 * Creates an internet socket; the same as [func@Sock.socket] with an
 * internet family.
 *
 * Returns: (transfer full): a new socket, or %NULL with @error set
 *
 * Since: 1.0
 */
SockInetObject *
sock_inet_object_new (gint     family,
                      gint     type,
                      gint     proto,
                      GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (family != AF_INET && family != AF_INET6)
    {
      _sock_set_errno_error (error, EAFNOSUPPORT,
                             "socket: family %d is not an internet family", family);
      return NULL;
    }

  return _sock_object_new_created (SOCK_TYPE_INET_OBJECT, family, type, proto, error);
}
