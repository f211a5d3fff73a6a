/* sock-io-private.h: the one I/O layer under every call
 *
 * Every operation that may wait -- the socket's methods and the makefile()
 * streams alike -- runs its system call through _sock_io_run() (or, for
 * connect(), waits through _sock_io_wait()):
 *
 *  - the call's SockIOWait is fixed when the call starts, deadline
 *    included, so neither a signal nor a retry ever extends it;
 *  - the system call is tried first; EINTR is retried, EAGAIN leads to the
 *    one poll() loop, which also watches the guard's wakeup (a close ends
 *    the wait) and the call's cancellable;
 *  - the descriptor is pinned by the guard for the whole call.
 *
 * Failures come back as an errno value for the caller to turn into its own
 * error domain: EBADF once the guard is closed, ECANCELED for a cancelled
 * wait, and wait->expired set when the deadline passed (the errno is then
 * wait->expired_errno).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <errno.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "sock-fd-guard-private.h"

G_BEGIN_DECLS

/* The timeouts of one socket, shared with its makefile() streams so that
 * they honour them without a copy. All in microseconds, read and written
 * atomically. */
typedef struct
{
  gint64 timeout;    /* settimeout(): -1 none (blocking), 0 non-blocking, > 0 */
  gint64 rcvtimeo;   /* the kernel's SO_RCVTIMEO, 0 for none */
  gint64 sndtimeo;   /* the kernel's SO_SNDTIMEO, 0 for none */
  gint plain[2];     /* per direction (receiving, sending): no timeout of any
                      * kind, so the kernel waits; kept by the setters */
  gint poll_first;   /* receiving: how many more calls wait before they
                      * try, since the last try found nothing */
} SockIOTimeouts;

SockIOTimeouts *_sock_io_timeouts_new   (gint64          timeout);
SockIOTimeouts *_sock_io_timeouts_ref   (SockIOTimeouts *timeouts);
void            _sock_io_timeouts_unref (SockIOTimeouts *timeouts);

/* Reads SO_RCVTIMEO and SO_SNDTIMEO of @fd into @timeouts. */
void            _sock_io_timeouts_load_kernel (SockIOTimeouts *timeouts,
                                               gint            fd);

/* Sets settimeout()'s timeout, in microseconds. */
void            _sock_io_timeouts_set_timeout (SockIOTimeouts *timeouts,
                                               gint64          timeout);

static inline gint64
_sock_io_load64 (const gint64 *value)
{
  return __atomic_load_n (value, __ATOMIC_RELAXED);
}

static inline void
_sock_io_store64 (gint64 *value,
                  gint64  new_value)
{
  __atomic_store_n (value, new_value, __ATOMIC_RELAXED);
}

typedef enum
{
  SOCK_IO_NONBLOCKING,  /* never wait: EAGAIN is the answer */
  SOCK_IO_KERNEL,       /* a blocking descriptor without deadline: the kernel waits */
  SOCK_IO_POLL,         /* wait in poll() until the deadline */
} SockIOMode;

typedef struct
{
  SockIOMode mode;
  gboolean expired;        /* out: the deadline passed */
  gint expired_errno;      /* what expiry reports: ETIMEDOUT or EAGAIN */
  gint64 deadline;         /* monotonic microseconds, -1 for none; POLL only */
  GCancellable *cancellable;
  gint *poll_first;        /* the socket's hint for this direction, or NULL */
  gboolean skipped_try;    /* the first try was skipped for the hint */
} SockIOWait;

/* The wait-first hint of a call with a timeout, as CPython has it: a
 * receive waits first when the last one's try found nothing (request and
 * response traffic); never for the kernel's own timeouts, where CPython
 * lets the call wait in the kernel. Not a send: one that found the buffer
 * full usually finds room the next time, as the reader drains it (bulk
 * traffic). */
static inline gint *
_sock_io_poll_first_hint (SockIOTimeouts *timeouts,
                          gboolean        sending)
{
  return sending ? NULL : &timeouts->poll_first;
}

