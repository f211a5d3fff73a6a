/* sock-io-stream.c: placeholder until the makefile() stream lands
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>

#include "sock-error-private.h"
#include "sock-io-stream-private.h"

GIOStream *
_sock_io_stream_new (gint          fd,
                     const gchar  *mode,
                     gint          bufsize,
                     GError      **error)
{
  _sock_set_errno_error (error, ENOSYS, "makefile");
  return NULL;
}
