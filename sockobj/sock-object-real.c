/* sock-object-real.c: the default implementation of each virtual method
 *
 * Each is one system call run through the I/O layer (sock-io-private.h),
 * which pins the descriptor, retries EINTR and waits, on the deadline fixed
 * when the call starts, as the socket's timeout says. Addresses come back
 * as full references, as the virtual methods are documented.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock-error-private.h"
#include "sock-io-private.h"
#include "sock-interrupt-private.h"
#include "sock-io-stream-private.h"
#include "sock-object-private.h"

#define GET_PRIV(self) _sock_object_get_private (self)

/* A call that never waits: EINTR retried, EAGAIN returned. */
static const SockIOWait no_wait = { SOCK_IO_NONBLOCKING, FALSE, 0, -1, NULL };

/* Runs @attempt once (with EINTR retried) on @self's descriptor. */
static gssize
run_once (SockObject    *self,
          SockIOAttempt  attempt,
          gpointer       data,
          gint          *errsv)
{
  SockIOWait wait = no_wait;

  return _sock_io_run (&GET_PRIV (self)->guard, 0, &wait, attempt, data, errsv);
}

/* Address hooks ------------------------------------------------------------- */

static gboolean
sock_object_real_address_to_native (SockObject  *self,
                                    GVariant    *address,
                                    gpointer     native,
                                    gsize        native_size,
                                    gsize       *native_length,
                                    GError     **error)
{
  return _sock_set_errno_error (error, EAFNOSUPPORT,
                                "%s has no address conversion",
                                G_OBJECT_TYPE_NAME (self));
}

static GVariant *
sock_object_real_address_from_native (SockObject    *self,
                                      gconstpointer  native,
                                      gsize          native_length,
                                      GError       **error)
{
  _sock_set_errno_error (error, EAFNOSUPPORT, "%s has no address conversion",
                         G_OBJECT_TYPE_NAME (self));
  return NULL;
}

/* accept ------------------------------------------------------------------- */


/* accept4() has no per-call MSG_DONTWAIT: on a blocking descriptor whose
 * SO_RCVTIMEO the layer enforces, the kernel's own timer bounds each try,
 * and the layer's deadline the whole call. */
gssize
_sock_accept_attempt (gint     fd,
                gint     dontwait,
                gpointer data)
{
  SockAcceptCall *call = data;

  call->length = sizeof call->storage;
  return accept4 (fd, (struct sockaddr *) &call->storage, &call->length, call->flags);
}

