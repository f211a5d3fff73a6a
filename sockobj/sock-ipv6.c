/* sock-ipv6.c: whether IPv6 is there
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock-ipv6.h"

/**
 * sock_has_ipv6:
 *
 * Tells whether `AF_INET6` sockets can be used here, as CPython's
 * `socket.has_ipv6` does.
 *
 * CPython's constant only says that Python was built with IPv6; this also
 * asks the kernel, once, by creating an `AF_INET6` socket, so that it is
 * %FALSE where the kernel has no IPv6 at all. A kernel with IPv6 whose
 * interfaces have no IPv6 address still answers %TRUE: binding `::1` may
 * then fail with `EADDRNOTAVAIL`.
 *
 * Returns: %TRUE if `AF_INET6` sockets are supported
 *
 * Since: 1.2
 */
gboolean
sock_has_ipv6 (void)
{
  /* 1: no, 2: yes. A kernel does not gain or lose a family while it runs. */
  static gsize answer = 0;

  if (g_once_init_enter (&answer))
    {
      gsize result = 2;
      int fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

      if (fd >= 0)
        close (fd);
      else if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
        result = 1;
      /* Any other failure (EMFILE, ENOBUFS, EACCES under a sandbox) says
       * nothing about the family: it is there. */
      g_once_init_leave (&answer, result);
    }

  return answer == 2;
}
