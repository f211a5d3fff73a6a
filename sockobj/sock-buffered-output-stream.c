/* sock-buffered-output-stream.c: a pollable, optionally line-buffered output buffer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "sock-buffered-output-stream-private.h"

/* SockBufferedOutputStream:
 *
 * The write buffer of makefile() streams, fully or line buffered.
 *
 * GIO's GBufferedOutputStream cannot be used: it is not pollable (TLS needs
 * a pollable base, and its write_async() would run in threads), it hides its
 * buffer so no subclass could add the interface, and it has no line mode.
 *
 * Writes follow the GOutputStream contract strictly: a write that fails has
 * accepted nothing (bytes taken into the buffer and then not sent are taken
 * back), so a caller that retries never duplicates data; a write that got
 * part of its bytes onto the wire returns that count without an error.
 *
 * Once the buffer is empty, a write too large for it goes straight to the
 * socket, so bulk transfers are not copied.
 */
struct _SockBufferedOutputStream
{
  GFilterOutputStream parent_instance;

  guint8 *buffer;       /* allocated on first use */
  gsize size;
  gsize len;
  gboolean line_buffered;
};

static void sock_buffered_output_stream_pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_TYPE_WITH_CODE (SockBufferedOutputStream, sock_buffered_output_stream,
                         G_TYPE_FILTER_OUTPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                sock_buffered_output_stream_pollable_iface_init))

static GOutputStream *
get_base_stream (SockBufferedOutputStream *self)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (self));
}

static void
append (SockBufferedOutputStream *self,
        const guint8             *data,
        gsize                     count)
{
  g_assert (self->len + count <= self->size);

  if (self->buffer == NULL)
    self->buffer = g_malloc (self->size);

  memcpy (self->buffer + self->len, data, count);
  self->len += count;
}

/* Sends the buffer until it is empty or the base stream fails (including
 * G_IO_ERROR_WOULD_BLOCK when !@blocking). What was not sent stays at the
 * front of the buffer; @sent tells how much went out either way. */
static gboolean
flush_buffer (SockBufferedOutputStream  *self,
              gboolean                   blocking,
              GCancellable              *cancellable,
              gsize                     *sent,
              GError                   **error)
{
  GOutputStream *base = get_base_stream (self);
  gboolean ok = TRUE;
  gsize done = 0;

  while (done < self->len)
    {
      gssize n = g_pollable_stream_write (base, self->buffer + done,
                                          self->len - done, blocking,
                                          cancellable, error);
      if (n <= 0)
        {
          /* send() never returns 0 for a non-empty buffer; be safe. */
          if (n == 0)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 "Socket stream accepted no data");
          ok = FALSE;
          break;
        }
      done += n;
    }

  if (done > 0)
    {
      memmove (self->buffer, self->buffer + done, self->len - done);
      self->len -= done;
    }

  if (sent != NULL)
    *sent = done;

  return ok;
}

static gssize
write_buffered (SockBufferedOutputStream  *self,
                const guint8              *data,
                gsize                      count,
                gboolean                   blocking,
                GCancellable              *cancellable,
                GError                   **error)
{
  GOutputStream *base = get_base_stream (self);
  gsize lines = 0;       /* bytes up to and including the last newline */

  if (self->line_buffered)
    {
      const guint8 *newline = memrchr (data, '\n', count);

      if (newline != NULL)
        lines = newline - data + 1;
    }

  /* The common case: it fits and nothing has to go out yet. */
  if (lines == 0 && self->len + count <= self->size)
    {
      append (self, data, count);
      return count;
    }

  /* Complete lines that fit: send them together with what is waiting, in
   * one system call, then keep the unfinished tail. */
  if (lines > 0 && self->len + lines <= self->size)
    {
      g_autoptr(GError) local_error = NULL;
      gsize before = self->len;
      gsize sent, tail;

      append (self, data, lines);

      if (!flush_buffer (self, blocking, cancellable, &sent, &local_error))
        {
          if (sent <= before)
            {
              /* None of this write went out: take it back and fail. */
              self->len -= lines;
              g_propagate_error (error, g_steal_pointer (&local_error));
              return -1;
            }

          /* Part of it did: report that part, keep none of the rest. */
          self->len -= lines - (sent - before);
          g_assert (self->len == 0);
          return sent - before;
        }

      tail = MIN (count - lines, self->size);
      append (self, data + lines, tail);
      return lines + tail;
    }

  /* Too big for what is left of the buffer: send what is waiting first, so
   * that the order is kept; this write has accepted nothing yet if that
   * fails. */
  if (self->len > 0 && !flush_buffer (self, blocking, cancellable, NULL, error))
    return -1;

  /* Complete lines that did not fit go straight out; the unfinished tail
   * comes back in the caller's next write. */
  if (lines > 0)
    return g_pollable_stream_write (base, data, lines, blocking, cancellable, error);

  if (count >= self->size)
    return g_pollable_stream_write (base, data, count, blocking, cancellable, error);

  append (self, data, count);
  return count;
}

static gssize
sock_buffered_output_stream_write (GOutputStream  *stream,
                                   const void     *buffer,
                                   gsize           count,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  return write_buffered (SOCK_BUFFERED_OUTPUT_STREAM (stream), buffer, count,
                         TRUE, cancellable, error);
}

