/* sock-object-msg.c: sendmsg(), recvmsg() and recvmsg_into()
 *
 * The default implementations of the sendmsg and recvmsg_into virtual
 * methods, the public methods, and the two system calls they make, which
 * the descriptor passing of SockUnixObject (sock-unix-object-fds.c) makes
 * directly when the virtual methods are the library's own. Ancillary data
 * is converted by sock-cmsg.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "sock-cmsg-private.h"
#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-io-private.h"
#include "sock-object-msg-private.h"
#include "sock-object-private.h"

#define GET_PRIV(self) _sock_object_get_private (self)

/* GIO's own reading of GInputVector: the same layout as struct iovec, so
 * the caller's vectors go to the system as they are. */
G_STATIC_ASSERT (sizeof (GInputVector) == sizeof (struct iovec));
G_STATIC_ASSERT (G_STRUCT_OFFSET (GInputVector, buffer) == G_STRUCT_OFFSET (struct iovec, iov_base));
G_STATIC_ASSERT (G_STRUCT_OFFSET (GInputVector, size) == G_STRUCT_OFFSET (struct iovec, iov_len));

/* Vectors up to this many live on the stack. */
#define STACK_VECTORS 8

/* The system calls ---------------------------------------------------------- */

typedef struct
{
  struct msghdr msg;
  gint flags;
} SendmsgCall;

static gssize
sendmsg_attempt (gint     fd,
                 gint     dontwait,
                 gpointer data)
{
  SendmsgCall *call = data;

  return sendmsg (fd, &call->msg, call->flags | MSG_NOSIGNAL | dontwait);
}

gssize
_sock_object_sendmsg_raw (SockObject                    *self,
                          const struct iovec            *iov,
                          gsize                          n_iov,
                          const SockCmsgBuffer          *control,
                          gint                           flags,
                          const struct sockaddr_storage *storage,
                          socklen_t                      length,
                          GVariant                      *address,
                          SockIOWait                    *wait,
                          GError                       **error)
{
  SendmsgCall call = { { 0, }, flags };
  gssize n;
  gint errsv;

  call.msg.msg_name = (gpointer) storage;
  call.msg.msg_namelen = storage != NULL ? length : 0;
  call.msg.msg_iov = (struct iovec *) iov;
  call.msg.msg_iovlen = n_iov;
  call.msg.msg_control = control->control;
  call.msg.msg_controllen = control->length;

  n = _sock_io_run (&GET_PRIV (self)->guard, G_IO_OUT, wait, sendmsg_attempt, &call, &errsv);
  if (G_UNLIKELY (n < 0))
    {
      g_autofree gchar *text = address != NULL ? g_variant_print (address, FALSE) : NULL;

      _sock_object_set_io_error (self, error, errsv, wait, "sendmsg%s%s",
                                 text != NULL ? " to " : "", text != NULL ? text : "");
    }

  return n;
}

typedef struct
{
  struct msghdr msg;
  gsize control_size;
  gint flags;
} RecvmsgCall;

static gssize
recvmsg_attempt (gint     fd,
                 gint     dontwait,
                 gpointer data)
{
  RecvmsgCall *call = data;

  /* The system writes these back; a retry starts afresh. */
  call->msg.msg_namelen = call->msg.msg_name != NULL ? sizeof (struct sockaddr_storage) : 0;
  call->msg.msg_controllen = call->control_size;
  call->msg.msg_flags = 0;

  /* Every descriptor the library makes is close-on-exec, received ones
   * included. */
  return recvmsg (fd, &call->msg, call->flags | MSG_CMSG_CLOEXEC | dontwait);
}

