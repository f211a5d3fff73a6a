/* sock-socket.c: creating socket objects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-fromfd-private.h"
#include "sock-inet-object.h"
#include "sock-object-private.h"
#include "sock-socket.h"
#include "sock-unix-object.h"

/* The built-in class for each family; a subclass for another family is
 * made with g_object_new() and its own "family". */
static GType
type_for_family (gint family)
{
  switch (family)
    {
    case AF_INET:
    case AF_INET6:
      return SOCK_TYPE_INET_OBJECT;
    case AF_UNIX:
      return SOCK_TYPE_UNIX_OBJECT;
    default:
      return G_TYPE_INVALID;
    }
}

static GType
type_for_family_or_error (gint          family,
                          const gchar  *what,
                          GError      **error)
{
  GType gtype = type_for_family (family);

  if (gtype == G_TYPE_INVALID)
    _sock_set_errno_error (error, EAFNOSUPPORT,
                           "%s: address family %d is not supported by sockobj", what, family);
  return gtype;
}

/**
 * sock_socket:
 * @family: the address family: `AF_INET`, `AF_INET6` or `AF_UNIX`
 * @type: the socket type, such as `SOCK_STREAM` or `SOCK_DGRAM`; it may
 *   include `SOCK_NONBLOCK` to start in non-blocking mode
 * @proto: the protocol number, usually 0 to let the system choose
 * @error: return location for a #GError
 *
 * Creates a socket, as an object of the class that handles @family's
 * addresses: a [class@Sock.InetObject] or a [class@Sock.UnixObject].
 *
 * The descriptor is close-on-exec. The socket is blocking unless @type
 * includes `SOCK_NONBLOCK`.
 *
 * Returns: (transfer full): a new socket, or %NULL with @error set
 *
 * Since: 1.0
 */
SockObject *
sock_socket (gint     family,
             gint     type,
             gint     proto,
             GError **error)
{
  GType gtype;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((gtype = type_for_family_or_error (family, "socket", error)) == G_TYPE_INVALID)
    return NULL;

  return _sock_object_new_created (gtype, family, type, proto, error);
}

/* Reads an int option of @fd into @value; FALSE with @error set. */
static gboolean
detect_option (gint          fd,
               gint          original_fd,
               gint          optname,
               const gchar  *name,
               gint         *value,
               GError      **error)
{
  socklen_t length = sizeof *value;

  if (getsockopt (fd, SOL_SOCKET, optname, value, &length) < 0)
    return _sock_set_errno_error (error, errno, "fromfd: reading %s of descriptor %d", name,
                                  original_fd);
  return TRUE;
}

/**
 * sock_fromfd:
 * @fd: an open descriptor, which should be a socket
 * @family: the socket's address family, or 0 to read it from @fd
 * @type: the socket's type, or 0 to read it from @fd
 * @proto: the socket's protocol number; with a @family of 0, 0 reads it
 *   from @fd too
 * @error: return location for a #GError
 *
 * Makes a socket object for a socket descriptor created elsewhere, for
 * example one inherited from a parent process.
 *
 * The object works on a close-on-exec duplicate of @fd, so @fd stays the
 * caller's to close. Given a @family, whether @fd really is a socket of
 * that family is not checked; operations on it fail if it is not.
 *
 * A @family of 0 (`AF_UNSPEC`) asks the system instead, as CPython's
 * `socket.socket(fileno=fd)` does: the family (`SO_DOMAIN`), and where they
 * are 0 the type (`SO_TYPE`) and protocol (`SO_PROTOCOL`), come from the
 * descriptor, and the object is of the class for that family; since 1.2.
 * A @type of 0 is read from the descriptor whatever the family. Then a
 * descriptor that is not a socket fails with `ENOTSOCK`, and a family the
 * library has no class for with `EAFNOSUPPORT`.
 *
 * Returns: (transfer full): a new socket, or %NULL with @error set
 *
 * Since: 1.0
 */
SockObject *
sock_fromfd (gint     fd,
             gint     family,
             gint     type,
             gint     proto,
             GError **error)
{
  GType gtype = G_TYPE_INVALID;
  gint dup_fd;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (family != 0 &&
      (gtype = type_for_family_or_error (family, "fromfd", error)) == G_TYPE_INVALID)
    return NULL;

  if (fd < 0)
    {
      _sock_set_errno_error (error, EBADF, "fromfd: descriptor %d", fd);
      return NULL;
    }

  dup_fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0)
    {
      _sock_set_errno_error (error, errno, "fromfd: duplicating descriptor %d", fd);
      return NULL;
    }

  if ((family == 0 && !detect_option (dup_fd, fd, SO_DOMAIN, "SO_DOMAIN", &family, error)) ||
      (type == 0 && !detect_option (dup_fd, fd, SO_TYPE, "SO_TYPE", &type, error)) ||
      (gtype == G_TYPE_INVALID && proto == 0 &&
       !detect_option (dup_fd, fd, SO_PROTOCOL, "SO_PROTOCOL", &proto, error)) ||
      (gtype == G_TYPE_INVALID &&
       (gtype = type_for_family_or_error (family, "fromfd", error)) == G_TYPE_INVALID))
    {
      close (dup_fd);
      return NULL;
    }

  return _sock_object_new_for_fd (gtype, dup_fd, family, type, proto);
}

