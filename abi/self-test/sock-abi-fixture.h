/* sock-abi-fixture.h: a miniature sockobj for tools/check-abi --self-test.
 *
 * Built with no FIXTURE_* macro it is the "release"; each macro makes one
 * change, which the self-test builds and compares with the release. The
 * name must look like a public header of sockobj (sock-*.h), since
 * tools/abi-normalize keeps the types of those headers only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define FX_API __attribute__ ((visibility ("default")))

typedef struct _FxObject FxObject;
typedef struct _FxObjectClass FxObjectClass;

struct _FxObject
{
  int fd;
};

/* Like SockObjectClass: no exported function takes it, so it is reachable
 * only with abidiff --non-reachable-types. */
struct _FxObjectClass
{
  int  (*fileno) (FxObject *self);
#ifdef FIXTURE_MIDDLE_VFUNC
  int  (*detach) (FxObject *self);
#endif
#if defined (FIXTURE_VFUNC_SIGNATURE) || defined (FIXTURE_SLOT_AND_VFUNC_SIGNATURE)
  long (*listen) (FxObject *self, long backlog);
#else
  int  (*listen) (FxObject *self, int backlog);
#endif
#if defined (FIXTURE_SLOT) || defined (FIXTURE_SLOT_AND_VFUNC_SIGNATURE)
  int  (*detach) (FxObject *self);
  void *_reserved[3];
#elif defined (FIXTURE_SLOT_WITHOUT_SHRINKING)
  int  (*detach) (FxObject *self);
  void *_reserved[4];
#else
  void *_reserved[4];
#endif
};

#ifdef FIXTURE_ADDED_TYPE
/* A new public type that no exported function uses, like a new class
 * structure. */
typedef struct
{
  int (*handler) (FxObject *self);
  void *_reserved[4];
} FxHookClass;
#endif

FX_API int fx_object_fileno (FxObject *self);
#ifndef FIXTURE_REMOVED_FUNCTION
FX_API int fx_object_shutdown (FxObject *self, int how);
#endif
#ifdef FIXTURE_PARAMETER_TYPE
FX_API int fx_object_listen (FxObject *self, long backlog);
#else
FX_API int fx_object_listen (FxObject *self, int backlog);
#endif
#ifdef FIXTURE_ADDED_FUNCTION
FX_API int fx_object_detach (FxObject *self);
#endif

#ifdef FIXTURE_ADDED_FUNCTION_OTHER_TYPE
#include "fx-other.h"
/* A new function taking a type of another library that no function of the
 * release took, as recvmsg_into() takes GIO's GInputVector. */
FX_API long fx_object_readv (FxObject *self, FxVector *vectors, int n_vectors);
#endif
