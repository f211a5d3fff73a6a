/* fuzz-common.h: what every fuzz target shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sockobj.h>

#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* No fuzz input may reach DNS or /etc/hosts: a host name in an address would
 * make every execution slow, and could send queries off the machine. Rather
 * than filtering names out before they reach the library (which would keep
 * them from its parser), this program's getaddrinfo() takes precedence over
 * the C library's for the library's calls too, and forces AI_NUMERICHOST:
 * numeric hosts of every spelling glibc knows ("127.1", "0x7f.1",
 * "fe80::1%lo") are parsed as usual, anything else fails at once with
 * EAI_NONAME, as an unknown name would. AI_NUMERICSERV likewise keeps
 * service names away from /etc/services; getnameinfo() below is forced
 * numeric the same way. */
typedef int (*GetaddrinfoFunc) (const char *, const char *, const struct addrinfo *,
                                struct addrinfo **);

int
getaddrinfo (const char             *node,
             const char             *service,
             const struct addrinfo  *hints,
             struct addrinfo       **res)
{
  static GetaddrinfoFunc real;
  struct addrinfo numeric = { 0 };

  if (real == NULL)
    real = (GetaddrinfoFunc) dlsym (RTLD_NEXT, "getaddrinfo");
  if (hints != NULL)
    numeric = *hints;
  numeric.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
  return real (node, service, &numeric, res);
}

typedef int (*GetnameinfoFunc) (const struct sockaddr *, socklen_t, char *, socklen_t, char *,
                                socklen_t, int);

int
getnameinfo (const struct sockaddr *addr,
             socklen_t              addrlen,
             char                  *host,
             socklen_t              hostlen,
             char                  *serv,
             socklen_t              servlen,
             int                    flags)
{
  static GetnameinfoFunc real;

  if (real == NULL)
    real = (GetnameinfoFunc) dlsym (RTLD_NEXT, "getnameinfo");
  return real (addr, addrlen, host, hostlen, serv, servlen,
               flags | NI_NUMERICHOST | NI_NUMERICSERV);
}

/* A contract violation is a crash, so that libFuzzer reports and keeps the
 * input. */
#define FUZZ_CHECK(condition, ...)                                        \
  G_STMT_START {                                                          \
    if (G_UNLIKELY (!(condition)))                                        \
      {                                                                   \
        fprintf (stderr, "contract violated: %s: ", #condition);          \
        fprintf (stderr, __VA_ARGS__);                                    \
        fputc ('\n', stderr);                                             \
        abort ();                                                         \
      }                                                                   \
  } G_STMT_END

/* Every failure must be a GError of the library's domains with a message. */
static inline void
fuzz_check_error (const GError *error,
                  const gchar  *what)
{
  FUZZ_CHECK (error != NULL, "%s failed without an error", what);
  FUZZ_CHECK (error->domain == SOCK_ERROR || error->domain == SOCK_RESOLVER_ERROR,
              "%s: error outside the library's domains: %s", what, error->message);
  FUZZ_CHECK (error->message != NULL && error->message[0] != '\0',
              "%s: error without a message", what);
}

/* Warnings and criticals are bugs here: every call is made with valid
 * pointers, so any precondition failure means bad input got too far. */
static inline void
fuzz_init_once (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR);
}
