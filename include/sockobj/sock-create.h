/* sock-create.h: sockets made ready to use in one call
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
SockObject *sock_create_connection (GVariant  *address,
                                    gdouble    timeout,
                                    GError   **error);

SOCK_AVAILABLE_IN_1_2
SockObject *sock_create_server (GVariant  *address,
                                gint       family,
                                gint       backlog,
                                gboolean   reuse_port,
                                GError   **error);

G_END_DECLS
