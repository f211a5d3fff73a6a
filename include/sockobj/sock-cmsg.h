/* sock-cmsg.h: sizes of control messages, for sendmsg() and recvmsg()
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
gsize sock_cmsg_len   (gsize length);
SOCK_AVAILABLE_IN_1_2
gsize sock_cmsg_space (gsize length);

G_END_DECLS
