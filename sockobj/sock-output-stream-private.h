/* sock-output-stream-private.h: the unbuffered write half of a makefile() stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sock-stream-fd-private.h"

G_BEGIN_DECLS

#define SOCK_TYPE_OUTPUT_STREAM (sock_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (SockOutputStream, sock_output_stream,
                      SOCK, OUTPUT_STREAM, GOutputStream)

/* Writes to @fd with send (MSG_NOSIGNAL). When @granted is FALSE (a
 * read-only mode) every write fails with G_IO_ERROR_NOT_SUPPORTED. */
GOutputStream *_sock_output_stream_new (SockStreamFd *fd,
                                        gboolean      granted);

G_END_DECLS
