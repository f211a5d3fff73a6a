/* sock-io-stream-private.h: the stream behind sock_object_makefile()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sock-io-private.h"

G_BEGIN_DECLS

/* Builds the makefile() stream over a close-on-exec dup() of @fd; @fd itself
 * (still owned by the socket object) is neither closed nor changed. @mode and
 * @bufsize are as documented for sock_object_makefile(). The stream follows
 * the socket's @timeouts, which it shares. */
GIOStream *_sock_io_stream_new (gint             fd,
                                SockIOTimeouts  *timeouts,
                                const gchar     *mode,
                                gint             bufsize,
                                GError         **error);

G_END_DECLS