gssize
_sock_object_recvmsg_raw (SockObject               *self,
                          GInputVector             *buffers,
                          gsize                     n_buffers,
                          gpointer                  control,
                          gsize                     control_size,
                          gint                      flags,
                          SockRecvmsgResult        *result,
                          GError                  **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  RecvmsgCall call;
  SockIOWait wait;
  gssize n;
  gint errsv;

  memset (&call.msg, 0, sizeof call.msg);
  /* Straight into the caller's storage; without one, the system is asked
   * for no address at all, which spares it copying one out. */
  call.msg.msg_name = result->storage;
  call.msg.msg_iov = (struct iovec *) buffers;
  call.msg.msg_iovlen = n_buffers;
  call.msg.msg_control = control_size > 0 ? control : NULL;
  call.control_size = control_size;
  call.flags = flags;

  n = _sock_io_call (&priv->guard, priv->timeouts, FALSE, flags, &wait, recvmsg_attempt, &call,
                     &errsv);
  if (G_UNLIKELY (n < 0))
    {
      _sock_object_set_io_error (self, error, errsv, &wait, "recvmsg");
      return -1;
    }

  result->control_length = MIN (call.msg.msg_controllen, control_size);
  /* The system echoes MSG_CMSG_CLOEXEC; it is the caller's only if asked. */
  result->msg_flags = call.msg.msg_flags & ~(MSG_CMSG_CLOEXEC & ~flags);
  if (result->storage != NULL)
    result->address_length = MIN (call.msg.msg_namelen, sizeof (struct sockaddr_storage));

  return n;
}

/* The default virtual methods -------------------------------------------------- */

static gssize
sock_object_real_sendmsg (SockObject   *self,
                          GBytes      **buffers,
                          gsize         n_buffers,
                          GVariant     *ancdata,
                          gint          flags,
                          GVariant     *address,
                          GError      **error)
{
  struct iovec stack_iov[STACK_VECTORS];
  g_autofree struct iovec *heap_iov = NULL;
  struct iovec *iov = stack_iov;
  struct sockaddr_storage storage;
  socklen_t length = 0;
  SockCmsgBuffer control;
  SockIOWait wait;
  gssize n;

  /* Everything the caller handed over is checked before the descriptor is
   * looked at, so a closed socket refuses bad data as bad. */
  if (n_buffers > G_MAXINT)
    {
      _sock_set_invalid_error (error, "sendmsg: %" G_GSIZE_FORMAT " buffers are too many",
                               n_buffers);
      return -1;
    }

  if (n_buffers > STACK_VECTORS)
    {
      iov = heap_iov = g_try_new (struct iovec, n_buffers);
      if (iov == NULL)
        {
          _sock_set_invalid_error (error, "sendmsg: %" G_GSIZE_FORMAT " buffers are too many",
                                   n_buffers);
          return -1;
        }
    }

  for (gsize i = 0; i < n_buffers; i++)
    {
      gsize size;

      if (buffers[i] == NULL)
        {
          _sock_set_invalid_error (error, "sendmsg: buffer %" G_GSIZE_FORMAT " is NULL", i);
          return -1;
        }
      iov[i].iov_base = (gpointer) g_bytes_get_data (buffers[i], &size);
      iov[i].iov_len = size;
    }

  if (address != NULL && !_sock_object_to_native (self, address, &storage, &length, error))
    return -1;

  if (!_sock_cmsg_encode (ancdata, &control, "sendmsg", error))
    return -1;

  _sock_io_wait_init_flags (&wait, GET_PRIV (self)->timeouts, TRUE, flags);
  n = _sock_object_sendmsg_raw (self, iov, n_buffers, &control, flags,
                                address != NULL ? &storage : NULL, length, address, &wait,
                                error);
  _sock_cmsg_buffer_clear (&control);

  return n;
}

/* Room for the control data of one call: small buffers on the stack. */
typedef struct
{
  gpointer control;
  union
  {
    struct cmsghdr header;
    guint8 bytes[SOCK_CMSG_STACK_SIZE];
  } stack;
} ControlRoom;

static gboolean
control_room_init (ControlRoom  *room,
                   gsize         size,
                   const gchar  *what,
                   GError      **error)
{
  room->control = NULL;
  if (size == 0)
    return TRUE;

  if (size > SOCK_CMSG_MAX_LENGTH)
    return _sock_set_invalid_error (error, "%s: an ancillary data buffer of %" G_GSIZE_FORMAT
                                    " bytes is too large", what, size);

  /* Zeroed, as CPython does for CMSG_NXTHDR()'s sake. */
  if (size <= sizeof room->stack)
    {
      room->control = &room->stack;
      memset (room->control, 0, size);
    }
  else if ((room->control = g_try_malloc0 (size)) == NULL)
    return _sock_set_invalid_error (error, "%s: cannot allocate an ancillary data buffer "
                                    "of %" G_GSIZE_FORMAT " bytes", what, size);

  return TRUE;
}

