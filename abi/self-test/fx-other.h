/* fx-other.h: a type of another library (GIO's GInputVector), in a header
 * that is not one of the fixture's public ones.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

typedef struct _FxVector FxVector;

struct _FxVector
{
  void *buffer;
  unsigned long size;
};
