/* sockobj.h: the one header users include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define SOCK_INSIDE
# include "sockobj/sock-version-macros.h"
# include "sockobj/sock-version.h"
# include "sockobj/sock-constants.h"
# include "sockobj/sock-error.h"
# include "sockobj/sock-enum-types.h"
# include "sockobj/sock-object.h"
# include "sockobj/sock-object-bindings.h"
# include "sockobj/sock-inet-object.h"
# include "sockobj/sock-unix-object.h"
# include "sockobj/sock-socket.h"
# include "sockobj/sock-create.h"
# include "sockobj/sock-resolver.h"
# include "sockobj/sock-convert.h"
# include "sockobj/sock-ipv6.h"
# include "sockobj/sock-interface.h"
# include "sockobj/sock-cmsg.h"
#undef SOCK_INSIDE
