/* sock-object-fd.c: the socket's descriptor itself: dup(), detach() and
 * the inheritable flag
 *
 * None of these is virtual: they act on the descriptor the guard holds,
 * not on the socket's traffic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-fd-guard-private.h"
#include "sock-object-private.h"

#define GET_PRIV(self) _sock_object_get_private (self)

/**
 * sock_object_dup:
 * @self: a socket
 * @error: return location for a #GError
 *
 * Duplicates the socket, as CPython's `socket.dup()`: a new socket object
 * of the same class, family, type and protocol over a close-on-exec
 * duplicate of the descriptor.
 *
 * The two objects close independently: closing one (or dropping its last
 * reference) leaves the other open. They share everything the system
 * keeps per open socket: the connection, the socket options and the
 * descriptor's `O_NONBLOCK` flag. The duplicate starts with @self's
 * timeout (not the default timeout); as in CPython, changing either
 * object's timeout between none and some changes that shared flag, and
 * so the other object's descriptor too.
 *
 * Fails with `EBADF` on a closed socket, and with the system's error
 * (`EMFILE`) when no descriptor is left.
 *
 * Returns: (transfer full): the new socket, or %NULL with @error set
 *
 * Since: 1.2
 */
SockObject *
sock_object_dup (SockObject  *self,
                 GError     **error)
{
  SockObjectPrivate *priv;
  gint fd, new_fd, errsv = 0;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  priv = GET_PRIV (self);

  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    {
      _sock_object_set_io_error (self, error, EBADF, NULL, "dup");
      return NULL;
    }
  new_fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  if (new_fd < 0)
    errsv = errno;
  _sock_fd_guard_release (&priv->guard);

  if (new_fd < 0)
    {
      _sock_set_errno_error (error, errsv, "dup");
      return NULL;
    }

  /* The duplicate shares the original's O_NONBLOCK flag, which is already
   * what the original's timeout wants; and its socket options. */
  return _sock_object_new_for_fd_full (G_OBJECT_TYPE (self), new_fd, priv->family, priv->type,
                                       priv->proto,
                                       _sock_io_load64 (&priv->timeouts->timeout), TRUE);
}

/**
 * sock_object_detach:
 * @self: a socket
 *
 * Detaches the descriptor from the socket object and gives it to the
 * caller, still open, as CPython's `socket.detach()`. The object is closed
 * from then on: every call fails with `EBADF` and
 * [method@Sock.Object.fileno] returns -1; dropping it no longer closes
 * the descriptor, which the caller must close.
 *
 * Safe while other threads are inside calls on @self: it waits. Calls
 * waiting for the socket in the library (those with a timeout, or on a
 * kernel timeout) are woken at once and fail with `EBADF`; a call blocked
 * inside the system (a socket without a timeout) is still using the
 * descriptor, and detach() returns only once that system call has
 * returned. Wake such a call first, as for [method@Sock.Object.close]
 * (a `shutdown()` ends it, but also the connection), or give the socket a
 * timeout. Streams from [method@Sock.Object.makefile] have descriptors of
 * their own and stay open.
 *
 * Returns: the descriptor, or -1 when the socket was already closed or
 *   detached
 *
 * Since: 1.2
 */
gint
sock_object_detach (SockObject *self)
{
  gint fd;

  g_return_val_if_fail (sock_is_object (self), -1);

  fd = _sock_fd_guard_steal (&GET_PRIV (self)->guard);
  if (fd >= 0)
    _sock_object_notify_closed (self);

  return fd;
}

/**
 * sock_object_get_inheritable:
 * @self: a socket
 *
 * Gets whether the socket's descriptor is inherited by programs the
 * process executes, that is whether it lacks the close-on-exec flag.
 * Sockets the library makes are not inheritable.
 *
 * Returns: %TRUE when the descriptor survives `exec()`; %FALSE when it
 *   does not, or the socket is closed
 *
 * Since: 1.2
 */
gboolean
sock_object_get_inheritable (SockObject *self)
{
  SockObjectPrivate *priv;
  gint fd, flags;

  g_return_val_if_fail (sock_is_object (self), FALSE);

  priv = GET_PRIV (self);
  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    return FALSE;
  flags = fcntl (fd, F_GETFD);
  _sock_fd_guard_release (&priv->guard);

  return flags >= 0 && !(flags & FD_CLOEXEC);
}

/**
 * sock_object_set_inheritable:
 * @self: a socket
 * @inheritable: %TRUE for the descriptor to be inherited by programs the
 *   process executes, %FALSE for it to close on `exec()`
 * @error: return location for a #GError
 *
 * Sets whether the socket's descriptor is inherited by programs the
 * process executes (clears or sets its close-on-exec flag), as CPython's
 * `socket.set_inheritable()`. Only this descriptor changes: duplicates,
 * such as [method@Sock.Object.makefile]'s, keep their own flag.
 *
 * Fails with `EBADF` on a closed socket.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.2
 */
gboolean
sock_object_set_inheritable (SockObject  *self,
                             gboolean     inheritable,
                             GError     **error)
{
  SockObjectPrivate *priv;
  gint fd, flags, errsv = 0;

  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = GET_PRIV (self);
  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    return _sock_object_set_io_error (self, error, EBADF, NULL, "set_inheritable");

  flags = fcntl (fd, F_GETFD);
  if (flags < 0)
    errsv = errno;
  else
    {
      gint new_flags = inheritable ? (flags & ~FD_CLOEXEC) : (flags | FD_CLOEXEC);

      if (new_flags != flags && fcntl (fd, F_SETFD, new_flags) < 0)
        errsv = errno;
    }
  _sock_fd_guard_release (&priv->guard);

  if (errsv != 0)
    return _sock_set_errno_error (error, errsv, "set_inheritable");

  return TRUE;
}
