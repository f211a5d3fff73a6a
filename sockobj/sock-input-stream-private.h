/* sock-input-stream-private.h: the unbuffered read half of a makefile() stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sock-stream-fd-private.h"

G_BEGIN_DECLS

#define SOCK_TYPE_INPUT_STREAM (sock_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (SockInputStream, sock_input_stream,
                      SOCK, INPUT_STREAM, GInputStream)

/* Reads from @fd with recv(). When @granted is FALSE (a write-only mode)
 * every read fails with G_IO_ERROR_NOT_SUPPORTED. */
GInputStream *_sock_input_stream_new (SockStreamFd *fd,
                                      gboolean      granted);

G_END_DECLS
