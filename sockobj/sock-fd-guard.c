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

static void
signal_wakeup (SockFdGuard *guard)
{
  gint wakeup = g_atomic_int_get (&guard->wakeup_fd);

  /* The counter stays readable from now on: being closed is for good. */
  if (wakeup >= 0)
    {
      guint64 one = 1;
      G_GNUC_UNUSED ssize_t ignored = write (wakeup, &one, sizeof one);
    }
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
