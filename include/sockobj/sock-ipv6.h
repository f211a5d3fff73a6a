/* sock-ipv6.h: whether IPv6 is there
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
gboolean sock_has_ipv6 (void);

G_END_DECLS