static void
control_room_clear (ControlRoom *room)
{
  if (room->control != &room->stack)
    g_free (room->control);
}

static void
close_received_fds (gconstpointer control,
                    gsize         length)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (gint));

  _sock_cmsg_collect_fds (control, length, fds);
  _sock_fds_close_all (fds);
}

static gssize
sock_object_real_recvmsg_into (SockObject    *self,
                               GInputVector  *buffers,
                               gsize          n_buffers,
                               gsize          ancbufsize,
                               gint           flags,
                               GVariant     **ancdata,
                               gint          *msg_flags,
                               GVariant     **address,
                               GError       **error)
{
  struct sockaddr_storage storage;
  SockRecvmsgResult result = { 0, 0, &storage, 0 };
  ControlRoom room;
  gsize total = 0;
  gssize n;

  /* Refused before anything is read. */
  if (n_buffers > G_MAXINT)
    {
      _sock_set_invalid_error (error, "recvmsg_into: %" G_GSIZE_FORMAT " buffers are too many",
                               n_buffers);
      return -1;
    }
  for (gsize i = 0; i < n_buffers; i++)
    {
      if (buffers[i].buffer == NULL && buffers[i].size > 0)
        {
          _sock_set_invalid_error (error, "recvmsg_into: buffer %" G_GSIZE_FORMAT " is NULL", i);
          return -1;
        }
      if (buffers[i].size > G_MAXSSIZE - total)
        {
          _sock_set_invalid_error (error, "recvmsg_into: the buffers hold more than %"
                                   G_GSSIZE_FORMAT " bytes", G_MAXSSIZE);
          return -1;
        }
      total += buffers[i].size;
    }

  if (!control_room_init (&room, ancbufsize, "recvmsg", error))
    return -1;

  n = _sock_object_recvmsg_raw (self, buffers, n_buffers, room.control, ancbufsize, flags,
                                &result, error);
  if (n < 0)
    {
      control_room_clear (&room);
      return -1;
    }

  if (address != NULL)
    {
      GError *local_error = NULL;

      /* The family decides what no address (a connected socket) is. */
      *address = _sock_object_from_native (self, &storage, result.address_length, &local_error);
      if (local_error != NULL)
        {
          /* As CPython: a call that fails keeps no descriptor. */
          close_received_fds (room.control, result.control_length);
          control_room_clear (&room);
          g_propagate_error (error, local_error);
          return -1;
        }
    }

  if (ancdata != NULL)
    *ancdata = g_variant_ref_sink (_sock_cmsg_decode (room.control, result.control_length));
  else
    close_received_fds (room.control, result.control_length);

  if (msg_flags != NULL)
    *msg_flags = result.msg_flags;

  control_room_clear (&room);
  return n;
}

gboolean
_sock_object_sendmsg_is_default (SockObjectClass *klass)
{
  return klass->sendmsg == sock_object_real_sendmsg;
}

gboolean
_sock_object_recvmsg_into_is_default (SockObjectClass *klass)
{
  return klass->recvmsg_into == sock_object_real_recvmsg_into;
}

void
_sock_object_class_init_msg (SockObjectClass *klass)
{
  klass->sendmsg = sock_object_real_sendmsg;
  klass->recvmsg_into = sock_object_real_recvmsg_into;
}

/* Public API -------------------------------------------------------------------- */

/* What recvmsg_into handed back, as the methods promise it: full
 * references (an override may give floating ones), and ancillary data
 * that is never missing, only empty. */
static void
take_results (GVariant **ancdata,
              GVariant **address)
{
  if (ancdata != NULL)
    {
      if (*ancdata == NULL)
        *ancdata = g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
      g_variant_take_ref (*ancdata);
    }
  if (address != NULL && *address != NULL)
    g_variant_take_ref (*address);
}