/* The wait of one socket call, from the socket's timeouts: settimeout()'s
 * timeout, or else the kernel's SO_RCVTIMEO / SO_SNDTIMEO, which the layer
 * enforces itself (on the deadline fixed now) rather than let the kernel
 * restart it after every signal. */
static inline void
_sock_io_wait_init (SockIOWait     *wait,
                    SockIOTimeouts *timeouts,
                    gboolean        sending)
{
  gint64 timeout = _sock_io_load64 (&timeouts->timeout);

  wait->expired = FALSE;
  wait->cancellable = NULL;
  wait->poll_first = NULL;
  wait->skipped_try = FALSE;

  if (G_LIKELY (timeout < 0))
    {
      gint64 kernel = _sock_io_load64 (sending ? &timeouts->sndtimeo : &timeouts->rcvtimeo);

      if (G_LIKELY (kernel == 0))
        {
          wait->mode = SOCK_IO_KERNEL;
          return;
        }
      wait->mode = SOCK_IO_POLL;
      wait->expired_errno = EAGAIN;
      wait->deadline = g_get_monotonic_time () + kernel;
    }
  else if (timeout == 0)
    wait->mode = SOCK_IO_NONBLOCKING;
  else
    {
      wait->mode = SOCK_IO_POLL;
      wait->expired_errno = ETIMEDOUT;
      wait->deadline = g_get_monotonic_time () + timeout;
      wait->poll_first = _sock_io_poll_first_hint (timeouts, sending);
    }
}

/* The same for a data call made with the caller's @flags: a caller's own
 * MSG_DONTWAIT means the call never waits, whatever settimeout() or
 * SO_RCVTIMEO / SO_SNDTIMEO would have it do (as in CPython, where the
 * kernel answers such a call at once). */
static inline void
_sock_io_wait_init_flags (SockIOWait     *wait,
                          SockIOTimeouts *timeouts,
                          gboolean        sending,
                          gint            flags)
{
  _sock_io_wait_init (wait, timeouts, sending);
  if (G_UNLIKELY (flags & MSG_DONTWAIT))
    {
      wait->mode = SOCK_IO_NONBLOCKING;
      wait->poll_first = NULL;
    }
}

/* One attempt at a system call on @fd; @dontwait is MSG_DONTWAIT when the
 * layer waits itself (to be passed where the call takes flags), else 0.
 * Returns what the call returns, -1 with errno set. */
typedef gssize (*SockIOAttempt) (gint     fd,
                                 gint     dontwait,
                                 gpointer data);

/* Whether the call that EINTR interrupted ends, for a caller that holds a
 * pin on @guard (see sock-interrupt-private.h): the binding's check runs
 * with the pin let go, since its handler may close or detach the socket
 * (detach waits for every pin), and it is taken again after. TRUE with
 * @errsv set when the call ends: EINTR for the check, EBADF when the
 * socket was closed meanwhile; the caller releases its pin as always. */
gboolean _sock_io_interrupted_pinned (SockFdGuard *guard,
                                      gint        *errsv);

/* Waits until @fd polls for @condition. Returns FALSE with @errsv set when
 * the wait ends otherwise (closed, cancelled, expired, poll failed). */
gboolean _sock_io_wait      (SockFdGuard   *guard,
                             gint           fd,
                             GIOCondition   condition,
                             SockIOWait    *wait,
                             gint          *errsv);

gssize   _sock_io_run_slow  (SockFdGuard   *guard,
                             gint           fd,
                             GIOCondition   condition,
                             SockIOWait    *wait,
                             SockIOAttempt  attempt,
                             gpointer       data,
                             gint          *errsv);

/* Runs @attempt on the guarded descriptor until it succeeds or fails for
 * good. The first try is inline; waiting and retrying are not. */
