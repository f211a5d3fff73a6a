/* sock-fromfd-private.h: a socket object that takes a descriptor itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * sock_fromfd() works on a duplicate, as CPython's socket.fromfd() does,
 * and leaves the caller's descriptor to the caller. CPython's
 * socket.socket(fileno=fd) takes fd itself instead: the socket's fileno()
 * is fd, and closing the socket closes it. The Python override spells
 * that call, and makes it through this function.
 *
 * Not public API: exported for gi.overrides._sock (the Python override's
 * C half, built in this tree), not in the installed headers or the GIR.
 */

#pragma once

#include <glib.h>

#include "sockobj.h"

G_BEGIN_DECLS

/* CPython's socket(fileno=@fd) itself: a @fd that is not open fails with
 * EBADF, one that is not a socket with ENOTSOCK, before anything touches
 * it; each of @family, @type and @proto that is -1 is read from @fd
 * (SO_DOMAIN, SO_TYPE, SO_PROTOCOL), the others are taken as given; a
 * family the library has no class for fails with EAFNOSUPPORT. On
 * success the object owns @fd (its close closes @fd, and @fd keeps its
 * close-on-exec flag as it is); on failure @fd is left open and as it
 * was, the caller's. */
_SOCK_EXTERN
SockObject *_sock_fromfd_take (gint     fd,
                               gint     family,
                               gint     type,
                               gint     proto,
                               GError **error);

G_END_DECLS