static SockObject *
sock_object_real_accept (SockObject  *self,
                         GVariant   **address,
                         GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  g_autoptr(SockObject) conn = NULL;
  /* As CPython: the new socket takes the default timeout, so with one it
   * is made non-blocking at once. */
  gint64 timeout = _sock_get_default_timeout_us ();
  SockAcceptCall call = { .flags = SOCK_CLOEXEC | (timeout >= 0 ? SOCK_NONBLOCK : 0) };
  SockIOWait wait;
  gint conn_fd, errsv;

  _sock_io_wait_init (&wait, priv->timeouts, FALSE);

  conn_fd = _sock_io_run (&priv->guard, G_IO_IN, &wait, _sock_accept_attempt, &call, &errsv);
  if (conn_fd < 0)
    {
      _sock_object_set_io_error (self, error, errsv, &wait, "accept");
      return NULL;
    }

  conn = _sock_object_new_accepted (self, conn_fd, timeout);

  if (address != NULL)
    {
      GError *local_error = NULL;

      /* A family may answer NULL, without an error, for no address. */
      *address = _sock_object_from_native (self, &call.storage, call.length, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

  return g_steal_pointer (&conn);
}

/* bind, listen, shutdown, options, names ------------------------------------ */

typedef struct
{
  struct sockaddr_storage storage;
  socklen_t length;
} AddressCall;

static gssize
bind_attempt (gint     fd,
              gint     dontwait,
              gpointer data)
{
  AddressCall *call = data;

  return bind (fd, (struct sockaddr *) &call->storage, call->length);
}

static gboolean
sock_object_real_bind (SockObject  *self,
                       GVariant    *address,
                       GError     **error)
{
  AddressCall call;
  gint errsv;

  if (!_sock_object_to_native (self, address, &call.storage, &call.length, error))
    return FALSE;

  if (run_once (self, bind_attempt, &call, &errsv) < 0)
    {
      g_autofree gchar *text = g_variant_print (address, FALSE);
      return _sock_object_set_io_error (self, error, errsv, NULL, "bind to %s", text);
    }

  return TRUE;
}

static gssize
listen_attempt (gint     fd,
                gint     dontwait,
                gpointer data)
{
  return listen (fd, GPOINTER_TO_INT (data));
}

static gboolean
sock_object_real_listen (SockObject  *self,
                         gint         backlog,
                         GError     **error)
{
  gint errsv;

  /* As CPython does: a negative backlog means the smallest queue. */
  if (run_once (self, listen_attempt, GINT_TO_POINTER (MAX (backlog, 0)), &errsv) < 0)
    return _sock_object_set_io_error (self, error, errsv, NULL, "listen");

  return TRUE;
}

static gssize
shutdown_attempt (gint     fd,
                  gint     dontwait,
                  gpointer data)
{
  return shutdown (fd, GPOINTER_TO_INT (data));
}

static gboolean
sock_object_real_shutdown (SockObject  *self,
                           gint         how,
                           GError     **error)
{
  gint errsv;

  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
    return _sock_set_invalid_error (error, "shutdown: %d is not SHUT_RD, SHUT_WR or "
                                    "SHUT_RDWR", how);

  if (run_once (self, shutdown_attempt, GINT_TO_POINTER (how), &errsv) < 0)
    return _sock_object_set_io_error (self, error, errsv, NULL, "shutdown");

  return TRUE;
}

typedef struct
{
  gint level;
  gint optname;
  gpointer value;
  socklen_t length;
} OptionCall;

static gssize
getsockopt_attempt (gint     fd,
                    gint     dontwait,
                    gpointer data)
{
  OptionCall *call = data;

  return getsockopt (fd, call->level, call->optname, call->value, &call->length);
}

static gssize
setsockopt_attempt (gint     fd,
                    gint     dontwait,
                    gpointer data)
{
  OptionCall *call = data;
  gssize ret = setsockopt (fd, call->level, call->optname, call->value, call->length);

  /* The layer enforces the kernel's timeouts itself (on a deadline that
   * signals never extend), so it needs to know them. */
  if (ret == 0 && call->level == SOL_SOCKET &&
      (call->optname == SO_RCVTIMEO || call->optname == SO_SNDTIMEO))
    errno = 0, ret = 1;

  return ret;
}

static gboolean
get_option (SockObject  *self,
            OptionCall  *call,
            GError     **error)
{
  gint errsv;

  if (run_once (self, getsockopt_attempt, call, &errsv) < 0)
    return _sock_object_set_io_error (self, error, errsv, NULL,
                                      "getsockopt (level %d, option %d)",
                                      call->level, call->optname);
  return TRUE;
}

static gboolean
sock_object_real_getsockopt (SockObject  *self,
                             gint         level,
                             gint         optname,
                             gint        *value,
                             GError     **error)
{
  gint v = 0;
  OptionCall call = { level, optname, &v, sizeof v };

  if (!get_option (self, &call, error))
    return FALSE;

  *value = v;
  return TRUE;
}

/* The same bound CPython puts on getsockopt()'s buflen. */
#define GETSOCKOPT_MAX_BUFLEN 1024

static GBytes *
sock_object_real_getsockopt_bytes (SockObject  *self,
                                   gint         level,
                                   gint         optname,
                                   gsize        buflen,
                                   GError     **error)
{
  guint8 buffer[GETSOCKOPT_MAX_BUFLEN];
  OptionCall call = { level, optname, buffer, buflen };

  if (buflen == 0 || buflen > GETSOCKOPT_MAX_BUFLEN)
    {
      _sock_set_invalid_error (error, "getsockopt: buflen %" G_GSIZE_FORMAT
                               " is out of range (1 to %d)",
                               buflen, GETSOCKOPT_MAX_BUFLEN);
      return NULL;
    }

  if (!get_option (self, &call, error))
    return NULL;

  return g_bytes_new (buffer, MIN (call.length, buflen));
}

static gboolean
set_option (SockObject     *self,
            gint            level,
            gint            optname,
            gconstpointer   value,
            gsize           size,
            GError        **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  OptionCall call = { level, optname, (gpointer) value, size };
  gssize ret;
  gint errsv;

  if (size > G_MAXUINT32)
    return _sock_set_invalid_error (error, "setsockopt: a value of %" G_GSIZE_FORMAT
                                    " bytes is too large", size);

  if ((ret = run_once (self, setsockopt_attempt, &call, &errsv)) < 0)
    return _sock_object_set_io_error (self, error, errsv, NULL,
                                      "setsockopt (level %d, option %d)", level, optname);

  if (ret > 0)
    {
      gint fd = _sock_fd_guard_acquire (&priv->guard);

      if (fd >= 0)
        {
          _sock_io_timeouts_load_kernel (priv->timeouts, fd);
          _sock_fd_guard_release (&priv->guard);
        }
    }

  return TRUE;
}

static gboolean
sock_object_real_setsockopt (SockObject  *self,
                             gint         level,
                             gint         optname,
                             gint         value,
                             GError     **error)
{
  return set_option (self, level, optname, &value, sizeof value, error);
}

static gboolean
sock_object_real_setsockopt_bytes (SockObject    *self,
                                   gint           level,
                                   gint           optname,
                                   const guint8  *value,
                                   gsize          size,
                                   GError       **error)
{
  return set_option (self, level, optname, value, size, error);
}

typedef int (*NameFunc) (int, struct sockaddr *, socklen_t *);

typedef struct
{
  NameFunc func;
  struct sockaddr_storage storage;
  socklen_t length;
} NameCall;

static gssize
name_attempt (gint     fd,
              gint     dontwait,
              gpointer data)
{
  NameCall *call = data;

  call->length = sizeof call->storage;
  return call->func (fd, (struct sockaddr *) &call->storage, &call->length);
}

static GVariant *
get_name (SockObject   *self,
          NameFunc      func,
          const gchar  *what,
          GError      **error)
{
  NameCall call = { func, };
  GVariant *address;
  gint errsv;

  if (run_once (self, name_attempt, &call, &errsv) < 0)
    {
      _sock_object_set_io_error (self, error, errsv, NULL, "%s", what);
      return NULL;
    }

  address = _sock_object_from_native (self, &call.storage, call.length, error);
  if (address == NULL && error != NULL && *error == NULL)
    _sock_set_errno_error (error, EAFNOSUPPORT, "%s: the system returned no address", what);
  return address;
}

static GVariant *
sock_object_real_getpeername (SockObject  *self,
                              GError     **error)
{
  return get_name (self, getpeername, "getpeername", error);
}

static GVariant *
sock_object_real_getsockname (SockObject  *self,
                              GError     **error)
{
  return get_name (self, getsockname, "getsockname", error);
}

/* close, fileno, makefile ---------------------------------------------------- */

static gboolean
sock_object_real_close (SockObject  *self,
                        GError     **error)
{
  gint errsv;

  /* Closed now, or by the last call still using the descriptor. */
  if (!_sock_fd_guard_close (&GET_PRIV (self)->guard, &errsv))
    return TRUE;

  _sock_object_notify_closed (self);

  /* As CPython: a reset connection is closed all the same. */
  if (errsv != 0 && errsv != ECONNRESET)
    return _sock_set_errno_error (error, errsv, "close");

  return TRUE;
}

static gint
sock_object_real_fileno (SockObject *self)
{
  return _sock_fd_guard_peek (&GET_PRIV (self)->guard);
}

typedef struct
{
  SockIOTimeouts *timeouts;
  const gchar *mode;
  gint bufsize;
  GIOStream *stream;
  GError **error;
} MakefileCall;

static gssize
makefile_attempt (gint     fd,
                  gint     dontwait,
                  gpointer data)
{
  MakefileCall *call = data;

  call->stream = _sock_io_stream_new (fd, call->timeouts, call->mode, call->bufsize,
                                      call->error);
  return 0;
}

static GIOStream *
sock_object_real_makefile (SockObject   *self,
                           const gchar  *mode,
                           gint          bufsize,
                           GError      **error)
{
  MakefileCall call = { GET_PRIV (self)->timeouts, mode, bufsize, NULL, error };
  gint errsv;

  if (run_once (self, makefile_attempt, &call, &errsv) < 0)
    _sock_object_set_io_error (self, error, errsv, NULL, "makefile");

  return call.stream;
}

/* connect -------------------------------------------------------------------- */

gint
_sock_connect_result (gint fd)
{
  struct sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  socklen_t err_len;
  gint err = 0;

  err_len = sizeof err;
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0)
    return errno;
  if (err != 0)
    return err;
  if (getpeername (fd, (struct sockaddr *) &peer, &peer_len) == 0)
    return 0;
  return errno;
}

/* Returns 0 or the errno of a failed connect(). A TCP connect() that has to
 * wait (a timeout, or interrupted by a signal) goes on in the kernel, so the
 * layer waits for writability and reads SO_ERROR rather than call again; an
 * AF_UNIX one interrupted is abandoned (the socket stays unconnected and
 * polls writable at once), so that one is made again. */
static gint
connect_attempts (SockObject                    *self,
                  const struct sockaddr_storage *storage,
                  socklen_t                      length,
                  SockIOWait                    *wait)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint fd, err = 0;

  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    return EBADF;

  for (;;)
    {
      if (connect (fd, (const struct sockaddr *) storage, length) == 0)
        {
          err = 0;
          break;
        }
      err = errno;

      if (err == EINPROGRESS && wait->mode == SOCK_IO_NONBLOCKING)
        break;
      if (err != EINTR && err != EINPROGRESS)
        break;
      if (err == EINTR && _sock_io_interrupted_pinned (&priv->guard, &err))
        break;

      /* The kernel reports a blocking connect() that SO_SNDTIMEO cut
       * short as EINPROGRESS; so does the layer, on the same deadline. */
      if (wait->mode != SOCK_IO_POLL)
        wait->deadline = -1;
      else if (wait->expired_errno == EAGAIN)
        wait->expired_errno = EINPROGRESS;
      if (wait->mode == SOCK_IO_NONBLOCKING)
        wait->mode = SOCK_IO_KERNEL;

      if (!_sock_io_wait (&priv->guard, fd, G_IO_OUT, wait, &err))
        break;

      if ((err = _sock_connect_result (fd)) != ENOTCONN)
        break;
    }

  _sock_fd_guard_release (&priv->guard);
  return err;
}

