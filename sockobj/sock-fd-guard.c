/* sock-fd-guard.c: the slow paths of the descriptor guard
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>
#include <sys/eventfd.h>

#include "sock-fd-guard-private.h"

gint
_sock_fd_guard_get_wakeup (SockFdGuard *guard)
{
  gint wakeup = g_atomic_int_get (&guard->wakeup_fd);

  if (G_LIKELY (wakeup >= 0))
    return wakeup;

  wakeup = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup < 0)
    return -1;

  if (!g_atomic_int_compare_and_exchange (&guard->wakeup_fd, -1, wakeup))
    {
      close (wakeup);
      wakeup = g_atomic_int_get (&guard->wakeup_fd);
    }

  /* Closed before the eventfd existed: the closer saw none to signal. */
  if (_sock_fd_guard_is_closed (guard))
    {
      guint64 one = 1;
      G_GNUC_UNUSED ssize_t ignored = write (wakeup, &one, sizeof one);
    }

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

  /* The counter stays readable from now on: being closed is for good. */
  if (wakeup >= 0)
    {
      guint64 one = 1;
      G_GNUC_UNUSED ssize_t ignored = write (wakeup, &one, sizeof one);
    }

  /* A registered source is alive: it unregisters in its dispose function,
   * under this lock, before it can be freed. The ready time is for good
   * too; each source's dispatch sees the guard closed. */
  head = watches_lock (guard);
  for (watch = head; watch != NULL; watch = watch->next)
    g_source_set_ready_time (watch->source, 0);
  watches_unlock (guard, head);
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

gint
_sock_fd_guard_steal (SockFdGuard *guard)
{
  gint fd = g_atomic_int_exchange (&guard->fd, -1);

  if (fd < 0)
    return -1;

  /* Every wait sees the socket closed and returns; a call blocked in the
   * kernel keeps its pin until the system call returns. */
  signal_wakeup (guard);
  while (g_atomic_int_get (&guard->users) > 0)
    g_usleep (1000);

  return fd;
}

void
_sock_fd_guard_clear (SockFdGuard *guard)
{
  gint errsv;
  gint wakeup;

  _sock_fd_guard_close (guard, &errsv);
  wakeup = g_atomic_int_exchange (&guard->wakeup_fd, -1);
  if (wakeup >= 0)
    close (wakeup);
}
