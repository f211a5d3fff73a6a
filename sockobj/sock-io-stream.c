/* sock-io-stream.c: the stream behind sock_object_makefile()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sock-buffered-input-stream-private.h"
#include "sock-buffered-output-stream-private.h"
#include "sock-error-private.h"
#include "sock-input-stream-private.h"
#include "sock-io-stream-private.h"
#include "sock-output-stream-private.h"
#include "sock-stream-fd-private.h"

/* Python's io.DEFAULT_BUFFER_SIZE: the input buffer for bufsize < 0 and for
 * a line-buffered (bufsize 1) stream, and the line buffer itself.
 *
 * Output is not buffered by default, unlike Python's. A GIO stream user
 * expects a write to reach the peer without a flush (GSocketConnection's
 * does), and so do the protocols GIO layers on a stream: glib-networking's
 * TLS never flushes its base stream, so a buffered default would stall
 * every handshake. Buffering output is one explicit bufsize away. */
#define DEFAULT_BUFFER_SIZE 8192

/* GBufferedInputStream allocates its buffer up front with g_malloc(), which
 * aborts when it cannot; refuse sizes no socket stream could need instead. */
#define MAX_BUFFER_SIZE (64 * 1024 * 1024)

#define SOCK_TYPE_IO_STREAM (sock_io_stream_get_type ())

G_DECLARE_FINAL_TYPE (SockIOStream, sock_io_stream, SOCK, IO_STREAM, GIOStream)

/* SockIOStream:
 *
 * What makefile() returns: the two halves over one close-on-exec dup() of
 * the socket. The dup shares the socket's open file description, so the
 * socket's blocking mode is never touched here (see sock-stream-fd.c);
 * closing this stream closes only the dup, and closing the socket leaves
 * the stream working.
 *
 * Like GSocketConnection, the halves own no descriptor: closing one of them
 * only stops that half, and g_io_stream_close() closes both (output first,
 * which flushes it) and then the descriptor, once.
 */
struct _SockIOStream
{
  GIOStream parent_instance;

  SockStreamFd *fd;
  GInputStream *input;
  GOutputStream *output;
};

G_DEFINE_TYPE (SockIOStream, sock_io_stream, G_TYPE_IO_STREAM)

static GInputStream *
sock_io_stream_get_input_stream (GIOStream *stream)
{
  return SOCK_IO_STREAM (stream)->input;
}

static GOutputStream *
sock_io_stream_get_output_stream (GIOStream *stream)
{
  return SOCK_IO_STREAM (stream)->output;
}

/* Closes the input half and the descriptor, which never blocks; @error
 * keeps the first failure. A half with an operation pending (another
 * thread's read, an async one) fails with G_IO_ERROR_PENDING and stays
 * open, but the descriptor is detached all the same: that operation then
 * fails with G_IO_ERROR_CLOSED, and the descriptor is closed, exactly once,
 * when the last operation or pollable source using it lets go (see
 * sock-stream-fd.c), never while one still does. */
static void
close_input_and_fd (SockIOStream  *self,
                    GError       **error)
{
  g_input_stream_close (self->input, NULL, *error == NULL ? error : NULL);
  _sock_stream_fd_close (self->fd, *error == NULL ? error : NULL);
}