static gint
connect_common (SockObject  *self,
                GVariant    *address,
                SockIOWait  *wait,
                GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  socklen_t length;

  if (!_sock_object_to_native (self, address, &storage, &length, error))
    return -1;

  /* The deadline counts from here, before the first attempt. */
  _sock_io_wait_init (wait, priv->timeouts, TRUE);
  return connect_attempts (self, &storage, length, wait);
}

static gboolean
sock_object_real_connect (SockObject  *self,
                          GVariant    *address,
                          GError     **error)
{
  SockIOWait wait;
  gint err = connect_common (self, address, &wait, error);

  if (err > 0)
    {
      g_autofree gchar *text = g_variant_print (address, FALSE);
      return _sock_object_set_io_error (self, error, err, &wait, "connect to %s", text);
    }

  return err == 0;
}

static gint
sock_object_real_connect_ex (SockObject  *self,
                             GVariant    *address,
                             GError     **error)
{
  SockIOWait wait;

  gint err = connect_common (self, address, &wait, error);

  /* EBADF is an errno value too; an expired timeout is EWOULDBLOCK, as
   * CPython's connect_ex() returns it. */
  if (err > 0 && wait.expired && err == ETIMEDOUT)
    return EWOULDBLOCK;

  return err;
}

/* recv ----------------------------------------------------------------------- */

