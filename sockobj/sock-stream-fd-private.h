/* sock-stream-fd-private.h: the descriptor shared by a makefile() stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sock-io-private.h"

G_BEGIN_DECLS

/* The close-on-exec dup() behind one makefile() stream. The GIOStream and its
 * two raw halves each hold a reference; whoever closes it first (normally
 * g_io_stream_close()) makes every later operation fail with
 * G_IO_ERROR_CLOSED instead of touching a descriptor number the process may
 * have reused. Operations already running, and pollable sources made before,
 * keep the number reserved: the descriptor itself is closed, once, when the
 * last of them is done with it. Closing wakes every wait and every source
 * (so a pending asynchronous read ends with G_IO_ERROR_CLOSED), but not a
 * call blocked inside the kernel. The descriptor's file status flags
 * (O_NONBLOCK in particular) belong to the socket and are never changed
 * here; the socket's timeouts, shared, say how blocking calls wait. */
typedef struct _SockStreamFd SockStreamFd;

SockStreamFd *_sock_stream_fd_new           (gint            fd,
                                             SockIOTimeouts *timeouts);
SockStreamFd *_sock_stream_fd_ref           (SockStreamFd   *self);
void          _sock_stream_fd_unref         (SockStreamFd   *self);
gint          _sock_stream_fd_get           (SockStreamFd   *self);
gboolean      _sock_stream_fd_close         (SockStreamFd   *self,
                                             GError        **error);

gssize        _sock_stream_fd_recv          (SockStreamFd   *self,
                                             void           *buffer,
                                             gsize           count,
                                             gboolean        blocking,
                                             GCancellable   *cancellable,
                                             GError        **error);
gssize        _sock_stream_fd_send          (SockStreamFd   *self,
                                             const void     *buffer,
                                             gsize           count,
                                             gboolean        blocking,
                                             GCancellable   *cancellable,
                                             GError        **error);
gboolean      _sock_stream_fd_is_ready      (SockStreamFd   *self,
                                             GIOCondition    condition);
GSource      *_sock_stream_fd_create_source (SockStreamFd   *self,
                                             GObject        *stream,
                                             GIOCondition    condition,
                                             GCancellable   *cancellable);

/* A pollable source for @stream that dispatches at once: for a stream whose
 * next operation fails immediately (closed, or a half the mode does not
 * grant), so that a waiting caller gets to see the error. */
GSource      *_sock_stream_ready_source_new (GObject        *stream,
                                             GCancellable   *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockStreamFd, _sock_stream_fd_unref)

G_END_DECLS
