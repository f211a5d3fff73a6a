/* sock-error.h: the error domains
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

/**
 * SOCK_ERROR:
 *
 * The error domain of every failed socket operation.
 *
 * The error code is the `errno` value the system reported (for example
 * `ECONNREFUSED`), or `EINVAL` when the caller handed over data the library
 * cannot use, such as an address of the wrong shape. [error@Sock.Error]
 * gives the codes names that bindings can use.
 *
 * Since: 1.0
 */
#define SOCK_ERROR (sock_error_quark ())

/**
 * SOCK_RESOLVER_ERROR:
 *
 * The error domain of name-resolution failures; codes are
 * [error@Sock.ResolverError] values, not `errno` values. The exact
 * `EAI_*` reason of a `getaddrinfo()` or `getnameinfo()` failure is
 * [func@Sock.ResolverError.get_eai_code].
 *
 * Since: 1.0
 */
#define SOCK_RESOLVER_ERROR (sock_resolver_error_quark ())

/**
 * SockResolverError:
 * @SOCK_RESOLVER_ERROR_NOT_FOUND: the name, address, protocol or service is
 *   not known
 * @SOCK_RESOLVER_ERROR_TEMPORARY_FAILURE: the lookup failed for now (for
 *   example the name server did not answer); trying again may work
 * @SOCK_RESOLVER_ERROR_FAILED: the lookup failed for another reason
 *
 * Why a name could not be resolved.
 *
 * Since: 1.0
 */
typedef enum
{
  SOCK_RESOLVER_ERROR_NOT_FOUND,
  SOCK_RESOLVER_ERROR_TEMPORARY_FAILURE,
  SOCK_RESOLVER_ERROR_FAILED,
} SockResolverError;

SOCK_AVAILABLE_IN_ALL
GQuark sock_error_quark          (void);
SOCK_AVAILABLE_IN_ALL
GQuark sock_resolver_error_quark (void);

SOCK_AVAILABLE_IN_1_2
gint   sock_resolver_error_get_eai_code (const GError *error);

G_END_DECLS