gssize
_sock_object_recv_continue (SockObject  *self,
               guint8      *buffer,
               gsize        size,
               gint         flags,
               gint         first_errsv,
               GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockRecvCall call = { buffer, size, flags };
  SockIOWait wait;
  gssize n;
  gint errsv;

  if (G_UNLIKELY (size > G_MAXSSIZE))
    {
      _sock_set_invalid_error (error, "recv: size %" G_GSIZE_FORMAT " is too large", size);
      return -1;
    }

  if (first_errsv != 0)
    n = _sock_io_after_try (&priv->guard, FALSE, flags, &wait, _sock_recv_attempt, &call,
                            first_errsv, &errsv);
  else
    {
      _sock_io_wait_init_flags (&wait, priv->timeouts, FALSE, flags);
      /* MSG_WAITALL cannot be asked of a non-blocking call: with only the
       * kernel's SO_RCVTIMEO, the kernel waits, as in CPython. */
      if ((flags & MSG_WAITALL) && wait.mode == SOCK_IO_POLL && wait.expired_errno == EAGAIN)
        wait.mode = SOCK_IO_KERNEL;
      n = _sock_io_run (&priv->guard, G_IO_IN, &wait, _sock_recv_attempt, &call, &errsv);
    }
  if (n < 0)
    _sock_object_set_io_error (self, error, errsv, &wait, "recv");

  return n;
}

