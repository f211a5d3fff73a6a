/* sock-io.c: the wait loop of the I/O layer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "sock-io-private.h"

SockIOTimeouts *
_sock_io_timeouts_new (gint64 timeout)
{
  SockIOTimeouts *timeouts = g_atomic_rc_box_new0 (SockIOTimeouts);

  timeouts->timeout = timeout;
  return timeouts;
}

SockIOTimeouts *
_sock_io_timeouts_ref (SockIOTimeouts *timeouts)
{
  return g_atomic_rc_box_acquire (timeouts);
}

void
_sock_io_timeouts_unref (SockIOTimeouts *timeouts)
{
  g_atomic_rc_box_release (timeouts);
}

static gint64
kernel_timeout (gint fd,
                gint optname)
{
  struct timeval tv = { 0, };
  socklen_t len = sizeof tv;

  if (getsockopt (fd, SOL_SOCKET, optname, &tv, &len) < 0 || tv.tv_sec < 0 || tv.tv_usec < 0)
    return 0;

  /* The kernel takes any length, and waits for ever past what it can count;
   * so does the layer, leaving the wait to the kernel (and no deadline to
   * overflow). */
  if (tv.tv_sec >= G_MAXINT64 / G_USEC_PER_SEC / 4)
    return 0;

  return (gint64) tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec;
}

void
_sock_io_timeouts_load_kernel (SockIOTimeouts *timeouts,
                               gint            fd)
{
  _sock_io_store64 (&timeouts->rcvtimeo, kernel_timeout (fd, SO_RCVTIMEO));
  _sock_io_store64 (&timeouts->sndtimeo, kernel_timeout (fd, SO_SNDTIMEO));
}

/* poll()'s timeout for @deadline, rounded up so that we never wake just
 * before it; -1 for none. */
static gint
poll_timeout (gint64 deadline)
{
  gint64 remaining;

  if (deadline < 0)
    return -1;

  remaining = deadline - g_get_monotonic_time ();
  if (remaining <= 0)
    return 0;

  return (gint) MIN ((remaining + 999) / 1000, G_MAXINT);
}

gboolean
_sock_io_wait (SockFdGuard  *guard,
               gint          fd,
               GIOCondition  condition,
               SockIOWait   *wait,
               gint         *errsv)
{
  GPollFD fds[3] = { { 0, }, };
  gboolean have_cancellable_fd = FALSE;
  guint n_fds = 1;
  gboolean ready = FALSE;
  gint wakeup;

  fds[0].fd = fd;
  fds[0].events = condition;

  if ((wakeup = _sock_fd_guard_get_wakeup (guard)) >= 0)
    {
      fds[n_fds].fd = wakeup;
      fds[n_fds].events = G_IO_IN;
      n_fds++;
    }

  if (wait->cancellable != NULL &&
      g_cancellable_make_pollfd (wait->cancellable, &fds[n_fds]))
    {
      have_cancellable_fd = TRUE;
      n_fds++;
    }

  for (;;)
    {
      gint64 deadline = wait->mode == SOCK_IO_POLL ? wait->deadline : -1;
      gint result;

      if (_sock_fd_guard_is_closed (guard))
        {
          *errsv = EBADF;
          break;
        }

      if (g_cancellable_is_cancelled (wait->cancellable))
        {
          *errsv = ECANCELED;
          break;
        }

      result = g_poll (fds, n_fds, poll_timeout (deadline));

      if (result < 0)
        {
          if (errno == EINTR)
            continue;
          *errsv = errno;
          break;
        }

      if (fds[0].revents != 0)
        {
          ready = TRUE;
          break;
        }

      if (result == 0 && deadline >= 0 && g_get_monotonic_time () >= deadline)
        {
          wait->expired = TRUE;
          *errsv = wait->expired_errno;
          break;
        }
      /* Woken by a close or a cancellation, checked above; or poll()
       * returned a little early. */
    }

  if (have_cancellable_fd)
    g_cancellable_release_fd (wait->cancellable);

  return ready;
}

static gboolean
descriptor_is_nonblocking (gint fd)
{
  gint flags = fcntl (fd, F_GETFL);

  return flags >= 0 && (flags & O_NONBLOCK) != 0;
}

gssize
_sock_io_run_slow (SockFdGuard   *guard,
                   gint           fd,
                   GIOCondition   condition,
                   SockIOWait    *wait,
                   SockIOAttempt  attempt,
                   gpointer       data,
                   gint          *errsv)
{
  for (;;)
    {
      gint err = errno;
      gssize n;

      if (err == EINTR)
        {
          /* Closed while interrupted: what would arrive now belongs to
           * whoever has the socket next. */
          if (_sock_fd_guard_is_closed (guard))
            {
              *errsv = EBADF;
              return -1;
            }
          /* Waiting ourselves, the deadline stands; else the kernel
           * waits again, and it has no deadline to extend. */
          if (wait->mode != SOCK_IO_POLL)
            {
              if ((n = attempt (fd, 0, data)) >= 0)
                return n;
              continue;
            }
        }
      else if (err != EAGAIN && err != EWOULDBLOCK)
        {
          *errsv = err;
          return -1;
        }
      else if (wait->mode == SOCK_IO_KERNEL && descriptor_is_nonblocking (fd))
        {
          /* A blocking call on a descriptor made non-blocking since the
           * call started (an asynchronous accept() or connect() does that
           * for a moment): it waits here instead, without a deadline. */
          wait->mode = SOCK_IO_POLL;
          wait->deadline = -1;
          wait->expired_errno = EAGAIN;
        }
      else if (wait->mode != SOCK_IO_POLL)
        {
          /* Non-blocking, or a kernel timeout the layer did not know of. */
          *errsv = err;
          return -1;
        }

      if (!_sock_io_wait (guard, fd, condition, wait, errsv))
        return -1;

      if ((n = attempt (fd, MSG_DONTWAIT, data)) >= 0)
        return n;
    }
}