SockObject *
_sock_fromfd_take (gint     fd,
                   gint     family,
                   gint     type,
                   gint     proto,
                   GError **error)
{
  struct stat st;
  GType gtype;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* As CPython's getsockname() check: refused before anything touches it. */
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      _sock_set_errno_error (error, fd < 0 ? EBADF : errno, "socket: descriptor %d", fd);
      return NULL;
    }
  if (!S_ISSOCK (st.st_mode))
    {
      _sock_set_errno_error (error, ENOTSOCK, "socket: descriptor %d", fd);
      return NULL;
    }

  /* Each -1, and only those, read from the descriptor. */
  if ((family == -1 && !detect_option (fd, fd, SO_DOMAIN, "SO_DOMAIN", &family, error)) ||
      (type == -1 && !detect_option (fd, fd, SO_TYPE, "SO_TYPE", &type, error)) ||
      (proto == -1 && !detect_option (fd, fd, SO_PROTOCOL, "SO_PROTOCOL", &proto, error)) ||
      (gtype = type_for_family_or_error (family, "socket", error)) == G_TYPE_INVALID)
    return NULL;

  return _sock_object_new_for_fd (gtype, fd, family, type, proto);
}

/**
 * sock_socketpair:
 * @family: the address family, usually `AF_UNIX`; 0 means `AF_UNIX`
 * @type: the socket type, such as `SOCK_STREAM` or `SOCK_DGRAM`, 0 for
 *   `SOCK_STREAM`; it may include `SOCK_NONBLOCK`
 * @proto: the protocol number, usually 0
 * @first: (out) (transfer full): where to store one end
 * @second: (out) (transfer full): where to store the other end
 * @error: return location for a #GError
 *
 * Creates a pair of connected sockets, as CPython's `socket.socketpair()`:
 * in Python, `a, b = Sock.socketpair(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)`.
 *
 * Both descriptors are close-on-exec, and both sockets take the default
 * timeout (see [func@Sock.setdefaulttimeout]) as new sockets do, unless
 * @type includes `SOCK_NONBLOCK`. Linux makes pairs of `AF_UNIX` sockets
 * only; another family fails with the system's `EOPNOTSUPP`, or with
 * `EAFNOSUPPORT` for a family the library has no class for.
 *
 * Returns: (skip): %TRUE on success, with @first and @second set
 *
 * Since: 1.2
 */
gboolean
sock_socketpair (gint         family,
                 gint         type,
                 gint         proto,
                 SockObject **first,
                 SockObject **second,
                 GError     **error)
{
  gint base_type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  gint64 timeout;
  GType gtype;
  gint fds[2];

  g_return_val_if_fail (first != NULL, FALSE);
  g_return_val_if_fail (second != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *first = *second = NULL;

  /* As CPython's defaults. */
  if (family == 0)
    family = AF_UNIX;
  if (base_type == 0)
    base_type = SOCK_STREAM;

  if ((gtype = type_for_family_or_error (family, "socketpair", error)) == G_TYPE_INVALID)
    return FALSE;

  /* Made in the mode of the timeout the sockets take: only "none" blocks. */
  timeout = (type & SOCK_NONBLOCK) ? 0 : _sock_get_default_timeout_us ();
  if (socketpair (family, base_type | SOCK_CLOEXEC | (timeout >= 0 ? SOCK_NONBLOCK : 0), proto,
                  fds) < 0)
    return _sock_set_errno_error (error, errno, "socketpair (family %d, type %d, proto %d)",
                                  family, type, proto);

  /* New sockets: no kernel timeouts to read. */
  *first = _sock_object_new_for_fd_full (gtype, fds[0], family, base_type, proto, timeout,
                                         FALSE);
  *second = _sock_object_new_for_fd_full (gtype, fds[1], family, base_type, proto, timeout,
                                          FALSE);

  return TRUE;
}

/* Microseconds, -1 for none; read by every new socket object. */
static gint64 default_timeout = -1;

gint64
_sock_get_default_timeout_us (void)
{
  return _sock_io_load64 (&default_timeout);
}

/**
 * sock_setdefaulttimeout:
 * @seconds: the timeout in seconds; negative for none
 *
 * Sets the timeout that new socket objects start with, as CPython's
 * `socket.setdefaulttimeout()`: sockets made by [func@Sock.socket],
 * [func@Sock.fromfd] and [method@Sock.Object.accept] from now on take it
 * (see [method@Sock.Object.settimeout]); existing sockets keep theirs. A
 * negative value (the initial one) means no timeout: new sockets block.
 * A NaN or a timeout too long to represent leaves the default unchanged,
 * with a warning. Safe to call from any thread.
 *
 * Since: 1.2
 */
void
sock_setdefaulttimeout (gdouble seconds)
{
  gint64 timeout;

  if (!_sock_timeout_from_seconds (seconds, &timeout, NULL))
    {
      g_warning ("sock_setdefaulttimeout: %g is not a usable timeout", seconds);
      return;
    }

  _sock_io_store64 (&default_timeout, timeout);
}

/**
 * sock_getdefaulttimeout:
 *
 * Gets the timeout new socket objects start with; see
 * [func@Sock.setdefaulttimeout].
 *
 * Returns: the timeout in seconds, or -1 for none
 *
 * Since: 1.2
 */
gdouble
sock_getdefaulttimeout (void)
{
  return _sock_timeout_to_seconds (_sock_get_default_timeout_us ());
}