gssize
_sock_object_real_recv_into (SockObject  *self,
                             guint8      *buffer,
                             gsize        size,
                             gint         flags,
                             GError     **error)
{
  return _sock_object_recv_into_fast (self, buffer, size, flags, error);
}

/* A buffer for recv() and recvfrom(); failing to allocate is the caller's
 * problem (a size it cannot have), so it is EINVAL rather than an abort.
 * With MSG_TRUNC the system may report bytes it never wrote (all of them,
 * for TCP), so that buffer starts zeroed. */
guint8 *
_sock_alloc_receive_buffer (gsize         bufsize,
                            gint          flags,
                            const gchar  *what,
                            GError      **error)
{
  guint8 *buffer = NULL;

  if (bufsize <= G_MAXSSIZE)
    buffer = (flags & MSG_TRUNC) ? g_try_malloc0 (MAX (bufsize, 1))
                                 : g_try_malloc (MAX (bufsize, 1));

  if (buffer == NULL)
    _sock_set_invalid_error (error, "%s: cannot allocate a buffer of %" G_GSIZE_FORMAT
                             " bytes", what, bufsize);
  return buffer;
}

GBytes *
_sock_bytes_from_buffer (guint8 *buffer,
                         gsize   bufsize,
                         gsize   received)
{
  /* With MSG_TRUNC the kernel reports a datagram's full length, which may
   * be more than the buffer holds: only bufsize bytes are data. */
  received = MIN (received, bufsize);

  /* Give back the unused tail of a large buffer; keep small ones as they are. */
  if (received < bufsize && bufsize - received > 4096)
    buffer = g_realloc (buffer, MAX (received, 1));

  return g_bytes_new_take (buffer, received);
}

static GBytes *
sock_object_real_recv (SockObject  *self,
                       gsize        bufsize,
                       gint         flags,
                       GError     **error)
{
  guint8 *buffer;
  gssize n;

  if (bufsize == 0)
    return g_bytes_new (NULL, 0);

  if ((buffer = _sock_alloc_receive_buffer (bufsize, flags, "recv", error)) == NULL)
    return NULL;

  n = SOCK_OBJECT_GET_CLASS (self)->recv_into (self, buffer, bufsize, flags, error);
  if (n < 0)
    {
      g_free (buffer);
      return NULL;
    }

  return _sock_bytes_from_buffer (buffer, bufsize, n);
}


gssize
_sock_recvfrom_attempt (gint     fd,
                  gint     dontwait,
                  gpointer data)
{
  SockRecvfromCall *call = data;

  call->length = sizeof call->storage;
  return recvfrom (fd, call->buffer, call->size, call->flags | dontwait,
                   (struct sockaddr *) &call->storage, &call->length);
}

static GBytes *
sock_object_real_recvfrom (SockObject  *self,
                           gsize        bufsize,
                           gint         flags,
                           GVariant   **address,
                           GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockRecvfromCall call;
  SockIOWait wait;
  gssize n;
  gint errsv;

  if ((call.buffer = _sock_alloc_receive_buffer (bufsize, flags, "recvfrom", error)) == NULL)
    return NULL;
  call.size = bufsize;
  call.flags = flags;

  n = _sock_io_call (&priv->guard, priv->timeouts, FALSE, flags, &wait, _sock_recvfrom_attempt,
                     &call, &errsv);
  if (n < 0)
    {
      g_free (call.buffer);
      _sock_object_set_io_error (self, error, errsv, &wait, "recvfrom");
      return NULL;
    }

  if (address != NULL)
    {
      GError *local_error = NULL;

      /* A connected stream socket reports no sender at all (length 0); the
       * family decides what that means, and may answer NULL. */
      *address = _sock_object_from_native (self, &call.storage, call.length, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          g_free (call.buffer);
          return NULL;
        }
    }

  return _sock_bytes_from_buffer (call.buffer, bufsize, n);
}

