/* sock-resolver.c: host, protocol and service name lookups
 *
 * Only reentrant lookups are used (getaddrinfo and the *_r functions), so
 * every function here is safe to call from several threads at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-inet-address-private.h"
#include "sock-resolver.h"

/* Bounds the buffers the *_r lookups grow into after ERANGE. */
#define LOOKUP_BUFFER_START 1024
#define LOOKUP_BUFFER_MAX   (1024 * 1024)

/**
 * sock_gethostname:
 * @error: return location for a #GError
 *
 * Gets the host name of the machine the program runs on. It is not always
 * fully qualified; see [func@Sock.getfqdn].
 *
 * Returns: (transfer full): the host name, or %NULL with @error set
 *
 * Since: 1.0
 */
gchar *
sock_gethostname (GError **error)
{
  gchar name[HOST_NAME_MAX + 1];

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (gethostname (name, sizeof name) < 0)
    {
      _sock_set_errno_error (error, errno, "gethostname");
      return NULL;
    }

  name[sizeof name - 1] = '\0';
  return g_strdup (name);
}

/**
 * sock_gethostbyname:
 * @hostname: a host name or an IPv4 address
 * @error: return location for a #GError
 *
 * Resolves a host name to an IPv4 address in dotted-quad form, such as
 * `"100.50.200.5"`. An address is returned as it is, `""` gives
 * `"0.0.0.0"` and `"<broadcast>"` gives `"255.255.255.255"`. For every
 * address and the aliases, see [func@Sock.gethostbyname_ex].
 *
 * Returns: (transfer full): the address, or %NULL with @error set
 *   (`SOCK_RESOLVER_ERROR` when the name cannot be resolved)
 *
 * Since: 1.0
 */
gchar *
sock_gethostbyname (const gchar  *hostname,
                    GError      **error)
{
  struct sockaddr_storage storage;
  struct sockaddr_in *sin = (struct sockaddr_in *) &storage;
  gchar text[INET_ADDRSTRLEN];
  gsize length;

  g_return_val_if_fail (hostname != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_sock_inet_host_to_native (AF_INET, hostname, &storage, sizeof storage, &length, error))
    return NULL;

  inet_ntop (AF_INET, &sin->sin_addr, text, sizeof text);
  return g_strdup (text);
}

/* The three results of the hostent lookups, each optional. */
static void
hostent_to_results (const struct hostent  *host,
                    gchar                **name,
                    GStrv                 *aliases,
                    GStrv                 *addresses)
{
  if (name != NULL)
    *name = g_strdup (host->h_name);

  if (aliases != NULL)
    *aliases = g_strdupv (host->h_aliases);

  if (addresses != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (gsize i = 0; host->h_addr_list[i] != NULL; i++)
        {
          gchar text[INET6_ADDRSTRLEN];

          if (inet_ntop (host->h_addrtype, host->h_addr_list[i], text, sizeof text) != NULL)
            g_strv_builder_add (builder, text);
        }
      *addresses = g_strv_builder_end (builder);
    }
}

typedef int (*HostLookup) (gconstpointer     key,
                           struct hostent   *result,
                           gchar            *buffer,
                           gsize             size,
                           struct hostent  **out,
                           int              *h_err);

typedef struct
{
  const gchar *name;
  gconstpointer addr;
  socklen_t addr_length;
  gint family;
} HostKey;

static int
lookup_by_name (gconstpointer    key,
                struct hostent  *result,
                gchar           *buffer,
                gsize            size,
                struct hostent **out,
                int             *h_err)
{
  const HostKey *k = key;

  return gethostbyname2_r (k->name, k->family, result, buffer, size, out, h_err);
}

static int
lookup_by_addr (gconstpointer    key,
                struct hostent  *result,
                gchar           *buffer,
                gsize            size,
                struct hostent **out,
                int             *h_err)
{
  const HostKey *k = key;

  return gethostbyaddr_r (k->addr, k->addr_length, k->family, result, buffer, size, out,
                          h_err);
}

