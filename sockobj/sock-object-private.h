/* sock-object-private.h: what the family classes and module functions share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sys/socket.h>

#include "sock-object.h"

G_BEGIN_DECLS

/* Wraps @fd (owned from now on, even on failure) in an object of @gtype,
 * which must be a SockObject subclass. */
SockObject *_sock_object_new_for_fd      (GType         gtype,
                                          gint          fd,
                                          gint          family,
                                          gint          type,
                                          gint          proto);

/* The GType sock_socket() uses for @family, or G_TYPE_INVALID. */
GType       _sock_object_type_for_family (gint          family);

/* Runs the family's address_to_native hook into @storage. */
gboolean    _sock_object_to_native       (SockObject              *self,
                                          GVariant                *address,
                                          struct sockaddr_storage *storage,
                                          socklen_t               *length,
                                          GError                 **error);

G_END_DECLS
