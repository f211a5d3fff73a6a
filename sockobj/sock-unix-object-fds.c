/* sock-unix-object-fds.c: passing descriptors over AF_UNIX sockets
 *
 * send_fds() and recv_fds(), CPython's socket.send_fds() and
 * socket.recv_fds(), on top of sendmsg and recvmsg_into: through the
 * virtual methods when a subclass overrides them, else straight to the
 * system calls of sock-object-msg.c, without the variants in between.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "sock-cmsg-private.h"
#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-object-msg-private.h"
#include "sock-object-private.h"
#include "sock-unix-object.h"

/* Room beyond the descriptors for the one other message an AF_UNIX socket
 * may add on its own (SCM_CREDENTIALS, with SO_PASSCRED), so that it does
 * not cut the descriptors short. */
#define OTHER_CONTROL_ROOM CMSG_SPACE (sizeof (struct ucred))

/* The most control data recv_fds() ever asks for. */
#define MAX_CONTROL_SIZE (CMSG_SPACE (SOCK_CMSG_MAX_FDS * sizeof (gint)) + OTHER_CONTROL_ROOM)

static gboolean
send_fds_failed (GError  **error,
                 GError   *local_error,
                 gsize     sent,
                 gsize     size)
{
  g_propagate_prefixed_error (error, local_error,
                              "send_fds: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                              " bytes sent: ", sent, size);
  return FALSE;
}

/**
 * sock_unix_object_send_fds:
 * @self: a connected `AF_UNIX` socket
 * @data: (array length=size) (element-type guint8): the data to send
 * @size: the length of @data
 * @fds: (array length=n_fds) (element-type gint): the descriptors to pass
 * @n_fds: the number of @fds, at most 253
 * @error: return location for a #GError
 *
 * Sends @data and, with it, duplicates of the descriptors in @fds, as
 * CPython's `socket.send_fds()`: one `sendmsg(2)` with an `SCM_RIGHTS`
 * control message. The caller keeps its own descriptors; the peer gets
 * new ones for the same open files from [method@Sock.UnixObject.recv_fds]
 * or [method@Sock.Object.recvmsg].
 *
 * All of @data is sent, as by [method@Sock.Object.sendall]: the
 * descriptors travel with the first bytes, and what a stream socket left
 * unsent follows, on the same deadline when the socket has a timeout.
 *
 * On a stream socket the descriptors need at least one byte of data to
 * travel with (the system would drop them silently), so an empty @data
 * with descriptors fails with `EINVAL` there; a datagram may be empty.
 * More than 253 descriptors (Linux's limit for one message) fail with
 * `EINVAL` before anything is sent, and a number that is not an open
 * descriptor with the system's `EBADF`. A descriptor that is not
 * close-on-exec arrives close-on-exec all the same.
 *
 * It calls the `sendmsg` virtual method (and `send` for the rest), or
 * makes the system calls itself when they are the library's own.
 *
 * Returns: %TRUE when all of @data and the descriptors were sent
 *
 * Since: 1.2
 */
gboolean
sock_unix_object_send_fds (SockUnixObject  *self,
                           const guint8    *data,
                           gsize            size,
                           const gint      *fds,
                           gsize            n_fds,
                           GError         **error)
{
  SockObject *object = (SockObject *) self;
  SockObjectClass *klass;
  GError *local_error = NULL;
  SockIOWait wait;
  gssize n;
  gsize rest_sent = 0;

  g_return_val_if_fail (SOCK_IS_UNIX_OBJECT (self), FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (fds != NULL || n_fds == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  klass = SOCK_OBJECT_GET_CLASS (object);

  if (n_fds > SOCK_CMSG_MAX_FDS)
    return _sock_set_invalid_error (error, "send_fds: %" G_GSIZE_FORMAT " descriptors; one "
                                    "message carries at most %d", n_fds, SOCK_CMSG_MAX_FDS);
  if (n_fds > 0 && size == 0 && sock_object_get_socket_type (object) == SOCK_STREAM)
    return _sock_set_invalid_error (error, "send_fds: descriptors on a stream socket need at "
                                    "least one byte of data to travel with");

  _sock_io_wait_init (&wait, _sock_object_get_private (object)->timeouts, TRUE);

  if (_sock_object_sendmsg_is_default (klass))
    {
      struct iovec iov = { (gpointer) data, size };
      SockCmsgBuffer control;

      /* Not zeroed: only what is laid out goes to the system. */
      control.control = NULL;
      control.length = 0;
      if (n_fds > 0)
        _sock_cmsg_encode_fds (fds, n_fds, &control);
      n = _sock_object_sendmsg_raw (object, &iov, 1, &control, 0, NULL, 0, NULL, &wait,
                                    &local_error);
      _sock_cmsg_buffer_clear (&control);
    }
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
      GVariant *ancdata = NULL;

      if (n_fds > 0)
        ancdata = g_variant_new_parsed ("[(%i, %i, %@ay)]", SOL_SOCKET, SCM_RIGHTS,
                                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, fds,
                                                                   n_fds * sizeof (gint), 1));
      /* The public method sinks the variant and checks the override's
       * failure has an error. */
      n = sock_object_sendmsg (object, &bytes, 1, ancdata, 0, NULL, &local_error);
    }

  if (n < 0)
    return send_fds_failed (error, local_error, 0, size);

  /* A stream socket may have taken only part: the descriptors went with
   * it, the rest follows as sendall() would send it. */
  if ((gsize) n < size &&
      !_sock_object_send_remaining (object, data + n, size - n, 0, &wait, &rest_sent,
                                    &local_error))
    return send_fds_failed (error, local_error, n + rest_sent, size);

  return TRUE;
}

/**
 * sock_unix_object_recv_fds:
 * @self: an `AF_UNIX` socket
 * @bufsize: the most bytes of data to receive
 * @max_fds: the most descriptors to accept
 * @fds: (out) (optional) (transfer full) (element-type gint): where to
 *   store the descriptors received, a new array
 * @error: return location for a #GError
 *
 * Receives data and the descriptors sent with it, as CPython's
 * `socket.recv_fds()`: in Python, `data, fds = s.recv_fds(bufsize,
 * max_fds)`.
 *
 * The descriptors are new, close-on-exec, and the caller's to close. When
 * @fds is %NULL, the descriptors received are closed.
 *
 * More descriptors than @max_fds, or control data the system cut short for
 * any other reason, fail with `EMSGSIZE`: every descriptor of that message
 * is closed, none is left open in the process, and the message's data is
 * lost. Use [method@Sock.Object.recvmsg] to see `MSG_CTRUNC` and keep the
 * data. A @bufsize the library cannot allocate fails with `EINVAL`.
 *
 * At the end of the stream the data and the array are empty. On a stream
 * socket, a @bufsize of 0 takes the descriptors of the next message and
 * leaves its data to be read.
 *
 * It calls the `recvmsg_into` virtual method, or makes the system call
 * itself when it is the library's own.
 *
 * Returns: (transfer full): the data received, or %NULL with @error set
 *
 * Since: 1.2
 */
GBytes *
sock_unix_object_recv_fds (SockUnixObject  *self,
                           gsize            bufsize,
                           gsize            max_fds,
                           GArray         **fds,
                           GError         **error)
{
  SockObject *object = (SockObject *) self;
  SockObjectClass *klass;
  g_autoptr(GArray) from_override = NULL;
  union
  {
    struct cmsghdr header;
    guint8 bytes[MAX_CONTROL_SIZE];
  } control;
  /* Every descriptor the control buffer can hold. */
  gint arrived[MAX_CONTROL_SIZE / sizeof (gint)];
  const gint *received = arrived;
  gsize n_received = 0;
  gsize control_size;
  GInputVector vector;
  guint8 *buffer;
  gint msg_flags = 0;
  gssize n;

  g_return_val_if_fail (SOCK_IS_UNIX_OBJECT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (fds != NULL)
    *fds = NULL;

  klass = SOCK_OBJECT_GET_CLASS (object);

  /* No message carries more than SOCK_CMSG_MAX_FDS; the extra room lets a
   * message with more descriptors than asked for arrive whole, to be
   * closed below, rather than cut short by the system. */
  control_size = CMSG_SPACE (MIN (max_fds, SOCK_CMSG_MAX_FDS) * sizeof (gint)) +
                 OTHER_CONTROL_ROOM;

  if ((buffer = _sock_alloc_receive_buffer (bufsize, 0, "recv_fds", error)) == NULL)
    return NULL;
  vector.buffer = buffer;
  vector.size = bufsize;

  if (_sock_object_recvmsg_into_is_default (klass))
    {
      SockRecvmsgResult result = { 0, 0, NULL, 0 };

      /* Not zeroed: only the length the system reports is read. */
      n = _sock_object_recvmsg_raw (object, &vector, 1, &control, control_size, 0, &result,
                                    error);
      if (n >= 0)
        {
          n_received = _sock_cmsg_collect_fds_into (&control, result.control_length, arrived,
                                                    G_N_ELEMENTS (arrived));
          g_assert (n_received <= G_N_ELEMENTS (arrived));
          msg_flags = result.msg_flags;
        }
    }
  else
    {
      g_autoptr(GVariant) ancdata = NULL;

      n = klass->recvmsg_into (object, &vector, 1, control_size, MSG_CMSG_CLOEXEC, &ancdata,
                               &msg_flags, NULL, error);
      if (n >= 0)
        {
          /* An override's ancillary data may hold any number. */
          from_override = g_array_new (FALSE, FALSE, sizeof (gint));
          _sock_ancdata_collect_fds (ancdata, from_override);
          received = (const gint *) from_override->data;
          n_received = from_override->len;
        }
      else if (error != NULL && *error == NULL)
        _sock_object_set_missing_error (object, error, "recvmsg_into");
    }

  if (n < 0)
    {
      g_free (buffer);
      return NULL;
    }

  if ((msg_flags & MSG_CTRUNC) || n_received > max_fds || fds == NULL)
    _sock_fds_close (received, n_received);

  if ((msg_flags & MSG_CTRUNC) || n_received > max_fds)
    {
      g_free (buffer);
      _sock_set_errno_error (error, EMSGSIZE, "recv_fds: the control data was cut short "
                             "(%" G_GSIZE_FORMAT " descriptors arrived, %" G_GSIZE_FORMAT
                             " were asked for); the descriptors that arrived were closed",
                             n_received, max_fds);
      return NULL;
    }

  if (fds != NULL)
    {
      *fds = g_array_sized_new (FALSE, FALSE, sizeof (gint), n_received);
      g_array_append_vals (*fds, received, n_received);
    }

  return _sock_bytes_from_buffer (buffer, bufsize, n);
}