static gboolean
lookup_host (HostLookup     lookup,
             const HostKey *key,
             const gchar   *what,
             gchar        **name,
             GStrv         *aliases,
             GStrv         *addresses,
             GError       **error)
{
  struct hostent result, *host = NULL;
  g_autofree gchar *buffer = NULL;
  gsize size = LOOKUP_BUFFER_START;
  int h_err = 0, ret;

  for (;;)
    {
      buffer = g_realloc (buffer, size);
      ret = lookup (key, &result, buffer, size, &host, &h_err);
      if (ret != ERANGE || size >= LOOKUP_BUFFER_MAX)
        break;
      size *= 2;
    }

  if (host == NULL)
    {
      if (ret != 0 && h_err == NETDB_INTERNAL)
        return _sock_set_errno_error (error, ret, "%s", what);
      return _sock_set_h_errno_error (error, h_err, what);
    }

  hostent_to_results (host, name, aliases, addresses);
  return TRUE;
}

/**
 * sock_gethostbyname_ex:
 * @hostname: a host name or an IPv4 address
 * @name: (out) (optional) (transfer full): the primary name of the host
 * @aliases: (out) (optional) (transfer full) (array zero-terminated=1): other
 *   names of the host, possibly none
 * @addresses: (out) (optional) (transfer full) (array zero-terminated=1): the
 *   host's IPv4 addresses, in dotted-quad form
 * @error: return location for a #GError
 *
 * Resolves a host name to its primary name, its aliases and every IPv4
 * address it has.
 *
 * Returns: (skip): %TRUE on success; on failure @error is set, in the
 *   `SOCK_RESOLVER_ERROR` domain when the name is unknown
 *
 * Since: 1.0
 */