static inline gssize
_sock_io_run (SockFdGuard   *guard,
              GIOCondition   condition,
              SockIOWait    *wait,
              SockIOAttempt  attempt,
              gpointer       data,
              gint          *errsv)
{
  gint fd = _sock_fd_guard_acquire (guard);
  gssize n;

  if (G_UNLIKELY (fd < 0))
    {
      *errsv = EBADF;
      return -1;
    }

  /* A socket whose last calls had to wait goes straight to waiting, which
   * saves the try that would only say EAGAIN (ping-pong traffic). */
  if (wait->mode == SOCK_IO_POLL && wait->poll_first != NULL &&
      g_atomic_int_get (wait->poll_first) > 0)
    {
      g_atomic_int_add (wait->poll_first, -1);
      wait->skipped_try = TRUE;
      errno = EAGAIN;
      n = -1;
    }
  else
    n = attempt (fd, wait->mode == SOCK_IO_POLL ? MSG_DONTWAIT : 0, data);

  if (G_UNLIKELY (n < 0))
    n = _sock_io_run_slow (guard, fd, condition, wait, attempt, data, errsv);

  _sock_fd_guard_release (guard);
  return n;
}

/* The fast path of a socket method, for the common case: a blocking socket
 * without a timeout of any kind, where there is no deadline to compute and
 * the kernel does the waiting. Returns TRUE with *@n set when one try did
 * the call; otherwise FALSE with *@first_errsv set to the errno of that
 * try, or 0 when the socket is not in that mode (nothing was tried), for
 * _sock_io_call_continue(). Inline, so that @data stays in registers. */
static inline gboolean
_sock_io_try_plain (SockFdGuard     *guard,
                    SockIOTimeouts  *timeouts,
                    gboolean         sending,
                    SockIOAttempt    attempt,
                    gpointer         data,
                    gssize          *n,
                    gint            *first_errsv)
{
  gint fd;

  *first_errsv = 0;
  if (G_LIKELY (g_atomic_int_get (&timeouts->plain[sending != 0])) &&
      G_LIKELY ((fd = _sock_fd_guard_acquire (guard)) >= 0))
    {
      *n = attempt (fd, 0, data);
      if (G_UNLIKELY (*n < 0))
        *first_errsv = errno;
      _sock_fd_guard_release (guard);
      return *first_errsv == 0;
    }

  return FALSE;
}

/* The rest of a socket method's call after _sock_io_try_plain(): the first
 * try's failure handled as the layer handles any (EINTR retried, ...), or,
 * when nothing was tried, the whole call with its wait fixed now. @wait is
 * filled in for the caller's error; @flags are the call's (MSG_DONTWAIT:
 * never wait). */
gssize   _sock_io_after_try     (SockFdGuard     *guard,
                                 gboolean         sending,
                                 gint             flags,
                                 SockIOWait      *wait,
                                 SockIOAttempt    attempt,
                                 gpointer         data,
                                 gint             first_errsv,
                                 gint            *errsv);

static inline gssize
_sock_io_call_continue (SockFdGuard     *guard,
                        SockIOTimeouts  *timeouts,
                        gboolean         sending,
                        gint             flags,
                        SockIOWait      *wait,
                        SockIOAttempt    attempt,
                        gpointer         data,
                        gint             first_errsv,
                        gint            *errsv)
{
  if (G_UNLIKELY (first_errsv != 0))
    return _sock_io_after_try (guard, sending, flags, wait, attempt, data, first_errsv,
                               errsv);

  _sock_io_wait_init_flags (wait, timeouts, sending, flags);
  return _sock_io_run (guard, sending ? G_IO_OUT : G_IO_IN, wait, attempt, data, errsv);
}

/* A whole socket method's call: _sock_io_try_plain(), then
 * _sock_io_call_continue() when it did not do it. @flags are the call's:
 * with MSG_DONTWAIT it never waits. */
static inline gssize
_sock_io_call (SockFdGuard     *guard,
               SockIOTimeouts  *timeouts,
               gboolean         sending,
               gint             flags,
               SockIOWait      *wait,
               SockIOAttempt    attempt,
               gpointer         data,
               gint            *errsv)
{
  gssize n;
  gint first_errsv;

  if (_sock_io_try_plain (guard, timeouts, sending, attempt, data, &n, &first_errsv))
    return n;

  return _sock_io_call_continue (guard, timeouts, sending, flags, wait, attempt, data,
                                 first_errsv, errsv);
}

G_END_DECLS
