/* sock-buffered-output-stream-private.h: a pollable, optionally line-buffered output buffer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SOCK_TYPE_BUFFERED_OUTPUT_STREAM (sock_buffered_output_stream_get_type ())

G_DECLARE_FINAL_TYPE (SockBufferedOutputStream, sock_buffered_output_stream,
                      SOCK, BUFFERED_OUTPUT_STREAM, GFilterOutputStream)

/* Buffers writes to @base_stream (which should be a GPollableOutputStream)
 * in @size bytes. With @line_buffered, every write that contains a newline
 * also sends everything buffered up to and including it. Closing the result
 * flushes it and closes @base_stream. */
GOutputStream *_sock_buffered_output_stream_new (GOutputStream *base_stream,
                                                 gsize          size,
                                                 gboolean       line_buffered);

G_END_DECLS
