/* sock-stream-fd.c: the descriptor shared by a makefile() stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <glib-unix.h>

#include "sock-fd-guard-private.h"
#include "sock-io-private.h"
#include "sock-stream-fd-private.h"

/* Every operation, and every pollable source for as long as it lives, pins
 * the descriptor with the same guard as SockObject (sock-fd-guard-private.h),
 * so no recv(), send() or poll() ever reaches a file that reused the number. */
struct _SockStreamFd
{
  SockFdGuard guard;
  SockIOTimeouts *timeouts;   /* the socket's, shared */
};

SockStreamFd *
_sock_stream_fd_new (gint            fd,
                     SockIOTimeouts *timeouts)
{
  SockStreamFd *self = g_atomic_rc_box_new0 (SockStreamFd);

  _sock_fd_guard_init (&self->guard, fd);
  self->timeouts = _sock_io_timeouts_ref (timeouts);
  return self;
}

SockStreamFd *
_sock_stream_fd_ref (SockStreamFd *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
sock_stream_fd_clear (SockStreamFd *self)
{
  /* Sources hold a reference, so nothing can be using the descriptor. */
  g_assert (g_atomic_int_get (&self->guard.users) == 0);
  _sock_fd_guard_clear (&self->guard);
  _sock_io_timeouts_unref (self->timeouts);
}

void
_sock_stream_fd_unref (SockStreamFd *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) sock_stream_fd_clear);
}

/* The number only, unpinned: for GFileDescriptorBased, whose callers own
 * the consequences. */
gint
_sock_stream_fd_get (SockStreamFd *self)
{
  return _sock_fd_guard_peek (&self->guard);
}

gboolean
_sock_stream_fd_close (SockStreamFd  *self,
                       GError       **error)
{
  gint errsv;

  if (_sock_fd_guard_close (&self->guard, &errsv) && errsv != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Error closing socket stream: %s", g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  void *buffer;
  gsize count;
  gint flags;
  gboolean sending;
} StreamCall;

static gssize
stream_attempt (gint     fd,
                gint     dontwait,
                gpointer data)
{
  StreamCall *call = data;

  if (call->sending)
    return send (fd, call->buffer, call->count, call->flags | dontwait);
  else
    return recv (fd, call->buffer, call->count, call->flags | dontwait);
}

/* Whether a blocking call's EAGAIN came from a blocking descriptor, which
 * only says so once the kernel waited out a SO_RCVTIMEO / SO_SNDTIMEO set
 * behind the socket's back. */
static gboolean
descriptor_is_blocking (SockStreamFd *self)
{
  gint fd = _sock_fd_guard_acquire (&self->guard);
  gboolean blocking;

  if (fd < 0)
    return FALSE;
  blocking = (fcntl (fd, F_GETFL) & O_NONBLOCK) == 0;
  _sock_fd_guard_release (&self->guard);

  return blocking;
}

/* A blocking call waits as the socket's timeout says: a timeout (or the
 * kernel's SO_RCVTIMEO / SO_SNDTIMEO) bounds it with G_IO_ERROR_TIMED_OUT;
 * otherwise it waits as long as it takes -- even on a non-blocking socket,
 * as GIO's blocking calls do. Without a timeout or a cancellable to watch,
 * the kernel waits: on a blocking descriptor that costs no extra system
 * call (the bulk-transfer fast path). A non-blocking call never waits:
 * MSG_DONTWAIT, since the descriptor's O_NONBLOCK is the socket's. */
static gssize
transfer (SockStreamFd  *self,
          gboolean       sending,
          void          *buffer,
          gsize          count,
          gboolean       blocking,
          GCancellable  *cancellable,
          GError       **error)
{
  StreamCall call = { buffer, count, sending ? MSG_NOSIGNAL : 0, sending };
  GIOCondition condition = sending ? G_IO_OUT : G_IO_IN;
  SockIOWait wait;
  gssize result;
  gint errsv;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  if (!blocking)
    {
      wait.mode = SOCK_IO_NONBLOCKING;
      wait.expired = FALSE;
      wait.cancellable = NULL;
      wait.poll_first = NULL;
      wait.skipped_try = FALSE;
      call.flags |= MSG_DONTWAIT;
    }
  else
    {
      gint64 timeout = _sock_io_load64 (&self->timeouts->timeout);
      gint64 kernel = _sock_io_load64 (sending ? &self->timeouts->sndtimeo
                                               : &self->timeouts->rcvtimeo);

      wait.expired = FALSE;
      wait.expired_errno = ETIMEDOUT;
      wait.cancellable = cancellable;
      /* Waiting first only with a timeout, as the socket's calls do. */
      wait.poll_first = timeout > 0 ? _sock_io_poll_first_hint (self->timeouts, sending) : NULL;
      wait.skipped_try = FALSE;
      wait.mode = SOCK_IO_POLL;
      wait.deadline = -1;
      if (timeout > 0)
        wait.deadline = g_get_monotonic_time () + timeout;
      else if (kernel > 0)
        wait.deadline = g_get_monotonic_time () + kernel;
      else if (timeout < 0 && cancellable == NULL)
        wait.mode = SOCK_IO_KERNEL;
    }

  for (;;)
    {
      result = _sock_io_run (&self->guard, condition, &wait, stream_attempt, &call, &errsv);
      if (result >= 0)
        return result;

      /* The socket went non-blocking since the call started: wait here. */
      if (errsv == EAGAIN && wait.mode == SOCK_IO_KERNEL && !descriptor_is_blocking (self))
        {
          wait.mode = SOCK_IO_POLL;
          wait.deadline = -1;
          continue;
        }
      break;
    }

  if (errsv == EBADF && _sock_fd_guard_is_closed (&self->guard))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                         "Socket stream is already closed");
  else if (errsv == ECANCELED && g_cancellable_set_error_if_cancelled (cancellable, error))
    ;
  else if (wait.expired || (errsv == EAGAIN && wait.mode == SOCK_IO_KERNEL))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         "Socket I/O timed out");
  else if (errsv == EAGAIN || errsv == EWOULDBLOCK)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, g_strerror (errsv));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                 sending ? "Error sending data: %s" : "Error receiving data: %s",
                 g_strerror (errsv));

  return -1;
}