static gboolean
sock_buffered_output_stream_flush (GOutputStream  *stream,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  SockBufferedOutputStream *self = SOCK_BUFFERED_OUTPUT_STREAM (stream);

  if (!flush_buffer (self, TRUE, cancellable, NULL, error))
    return FALSE;

  /* GFilterOutputStream's flush() flushes the base stream. */
  return G_OUTPUT_STREAM_CLASS (sock_buffered_output_stream_parent_class)->flush (stream,
                                                                                  cancellable,
                                                                                  error);
}

/* flush_async() sends the buffer with the base stream's write_async(), which
 * the pollable SockOutputStream runs on the main loop; GOutputStream's
 * default would run flush() in a worker thread. */
static void flush_async_step (GTask *task);

static void
flush_async_wrote (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockBufferedOutputStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n;

  n = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);
  if (n <= 0)
    {
      /* send() never returns 0 for a non-empty buffer; be safe. */
      if (n == 0)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                     "Socket stream accepted no data");
      g_task_return_error (task, error);
      return;
    }

  memmove (self->buffer, self->buffer + n, self->len - n);
  self->len -= n;

  flush_async_step (g_steal_pointer (&task));
}

static void
flush_async_step (GTask *task)
{
  SockBufferedOutputStream *self = g_task_get_source_object (task);

  if (self->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* The stream is pending until the task returns, so nothing else touches
   * the buffer while the base stream sends from it. */
  g_output_stream_write_async (get_base_stream (self), self->buffer, self->len,
                               g_task_get_priority (task),
                               g_task_get_cancellable (task),
                               flush_async_wrote, task);
}

static void
sock_buffered_output_stream_flush_async (GOutputStream       *stream,
                                         int                  io_priority,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, sock_buffered_output_stream_flush_async);
  g_task_set_priority (task, io_priority);

  flush_async_step (task);
}

static gboolean
sock_buffered_output_stream_flush_finish (GOutputStream  *stream,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* g_output_stream_close_async() has already run our flush_async() by the
 * time it calls this, and closing the base stream does not block, so there
 * is no reason for the default's worker thread. */
static void
sock_buffered_output_stream_close_async (GOutputStream       *stream,
                                         int                  io_priority,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GOutputStreamClass *parent_class;
  GError *error = NULL;

  g_task_set_source_tag (task, sock_buffered_output_stream_close_async);

  parent_class = G_OUTPUT_STREAM_CLASS (sock_buffered_output_stream_parent_class);
  if (parent_class->close_fn (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
sock_buffered_output_stream_close_finish (GOutputStream  *stream,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sock_buffered_output_stream_finalize (GObject *object)
{
  SockBufferedOutputStream *self = SOCK_BUFFERED_OUTPUT_STREAM (object);

  g_clear_pointer (&self->buffer, g_free);

  G_OBJECT_CLASS (sock_buffered_output_stream_parent_class)->finalize (object);
}

static void
sock_buffered_output_stream_class_init (SockBufferedOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = sock_buffered_output_stream_finalize;

  stream_class->write_fn = sock_buffered_output_stream_write;
  stream_class->flush = sock_buffered_output_stream_flush;
  stream_class->flush_async = sock_buffered_output_stream_flush_async;
  stream_class->flush_finish = sock_buffered_output_stream_flush_finish;
  stream_class->close_async = sock_buffered_output_stream_close_async;
  stream_class->close_finish = sock_buffered_output_stream_close_finish;
}

static void
sock_buffered_output_stream_init (SockBufferedOutputStream *self)
{
}

static gboolean
sock_buffered_output_stream_can_poll (GPollableOutputStream *stream)
{
  GOutputStream *base = get_base_stream (SOCK_BUFFERED_OUTPUT_STREAM (stream));

  return G_IS_POLLABLE_OUTPUT_STREAM (base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (base));
}

/* Writability is the socket's. That is conservative (a write that fits in
 * the buffer would not block either), but it is always consistent with
 * create_source(), so a caller waiting on the source never spins. */
static gboolean
sock_buffered_output_stream_is_writable (GPollableOutputStream *stream)
{
  GOutputStream *base = get_base_stream (SOCK_BUFFERED_OUTPUT_STREAM (stream));

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (base));
}

static GSource *
sock_buffered_output_stream_create_source (GPollableOutputStream *stream,
                                           GCancellable          *cancellable)
{
  GOutputStream *base = get_base_stream (SOCK_BUFFERED_OUTPUT_STREAM (stream));
  g_autoptr(GSource) base_source = NULL;

  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (base),
                                                        NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
sock_buffered_output_stream_write_nonblocking (GPollableOutputStream  *stream,
                                               const void             *buffer,
                                               gsize                   count,
                                               GError                **error)
{
  if (g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           "Stream is already closed");
      return -1;
    }

  return write_buffered (SOCK_BUFFERED_OUTPUT_STREAM (stream), buffer, count,
                         FALSE, NULL, error);
}

static void
sock_buffered_output_stream_pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = sock_buffered_output_stream_can_poll;
  iface->is_writable = sock_buffered_output_stream_is_writable;
  iface->create_source = sock_buffered_output_stream_create_source;
  iface->write_nonblocking = sock_buffered_output_stream_write_nonblocking;
}

GOutputStream *
_sock_buffered_output_stream_new (GOutputStream *base_stream,
                                  gsize          size,
                                  gboolean       line_buffered)
{
  SockBufferedOutputStream *self;

  g_return_val_if_fail (size > 0, NULL);

  self = g_object_new (SOCK_TYPE_BUFFERED_OUTPUT_STREAM,
                       "base-stream", base_stream,
                       NULL);
  self->size = size;
  self->line_buffered = !!line_buffered;

  return G_OUTPUT_STREAM (self);
}