gboolean
sock_gethostbyname_ex (const gchar  *hostname,
                       gchar       **name,
                       GStrv        *aliases,
                       GStrv        *addresses,
                       GError      **error)
{
  HostKey key = { .name = hostname, .family = AF_INET };
  g_autofree gchar *what = NULL;

  g_return_val_if_fail (hostname != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  what = g_strdup_printf ("gethostbyname_ex \"%s\"", hostname);
  return lookup_host (lookup_by_name, &key, what, name, aliases, addresses, error);
}

/**
 * sock_gethostbyaddr:
 * @ip_address: an IPv4 or IPv6 address, or a host name to resolve first
 * @name: (out) (optional) (transfer full): the primary name of the host
 * @aliases: (out) (optional) (transfer full) (array zero-terminated=1): other
 *   names of the host, possibly none
 * @addresses: (out) (optional) (transfer full) (array zero-terminated=1): the
 *   host's addresses
 * @error: return location for a #GError
 *
 * Looks up the host that has an address: its primary name, its aliases and
 * its addresses. For a fully qualified name, see [func@Sock.getfqdn].
 *
 * Returns: (skip): %TRUE on success; on failure @error is set, in the
 *   `SOCK_RESOLVER_ERROR` domain when no host is known for the address
 *
 * Since: 1.0
 */
gboolean
sock_gethostbyaddr (const gchar  *ip_address,
                    gchar       **name,
                    GStrv        *aliases,
                    GStrv        *addresses,
                    GError      **error)
{
  struct in_addr addr4;
  struct in6_addr addr6;
  struct addrinfo hints = { 0 }, *result = NULL;
  HostKey key = { 0 };
  g_autofree gchar *what = NULL;
  gboolean ok;
  gint gai;

  g_return_val_if_fail (ip_address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  what = g_strdup_printf ("gethostbyaddr \"%s\"", ip_address);

  if (inet_pton (AF_INET, ip_address, &addr4) == 1)
    key = (HostKey) { .addr = &addr4, .addr_length = sizeof addr4, .family = AF_INET };
  else if (inet_pton (AF_INET6, ip_address, &addr6) == 1)
    key = (HostKey) { .addr = &addr6, .addr_length = sizeof addr6, .family = AF_INET6 };
  else
    {
      /* Like CPython, a name is resolved to its first address. */
      hints.ai_socktype = SOCK_STREAM;
      gai = getaddrinfo (ip_address, NULL, &hints, &result);
      if (gai != 0)
        return _sock_set_gai_error (error, gai, errno, what);

      if (result->ai_family == AF_INET)
        {
          addr4 = ((struct sockaddr_in *) result->ai_addr)->sin_addr;
          key = (HostKey) { .addr = &addr4, .addr_length = sizeof addr4, .family = AF_INET };
        }
      else
        {
          addr6 = ((struct sockaddr_in6 *) result->ai_addr)->sin6_addr;
          key = (HostKey) { .addr = &addr6, .addr_length = sizeof addr6, .family = AF_INET6 };
        }
      freeaddrinfo (result);
    }

  ok = lookup_host (lookup_by_addr, &key, what, name, aliases, addresses, error);
  return ok;
}

/**
 * sock_getfqdn:
 * @name: (nullable): a host name or address; %NULL or `""` for this host
 *
 * Finds a fully qualified domain name for @name: the first of the host's
 * primary name and aliases (from [func@Sock.gethostbyaddr]) that contains a
 * dot. When there is none, the primary name is returned; when the lookup
 * fails, @name itself.
 *
 * Returns: (transfer full): a fully qualified name, or the best name known
 *
 * Since: 1.0
 */
gchar *
sock_getfqdn (const gchar *name)
{
  g_autofree gchar *own_name = NULL;
  g_autofree gchar *host_name = NULL;
  g_auto(GStrv) aliases = NULL;

  if (name == NULL || name[0] == '\0' || g_str_equal (name, "0.0.0.0"))
    {
      own_name = sock_gethostname (NULL);
      name = own_name != NULL ? own_name : "localhost";
    }

  if (!sock_gethostbyaddr (name, &host_name, &aliases, NULL, NULL))
    return g_strdup (name);

  if (strchr (host_name, '.') != NULL)
    return g_steal_pointer (&host_name);

  for (gsize i = 0; aliases[i] != NULL; i++)
    {
      if (strchr (aliases[i], '.') != NULL)
        return g_strdup (aliases[i]);
    }

  return g_steal_pointer (&host_name);
}

/**
 * sock_getprotobyname:
 * @name: a protocol name, such as `"tcp"` or `"icmp"`
 * @error: return location for a #GError
 *
 * Looks up the number of an internet protocol, as [func@Sock.socket]
 * takes it (usually only needed for `SOCK_RAW` sockets).
 *
 * Returns: the protocol number, or -1 with @error set
 *   (`SOCK_RESOLVER_ERROR_NOT_FOUND` for an unknown name)
 *
 * Since: 1.0
 */
gint
sock_getprotobyname (const gchar  *name,
                     GError      **error)
{
  struct protoent result, *proto = NULL;
  gchar buffer[LOOKUP_BUFFER_START];

  g_return_val_if_fail (name != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (getprotobyname_r (name, &result, buffer, sizeof buffer, &proto) != 0 || proto == NULL)
    {
      g_set_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND,
                   "getprotobyname: protocol \"%s\" not found", name);
      return -1;
    }

  return proto->p_proto;
}

/**
 * sock_getservbyname:
 * @service: a service name, such as `"http"`
 * @protocol: (nullable): `"tcp"` or `"udp"`, or %NULL for any protocol
 * @error: return location for a #GError
 *
 * Looks up the port number of an internet service.
 *
 * Returns: the port number, or -1 with @error set
 *   (`SOCK_RESOLVER_ERROR_NOT_FOUND` for an unknown service)
 *
 * Since: 1.0
 */
gint
sock_getservbyname (const gchar  *service,
                    const gchar  *protocol,
                    GError      **error)
{
  struct servent result, *serv = NULL;
  gchar buffer[LOOKUP_BUFFER_START];

  g_return_val_if_fail (service != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (getservbyname_r (service, protocol, &result, buffer, sizeof buffer, &serv) != 0 ||
      serv == NULL)
    {
      g_set_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND,
                   "getservbyname: service \"%s\"%s%s not found", service,
                   protocol != NULL ? " for protocol " : "", protocol != NULL ? protocol : "");
      return -1;
    }

  return ntohs ((guint16) serv->s_port);
}

/* A numeric service must be a port: glibc reads it with strtoul(), leading
 * blanks and '+' included, and would take "65536" as port 0. */
static gboolean
check_numeric_port (const gchar  *port,
                    GError      **error)
{
  const gchar *digits = port;

  while (g_ascii_isspace (*digits))
    digits++;
  if (*digits == '+')
    digits++;
  if (*digits == '\0')
    return TRUE;

  for (const gchar *p = digits; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return TRUE;   /* a service name, for getaddrinfo() to look up */
    }

  if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT16, NULL, NULL))
    return _sock_set_invalid_error (error, "getaddrinfo: the port \"%s\" is out of range "
                                    "(0 to 65535)", port);
  return TRUE;
}

