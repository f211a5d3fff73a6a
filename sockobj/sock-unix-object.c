/* sock-unix-object.c: AF_UNIX sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-object-private.h"
#include "sock-unix-object.h"

/**
 * SockUnixObject:
 *
 * A local socket, of the `AF_UNIX` family.
 *
 * Its address is a path, given as a string (`s`) or as bytes (`ay`). Bytes
 * that start with a NUL byte name a socket in Linux's abstract namespace,
 * which has no file. A path must fit `sun_path` with its terminating NUL
 * (107 bytes on Linux); an abstract name may use all 108 bytes. A longer
 * address fails with `EINVAL` rather than being cut short.
 *
 * Addresses come back as `s` for a path, `ay` for an abstract name (or a
 * path that is not UTF-8), and `""` for a socket that is not bound.
 *
 * Since: 1.0
 */

G_DEFINE_TYPE (SockUnixObject, sock_unix_object, SOCK_TYPE_OBJECT)

#define SUN_PATH_SIZE (sizeof (((struct sockaddr_un *) NULL)->sun_path))

static gboolean
sock_unix_object_address_to_native (SockObject  *object,
                                    GVariant    *address,
                                    gpointer     native,
                                    gsize        native_size,
                                    gsize       *native_length,
                                    GError     **error)
{
  struct sockaddr_un *sun = native;
  const gchar *path;
  gsize length;
  gboolean abstract;

  if (g_variant_is_of_type (address, G_VARIANT_TYPE_STRING))
    path = g_variant_get_string (address, &length);
  else if (g_variant_is_of_type (address, G_VARIANT_TYPE_BYTESTRING))
    {
      path = g_variant_get_fixed_array (address, &length, 1);
      /* An empty array has no data at all; memchr() and memcpy() need a
       * pointer even for 0 bytes. */
      if (path == NULL)
        path = "";
      /* g_variant_new_bytestring() counts the terminating NUL; a path does
       * not, while an abstract name may end in NUL bytes of its own. */
      if (length > 1 && path[0] != '\0' && path[length - 1] == '\0')
        length--;
    }
  else
    return _sock_set_invalid_error (error, "AF_UNIX addresses are paths of type 's' or 'ay', "
                                    "not '%s'", g_variant_get_type_string (address));

  abstract = length > 0 && path[0] == '\0';

  if (!abstract && memchr (path, '\0', length) != NULL)
    return _sock_set_invalid_error (error, "An AF_UNIX path must not contain a NUL byte");

  if (abstract ? length > SUN_PATH_SIZE : length >= SUN_PATH_SIZE)
    return _sock_set_invalid_error (error, "The AF_UNIX %s is %" G_GSIZE_FORMAT " bytes long; "
                                    "at most %" G_GSIZE_FORMAT " fit",
                                    abstract ? "abstract name" : "path", length,
                                    abstract ? SUN_PATH_SIZE : SUN_PATH_SIZE - 1);

  g_assert (native_size >= sizeof *sun);
  memset (sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  memcpy (sun->sun_path, path, length);
  /* As CPython does, the length leaves out a path's NUL (sun_path was zeroed),
   * so the empty path asks Linux to autobind an abstract name. */
  *native_length = offsetof (struct sockaddr_un, sun_path) + length;
  return TRUE;
}

static GVariant *
sock_unix_object_address_from_native (SockObject    *object,
                                      gconstpointer  native,
                                      gsize          native_length,
                                      GError       **error)
{
  const struct sockaddr_un *sun = native;
  gsize offset = offsetof (struct sockaddr_un, sun_path);
  gsize length;

  /* Unnamed sockets (not bound, or the client end of a connection). */
  if (native_length <= offset)
    return g_variant_new_string ("");

  if (sun->sun_family != AF_UNIX)
    {
      _sock_set_errno_error (error, EAFNOSUPPORT,
                             "The system returned an address of family %d, not AF_UNIX",
                             sun->sun_family);
      return NULL;
    }

  length = MIN (native_length, sizeof *sun) - offset;

  if (sun->sun_path[0] == '\0')
    return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, sun->sun_path, length, 1);

  length = strnlen (sun->sun_path, length);
  if (!g_utf8_validate (sun->sun_path, length, NULL))
    return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, sun->sun_path, length, 1);

  return g_variant_new_take_string (g_strndup (sun->sun_path, length));
}

static void
sock_unix_object_constructed (GObject *object)
{
  SockObject *self = SOCK_OBJECT (object);
  gint family = sock_object_get_family (self);

  /* Only this class's families have addresses it can convert. */
  if (family >= 0 && family != AF_UNIX)
    _sock_object_set_create_errno (self, EAFNOSUPPORT);

  G_OBJECT_CLASS (sock_unix_object_parent_class)->constructed (object);
}

static void
sock_unix_object_class_init (SockUnixObjectClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  G_OBJECT_CLASS (klass)->constructed = sock_unix_object_constructed;

  object_class->address_to_native = sock_unix_object_address_to_native;
  object_class->address_from_native = sock_unix_object_address_from_native;
}

static void
sock_unix_object_init (SockUnixObject *self)
{
  _sock_object_set_default_family (SOCK_OBJECT (self), AF_UNIX);
}

/**
 * sock_unix_object_new:
 * @type: the socket type, such as `SOCK_STREAM` or `SOCK_DGRAM`
 * @proto: the protocol number, usually 0
 * @error: return location for a #GError
 *
 * Creates an `AF_UNIX` socket; the same as [func@Sock.socket] with
 * `AF_UNIX`.
 *
 * Returns: (transfer full): a new socket, or %NULL with @error set
 *
 * Since: 1.0
 */
SockUnixObject *
sock_unix_object_new (gint     type,
                      gint     proto,
                      GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _sock_object_new_created (SOCK_TYPE_UNIX_OBJECT, AF_UNIX, type, proto, error);
}
