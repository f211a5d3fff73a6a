/* sock-version-macros.h: symbol export decorations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include <glib.h>

#if defined(SOCK_COMPILATION) && defined(__GNUC__)
# define _SOCK_EXTERN __attribute__((visibility ("default"))) extern
#else
# define _SOCK_EXTERN extern
#endif

/* Everything public is available from 1.0, the first release. */
#define SOCK_AVAILABLE_IN_ALL _SOCK_EXTERN
#define SOCK_AVAILABLE_IN_1_0 _SOCK_EXTERN