gssize
_sock_stream_fd_recv (SockStreamFd  *self,
                      void          *buffer,
                      gsize          count,
                      gboolean       blocking,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return transfer (self, FALSE, buffer, count, blocking, cancellable, error);
}

gssize
_sock_stream_fd_send (SockStreamFd  *self,
                      const void    *buffer,
                      gsize          count,
                      gboolean       blocking,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return transfer (self, TRUE, (void *) buffer, count, blocking,
                   cancellable, error);
}

gboolean
_sock_stream_fd_is_ready (SockStreamFd *self,
                          GIOCondition  condition)
{
  GPollFD pfd = { 0, };
  gint result;

  /* A closed stream is "ready": its next operation fails without waiting. */
  if ((pfd.fd = _sock_fd_guard_acquire (&self->guard)) < 0)
    return TRUE;

  pfd.events = condition;

  do
    result = g_poll (&pfd, 1, 0);
  while (result < 0 && errno == EINTR);

  _sock_fd_guard_release (&self->guard);

  /* POLLERR and POLLHUP count as ready too: the next call reports them. */
  return result != 0;
}

/* The child that polls the descriptor for a pollable source: a
 * g_unix_fd_source_new() that also pins the descriptor for as long as the
 * source lives, since the main loop may poll the number at any time until
 * then. Ready whenever the descriptor polls for its condition (GLib's check
 * for sources without a check function); the parent does the dispatching. */
typedef struct
{
  GSource source;
  SockStreamFd *fd;
} SockStreamFdSource;

static gboolean
sock_stream_fd_source_dispatch (GSource     *source,
                                GSourceFunc  callback,
                                gpointer     user_data)
{
  /* The parent's callback is what runs; this one is a dummy. */
  return G_SOURCE_CONTINUE;
}

/* g_pollable_source_new_full() sets a dummy closure on its child, which
 * GObject only allows on sources that have a closure_callback. */
static gboolean
sock_stream_fd_source_closure_callback (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
sock_stream_fd_source_finalize (GSource *source)
{
  SockStreamFdSource *fd_source = (SockStreamFdSource *) source;

  _sock_fd_guard_release (&fd_source->fd->guard);
  _sock_stream_fd_unref (fd_source->fd);
}

static GSourceFuncs sock_stream_fd_source_funcs = {
  NULL,
  NULL,
  sock_stream_fd_source_dispatch,
  sock_stream_fd_source_finalize,
  sock_stream_fd_source_closure_callback,
  NULL,
};

GSource *
_sock_stream_fd_create_source (SockStreamFd *self,
                               GObject      *stream,
                               GIOCondition  condition,
                               GCancellable *cancellable)
{
  g_autoptr(GSource) child = NULL;
  SockStreamFdSource *fd_source;
  gint fd, wakeup;

  if ((fd = _sock_fd_guard_acquire (&self->guard)) < 0)
    return _sock_stream_ready_source_new (stream, cancellable);

  /* The pin taken above is the source's, released when it is finalized. */
  child = g_source_new (&sock_stream_fd_source_funcs, sizeof (SockStreamFdSource));
  g_source_set_static_name (child, "SockStreamFdSource");
  fd_source = (SockStreamFdSource *) child;
  fd_source->fd = _sock_stream_fd_ref (self);
  g_source_add_unix_fd (child, fd, condition);
  /* A close wakes the source, so that whoever waits sees it (an
   * asynchronous read fails with G_IO_ERROR_CLOSED and lets go of the
   * descriptor) instead of pinning it until the peer speaks. */
  if ((wakeup = _sock_fd_guard_get_wakeup (&self->guard)) >= 0)
    g_source_add_unix_fd (child, wakeup, G_IO_IN);

  return g_pollable_source_new_full (stream, child, cancellable);
}

GSource *
_sock_stream_ready_source_new (GObject      *stream,
                               GCancellable *cancellable)
{
  GSource *source = g_pollable_source_new_full (stream, NULL, cancellable);

  g_source_set_ready_time (source, 0);
  return source;
}
