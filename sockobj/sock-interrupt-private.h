/* sock-interrupt-private.h: a language binding's say over signals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The I/O layer retries a call that a signal interrupts (EINTR), on the
 * deadline fixed when the call started. A language whose signal handlers
 * run in its own code, later, and may raise (Python: KeyboardInterrupt
 * from Ctrl+C, any exception from a handler) needs the call to end
 * instead, as CPython's socket calls do, or a blocking accept() would
 * never see the Ctrl+C. So at each EINTR the layer asks the check a
 * binding installed: TRUE ends the call with SOCK_ERROR / EINTR (the
 * binding then raises what its handler raised), FALSE retries as always.
 * C programs install nothing and see no difference.
 *
 * Not public API: exported for gi.overrides._sock (the Python override's
 * C half, built in this tree), not in the installed headers or the GIR.
 */

#pragma once

#include <glib.h>

#include "sockobj.h"

G_BEGIN_DECLS

/* Called, in the thread that was interrupted, after each EINTR of a call
 * that would otherwise retry; never from a signal handler. */
typedef gboolean (*SockInterruptCheck) (void);

/* Installs @check for the whole process (NULL: none). */
_SOCK_EXTERN
void     _sock_set_interrupt_check (SockInterruptCheck check);

/* For the I/O layer: whether the call that EINTR interrupted ends. For a
 * caller that holds no pin on the socket's descriptor. */
gboolean _sock_io_interrupted      (void);

/* _sock_io_interrupted_pinned(), for a caller that holds a pin on the
 * descriptor, is in sock-io-private.h. */

G_END_DECLS
