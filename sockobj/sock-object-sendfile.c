/* sock-object-sendfile.c: sendfile(), CPython's socket.sendfile()
 *
 * Zero-copy sendfile(2) through the I/O layer, on one deadline for the
 * whole call; where the system refuses it for this file or socket, or a
 * subclass overrides send, the file is read and sent as sendall() sends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <time.h>
#include <unistd.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-io-private.h"
#include "sock-object-private.h"

#define GET_PRIV(self) _sock_object_get_private (self)

/* One sendfile(2) moves at most this much, as CPython's loop does (the
 * system's own limit is a little under 2 GiB). */
#define SENDFILE_BLOCK (G_GINT64_CONSTANT (1) << 30)

/* The read + send fallback moves the file in blocks this large. */
#define FALLBACK_BLOCK (64 * 1024)

typedef struct
{
  gint in_fd;
  off_t offset;
  gsize count;
  gboolean block_sigpipe;
} SendfileCall;

/* sendfile(2) has no MSG_NOSIGNAL: a peer that went away raises SIGPIPE in
 * the calling thread. Unless the process ignores it, the signal is blocked
 * around the call and one it raised is taken back, so that sendfile()
 * gives EPIPE like every other send of the library. */
static gssize
sendfile_no_sigpipe (gint          fd,
                     SendfileCall *call)
{
  sigset_t sigpipe, old_mask, pending;
  gboolean was_pending;
  gssize n;
  gint errsv;

  sigemptyset (&sigpipe);
  sigaddset (&sigpipe, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &sigpipe, &old_mask);
  was_pending = sigpending (&pending) == 0 && sigismember (&pending, SIGPIPE);

  n = sendfile (fd, call->in_fd, &call->offset, call->count);
  errsv = errno;

  if (n < 0 && errsv == EPIPE && !was_pending)
    {
      static const struct timespec no_wait = { 0, 0 };

      while (sigtimedwait (&sigpipe, NULL, &no_wait) < 0 && errno == EINTR)
        ;
    }
  pthread_sigmask (SIG_SETMASK, &old_mask, NULL);

  errno = errsv;
  return n;
}

/* sendfile(2) takes no flags either way: the socket's descriptor is
 * non-blocking when the layer polls (settimeout), and on a kernel
 * SO_SNDTIMEO each try is bounded by the kernel's timer, as accept's are. */
static gssize
sendfile_attempt (gint     fd,
                  gint     dontwait,
                  gpointer data)
{
  SendfileCall *call = data;

  if (call->block_sigpipe)
    return sendfile_no_sigpipe (fd, call);

  return sendfile (fd, call->in_fd, &call->offset, call->count);
}

static gboolean
sigpipe_is_ignored (void)
{
  struct sigaction action;

  return sigaction (SIGPIPE, NULL, &action) == 0 && action.sa_handler == SIG_IGN;
}

/* What sendfile(2) answers when it cannot move this file to this socket at
 * all, rather than failing to send: a file it cannot map (a pipe, a
 * socket), a socket type without its support. */
static gboolean
system_refuses (gint errsv)
{
  return errsv == EINVAL || errsv == ENOSYS || errsv == EOPNOTSUPP || errsv == ESPIPE ||
         errsv == EOVERFLOW;
}

/* Reads up to @size bytes of @fd, retrying EINTR. */
static gssize
read_block (gint    fd,
            guint8 *buffer,
            gsize   size)
{
  gssize n;

  do
    n = read (fd, buffer, size);
  while (n < 0 && errno == EINTR);

  return n;
}

static gboolean
send_by_reading (SockObject  *self,
                 gint         fd,
                 gint64       offset,
                 gint64       count,
                 SockIOWait  *wait,
                 gint64      *sent,
                 GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  gsize block = count < 0 ? FALLBACK_BLOCK : (gsize) MIN (count, FALLBACK_BLOCK);

  /* From @offset, as the zero-copy path reads; a pipe has no position to
   * move to, and is read from where it is. */
  if (lseek (fd, offset, SEEK_SET) < 0 && (errno != ESPIPE || offset != 0))
    return _sock_set_errno_error (error, errno, "seeking descriptor %d to %"
                                  G_GINT64_FORMAT, fd, offset);

  buffer = g_malloc (block);

  while (count < 0 || *sent < count)
    {
      gsize want = count < 0 ? block : (gsize) MIN ((gint64) block, count - *sent);
      gsize chunk_sent = 0;
      gssize n;

      if ((n = read_block (fd, buffer, want)) < 0)
        return _sock_set_errno_error (error, errno, "reading descriptor %d", fd);
      if (n == 0)
        break;

      if (!_sock_object_send_remaining (self, buffer, n, 0, wait, &chunk_sent, error))
        {
          *sent += chunk_sent;
          return FALSE;
        }
      *sent += n;
    }

  return TRUE;
}

