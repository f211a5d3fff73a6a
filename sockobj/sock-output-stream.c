/* sock-output-stream.c: the unbuffered write half of a makefile() stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gfiledescriptorbased.h>

#include "sock-output-stream-private.h"

/* SockOutputStream:
 *
 * Writes with send (MSG_NOSIGNAL) on the stream's own dup() of the socket,
 * so a peer that went away is a G_IO_ERROR_BROKEN_PIPE error, never a
 * SIGPIPE. It is pollable, so GOutputStream's default write_async() runs on
 * the main loop instead of in a worker thread. Closing it releases nothing:
 * the descriptor belongs to the GIOStream, which closes it once.
 */
struct _SockOutputStream
{
  GOutputStream parent_instance;

  SockStreamFd *fd;
  guint granted : 1;
};

static void sock_output_stream_pollable_iface_init (GPollableOutputStreamInterface *iface);
static void sock_output_stream_fd_based_iface_init (GFileDescriptorBasedIface *iface);

G_DEFINE_TYPE_WITH_CODE (SockOutputStream, sock_output_stream, G_TYPE_OUTPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                sock_output_stream_pollable_iface_init)
                         G_IMPLEMENT_INTERFACE (G_TYPE_FILE_DESCRIPTOR_BASED,
                                                sock_output_stream_fd_based_iface_init))

static gboolean
check_granted (SockOutputStream  *self,
               GError           **error)
{
  if (self->granted)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "Socket stream was not opened for writing");
  return FALSE;
}

static gssize
sock_output_stream_write (GOutputStream  *stream,
                          const void     *buffer,
                          gsize           count,
                          GCancellable   *cancellable,
                          GError        **error)
{
  SockOutputStream *self = SOCK_OUTPUT_STREAM (stream);

  if (!check_granted (self, error))
    return -1;

  return _sock_stream_fd_send (self->fd, buffer, count, TRUE, cancellable, error);
}

static gboolean
sock_output_stream_close (GOutputStream  *stream,
                          GCancellable   *cancellable,
                          GError        **error)
{
  /* The descriptor is the GIOStream's to close. */
  return TRUE;
}

/* Nothing is buffered and nothing needs closing here, yet GOutputStream's
 * default flush_async() and close_async() would each start a thread. */
static void
sock_output_stream_return_async (GOutputStream       *stream,
                                 int                  io_priority,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, sock_output_stream_return_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
sock_output_stream_return_finish (GOutputStream  *stream,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sock_output_stream_finalize (GObject *object)
{
  SockOutputStream *self = SOCK_OUTPUT_STREAM (object);

  g_clear_pointer (&self->fd, _sock_stream_fd_unref);

  G_OBJECT_CLASS (sock_output_stream_parent_class)->finalize (object);
}

static void
sock_output_stream_class_init (SockOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = sock_output_stream_finalize;

  stream_class->write_fn = sock_output_stream_write;
  stream_class->close_fn = sock_output_stream_close;
  stream_class->flush_async = sock_output_stream_return_async;
  stream_class->flush_finish = sock_output_stream_return_finish;
  stream_class->close_async = sock_output_stream_return_async;
  stream_class->close_finish = sock_output_stream_return_finish;
}

static void
sock_output_stream_init (SockOutputStream *self)
{
}

static gboolean
sock_output_stream_can_poll (GPollableOutputStream *stream)
{
  /* Even a half the mode does not grant: its operations fail at once, and
   * saying so keeps the async calls that fail on it off worker threads. */
  return TRUE;
}

static gboolean
sock_output_stream_is_writable (GPollableOutputStream *stream)
{
  SockOutputStream *self = SOCK_OUTPUT_STREAM (stream);

  /* A write that can only fail does not block. */
  if (!self->granted || g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
    return TRUE;

  return _sock_stream_fd_is_ready (self->fd, G_IO_OUT);
}

static GSource *
sock_output_stream_create_source (GPollableOutputStream *stream,
                                  GCancellable          *cancellable)
{
  SockOutputStream *self = SOCK_OUTPUT_STREAM (stream);

  if (!self->granted || g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
    return _sock_stream_ready_source_new (G_OBJECT (stream), cancellable);

  return _sock_stream_fd_create_source (self->fd, G_OBJECT (stream),
                                        G_IO_OUT, cancellable);
}

static gssize
sock_output_stream_write_nonblocking (GPollableOutputStream  *stream,
                                      const void             *buffer,
                                      gsize                   count,
                                      GError                **error)
{
  SockOutputStream *self = SOCK_OUTPUT_STREAM (stream);

  /* Unlike write(), the pollable entry points do not check this for us. */
  if (g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           "Stream is already closed");
      return -1;
    }

  if (!check_granted (self, error))
    return -1;

  return _sock_stream_fd_send (self->fd, buffer, count, FALSE, NULL, error);
}

static void
sock_output_stream_pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = sock_output_stream_can_poll;
  iface->is_writable = sock_output_stream_is_writable;
  iface->create_source = sock_output_stream_create_source;
  iface->write_nonblocking = sock_output_stream_write_nonblocking;
}

static int
sock_output_stream_get_fd (GFileDescriptorBased *fd_based)
{
  return _sock_stream_fd_get (SOCK_OUTPUT_STREAM (fd_based)->fd);
}

static void
sock_output_stream_fd_based_iface_init (GFileDescriptorBasedIface *iface)
{
  iface->get_fd = sock_output_stream_get_fd;
}

GOutputStream *
_sock_output_stream_new (SockStreamFd *fd,
                         gboolean      granted)
{
  SockOutputStream *self = g_object_new (SOCK_TYPE_OUTPUT_STREAM, NULL);

  self->fd = _sock_stream_fd_ref (fd);
  self->granted = !!granted;

  return G_OUTPUT_STREAM (self);
}
