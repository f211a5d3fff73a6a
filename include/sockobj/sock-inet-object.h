/* sock-inet-object.h: AF_INET and AF_INET6 sockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include "sock-object.h"

G_BEGIN_DECLS

#define SOCK_TYPE_INET_OBJECT (sock_inet_object_get_type ())

SOCK_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (SockInetObject, sock_inet_object, SOCK, INET_OBJECT, SockObject)

/**
 * SockInetObjectClass:
 * @parent_class: the parent class
 *
 * The class of internet sockets.
 *
 * Since: 1.0
 */
struct _SockInetObjectClass
{
  SockObjectClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

SOCK_AVAILABLE_IN_ALL
SockInetObject *sock_inet_object_new (gint     family,
                                      gint     type,
                                      gint     proto,
                                      GError **error);

G_END_DECLS
