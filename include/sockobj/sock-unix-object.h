/* sock-unix-object.h: AF_UNIX sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include "sock-object.h"

G_BEGIN_DECLS

#define SOCK_TYPE_UNIX_OBJECT (sock_unix_object_get_type ())

SOCK_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (SockUnixObject, sock_unix_object, SOCK, UNIX_OBJECT, SockObject)

/**
 * SockUnixObjectClass:
 * @parent_class: the parent class
 *
 * The class of `AF_UNIX` sockets.
 *
 * Since: 1.0
 */
struct _SockUnixObjectClass
{
  SockObjectClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

SOCK_AVAILABLE_IN_ALL
SockUnixObject *sock_unix_object_new       (gint             type,
                                            gint             proto,
                                            GError         **error);

SOCK_AVAILABLE_IN_1_2
gboolean        sock_unix_object_send_fds  (SockUnixObject  *self,
                                            const guint8    *data,
                                            gsize            size,
                                            const gint      *fds,
                                            gsize            n_fds,
                                            GError         **error);
SOCK_AVAILABLE_IN_1_2
GBytes         *sock_unix_object_recv_fds  (SockUnixObject  *self,
                                            gsize            bufsize,
                                            gsize            max_fds,
                                            GArray         **fds,
                                            GError         **error);

G_END_DECLS