static gssize
sock_object_real_recvfrom_into (SockObject  *self,
                                guint8      *buffer,
                                gsize        size,
                                gint         flags,
                                GVariant   **address,
                                GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockRecvfromCall call;
  SockIOWait wait;
  gssize n;
  gint errsv;

  /* Refused before anything is read: the size is the caller's buffer. */
  if (G_UNLIKELY (size > G_MAXSSIZE))
    {
      _sock_set_invalid_error (error, "recvfrom_into: size %" G_GSIZE_FORMAT " is too large",
                               size);
      return -1;
    }

  call.buffer = buffer;
  call.size = size;
  call.flags = flags;

  n = _sock_io_call (&priv->guard, priv->timeouts, FALSE, flags, &wait, _sock_recvfrom_attempt,
                     &call, &errsv);
  if (G_UNLIKELY (n < 0))
    {
      _sock_object_set_io_error (self, error, errsv, &wait, "recvfrom_into");
      return -1;
    }

  if (address != NULL)
    {
      GError *local_error = NULL;

      *address = _sock_object_from_native (self, &call.storage, call.length, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return -1;
        }
    }

  return n;
}

/* send ----------------------------------------------------------------------- */


gssize
_sock_sendto_attempt (gint     fd,
                gint     dontwait,
                gpointer data)
{
  SockSendCall *call = data;

  return sendto (fd, call->data, call->size, call->flags | MSG_NOSIGNAL | dontwait,
                 (const struct sockaddr *) call->storage, call->length);
}

gssize
_sock_object_send_continue (SockObject    *self,
               const guint8  *data,
               gsize          size,
               gint           flags,
               gint           first_errsv,
               GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockSendCall call = { data, size, flags, NULL, 0 };
  SockIOWait wait;
  gssize n;
  gint errsv;

  n = _sock_io_call_continue (&priv->guard, priv->timeouts, TRUE, flags, &wait,
                              _sock_send_attempt, &call, first_errsv, &errsv);
  if (n < 0)
    _sock_object_set_io_error (self, error, errsv, &wait, "send");

  return n;
}

gssize
_sock_object_real_send (SockObject    *self,
                        const guint8  *data,
                        gsize          size,
                        gint           flags,
                        GError       **error)
{
  return _sock_object_send_fast (self, data, size, flags, error);
}

gboolean
_sock_sendall_failed (GError  **error,
                      GError   *local_error,
                      gsize     sent,
                      gsize     size)
{
  g_propagate_prefixed_error (error, local_error,
                              "sendall: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                              " bytes sent: ", sent, size);
  return FALSE;
}

gboolean
_sock_object_send_is_default (SockObjectClass *klass)
{
  return klass->send == _sock_object_real_send;
}

gboolean
_sock_object_send_remaining (SockObject    *self,
                             const guint8  *data,
                             gsize          size,
                             gint           flags,
                             SockIOWait    *wait,
                             gsize         *sent,
                             GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);

  /* One attempt even for nothing, as sendall() always made. */
  *sent = 0;
  do
    {
      gssize n;

      if (klass->send == _sock_object_real_send)
        {
          SockSendCall call = { data + *sent, size - *sent, flags, NULL, 0 };
          gint errsv;

          n = _sock_io_run (&priv->guard, G_IO_OUT, wait, _sock_send_attempt, &call, &errsv);
          if (n < 0)
            return _sock_object_set_io_error (self, error, errsv, wait, "send");
        }
      else
        {
          GError *local_error = NULL;

          /* A subclass's send is also sendall's; its calls wait as they
           * like, and the deadline is checked between them. */
          if (wait->mode == SOCK_IO_POLL && wait->expired_errno == ETIMEDOUT &&
              *sent > 0 && g_get_monotonic_time () >= wait->deadline)
            {
              wait->expired = TRUE;
              return _sock_object_set_io_error (self, error, ETIMEDOUT, wait, "send");
            }
          n = klass->send (self, data + *sent, size - *sent, flags, &local_error);
          if (n < 0)
            {
              if (local_error == NULL)
                _sock_set_errno_error (&local_error, EIO, "%s's send failed without an error",
                                       G_OBJECT_TYPE_NAME (self));
              g_propagate_error (error, local_error);
              return FALSE;
            }
        }

      /* Only an override can send nothing of a non-empty remainder; asking
       * it again would never end. */
      if (n == 0 && size > *sent)
        return _sock_set_errno_error (error, EIO, "%s's send sent nothing",
                                      G_OBJECT_TYPE_NAME (self));

      *sent += MIN ((gsize) n, size - *sent);

      /* A signal cuts a send blocked in the kernel short rather than fail
       * it with EINTR: a binding's handler may still end the call (as
       * CPython's sendall() checks for signals between its sends). Polling,
       * the wait itself sees EINTR. */
      if (*sent < size && wait->mode == SOCK_IO_KERNEL && _sock_io_interrupted ())
        return _sock_object_set_io_error (self, error, EINTR, wait, "send");
    }
  while (*sent < size);

  return TRUE;
}

