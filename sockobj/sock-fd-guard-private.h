/* sock-fd-guard-private.h: a descriptor that calls pin and close detaches
 *
 * Shared by SockObject and the makefile() stream. Every use of the number
 * runs between acquire and release. Closing detaches the number at once, so
 * later acquires fail, but leaves the close(2) to whoever finishes last:
 * the closer itself when nothing is running, otherwise the last user to
 * release. So no call ever reaches a file that reused the number.
 *
 * Closing also signals the guard's wakeup, an eventfd made the first time
 * something has to wait on the descriptor: every wait of the I/O layer
 * (sock-io-private.h) and the makefile() streams' sources poll it beside the
 * descriptor, so a close ends them rather than leaving them pinned to a
 * connection nobody can use. A call blocked inside the kernel (a blocking
 * descriptor with no timeout) is not woken; shutdown() does that.
 *
 * The socket's own main-loop sources (sock-object-source.c) and the drivers
 * of its asynchronous calls (sock-object-async.c) are woken another way,
 * which costs no descriptor: each registers a SockFdGuardWatch, and closing
 * sets the ready time of every registered source to 0. A server holding ten
 * thousand connections with a read pending then has ten thousand
 * descriptors, not twenty thousand, and its main loop polls half as many.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <errno.h>
#include <unistd.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SockFdGuardWatch SockFdGuardWatch;

typedef struct
{
  gint fd;             /* atomic: -1 once closed */
  gint users;          /* atomic: calls (and sources) using fd */
  gint pending_close;  /* atomic: fd detached while in use, or -1; or
                        * SOCK_FD_GUARD_STEALING */
  gint wakeup_fd;      /* atomic: the eventfd close() signals, or -1 */
  gint wakeup_generation;  /* atomic: the fork generation that made it */
  SockFdGuardWatch *watches;  /* sources close() wakes; bit 0 is their lock */
} SockFdGuard;

/* In pending_close while a steal waits for the users to go: the last
 * release then wakes it instead of closing anything. */
#define SOCK_FD_GUARD_STEALING (-2)

/* A source's registration with the guard, embedded in the source. */
struct _SockFdGuardWatch
{
  SockFdGuardWatch *prev;
  SockFdGuardWatch *next;
  GSource *source;
};

static inline void
_sock_fd_guard_init (SockFdGuard *guard,
                     gint         fd)
{
  guard->fd = fd;
  guard->users = 0;
  guard->pending_close = -1;
  guard->wakeup_fd = -1;
  guard->wakeup_generation = 0;
  guard->watches = NULL;
}

/* The number, unpinned: for fileno() and the like. */
static inline gint
_sock_fd_guard_peek (SockFdGuard *guard)
{
  return g_atomic_int_get (&guard->fd);
}

static inline gboolean
_sock_fd_guard_is_closed (SockFdGuard *guard)
{
  return g_atomic_int_get (&guard->fd) < 0;
}

/* Closes the eventfd of a closed guard that nothing uses any more: nothing
 * can wait on it again. */
void     _sock_fd_guard_drop_wakeup (SockFdGuard *guard);

/* Closes the detached descriptor unless another thread already has, and
 * the wakeup with it. Returns 0, or the errno of a failed close(). Never
 * retried: on Linux the number is released even when close() reports
 * EINTR, so a retry could close somebody else's file. */
static inline gint
_sock_fd_guard_close_pending (SockFdGuard *guard)
{
  gint fd = g_atomic_int_exchange (&guard->pending_close, -1);
  gint errsv = 0;

  if (fd >= 0 && close (fd) < 0 && errno != EINTR)
    errsv = errno;

  if (G_UNLIKELY (g_atomic_int_get (&guard->wakeup_fd) >= 0))
    _sock_fd_guard_drop_wakeup (guard);

  return errsv;
}

/* What the last release does when a close or a steal is pending (out of
 * line, so that the inline release stays small enough for its callers to
 * inline it): wakes the steal, or closes the descriptor. */
void     _sock_fd_guard_release_pending (SockFdGuard *guard,
                                         gint         pending);

static inline void
_sock_fd_guard_release (SockFdGuard *guard)
{
  gint pending;

  /* The same one load as a release with nothing pending costs anyway. */
  if (g_atomic_int_dec_and_test (&guard->users) &&
      G_UNLIKELY ((pending = g_atomic_int_get (&guard->pending_close)) != -1))
    _sock_fd_guard_release_pending (guard, pending);
}

/* Pins @guard again for a caller that let go of its pin for a moment and
 * must release it as always afterwards, whether or not the descriptor was
 * closed meanwhile (see _sock_fd_guard_is_closed()). */
static inline void
_sock_fd_guard_repin (SockFdGuard *guard)
{
  g_atomic_int_inc (&guard->users);
}

/* Pins the descriptor and returns it, or returns -1, pinning nothing, once
 * it is closed. */
static inline gint
_sock_fd_guard_acquire (SockFdGuard *guard)
{
  gint fd;

  g_atomic_int_inc (&guard->users);
  fd = g_atomic_int_get (&guard->fd);
  if (G_UNLIKELY (fd < 0))
    _sock_fd_guard_release (guard);

  return fd;
}

/* The eventfd that close() signals, made on first use; -1 only if the
 * system refuses one (waits then see a close at their next wakeup). A
 * process made by fork() makes its own: a close in one process never
 * wakes the other's waits. */
gint     _sock_fd_guard_get_wakeup (SockFdGuard *guard);

/* Detaches the descriptor, wakes every wait and source, and closes it now
 * if nothing uses it. Returns FALSE when it was already closed; otherwise
 * stores in @close_errno 0 or the errno of a close() made now (one left to a
 * user goes unreported, since nobody is left to see it). */
gboolean _sock_fd_guard_close      (SockFdGuard *guard,
                                    gint        *close_errno);

/* Detaches the descriptor without closing it, waiting first until no call
 * uses it, and wakes what waits; returns it, or -1 when already closed.
 * Sources keep their pin until they dispatch after the wakeup, so a steal
 * from the thread that iterates their main context would wait for ever:
 * a caller must not hold that context. */
gint     _sock_fd_guard_steal      (SockFdGuard *guard);

/* Registers @source, which @watch is embedded in, to be woken (its ready
 * time set to 0) when the guard is closed or its descriptor stolen; a
 * source registered after that is woken at once. The source must call
 * _sock_fd_guard_unwatch() from its dispose function (set with
 * g_source_set_dispose_function()), which runs before a source that
 * reached its last reference is freed: so the guard never wakes a freed
 * source, even when the close and the last unref race in two threads. */
void     _sock_fd_guard_watch      (SockFdGuard      *guard,
                                    SockFdGuardWatch *watch,
                                    GSource          *source);
/* Unregisters @watch; does nothing if it is not registered. */
void     _sock_fd_guard_unwatch    (SockFdGuard      *guard,
                                    SockFdGuardWatch *watch);

/* Frees what the guard owns; the descriptor must be closed and unused. */
void     _sock_fd_guard_clear      (SockFdGuard *guard);

G_END_DECLS