/**
 * sock_object_sendmsg: (virtual sendmsg)
 * @self: a socket
 * @buffers: (array length=n_buffers): the data to send, gathered in order
 *   into one message
 * @n_buffers: the number of @buffers
 * @ancdata: (nullable): ancillary data, an `a(iiay)` of (level, type, data)
 *   items, or %NULL for none
 * @flags: flags for `sendmsg(2)`, or 0
 * @address: (nullable): the destination, in the socket family's shape, for
 *   a socket that is not connected; %NULL otherwise
 * @error: return location for a #GError
 *
 * Sends one message gathered from @buffers, with ancillary (control) data,
 * as CPython's `socket.sendmsg()`.
 *
 * Each item of @ancdata becomes one control message: `(SOL_SOCKET,
 * SCM_RIGHTS, descriptors)` passes descriptors over an `AF_UNIX` socket
 * (see [method@Sock.UnixObject.send_fds] for the short way), and the other
 * levels and types are the system's (see `cmsg(3)`). The data of each item
 * is sent as it is. Ancillary data of another type, or larger than a control
 * buffer can hold (`G_MAXINT` bytes with the headers), fails with `EINVAL`
 * before anything is sent, as does a %NULL buffer or an @address the
 * family cannot use. Floating @ancdata and @address are consumed.
 *
 * Like [method@Sock.Object.send], it may send fewer bytes than the buffers
 * hold on a stream socket, honours the socket's timeout, and never raises
 * `SIGPIPE`.
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.2
 */