static gboolean
sock_io_stream_close (GIOStream     *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  SockIOStream *self = SOCK_IO_STREAM (stream);
  GError *local_error = NULL;

  /* Output first, so that whatever is buffered reaches the peer. A failed
   * flush is reported, but everything is closed regardless: the GIOStream
   * counts as closed after this returns. */
  g_output_stream_close (self->output, cancellable, &local_error);
  close_input_and_fd (self, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static void
close_async_output_closed (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockIOStream *self = g_task_get_source_object (task);
  GError *error = NULL;

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error);
  close_input_and_fd (self, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* GIOStream's default close_async() runs close() in a worker thread. Only
 * the output flush can wait, and our output streams flush on the main
 * loop. */
static void
sock_io_stream_close_async (GIOStream           *stream,
                            int                  io_priority,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  SockIOStream *self = SOCK_IO_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, sock_io_stream_close_async);
  g_task_set_priority (task, io_priority);

  g_output_stream_close_async (self->output, io_priority, cancellable,
                               close_async_output_closed, task);
}

static gboolean
sock_io_stream_close_finish (GIOStream     *stream,
                             GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sock_io_stream_finalize (GObject *object)
{
  SockIOStream *self = SOCK_IO_STREAM (object);

  /* GIOStream's dispose() has closed everything unless construction
   * failed half way; unreffing the descriptor closes it in that case. */
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_pointer (&self->fd, _sock_stream_fd_unref);

  G_OBJECT_CLASS (sock_io_stream_parent_class)->finalize (object);
}

static void
sock_io_stream_class_init (SockIOStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = sock_io_stream_finalize;

  stream_class->get_input_stream = sock_io_stream_get_input_stream;
  stream_class->get_output_stream = sock_io_stream_get_output_stream;
  stream_class->close_fn = sock_io_stream_close;
  stream_class->close_async = sock_io_stream_close_async;
  stream_class->close_finish = sock_io_stream_close_finish;
}

static void
sock_io_stream_init (SockIOStream *self)
{
}

/* Accepts what Python's socket.makefile() and fdopen() accept for a socket:
 * "r", "w", "rw", "r+" or "w+", with at most one 'b' anywhere after the
 * first letter. */
static gboolean
parse_mode (const gchar  *mode,
            gboolean     *readable,
            gboolean     *writable,
            GError      **error)
{
  gboolean seen_b = FALSE;
  gboolean seen_second = FALSE;
  const gchar *p;

  *readable = *writable = FALSE;

  switch (mode[0])
    {
    case 'r':
      *readable = TRUE;
      *writable = FALSE;
      break;

    case 'w':
      *readable = FALSE;
      *writable = TRUE;
      break;

    default:
      goto invalid;
    }

  for (p = mode + 1; *p != '\0'; p++)
    {
      if (*p == 'b' && !seen_b)
        seen_b = TRUE;
      else if (*p == '+' && !seen_second)
        seen_second = *readable = *writable = TRUE;
      else if (*p == 'w' && mode[0] == 'r' && !seen_second)
        seen_second = *writable = TRUE;
      else
        goto invalid;
    }

  return TRUE;

invalid:
  {
    g_autofree gchar *escaped = g_strescape (mode, NULL);

    return _sock_set_invalid_error (error,
                                    "Invalid makefile mode “%s”: expected "
                                    "r, w, rw, r+ or w+, optionally with b",
                                    escaped);
  }
}

GIOStream *
_sock_io_stream_new (gint             fd,
                     SockIOTimeouts  *timeouts,
                     const gchar     *mode,
                     gint          bufsize,
                     GError      **error)
{
  g_autoptr(SockStreamFd) stream_fd = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  gboolean readable, writable;
  SockIOStream *self;
  gint dup_fd;

  if (mode == NULL)
    mode = "r";

  if (!parse_mode (mode, &readable, &writable, error))
    return NULL;

  if (bufsize > MAX_BUFFER_SIZE)
    {
      _sock_set_invalid_error (error,
                               "Invalid makefile buffer size %d: at most %d",
                               bufsize, MAX_BUFFER_SIZE);
      return NULL;
    }

  /* Never F_SETFL on the dup: it shares O_NONBLOCK with the socket. */
  if ((dup_fd = fcntl (fd, F_DUPFD_CLOEXEC, 0)) < 0)
    {
      int errsv = errno;

      _sock_set_errno_error (error, errsv,
                             "makefile: duplicating descriptor %d", fd);
      return NULL;
    }

  stream_fd = _sock_stream_fd_new (dup_fd, timeouts);
  input = _sock_input_stream_new (stream_fd, readable);
  output = _sock_output_stream_new (stream_fd, writable);

  /* Buffers only where the mode grants the half: the other one just
   * reports G_IO_ERROR_NOT_SUPPORTED. */
  if (readable && bufsize != 0)
    {
      g_autoptr(GInputStream) raw = g_steal_pointer (&input);
      gsize size = bufsize > 1 ? (gsize) bufsize : DEFAULT_BUFFER_SIZE;

      input = _sock_buffered_input_stream_new (raw, size);
    }

  if (writable && bufsize > 0)
    {
      g_autoptr(GOutputStream) raw = g_steal_pointer (&output);
      gsize size = bufsize > 1 ? (gsize) bufsize : DEFAULT_BUFFER_SIZE;

      output = _sock_buffered_output_stream_new (raw, size, bufsize == 1);
    }

  self = g_object_new (SOCK_TYPE_IO_STREAM, NULL);
  self->fd = g_steal_pointer (&stream_fd);
  self->input = g_steal_pointer (&input);
  self->output = g_steal_pointer (&output);

  return G_IO_STREAM (self);
}
