/* sock-object-bindings.h: receive calls shaped for language bindings
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include "sock-object.h"

G_BEGIN_DECLS

SOCK_AVAILABLE_IN_1_2
guint8 *sock_object_recv_data     (SockObject  *self,
                                   gsize        bufsize,
                                   gint         flags,
                                   gsize       *length,
                                   GError     **error);
SOCK_AVAILABLE_IN_1_2
guint8 *sock_object_recvfrom_data (SockObject  *self,
                                   gsize        bufsize,
                                   gint         flags,
                                   gsize       *length,
                                   GVariant   **address,
                                   GError     **error);

G_END_DECLS
