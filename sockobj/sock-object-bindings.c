/* sock-object-bindings.c: receive calls shaped for language bindings
 *
 * sock_object_recv() returns a GBytes, which a binding turns into its own
 * byte string only with a second call (GLib.Bytes.get_data() in Python).
 * These return the data as a byte array, which PyGObject hands over as
 * `bytes` and GJS as a `Uint8Array`, in the one call. They are built on
 * the public calls only, so they dispatch through the same virtual
 * methods as the calls they mirror.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-object.h"
#include "sock-object-bindings.h"
#include "sock-object-private.h"

/* Up to this size, data is received on the stack and copied out at its
 * real length: one small allocation per call however large bufsize is. */
#define STACK_BUFFER_SIZE 16384

static guint8 *
take_bytes (GBytes *bytes,
            gsize  *length)
{
  gsize size = 0;
  guint8 *data = g_bytes_unref_to_data (bytes, &size);

  *length = size;
  /* g_bytes_unref_to_data() gives NULL for empty data, which bindings
   * read as "no array" rather than as an empty one. */
  return data != NULL ? data : g_malloc0 (1);
}

/* Whether recv() is the base class's, which receives through recv_into():
 * then receiving into a buffer here is the same call. A subclass that
 * overrides recv() (in C, Python or JS) gets its override called. */
static gboolean
recv_is_derived (SockObject *self)
{
  static SockObjectClass *base = NULL;
  SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);

  if (G_UNLIKELY (g_atomic_pointer_get (&base) == NULL))
    g_atomic_pointer_set (&base, g_type_class_peek (SOCK_TYPE_OBJECT));

  return klass->recv == base->recv;
}

/**
 * sock_object_recv_data:
 * @self: a socket
 * @bufsize: the most bytes to receive at once
 * @flags: flags for `recv(2)`, such as `MSG_PEEK`, or 0
 * @length: (out): where to store the number of bytes received
 * @error: return location for a #GError
 *
 * Receives data from the socket, as [method@Sock.Object.recv] does, and
 * returns it as a byte array rather than a #GBytes.
 *
 * This is the form for language bindings: PyGObject returns the array as
 * `bytes` and GJS as a `Uint8Array`, with no second call to read a
 * `GLib.Bytes`. The Python override's `recv()` is this call. It calls the
 * `recv` virtual method when a subclass overrides it, and otherwise
 * receives with the `recv_into` virtual method, as the default `recv`
 * does.
 *
 * Returns: (transfer full) (array length=length) (element-type guint8):
 *   the data received, empty (@length 0) at the end of the stream, or
 *   %NULL with @error set
 *
 * Since: 1.2
 */
guint8 *
sock_object_recv_data (SockObject  *self,
                       gsize        bufsize,
                       gint         flags,
                       gsize       *length,
                       GError     **error)
{
  guint8 stack_buffer[STACK_BUFFER_SIZE];
  guint8 *heap;
  gssize n;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (length != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *length = 0;

  if (!recv_is_derived (self))
    {
      GBytes *bytes = sock_object_recv (self, bufsize, flags, error);

      return bytes != NULL ? take_bytes (bytes, length) : NULL;
    }

  if (bufsize == 0)
    return g_malloc0 (1);

  if (bufsize <= sizeof stack_buffer)
    {
      /* With MSG_TRUNC the system may report bytes it never wrote. */
      if (flags & MSG_TRUNC)
        memset (stack_buffer, 0, bufsize);
      n = sock_object_recv_into (self, stack_buffer, bufsize, flags, error);
      if (n < 0)
        return NULL;
      /* With MSG_TRUNC a datagram's full length may exceed the buffer. */
      *length = MIN ((gsize) n, bufsize);
      return g_memdup2 (stack_buffer, MAX (*length, 1));
    }

  heap = NULL;
  if (bufsize <= G_MAXSSIZE)
    heap = (flags & MSG_TRUNC) ? g_try_malloc0 (bufsize) : g_try_malloc (bufsize);
  if (heap == NULL)
    {
      _sock_set_invalid_error (error, "recv: cannot allocate a buffer of %"
                               G_GSIZE_FORMAT " bytes", bufsize);
      return NULL;
    }

  n = sock_object_recv_into (self, heap, bufsize, flags, error);
  if (n < 0)
    {
      g_free (heap);
      return NULL;
    }
  *length = MIN ((gsize) n, bufsize);

  /* Give back the unused tail of a large buffer. */
  if (bufsize - *length > 4096)
    heap = g_realloc (heap, MAX (*length, 1));
  return heap;
}

/**
 * sock_object_recvfrom_data:
 * @self: a socket
 * @bufsize: the most bytes to receive at once
 * @flags: flags for `recv(2)`, or 0
 * @length: (out): where to store the number of bytes received
 * @address: (out) (optional) (nullable) (transfer full): the sender's address,
 *   as [method@Sock.Object.recvfrom] gives it
 * @error: return location for a #GError
 *
 * Receives data and the sender's address, as [method@Sock.Object.recvfrom]
 * does, and returns the data as a byte array rather than a #GBytes: the
 * form for language bindings (see [method@Sock.Object.recv_data]).
 *
 * Returns: (transfer full) (array length=length) (element-type guint8):
 *   the data received, or %NULL with @error set
 *
 * Since: 1.2
 */
guint8 *
sock_object_recvfrom_data (SockObject  *self,
                           gsize        bufsize,
                           gint         flags,
                           gsize       *length,
                           GVariant   **address,
                           GError     **error)
{
  GBytes *bytes;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (length != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *length = 0;

  bytes = sock_object_recvfrom (self, bufsize, flags, address, error);
  if (bytes == NULL)
    return NULL;

  return take_bytes (bytes, length);
}