static gboolean
sock_object_real_sendall (SockObject    *self,
                          const guint8  *data,
                          gsize          size,
                          gint           flags,
                          GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  GError *local_error = NULL;
  SockIOWait wait;
  gsize sent;

  /* One deadline for the whole call. */
  _sock_io_wait_init (&wait, priv->timeouts, TRUE);

  if (!_sock_object_send_remaining (self, data, size, flags, &wait, &sent, &local_error))
    return _sock_sendall_failed (error, local_error, sent, size);

  return TRUE;
}

static gssize
sock_object_real_sendto (SockObject    *self,
                         const guint8  *data,
                         gsize          size,
                         gint           flags,
                         GVariant      *address,
                         GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  SockSendCall call = { data, size, flags, &storage, 0 };
  SockIOWait wait;
  gssize n;
  gint errsv;

  if (!_sock_object_to_native (self, address, &storage, &call.length, error))
    return -1;

  n = _sock_io_call (&priv->guard, priv->timeouts, TRUE, flags, &wait, _sock_sendto_attempt,
                     &call, &errsv);
  if (n < 0)
    {
      g_autofree gchar *text = g_variant_print (address, FALSE);
      _sock_object_set_io_error (self, error, errsv, &wait, "sendto %s", text);
    }

  return n;
}

/* Modes ------------------------------------------------------------------------ */

static gboolean
sock_object_real_settimeout (SockObject  *self,
                             gdouble      seconds,
                             GError     **error)
{
  gint64 timeout;

  if (!_sock_timeout_from_seconds (seconds, &timeout, error))
    return FALSE;

  return _sock_object_apply_timeout (self, timeout, error);
}

static gboolean
sock_object_real_setblocking (SockObject  *self,
                              gboolean     flag,
                              GError     **error)
{
  /* As CPython: setblocking() is settimeout (None) or settimeout (0). */
  return SOCK_OBJECT_GET_CLASS (self)->settimeout (self, flag ? -1.0 : 0.0, error);
}

void
_sock_object_class_init_real (SockObjectClass *klass)
{
  klass->address_to_native = sock_object_real_address_to_native;
  klass->address_from_native = sock_object_real_address_from_native;
  klass->accept = sock_object_real_accept;
  klass->bind = sock_object_real_bind;
  klass->close = sock_object_real_close;
  klass->connect = sock_object_real_connect;
  klass->connect_ex = sock_object_real_connect_ex;
  klass->fileno = sock_object_real_fileno;
  klass->getpeername = sock_object_real_getpeername;
  klass->getsockname = sock_object_real_getsockname;
  klass->getsockopt = sock_object_real_getsockopt;
  klass->getsockopt_bytes = sock_object_real_getsockopt_bytes;
  klass->listen = sock_object_real_listen;
  klass->makefile = sock_object_real_makefile;
  klass->recv = sock_object_real_recv;
  klass->recv_into = _sock_object_real_recv_into;
  klass->recvfrom = sock_object_real_recvfrom;
  klass->send = _sock_object_real_send;
  klass->sendall = sock_object_real_sendall;
  klass->sendto = sock_object_real_sendto;
  klass->setblocking = sock_object_real_setblocking;
  klass->setsockopt = sock_object_real_setsockopt;
  klass->setsockopt_bytes = sock_object_real_setsockopt_bytes;
  klass->shutdown = sock_object_real_shutdown;
  klass->settimeout = sock_object_real_settimeout;
  klass->recvfrom_into = sock_object_real_recvfrom_into;

  _sock_object_class_init_msg (klass);
}
