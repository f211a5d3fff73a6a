/* sock-fd-guard.c: the slow paths of the descriptor guard
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>

#include "sock-fd-guard-private.h"

/* Counts the fork()s this process descends from: an eventfd inherited
 * across one is shared with the parent, so it is no longer this guard's. */
static gint fork_generation;

static void
on_fork_child (void)
{
  g_atomic_int_inc (&fork_generation);
}

static gint
current_generation (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      pthread_atfork (NULL, NULL, on_fork_child);
      g_once_init_leave (&registered, 1);
    }

  return g_atomic_int_get (&fork_generation);
}

static void
signal_eventfd (gint wakeup)
{
  guint64 one = 1;

  /* The counter stays readable from now on: being closed is for good. */
  G_GNUC_UNUSED ssize_t ignored = write (wakeup, &one, sizeof one);
}

gint
_sock_fd_guard_get_wakeup (SockFdGuard *guard)
{
  gint generation = current_generation ();
  gint wakeup = g_atomic_int_get (&guard->wakeup_fd);

  if (G_LIKELY (wakeup >= 0) &&
      G_LIKELY (g_atomic_int_get (&guard->wakeup_generation) == generation))
    return wakeup;

  /* Inherited from the parent: this process's copy is ours to close. */
  if (wakeup >= 0 && g_atomic_int_compare_and_exchange (&guard->wakeup_fd, wakeup, -1))
    close (wakeup);

  wakeup = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup < 0)
    return -1;

  g_atomic_int_set (&guard->wakeup_generation, generation);
  if (!g_atomic_int_compare_and_exchange (&guard->wakeup_fd, -1, wakeup))
    {
      close (wakeup);
      wakeup = g_atomic_int_get (&guard->wakeup_fd);
    }

  /* Closed before the eventfd existed: the closer saw none to signal. */
  if (wakeup >= 0 && _sock_fd_guard_is_closed (guard))
    signal_eventfd (wakeup);

  return wakeup;
}

/* The watch list is locked with bit 0 of its head pointer, which costs the
 * guard no mutex to initialise or clear. */
static SockFdGuardWatch *
watches_lock (SockFdGuard *guard)
{
  g_pointer_bit_lock (&guard->watches, 0);
  return (SockFdGuardWatch *) ((guintptr) g_atomic_pointer_get (&guard->watches) & ~(guintptr) 1);
}

static void
watches_unlock (SockFdGuard      *guard,
                SockFdGuardWatch *head)
{
  /* Storing the head with bit 0 set keeps the lock; the unlock clears it. */
  g_atomic_pointer_set (&guard->watches, (gpointer) ((guintptr) head | 1));
  g_pointer_bit_unlock (&guard->watches, 0);
}

void
_sock_fd_guard_watch (SockFdGuard      *guard,
                      SockFdGuardWatch *watch,
                      GSource          *source)
{
  SockFdGuardWatch *head = watches_lock (guard);

  watch->source = source;
  watch->prev = NULL;
  watch->next = head;
  if (head != NULL)
    head->prev = watch;
  head = watch;

  /* Closed already: the closer found nothing to wake. The ready time is set
   * under the lock, as a close would, so that it never races an unwatch. */
  if (_sock_fd_guard_is_closed (guard))
    g_source_set_ready_time (source, 0);

  watches_unlock (guard, head);
}

void
_sock_fd_guard_unwatch (SockFdGuard      *guard,
                        SockFdGuardWatch *watch)
{
  SockFdGuardWatch *head = watches_lock (guard);

  if (watch->source != NULL)
    {
      if (watch->prev != NULL)
        watch->prev->next = watch->next;
      else
        head = watch->next;
      if (watch->next != NULL)
        watch->next->prev = watch->prev;
      watch->prev = watch->next = NULL;
      watch->source = NULL;
    }

  watches_unlock (guard, head);
}

static void
signal_wakeup (SockFdGuard *guard)
{
  gint wakeup = g_atomic_int_get (&guard->wakeup_fd);
  SockFdGuardWatch *head, *watch;

  if (wakeup >= 0 &&
      g_atomic_int_get (&guard->wakeup_generation) == g_atomic_int_get (&fork_generation))
    signal_eventfd (wakeup);

  /* A registered source is alive: it unregisters in its dispose function,
   * under this lock, before it can be freed. The ready time is for good
   * too; each source's dispatch sees the guard closed. */
  head = watches_lock (guard);
  for (watch = head; watch != NULL; watch = watch->next)
    g_source_set_ready_time (watch->source, 0);
  watches_unlock (guard, head);
}

void
_sock_fd_guard_drop_wakeup (SockFdGuard *guard)
{
  gint wakeup = g_atomic_int_exchange (&guard->wakeup_fd, -1);

  if (wakeup >= 0)
    close (wakeup);
}

gboolean
_sock_fd_guard_close (SockFdGuard *guard,
                      gint        *close_errno)
{
  gint fd = g_atomic_int_exchange (&guard->fd, -1);

  *close_errno = 0;
  if (fd < 0)
    return FALSE;

  g_atomic_int_set (&guard->pending_close, fd);
  signal_wakeup (guard);
  if (g_atomic_int_get (&guard->users) == 0)
    *close_errno = _sock_fd_guard_close_pending (guard);

  return TRUE;
}

/* Steals are rare and short, so every guard shares one lock and condition:
 * a guard keeps no mutex to initialise or clear, and a release that is not
 * the last one, or finds no steal pending, never takes it. */
static GMutex steal_mutex;
static GCond steal_cond;

void
_sock_fd_guard_release_pending (SockFdGuard *guard,
                                gint         pending)
{
  if (pending != SOCK_FD_GUARD_STEALING)
    {
      _sock_fd_guard_close_pending (guard);
      return;
    }

  /* Under the lock, so that it cannot fall between the stealer's check of
   * the count and its wait. Steals on other guards wake too and look again. */
  g_mutex_lock (&steal_mutex);
  g_cond_broadcast (&steal_cond);
  g_mutex_unlock (&steal_mutex);
}

gint
_sock_fd_guard_steal (SockFdGuard *guard)
{
  gint fd = g_atomic_int_exchange (&guard->fd, -1);

  if (fd < 0)
    return -1;

  /* Only the steal that detached the number gets here, and no close can
   * follow it, so pending_close is free. Set before the count is read:
   * either this sees no users or the last release sees the steal pending. */
  g_atomic_int_set (&guard->pending_close, SOCK_FD_GUARD_STEALING);

  /* Every wait sees the socket closed and returns; a call blocked in the
   * kernel keeps its pin until the system call returns. */
  signal_wakeup (guard);

  g_mutex_lock (&steal_mutex);
  while (g_atomic_int_get (&guard->users) > 0)
    g_cond_wait (&steal_cond, &steal_mutex);
  g_mutex_unlock (&steal_mutex);

  /* An acquire that fails from now on pins for an instant: its release
   * need not wake anyone. */
  g_atomic_int_set (&guard->pending_close, -1);

  return fd;
}

void
_sock_fd_guard_clear (SockFdGuard *guard)
{
  gint errsv;

  _sock_fd_guard_close (guard, &errsv);
  _sock_fd_guard_drop_wakeup (guard);
}