/**
 * sock_object_sendfile:
 * @self: a connected socket
 * @fd: the descriptor of the file to send, open for reading
 * @offset: where in the file to start, in bytes from its beginning
 * @count: the most bytes to send, or a negative number for everything up
 *   to the end of the file
 * @error: return location for a #GError
 *
 * Sends the contents of a file, as CPython's `socket.sendfile()`: with
 * `sendfile(2)`, which moves the data inside the kernel without copying it
 * through the process, until @count bytes are sent or the file ends.
 *
 * Where the system refuses `sendfile(2)` for this file or socket (a pipe
 * or another file it cannot map, a socket type it does not support), or
 * when a subclass overrides the `send` virtual method, the file is read
 * instead and its data sent as [method@Sock.Object.sendall] sends it; the
 * result is the same. A pipe is read from where it is, so its @offset
 * must be 0.
 *
 * The socket's timeout covers the whole call, as for
 * [method@Sock.Object.sendall]; on expiry the call fails with `ETIMEDOUT`
 * and the error's message says how many bytes were sent. It bounds the
 * waits for the socket only: a read of the fallback on a pipe waits as
 * `read(2)` does. A non-blocking socket (timeout 0) fails with `EINVAL`,
 * as in CPython, since the call could not finish.
 *
 * When bytes were sent, the file position of @fd is left after the last
 * of them, as CPython leaves the file's. An @offset at or past the end of
 * the file, an empty file and a @count of 0 send nothing and return 0. A
 * negative @offset fails with `EINVAL`, a @fd that is not open with
 * `EBADF`.
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.2
 */
gint64
sock_object_sendfile (SockObject  *self,
                      gint         fd,
                      gint64       offset,
                      gint64       count,
                      GError     **error)
{
  SockObjectPrivate *priv;
  GError *local_error = NULL;
  SockIOWait wait;
  gint64 sent = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  priv = GET_PRIV (self);

  if (fd < 0)
    {
      _sock_set_errno_error (error, EBADF, "sendfile: descriptor %d", fd);
      return -1;
    }
  if (offset < 0)
    {
      _sock_set_invalid_error (error, "sendfile: the offset %" G_GINT64_FORMAT " is negative",
                               offset);
      return -1;
    }
  if (count == 0)
    return 0;

  if (_sock_io_load64 (&priv->timeouts->timeout) == 0)
    {
      _sock_set_invalid_error (error, "sendfile: non-blocking sockets are not supported");
      return -1;
    }

  /* One deadline for the whole call. */
  _sock_io_wait_init (&wait, priv->timeouts, TRUE);

  if (_sock_object_send_is_default (SOCK_OBJECT_GET_CLASS (self)))
    {
      gboolean block_sigpipe = !sigpipe_is_ignored ();

      while (count < 0 || sent < count)
        {
          SendfileCall call = { fd, offset + sent,
                                count < 0 ? SENDFILE_BLOCK : MIN (count - sent, SENDFILE_BLOCK),
                                block_sigpipe };
          gssize n;
          gint errsv;

          n = _sock_io_run (&priv->guard, G_IO_OUT, &wait, sendfile_attempt, &call, &errsv);
          if (n < 0)
            {
              if (sent == 0 && !wait.expired && system_refuses (errsv))
                {
                  ok = send_by_reading (self, fd, offset, count, &wait, &sent, &local_error);
                  break;
                }
              ok = _sock_object_set_io_error (self, &local_error, errsv, &wait,
                                              "sending descriptor %d", fd);
              break;
            }
          if (n == 0)
            break;   /* the end of the file */
          sent += n;
        }
    }
  else
    ok = send_by_reading (self, fd, offset, count, &wait, &sent, &local_error);

  /* As CPython: the file is left where the data sent ends. */
  if (sent > 0)
    lseek (fd, offset + sent, SEEK_SET);

  if (!ok)
    {
      g_propagate_prefixed_error (error, local_error,
                                  "sendfile: %" G_GINT64_FORMAT " bytes sent: ", sent);
      return -1;
    }

  return sent;
}
