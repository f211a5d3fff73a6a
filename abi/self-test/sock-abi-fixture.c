/* sock-abi-fixture.c: the implementation of sock-abi-fixture.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "sock-abi-fixture.h"

/* Like a GObject class_init: a hidden function, so the class structure is
 * in the debug information but unreachable from the exported ones. */
void fx_object_class_init (FxObjectClass *klass);

static int
real_fileno (FxObject *self)
{
  return self->fd;
}

void
fx_object_class_init (FxObjectClass *klass)
{
  klass->fileno = real_fileno;
}

#ifdef FIXTURE_ADDED_TYPE
void fx_hook_class_init (FxHookClass *klass);

void
fx_hook_class_init (FxHookClass *klass)
{
  klass->handler = real_fileno;
}
#endif

int
fx_object_fileno (FxObject *self)
{
  return self->fd;
}

#ifndef FIXTURE_REMOVED_FUNCTION
int
fx_object_shutdown (FxObject *self, int how)
{
  return self->fd + how;
}
#endif

#ifdef FIXTURE_PARAMETER_TYPE
int
fx_object_listen (FxObject *self, long backlog)
#else
int
fx_object_listen (FxObject *self, int backlog)
#endif
{
  return self->fd + (int) backlog;
}

#ifdef FIXTURE_ADDED_FUNCTION
int
fx_object_detach (FxObject *self)
{
  return self->fd;
}
#endif

#ifdef FIXTURE_ADDED_FUNCTION_OTHER_TYPE
long
fx_object_readv (FxObject *self,
                 FxVector *vectors,
                 int       n_vectors)
{
  return n_vectors > 0 ? (long) vectors[0].size + self->fd : 0;
}
#endif