gssize
sock_object_sendmsg (SockObject  *self,
                     GBytes     **buffers,
                     gsize        n_buffers,
                     GVariant    *ancdata,
                     gint         flags,
                     GVariant    *address,
                     GError     **error)
{
  g_autoptr(GVariant) owned_ancdata = NULL;
  g_autoptr(GVariant) owned_address = NULL;
  gssize ret;

  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (buffers != NULL || n_buffers == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  /* Floating ones are consumed; a caller's own references last the call. */
  owned_ancdata = ancdata != NULL && g_variant_is_floating (ancdata)
                  ? g_variant_ref_sink (ancdata) : NULL;
  owned_address = address != NULL && g_variant_is_floating (address)
                  ? g_variant_ref_sink (address) : NULL;

  ret = SOCK_OBJECT_GET_CLASS (self)->sendmsg (self, buffers, n_buffers, ancdata, flags,
                                               address, error);
  CHECK_FAILURE (ret < 0, "sendmsg");
  return ret;
}

/**
 * sock_object_recvmsg_into: (virtual recvmsg_into) (skip)
 * @self: a socket
 * @buffers: (array length=n_buffers): the buffers to fill, in order
 * @n_buffers: the number of @buffers
 * @ancbufsize: the room for ancillary data, in bytes: 0 for none, or the
 *   sum of [func@Sock.cmsg_space] over the messages expected
 * @flags: flags for `recvmsg(2)`, or 0
 * @ancdata: (out) (optional) (transfer full): where to store the ancillary
 *   data received, an `a(iiay)` of (level, type, data), empty for none
 * @msg_flags: (out) (optional): where to store the flags the system set on
 *   the message, such as `MSG_TRUNC` and `MSG_CTRUNC`
 * @address: (out) (optional) (nullable) (transfer full): where to store the
 *   sender's address, as [method@Sock.Object.recvfrom] gives it
 * @error: return location for a #GError
 *
 * Receives one message, scattering its data over caller-lent @buffers;
 * the allocation-free form of [method@Sock.Object.recvmsg], as CPython's
 * `socket.recvmsg_into()`.
 *
 * Buffers holding more than `G_MAXSSIZE` bytes in all, a %NULL buffer of a
 * non-zero size, and an @ancbufsize past `G_MAXINT` fail with `EINVAL`
 * before anything is read.
 *
 * Received descriptors (`SCM_RIGHTS`) are close-on-exec, and the caller
 * owns them; when @ancdata is %NULL, or the call fails after receiving,
 * they are closed. Control data that did not fit @ancbufsize is cut short
 * as the system cuts it and reported with `MSG_CTRUNC` in @msg_flags; a
 * datagram longer than the buffers sets `MSG_TRUNC`.
 *
 * This is for C: bindings cannot lend buffers, so they call
 * [method@Sock.Object.recvmsg] instead.
 *
 * Returns: the number of bytes received (with `MSG_TRUNC` in @flags, a
 *   datagram's full length), 0 at the end of the stream, or -1 with @error
 *   set
 *
 * Since: 1.2
 */
gssize
sock_object_recvmsg_into (SockObject    *self,
                          GInputVector  *buffers,
                          gsize          n_buffers,
                          gsize          ancbufsize,
                          gint           flags,
                          GVariant     **ancdata,
                          gint          *msg_flags,
                          GVariant     **address,
                          GError       **error)
{
  gssize ret;

  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (buffers != NULL || n_buffers == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (ancdata != NULL)
    *ancdata = NULL;
  if (msg_flags != NULL)
    *msg_flags = 0;
  if (address != NULL)
    *address = NULL;

  ret = SOCK_OBJECT_GET_CLASS (self)->recvmsg_into (self, buffers, n_buffers, ancbufsize, flags,
                                                    ancdata, msg_flags, address, error);
  CHECK_FAILURE (ret < 0, "recvmsg_into");
  if (ret >= 0)
    take_results (ancdata, address);

  return ret;
}

/**
 * sock_object_recvmsg:
 * @self: a socket
 * @bufsize: the most bytes of data to receive
 * @ancbufsize: the room for ancillary data, in bytes: 0 for none, or the
 *   sum of [func@Sock.cmsg_space] over the messages expected
 * @flags: flags for `recvmsg(2)`, or 0
 * @ancdata: (out) (optional) (transfer full): where to store the ancillary
 *   data received, an `a(iiay)` of (level, type, data), empty for none
 * @msg_flags: (out) (optional): where to store the flags the system set on
 *   the message, such as `MSG_TRUNC` and `MSG_CTRUNC`
 * @address: (out) (optional) (nullable) (transfer full): where to store the
 *   sender's address, as [method@Sock.Object.recvfrom] gives it
 * @error: return location for a #GError
 *
 * Receives one message with its ancillary data, as CPython's
 * `socket.recvmsg()`: in Python, `data, ancdata, msg_flags, address =
 * s.recvmsg(bufsize, ancbufsize, flags)`.
 *
 * Descriptors received with `SCM_RIGHTS` are close-on-exec and belong to
 * the caller, who reads them from the items' data as native `int`s; when
 * @ancdata is %NULL they are closed. Control data that did not fit
 * @ancbufsize is cut short (the system keeps none of the rest, and closes
 * the descriptors that did not fit) and `MSG_CTRUNC` is set in
 * @msg_flags; a datagram longer than @bufsize sets `MSG_TRUNC`.
 *
 * Unlike [method@Sock.Object.recv], a @bufsize of 0 still receives, which
 * takes ancillary data without its data. A @bufsize the library cannot
 * allocate, or an @ancbufsize past `G_MAXINT`, fails with `EINVAL`.
 *
 * It calls the `recvmsg_into` virtual method with one buffer.
 *
 * Returns: (transfer full): the data received, empty at the end of the
 *   stream, or %NULL with @error set
 *
 * Since: 1.2
 */
GBytes *
sock_object_recvmsg (SockObject  *self,
                     gsize        bufsize,
                     gsize        ancbufsize,
                     gint         flags,
                     GVariant   **ancdata,
                     gint        *msg_flags,
                     GVariant   **address,
                     GError     **error)
{
  GInputVector vector;
  guint8 *buffer;
  gssize n;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ancdata != NULL)
    *ancdata = NULL;
  if (msg_flags != NULL)
    *msg_flags = 0;
  if (address != NULL)
    *address = NULL;

  if ((buffer = _sock_alloc_receive_buffer (bufsize, flags, "recvmsg", error)) == NULL)
    return NULL;

  vector.buffer = buffer;
  vector.size = bufsize;
  n = SOCK_OBJECT_GET_CLASS (self)->recvmsg_into (self, &vector, 1, ancbufsize, flags,
                                                  ancdata, msg_flags, address, error);
  CHECK_FAILURE (n < 0, "recvmsg");
  if (n < 0)
    {
      g_free (buffer);
      return NULL;
    }

  take_results (ancdata, address);
  return _sock_bytes_from_buffer (buffer, bufsize, n);
}