/**
 * sock_getaddrinfo:
 * @host: (nullable): a host name, or a numeric IPv4 or IPv6 address; %NULL
 *   for the loopback address, or with `SOCK_AI_PASSIVE` the wildcard
 * @port: (nullable): a service name such as `"http"`, or a port number in
 *   decimal such as `"8080"`; %NULL for port 0
 * @family: `AF_INET`, `AF_INET6`, or 0 (`AF_UNSPEC`) for both
 * @type: the socket type, such as `SOCK_STREAM`, or 0 for any
 * @proto: the protocol, such as `IPPROTO_TCP`, or 0 for any
 * @flags: `SOCK_AI_*` flags, such as `SOCK_AI_PASSIVE`, `SOCK_AI_CANONNAME`,
 *   `SOCK_AI_NUMERICHOST`, `SOCK_AI_NUMERICSERV`, `SOCK_AI_ADDRCONFIG` or
 *   `SOCK_AI_V4MAPPED`, or 0
 * @error: return location for a #GError
 *
 * Translates a host and a port into the addresses to create a socket for
 * and connect or bind it to, as CPython's `socket.getaddrinfo()` does.
 *
 * Each element of the array is a 5-tuple `(family, type, proto, canonname,
 * address)`, in the order of the system's preference: the arguments for
 * [func@Sock.socket], the canonical name of the host (only in the first
 * element, and only with `SOCK_AI_CANONNAME`; `""` otherwise), and the
 * address as [method@Sock.Object.connect] takes it, in the family's own
 * shape: `(sq)` for `AF_INET`, `(squu)` for `AF_INET6`.
 *
 * ```c
 * g_autoptr(GVariant) infos = sock_getaddrinfo ("localhost", "8080", 0, SOCK_SOCK_STREAM,
 *                                               0, 0, &error);
 * GVariantIter iter;
 * gint family, type, proto;
 * GVariant *address;
 *
 * g_variant_iter_init (&iter, infos);
 * while (g_variant_iter_loop (&iter, "(iii&sv)", &family, &type, &proto, NULL, &address))
 *   ...
 * ```
 *
 * @host and @port go to the system's `getaddrinfo()` as they are (so an
 * IPv6 scope is taken by interface name only for link-local addresses),
 * except that a numeric @port past 65535 is refused rather than wrapped
 * around.
 *
 * Returns: (transfer full): an `a(iiisv)` array, or %NULL with @error set:
 *   `SOCK_RESOLVER_ERROR`, whose `EAI_*` code
 *   [func@Sock.ResolverError.get_eai_code] gives (as CPython's
 *   `socket.gaierror`), `EINVAL` for a numeric port out of range, and
 *   another `SOCK_ERROR` for a system error (`EAI_SYSTEM`)
 *
 * Since: 1.2
 */
