/* sock-input-stream.c: the unbuffered read half of a makefile() stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gfiledescriptorbased.h>

#include "sock-input-stream-private.h"

/* SockInputStream:
 *
 * Reads with recv() on the stream's own dup() of the socket. It is
 * pollable, so GInputStream's default read_async() (and everything built
 * on it: splice, GDataInputStream's async line reads, TLS) runs on the main
 * loop instead of in a worker thread. Closing it releases nothing: the
 * descriptor belongs to the GIOStream, which closes it once.
 */
struct _SockInputStream
{
  GInputStream parent_instance;

  SockStreamFd *fd;
  guint granted : 1;
};

static void sock_input_stream_pollable_iface_init (GPollableInputStreamInterface *iface);
static void sock_input_stream_fd_based_iface_init (GFileDescriptorBasedIface *iface);

G_DEFINE_TYPE_WITH_CODE (SockInputStream, sock_input_stream, G_TYPE_INPUT_STREAM,
                         G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                sock_input_stream_pollable_iface_init)
                         G_IMPLEMENT_INTERFACE (G_TYPE_FILE_DESCRIPTOR_BASED,
                                                sock_input_stream_fd_based_iface_init))

static gboolean
check_granted (SockInputStream  *self,
               GError          **error)
{
  if (self->granted)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "Socket stream was not opened for reading");
  return FALSE;
}

static gssize
sock_input_stream_read (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  SockInputStream *self = SOCK_INPUT_STREAM (stream);

  if (!check_granted (self, error))
    return -1;

  return _sock_stream_fd_recv (self->fd, buffer, count, TRUE, cancellable, error);
}

static gboolean
sock_input_stream_close (GInputStream  *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  /* The descriptor is the GIOStream's to close. */
  return TRUE;
}

/* The default close_async() would start a thread just to run the no-op
 * above. */
static void
sock_input_stream_close_async (GInputStream        *stream,
                               int                  io_priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, sock_input_stream_close_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
sock_input_stream_close_finish (GInputStream  *stream,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sock_input_stream_finalize (GObject *object)
{
  SockInputStream *self = SOCK_INPUT_STREAM (object);

  g_clear_pointer (&self->fd, _sock_stream_fd_unref);

  G_OBJECT_CLASS (sock_input_stream_parent_class)->finalize (object);
}

static void
sock_input_stream_class_init (SockInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = sock_input_stream_finalize;

  stream_class->read_fn = sock_input_stream_read;
  stream_class->close_fn = sock_input_stream_close;
  stream_class->close_async = sock_input_stream_close_async;
  stream_class->close_finish = sock_input_stream_close_finish;
}

static void
sock_input_stream_init (SockInputStream *self)
{
}

static gboolean
sock_input_stream_can_poll (GPollableInputStream *stream)
{
  /* Even a half the mode does not grant: its operations fail at once, and
   * saying so keeps the async calls that fail on it off worker threads. */
  return TRUE;
}

static gboolean
sock_input_stream_is_readable (GPollableInputStream *stream)
{
  SockInputStream *self = SOCK_INPUT_STREAM (stream);

  /* A read that can only fail does not block. */
  if (!self->granted || g_input_stream_is_closed (G_INPUT_STREAM (stream)))
    return TRUE;

  return _sock_stream_fd_is_ready (self->fd, G_IO_IN);
}

static GSource *
sock_input_stream_create_source (GPollableInputStream *stream,
                                 GCancellable         *cancellable)
{
  SockInputStream *self = SOCK_INPUT_STREAM (stream);

  if (!self->granted || g_input_stream_is_closed (G_INPUT_STREAM (stream)))
    return _sock_stream_ready_source_new (G_OBJECT (stream), cancellable);

  return _sock_stream_fd_create_source (self->fd, G_OBJECT (stream),
                                        G_IO_IN, cancellable);
}

static gssize
sock_input_stream_read_nonblocking (GPollableInputStream  *stream,
                                    void                  *buffer,
                                    gsize                  count,
                                    GError               **error)
{
  SockInputStream *self = SOCK_INPUT_STREAM (stream);

  /* Unlike read(), the pollable entry points do not check this for us. */
  if (g_input_stream_is_closed (G_INPUT_STREAM (stream)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                           "Stream is already closed");
      return -1;
    }

  if (!check_granted (self, error))
    return -1;

  return _sock_stream_fd_recv (self->fd, buffer, count, FALSE, NULL, error);
}

static void
sock_input_stream_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = sock_input_stream_can_poll;
  iface->is_readable = sock_input_stream_is_readable;
  iface->create_source = sock_input_stream_create_source;
  iface->read_nonblocking = sock_input_stream_read_nonblocking;
}

static int
sock_input_stream_get_fd (GFileDescriptorBased *fd_based)
{
  return _sock_stream_fd_get (SOCK_INPUT_STREAM (fd_based)->fd);
}

static void
sock_input_stream_fd_based_iface_init (GFileDescriptorBasedIface *iface)
{
  iface->get_fd = sock_input_stream_get_fd;
}

GInputStream *
_sock_input_stream_new (SockStreamFd *fd,
                        gboolean      granted)
{
  SockInputStream *self = g_object_new (SOCK_TYPE_INPUT_STREAM, NULL);

  self->fd = _sock_stream_fd_ref (fd);
  self->granted = !!granted;

  return G_INPUT_STREAM (self);
}
