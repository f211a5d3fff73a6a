/* sock-buffered-input-stream.c: a GBufferedInputStream that stays pollable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sock-buffered-input-stream-private.h"

/* SockBufferedInputStream:
 *
 * GIO's GBufferedInputStream does not implement GPollableInputStream, so
 * over a socket it would lose what the unbuffered stream offers: TLS needs
 * pollable base streams, and without the interface every read_async() runs
 * in a worker thread. This subclass keeps the whole GBufferedInputStream API
 * (peek, fill, read_byte) and adds the interface on top of its buffer:
 * readable when the buffer holds data or the socket does.
 *
 * A non-blocking read with an empty buffer goes straight to the base stream
 * rather than through the buffer: GBufferedInputStream only fills its
 * buffer with blocking reads, and reading directly keeps the byte order
 * (nothing is buffered at that point).
 */
struct _SockBufferedInputStream
{
  GBufferedInputStream parent_instance;
};

static void sock_buffered_input_stream_pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_TYPE_WITH_CODE (SockBufferedInputStream, sock_buffered_input_stream,
                         G_TYPE_BUFFERED_INPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                sock_buffered_input_stream_pollable_iface_init))

static GInputStream *
get_base_stream (SockBufferedInputStream *self)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self));
}

static gsize
get_available (SockBufferedInputStream *self)
{
  return g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (self));
}

/* GBufferedInputStream's read() and skip(), asked for more than is
 * buffered, hand out what is buffered only after a further blocking read of
 * the base stream. On a socket that deadlocks any request/response protocol
 * (a GDataInputStream on top asks for whole buffers), so what is buffered is
 * returned by itself, as recv() would; only an empty buffer reads the
 * socket. */
static gsize
clamp_to_buffered (GInputStream *stream,
                   gsize         count)
{
  gsize available = get_available (SOCK_BUFFERED_INPUT_STREAM (stream));

  return available > 0 ? MIN (count, available) : count;
}

static gssize
sock_buffered_input_stream_read (GInputStream  *stream,
                                 void          *buffer,
                                 gsize          count,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  count = clamp_to_buffered (stream, count);

  return G_INPUT_STREAM_CLASS (sock_buffered_input_stream_parent_class)->read_fn (stream,
                                                                                  buffer,
                                                                                  count,
                                                                                  cancellable,
                                                                                  error);
}

static gssize
sock_buffered_input_stream_skip (GInputStream  *stream,
                                 gsize          count,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  count = clamp_to_buffered (stream, count);

  return G_INPUT_STREAM_CLASS (sock_buffered_input_stream_parent_class)->skip (stream,
                                                                               count,
                                                                               cancellable,
                                                                               error);
}

/* Closing only closes the base stream, which never blocks: doing it here
 * saves the worker thread of the default close_async(). */
static void
sock_buffered_input_stream_close_async (GInputStream        *stream,
                                        int                  io_priority,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GInputStreamClass *parent_class;
  GError *error = NULL;

  g_task_set_source_tag (task, sock_buffered_input_stream_close_async);

  parent_class = G_INPUT_STREAM_CLASS (sock_buffered_input_stream_parent_class);
  if (parent_class->close_fn (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
sock_buffered_input_stream_close_finish (GInputStream  *stream,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sock_buffered_input_stream_class_init (SockBufferedInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = sock_buffered_input_stream_read;
  stream_class->skip = sock_buffered_input_stream_skip;
  stream_class->close_async = sock_buffered_input_stream_close_async;
  stream_class->close_finish = sock_buffered_input_stream_close_finish;
}

static void
sock_buffered_input_stream_init (SockBufferedInputStream *self)
{
}

/* A child source that is ready while the buffer holds data. It is checked
 * on every main loop iteration rather than fixed when the source is made,
 * so it stops firing once a reader drains the buffer. */
typedef struct
{
  GSource source;
  SockBufferedInputStream *stream;
} BufferedSource;

static gboolean
buffered_source_prepare (GSource *source,
                         gint    *timeout)
{
  BufferedSource *buffered = (BufferedSource *) source;

  *timeout = -1;
  return get_available (buffered->stream) > 0;
}

static gboolean
buffered_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  /* The parent GPollableSource runs the user's callback. */
  return G_SOURCE_CONTINUE;
}

static void
buffered_source_finalize (GSource *source)
{
  BufferedSource *buffered = (BufferedSource *) source;

  g_clear_object (&buffered->stream);
}

static GSourceFuncs buffered_source_funcs = {
  buffered_source_prepare,
  NULL,
  buffered_source_dispatch,
  buffered_source_finalize,
  NULL,
  NULL,
};

static gboolean
sock_buffered_input_stream_can_poll (GPollableInputStream *stream)
{
  GInputStream *base = get_base_stream (SOCK_BUFFERED_INPUT_STREAM (stream));

  return G_IS_POLLABLE_INPUT_STREAM (base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (base));
}

static gboolean
sock_buffered_input_stream_is_readable (GPollableInputStream *stream)
{
  SockBufferedInputStream *self = SOCK_BUFFERED_INPUT_STREAM (stream);

  return get_available (self) > 0 ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (get_base_stream (self)));
}

static GSource *
sock_buffered_input_stream_create_source (GPollableInputStream *stream,
                                          GCancellable         *cancellable)
{
  SockBufferedInputStream *self = SOCK_BUFFERED_INPUT_STREAM (stream);
  g_autoptr(GSource) base_source = NULL;
  g_autoptr(GSource) buffer_source = NULL;
  GSource *source;

  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (get_base_stream (self)),
                                                       NULL);
  source = g_pollable_source_new_full (stream, base_source, cancellable);

  buffer_source = g_source_new (&buffered_source_funcs, sizeof (BufferedSource));
  ((BufferedSource *) buffer_source)->stream = g_object_ref (self);
  g_source_set_static_name (buffer_source, "SockBufferedInputStream buffer");
  g_source_add_child_source (source, buffer_source);

  return source;
}

static gssize
sock_buffered_input_stream_read_nonblocking (GPollableInputStream  *stream,
                                             void                  *buffer,
                                             gsize                  count,
                                             GError               **error)
{
  SockBufferedInputStream *self = SOCK_BUFFERED_INPUT_STREAM (stream);
  gsize available;

  if (g_input_stream_is_closed (G_INPUT_STREAM (stream)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           "Stream is already closed");
      return -1;
    }

  /* With data buffered, read() serves it from memory alone. */
  if ((available = get_available (self)) > 0)
    return sock_buffered_input_stream_read (G_INPUT_STREAM (stream), buffer,
                                            MIN (count, available), NULL, error);

  return g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (get_base_stream (self)),
                                                   buffer, count, NULL, error);
}

static void
sock_buffered_input_stream_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = sock_buffered_input_stream_can_poll;
  iface->is_readable = sock_buffered_input_stream_is_readable;
  iface->create_source = sock_buffered_input_stream_create_source;
  iface->read_nonblocking = sock_buffered_input_stream_read_nonblocking;
}

GInputStream *
_sock_buffered_input_stream_new (GInputStream *base_stream,
                                 gsize         size)
{
  g_return_val_if_fail (size > 0 && size <= G_MAXUINT, NULL);

  return g_object_new (SOCK_TYPE_BUFFERED_INPUT_STREAM,
                       "base-stream", base_stream,
                       "buffer-size", (guint) size,
                       NULL);
}
