/* sock-interface.h: network interface names and indexes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include <glib.h>

#include "sock-version-macros.h"

G_BEGIN_DECLS

SOCK_AVAILABLE_IN_1_2
GVariant *sock_if_nameindex   (GError      **error);
SOCK_AVAILABLE_IN_1_2
guint     sock_if_nametoindex (const gchar  *name,
                               GError      **error);
SOCK_AVAILABLE_IN_1_2
gchar    *sock_if_indextoname (guint         index,
                               GError      **error);

G_END_DECLS
