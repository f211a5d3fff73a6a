/* sock-socket.h: creating socket objects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include "sock-object.h"

G_BEGIN_DECLS

SOCK_AVAILABLE_IN_ALL
SockObject *sock_socket (gint     family,
                         gint     type,
                         gint     proto,
                         GError **error);
SOCK_AVAILABLE_IN_ALL
SockObject *sock_fromfd (gint     fd,
                         gint     family,
                         gint     type,
                         gint     proto,
                         GError **error);

SOCK_AVAILABLE_IN_1_2
gboolean    sock_socketpair (gint          family,
                             gint          type,
                             gint          proto,
                             SockObject  **first,
                             SockObject  **second,
                             GError      **error);

SOCK_AVAILABLE_IN_1_2
void        sock_setdefaulttimeout (gdouble seconds);
SOCK_AVAILABLE_IN_1_2
gdouble     sock_getdefaulttimeout (void);

G_END_DECLS
