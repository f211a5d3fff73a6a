/* sock-io.c: the wait loop of the I/O layer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "sock-interrupt-private.h"
#include "sock-io-private.h"

static SockInterruptCheck interrupt_check;

void
_sock_set_interrupt_check (SockInterruptCheck check)
{
  g_atomic_pointer_set (&interrupt_check, check);
}

gboolean
_sock_io_interrupted (void)
{
  SockInterruptCheck check = g_atomic_pointer_get (&interrupt_check);

  return check != NULL && check ();
}

gboolean
_sock_io_interrupted_pinned (SockFdGuard *guard,
                             gint        *errsv)
{
  SockInterruptCheck check = g_atomic_pointer_get (&interrupt_check);
  gboolean end;

  if (check == NULL)
    return FALSE;

  _sock_fd_guard_release (guard);
  end = check ();
  /* Pinned again whatever happened meanwhile, so that the caller's release
   * stays balanced; a descriptor closed meanwhile is not used again. */
  _sock_fd_guard_repin (guard);

  if (end)
    *errsv = EINTR;
  else if (_sock_fd_guard_is_closed (guard))
    *errsv = EBADF;
  else
    return FALSE;
  return TRUE;
}

static void
update_plain (SockIOTimeouts *timeouts)
{
  gboolean blocking = _sock_io_load64 (&timeouts->timeout) < 0;

  g_atomic_int_set (&timeouts->plain[0], blocking && _sock_io_load64 (&timeouts->rcvtimeo) == 0);
  g_atomic_int_set (&timeouts->plain[1], blocking && _sock_io_load64 (&timeouts->sndtimeo) == 0);
}

SockIOTimeouts *
_sock_io_timeouts_new (gint64 timeout)
{
  SockIOTimeouts *timeouts = g_atomic_rc_box_new0 (SockIOTimeouts);

  timeouts->timeout = timeout;
  update_plain (timeouts);
  return timeouts;
}

void
_sock_io_timeouts_set_timeout (SockIOTimeouts *timeouts,
                               gint64          timeout)
{
  _sock_io_store64 (&timeouts->timeout, timeout);
  update_plain (timeouts);
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
  update_plain (timeouts);
}

#define POLL_FIRST_CALLS 8
/* A wait that ended within this many microseconds did not sleep: the
 * socket was ready when the hint made the call wait instead of trying. */
#define POLL_FIRST_READY_US 1

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
      gint timeout_ms = -1;
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

      /* Checked before every wait, whatever woke the last one: a socket
       * that polls ready but whose call still says EAGAIN must not keep
       * the call past its deadline. */
      if (deadline >= 0)
        {
          gint64 remaining = deadline - g_get_monotonic_time ();

          if (remaining <= 0)
            {
              wait->expired = TRUE;
              *errsv = wait->expired_errno;
              break;
            }
          /* Rounded up, so that we never wake just before the deadline. */
          timeout_ms = (gint) MIN ((remaining + 999) / 1000, G_MAXINT);
        }

      result = g_poll (fds, n_fds, timeout_ms);

      if (result < 0)
        {
          gint err = errno;

          if (err != EINTR)
            {
              *errsv = err;
              break;
            }
          if (_sock_io_interrupted_pinned (guard, errsv))
            break;
          continue;
        }

      if (fds[0].revents != 0)
        {
          ready = TRUE;
          break;
        }
      /* Woken by a close or a cancellation, or the deadline passed: all
       * checked above. */
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
          /* A binding's signal handler ends the call (see
           * sock-interrupt-private.h), or closed the socket. */
          if (_sock_io_interrupted_pinned (guard, errsv))
            return -1;
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
      else if (!wait->skipped_try && wait->poll_first != NULL &&
               g_atomic_int_get (wait->poll_first) <= 0)
        /* A try found nothing: the next calls in this direction wait
         * first, and then one tries first again, in case the traffic
         * changed. */
        g_atomic_int_set (wait->poll_first, POLL_FIRST_CALLS);
      if (wait->skipped_try)
        {
          gint64 before = g_get_monotonic_time ();

          wait->skipped_try = FALSE;
          if (!_sock_io_wait (guard, fd, condition, wait, errsv))
            return -1;
          /* Ready at once: the try the hint skipped would have done (bulk
           * traffic, where the other side keeps up). Try first again. */
          if (g_get_monotonic_time () - before <= POLL_FIRST_READY_US)
            g_atomic_int_set (wait->poll_first, 0);
        }
      else if (!_sock_io_wait (guard, fd, condition, wait, errsv))
        return -1;

      if ((n = attempt (fd, MSG_DONTWAIT, data)) >= 0)
        return n;
    }
}

gssize
_sock_io_after_try (SockFdGuard   *guard,
                    gboolean       sending,
                    gint           flags,
                    SockIOWait    *wait,
                    SockIOAttempt  attempt,
                    gpointer       data,
                    gint           first_errsv,
                    gint          *errsv)
{
  GIOCondition condition = sending ? G_IO_OUT : G_IO_IN;
  gssize n;
  gint fd;

  /* A caller's MSG_DONTWAIT: not even a descriptor made non-blocking
   * meanwhile makes this call wait. */
  wait->mode = (flags & MSG_DONTWAIT) ? SOCK_IO_NONBLOCKING : SOCK_IO_KERNEL;
  wait->expired = FALSE;
  wait->cancellable = NULL;
  wait->poll_first = NULL;
  wait->skipped_try = FALSE;

  /* The first try's error stands whatever happened since, except that an
   * interrupted call is not made again on a socket closed meanwhile, and
   * an EAGAIN goes through the loop, which tells a descriptor made
   * non-blocking meanwhile (and waits) from a kernel timeout. */
  if (first_errsv != EINTR && first_errsv != EAGAIN && first_errsv != EWOULDBLOCK)
    {
      *errsv = first_errsv;
      return -1;
    }
  if ((fd = _sock_fd_guard_acquire (guard)) < 0)
    {
      *errsv = EBADF;
      return -1;
    }
  errno = first_errsv;
  n = _sock_io_run_slow (guard, fd, condition, wait, attempt, data, errsv);
  _sock_fd_guard_release (guard);

  return n;
}
