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
#include "sock-stream-fd-private.h"

/* Every operation, and every pollable source for as long as it lives, pins
 * the descriptor with the same guard as SockObject (sock-fd-guard-private.h),
 * so no recv(), send() or poll() ever reaches a file that reused the number. */
struct _SockStreamFd
{
  SockFdGuard guard;
};

SockStreamFd *
_sock_stream_fd_new (gint fd)
{
  SockStreamFd *self = g_atomic_rc_box_new0 (SockStreamFd);

  _sock_fd_guard_init (&self->guard, fd);
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
  _sock_stream_fd_close (self, NULL);
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

static inline void
release_fd (SockStreamFd *self)
{
  _sock_fd_guard_release (&self->guard);
}

/* Pins the descriptor, or returns -1 once the stream is closed. */
static inline gint
acquire_fd (SockStreamFd *self)
{
  return _sock_fd_guard_acquire (&self->guard);
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

static gboolean
set_closed_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                       "Socket stream is already closed");
  return FALSE;
}

static gboolean
set_timed_out_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "Socket I/O timed out");
  return FALSE;
}

/* The monotonic time at which a blocking operation started now gives up:
 * the socket's SO_RCVTIMEO or SO_SNDTIMEO, as a blocking recv() or send()
 * would, or -1 for none (the default). */
static gint64
get_deadline (gint     fd,
              gboolean sending)
{
  struct timeval tv = { 0, };
  socklen_t len = sizeof tv;

  if (getsockopt (fd, SOL_SOCKET, sending ? SO_SNDTIMEO : SO_RCVTIMEO,
                  &tv, &len) < 0 ||
      (tv.tv_sec == 0 && tv.tv_usec == 0))
    return -1;

  return g_get_monotonic_time () + tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec;
}

/* Blocks until @fd polls for @condition (or an error or hangup, which the
 * next recv()/send() then reports), @cancellable is cancelled or @deadline
 * (-1 for none) passes. */
static gboolean
wait_for_condition (gint           fd,
                    GIOCondition   condition,
                    gint64         deadline,
                    GCancellable  *cancellable,
                    GError       **error)
{
  GPollFD fds[2] = { { 0, }, };
  guint n_fds = 1;
  gint result;

  fds[0].fd = fd;
  fds[0].events = condition;

  if (g_cancellable_make_pollfd (cancellable, &fds[1]))
    n_fds++;

  for (;;)
    {
      gint timeout_ms = -1;

      if (deadline >= 0)
        {
          gint64 remaining = deadline - g_get_monotonic_time ();

          /* Round up, so that we never wake just before the deadline. */
          timeout_ms = remaining <= 0 ? 0 : MIN ((remaining + 999) / 1000, G_MAXINT);
        }

      result = g_poll (fds, n_fds, timeout_ms);
      if (result >= 0 || errno != EINTR)
        break;
    }

  if (n_fds > 1)
    g_cancellable_release_fd (cancellable);

  if (result < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Error waiting for socket: %s", g_strerror (errsv));
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (result == 0)
    return set_timed_out_error (error);

  return TRUE;
}

/* recv() and send() share one loop. The stream must never change the
 * descriptor's O_NONBLOCK flag, which it shares with the socket object, so
 * non-blocking behaviour is asked for per call with MSG_DONTWAIT.
 *
 * A blocking call without a cancellable first tries a plain call: on a
 * blocking descriptor the kernel waits for us, which costs no extra system
 * call (this is the bulk-transfer fast path), and on a non-blocking one it
 * answers EAGAIN at once and we fall back to poll(). With a cancellable the
 * call never waits in the kernel, so that poll() can watch the cancellable
 * too. So the common paths need no fcntl (F_GETFL), and a setblocking() on
 * the socket between two calls is always honoured.
 *
 * A blocking call waits at most the socket's SO_RCVTIMEO / SO_SNDTIMEO, like
 * recv() and send() themselves, and then fails with G_IO_ERROR_TIMED_OUT;
 * those are only looked up once a call has to wait. */
static gssize
transfer_pinned (SockStreamFd  *self,
                 gint           fd,
                 gboolean       sending,
                 gint           flags,
                 void          *buffer,
                 gsize          count,
                 gboolean       blocking,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gboolean have_deadline = FALSE;
  gint64 deadline = -1;

  for (;;)
    {
      gssize result;
      int errsv;

      if (sending)
        result = send (fd, buffer, count, flags);
      else
        result = recv (fd, buffer, count, flags);

      if (result >= 0)
        return result;

      errsv = errno;

      if (errsv == EINTR)
        goto again;

      if (errsv == EAGAIN || errsv == EWOULDBLOCK)
        {
          if (!blocking)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                                   g_strerror (errsv));
              return -1;
            }

          /* A plain call on a blocking descriptor only answers EAGAIN once
           * the kernel has waited out SO_RCVTIMEO / SO_SNDTIMEO. */
          if ((flags & MSG_DONTWAIT) == 0 &&
              (fcntl (fd, F_GETFL) & O_NONBLOCK) == 0)
            {
              set_timed_out_error (error);
              return -1;
            }

          if (!have_deadline)
            {
              deadline = get_deadline (fd, sending);
              have_deadline = TRUE;
            }

          if (!wait_for_condition (fd, sending ? G_IO_OUT : G_IO_IN,
                                   deadline, cancellable, error))
            return -1;

          /* poll() said ready; if another reader drained the socket in
           * between, MSG_DONTWAIT sends us back to poll() rather than
           * blocking past a cancellation or the deadline. */
          flags |= MSG_DONTWAIT;
          goto again;
        }

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   sending ? "Error sending data: %s"
                           : "Error receiving data: %s",
                   g_strerror (errsv));
      return -1;

    again:
      /* Closed while we waited: the number is still ours, but what arrives
       * now belongs to whoever still has the socket. */
      if (G_UNLIKELY (_sock_fd_guard_peek (&self->guard) < 0))
        {
          set_closed_error (error);
          return -1;
        }
    }
}

static gssize
transfer (SockStreamFd  *self,
          gboolean       sending,
          void          *buffer,
          gsize          count,
          gboolean       blocking,
          GCancellable  *cancellable,
          GError       **error)
{
  gint flags = sending ? MSG_NOSIGNAL : 0;
  gssize result;
  gint fd;

  if (!blocking || cancellable != NULL)
    flags |= MSG_DONTWAIT;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  if (G_UNLIKELY ((fd = acquire_fd (self)) < 0))
    {
      set_closed_error (error);
      return -1;
    }

  result = transfer_pinned (self, fd, sending, flags, buffer, count, blocking,
                            cancellable, error);
  release_fd (self);
  return result;
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
  if ((pfd.fd = acquire_fd (self)) < 0)
    return TRUE;

  pfd.events = condition;

  do
    result = g_poll (&pfd, 1, 0);
  while (result < 0 && errno == EINTR);

  release_fd (self);

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

  release_fd (fd_source->fd);
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
  gint fd;

  if ((fd = acquire_fd (self)) < 0)
    return _sock_stream_ready_source_new (stream, cancellable);

  /* The pin taken above is the source's, released when it is finalized. */
  child = g_source_new (&sock_stream_fd_source_funcs, sizeof (SockStreamFdSource));
  g_source_set_static_name (child, "SockStreamFdSource");
  fd_source = (SockStreamFdSource *) child;
  fd_source->fd = _sock_stream_fd_ref (self);
  g_source_add_unix_fd (child, fd, condition);

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
