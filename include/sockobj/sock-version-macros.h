/* sock-version-macros.h: symbol export and availability decorations
 *
 * Modelled on json-glib's and libdex's version macros. An includer may
 * define SOCK_VERSION_MIN_REQUIRED (the oldest sockobj it supports: using a
 * symbol deprecated since then warns) and SOCK_VERSION_MAX_ALLOWED (the
 * newest it may use: using a symbol added after that warns), each as one of
 * the SOCK_VERSION_x_y values below. Both default to the current version.
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

/**
 * SOCK_ENCODE_VERSION:
 * @major: the major version
 * @minor: the minor version
 *
 * Encodes a sockobj version as one integer, for comparisons and for
 * `SOCK_VERSION_MIN_REQUIRED` and `SOCK_VERSION_MAX_ALLOWED`.
 *
 * Since: 1.2
 */
#define SOCK_ENCODE_VERSION(major,minor) ((major) << 16 | (minor) << 8)

/**
 * SOCK_VERSION_1_0:
 *
 * The encoded version of sockobj 1.0.
 *
 * Since: 1.2
 */
#define SOCK_VERSION_1_0 (SOCK_ENCODE_VERSION (1, 0))

/**
 * SOCK_VERSION_1_2:
 *
 * The encoded version of sockobj 1.2.
 *
 * Since: 1.2
 */
#define SOCK_VERSION_1_2 (SOCK_ENCODE_VERSION (1, 2))

/* The version these headers are: the newest of the above. */
#define SOCK_VERSION_CUR_STABLE SOCK_VERSION_1_2

/* Nothing is deprecated yet. An includer that defines SOCK_DISABLE_DEPRECATION_WARNINGS
 * gets no deprecation warnings at all. */
#ifdef SOCK_DISABLE_DEPRECATION_WARNINGS
# define SOCK_DEPRECATED _SOCK_EXTERN
# define _SOCK_DEPRECATED_FOR(f) _SOCK_EXTERN
# define _SOCK_UNAVAILABLE(maj,min) _SOCK_EXTERN
#else
# define SOCK_DEPRECATED G_DEPRECATED _SOCK_EXTERN
# define _SOCK_DEPRECATED_FOR(f) G_DEPRECATED_FOR(f) _SOCK_EXTERN
# define _SOCK_UNAVAILABLE(maj,min) G_UNAVAILABLE(maj,min) _SOCK_EXTERN
#endif

/**
 * SOCK_VERSION_MIN_REQUIRED:
 *
 * Defined by an includer before `<sockobj.h>` to the oldest sockobj version
 * (such as `SOCK_VERSION_1_0`) it must build against: symbols deprecated in
 * later versions then do not warn. It defaults to the current version.
 *
 * Since: 1.2
 */
#ifndef SOCK_VERSION_MIN_REQUIRED
# define SOCK_VERSION_MIN_REQUIRED (SOCK_VERSION_CUR_STABLE)
#endif

/**
 * SOCK_VERSION_MAX_ALLOWED:
 *
 * Defined by an includer before `<sockobj.h>` to the newest sockobj version
 * whose symbols it may use: a symbol added after it warns at compile time.
 * It defaults to the current version.
 *
 * Since: 1.2
 */
#ifndef SOCK_VERSION_MAX_ALLOWED
# if SOCK_VERSION_MIN_REQUIRED > SOCK_VERSION_CUR_STABLE
#  define SOCK_VERSION_MAX_ALLOWED (SOCK_VERSION_MIN_REQUIRED)
# else
#  define SOCK_VERSION_MAX_ALLOWED (SOCK_VERSION_CUR_STABLE)
# endif
#endif

#if SOCK_VERSION_MAX_ALLOWED < SOCK_VERSION_MIN_REQUIRED
# error "SOCK_VERSION_MAX_ALLOWED must be >= SOCK_VERSION_MIN_REQUIRED"
#endif
#if SOCK_VERSION_MIN_REQUIRED < SOCK_VERSION_1_0
# error "SOCK_VERSION_MIN_REQUIRED must be >= SOCK_VERSION_1_0"
#endif

/* Everything public in 1.0, the first release. */
#define SOCK_AVAILABLE_IN_ALL _SOCK_EXTERN
#define SOCK_AVAILABLE_IN_1_0 _SOCK_EXTERN

/* Added in 1.2. */
#if SOCK_VERSION_MAX_ALLOWED < SOCK_VERSION_1_2
# define SOCK_AVAILABLE_IN_1_2 _SOCK_UNAVAILABLE(1, 2)
#else
# define SOCK_AVAILABLE_IN_1_2 _SOCK_EXTERN
#endif

/**
 * SOCK_DEPRECATED_IN_1_2_FOR:
 * @f: the symbol to use instead
 *
 * Marks a symbol deprecated in sockobj 1.2 in favour of @f; it warns only
 * when `SOCK_VERSION_MIN_REQUIRED` is 1.2 or later.
 *
 * Since: 1.2
 */
#if SOCK_VERSION_MIN_REQUIRED >= SOCK_VERSION_1_2
# define SOCK_DEPRECATED_IN_1_2 SOCK_DEPRECATED
# define SOCK_DEPRECATED_IN_1_2_FOR(f) _SOCK_DEPRECATED_FOR(f)
#else
# define SOCK_DEPRECATED_IN_1_2 _SOCK_EXTERN
# define SOCK_DEPRECATED_IN_1_2_FOR(f) _SOCK_EXTERN
#endif
