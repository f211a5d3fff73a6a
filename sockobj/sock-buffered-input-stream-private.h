/* sock-buffered-input-stream-private.h: a GBufferedInputStream that stays pollable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SOCK_TYPE_BUFFERED_INPUT_STREAM (sock_buffered_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (SockBufferedInputStream, sock_buffered_input_stream,
                      SOCK, BUFFERED_INPUT_STREAM, GBufferedInputStream)

/* Buffers @base_stream (which should be a GPollableInputStream) in @size
 * bytes; closing the result closes @base_stream. */
GInputStream *_sock_buffered_input_stream_new (GInputStream *base_stream,
                                               gsize         size);

G_END_DECLS