GVariant *
sock_getaddrinfo (const gchar  *host,
                  const gchar  *port,
                  gint          family,
                  gint          type,
                  gint          proto,
                  gint          flags,
                  GError      **error)
{
  struct addrinfo hints = { 0 }, *result = NULL;
  GVariantBuilder builder;
  gint gai;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (port != NULL && !check_numeric_port (port, error))
    return NULL;

  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;

  gai = getaddrinfo (host, port, &hints, &result);
  if (gai != 0)
    {
      gint errsv = errno;
      g_autofree gchar *what = g_strdup_printf ("getaddrinfo (%s%s%s, %s%s%s)",
                                                host != NULL ? "\"" : "",
                                                host != NULL ? host : "NULL",
                                                host != NULL ? "\"" : "",
                                                port != NULL ? "\"" : "",
                                                port != NULL ? port : "NULL",
                                                port != NULL ? "\"" : "");

      _sock_set_gai_error (error, gai, errsv, what);
      return NULL;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(iiisv)"));
  for (const struct addrinfo *ai = result; ai != NULL; ai = ai->ai_next)
    {
      /* Floating, for the builder to take. */
      GVariant *address = _sock_inet_address_from_native (ai->ai_addr, ai->ai_addrlen, NULL);
      g_autofree gchar *canonname = NULL;

      /* getaddrinfo() gives internet addresses only; skip anything else
       * rather than fail the whole lookup for it. */
      if (address == NULL)
        continue;

      /* A name from /etc/hosts or DNS need not be UTF-8, which a GVariant
       * string must be. */
      canonname = g_utf8_make_valid (ai->ai_canonname != NULL ? ai->ai_canonname : "", -1);
      g_variant_builder_add (&builder, "(iiisv)", ai->ai_family, ai->ai_socktype,
                             ai->ai_protocol, canonname, address);
    }
  freeaddrinfo (result);

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* The socket address getnameinfo() is asked about: the host must be numeric,
 * as CPython requires (no lookup happens here). */
static gboolean
nameinfo_address (const SockInetAddressFields *fields,
                  struct sockaddr_storage     *storage,
                  socklen_t                   *length,
                  GError                     **error)
{
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) storage;
  struct addrinfo hints = { 0 }, *result = NULL;
  g_autofree gchar *what = NULL;
  guint32 scope_id = 0;
  gint gai;

  memset (storage, 0, sizeof *storage);
  what = g_strdup_printf ("getnameinfo \"%s\"", fields->host);

  /* Scopes as bind() reads them ("::1%lo"), which glibc refuses. */
  switch (_sock_inet6_parse_scoped (fields->host, &sin6->sin6_addr, &scope_id, error))
    {
    case SOCK_SCOPED_PARSE_OK:
      sin6->sin6_family = AF_INET6;
      sin6->sin6_scope_id = scope_id;
      *length = sizeof *sin6;
      _sock_inet6_apply_fields (sin6, fields);
      return TRUE;
    case SOCK_SCOPED_PARSE_BAD_SCOPE:
      return FALSE;
    case SOCK_SCOPED_PARSE_NOT_SCOPED:
    default:
      break;
    }

  /* As CPython: every numeric form the C library reads ("127.1" too). */
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST;
  gai = getaddrinfo (fields->host, NULL, &hints, &result);
  if (gai != 0)
    {
      gint errsv = errno;

      if (gai == EAI_NONAME)
        return _sock_set_gai_error_detail (error, gai, what,
                                           "the host must be a numeric address");
      return _sock_set_gai_error (error, gai, errsv, what);
    }

  if (result->ai_next != NULL || result->ai_addrlen > sizeof *storage ||
      (result->ai_family != AF_INET && result->ai_family != AF_INET6))
    {
      freeaddrinfo (result);
      /* CPython's "sockaddr resolved to multiple addresses"; not seen with
       * AI_NUMERICHOST and one socket type. */
      return _sock_set_invalid_error (error, "%s: the host does not stand for exactly one "
                                      "internet address", what);
    }

  memcpy (storage, result->ai_addr, result->ai_addrlen);
  *length = result->ai_addrlen;
  freeaddrinfo (result);

  if (storage->ss_family == AF_INET)
    {
      if (fields->n_fields != 2)
        return _sock_set_invalid_error (error, "%s: an IPv4 address is a (host, port) "
                                        "tuple, not (host, port, flowinfo, scope_id)", what);
      ((struct sockaddr_in *) storage)->sin_port = htons (fields->port);
    }
  else
    {
      _sock_inet6_apply_fields (sin6, fields);
    }

  return TRUE;
}

/**
 * sock_getnameinfo:
 * @address: an internet address: `(sq)` host and port, or `(squu)` with
 *   the IPv6 flow information and scope id, whose host is a numeric IPv4
 *   or IPv6 address
 * @flags: `SOCK_NI_*` flags, such as `SOCK_NI_NUMERICHOST`,
 *   `SOCK_NI_NUMERICSERV`, `SOCK_NI_NAMEREQD`, `SOCK_NI_NOFQDN` or
 *   `SOCK_NI_DGRAM`, or 0
 * @host: (out) (optional) (transfer full): the host's name, or its numeric
 *   form
 * @port: (out) (optional) (transfer full): the service's name, or the port
 *   in decimal
 * @error: return location for a #GError
 *
 * Translates a socket address into a host name and a service name, as
 * CPython's `socket.getnameinfo()` does: `(("127.0.0.1", 80), 0)` gives
 * `"localhost"` and `"http"` on most systems.
 *
 * The host must be numeric: a name is not looked up first, and fails as
 * an unknown name does (`SOCK_EAI_NONAME`). An IPv6 host may carry a scope
 * (`"fe80::1%eth0"`); a non-zero scope id in the tuple takes precedence.
 * The address is given with an `(sq)` tuple (or `(si)`, `(su)`, with the
 * port checked to be in range) for either family, `(squu)` only for IPv6.
 *
 * Returns: (skip): %TRUE on success; on failure @error is set: a
 *   `SOCK_RESOLVER_ERROR`, whose `EAI_*` code
 *   [func@Sock.ResolverError.get_eai_code] gives (as CPython's
 *   `socket.gaierror`), or `EINVAL` for an address of the wrong shape, a
 *   port, flowinfo or scope id out of range, or flowinfo and scope id with
 *   an IPv4 host
 *
 * Since: 1.2
 */
gboolean
sock_getnameinfo (GVariant     *address,
                  gint          flags,
                  gchar       **host,
                  gchar       **port,
                  GError      **error)
{
  g_autoptr(GVariant) owned = NULL;
  SockInetAddressFields fields;
  struct sockaddr_storage storage;
  socklen_t length = 0;
  gchar host_buffer[NI_MAXHOST];
  gchar port_buffer[NI_MAXSERV];
  gint gai;

  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (address);

  if (!_sock_inet_address_parse (owned, AF_UNSPEC, &fields, error) ||
      !nameinfo_address (&fields, &storage, &length, error))
    return FALSE;

  gai = getnameinfo ((struct sockaddr *) &storage, length, host_buffer, sizeof host_buffer,
                     port_buffer, sizeof port_buffer, flags);
  if (gai != 0)
    {
      gint errsv = errno;
      g_autofree gchar *what = g_strdup_printf ("getnameinfo (\"%s\", %u)", fields.host,
                                                fields.port);

      return _sock_set_gai_error (error, gai, errsv, what);
    }

  if (host != NULL)
    *host = g_strdup (host_buffer);
  if (port != NULL)
    *port = g_strdup (port_buffer);
  return TRUE;
}
