/* sock-inet-address.c: internet addresses between GVariant and sockaddr
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sock-error-private.h"
#include "sock-inet-address-private.h"

/* IPv6 flow information is a 20-bit field. */
#define FLOWINFO_MAX 0xfffff

static SockScopedParse
bad_scope (GError      **error,
           const gchar  *host,
           const gchar  *detail)
{
  g_autofree gchar *what = g_strdup_printf ("resolve \"%s\"", host);

  /* What glibc and CPython report for a scope they cannot use. */
  _sock_set_gai_error_detail (error, EAI_NONAME, what, detail);
  return SOCK_SCOPED_PARSE_BAD_SCOPE;
}

SockScopedParse
_sock_inet6_parse_scoped (const gchar      *host,
                          struct in6_addr  *addr,
                          guint32          *scope_id,
                          GError          **error)
{
  gchar numeric[INET6_ADDRSTRLEN];
  const gchar *percent, *scope;
  g_autofree gchar *detail = NULL;
  guint64 index;
  gsize length;

  percent = strchr (host, '%');
  if (percent == NULL)
    return SOCK_SCOPED_PARSE_NOT_SCOPED;

  length = percent - host;
  if (length >= sizeof numeric)
    return SOCK_SCOPED_PARSE_NOT_SCOPED;
  memcpy (numeric, host, length);
  numeric[length] = '\0';
  if (inet_pton (AF_INET6, numeric, addr) != 1)
    return SOCK_SCOPED_PARSE_NOT_SCOPED;

  /* glibc's getaddrinfo() takes interface names only for link-local
   * addresses and otherwise looks the whole string up as a host name; the
   * scope is read here so that "::1%lo" means what it says and an unknown
   * interface never becomes a DNS query. As in glibc, a name comes before
   * a decimal index. */
  scope = percent + 1;
  if (scope[0] == '\0')
    return bad_scope (error, host, "the scope after '%' is empty");

  /* if_nametoindex() refuses names too long for an interface itself. */
  *scope_id = if_nametoindex (scope);
  if (*scope_id != 0)
    return SOCK_SCOPED_PARSE_OK;

  if (g_ascii_isdigit (scope[0]))
    {
      if (!g_ascii_string_to_unsigned (scope, 10, 0, G_MAXUINT32, &index, NULL))
        return bad_scope (error, host, "the scope is neither an interface name nor an "
                                       "index from 0 to 4294967295");
      *scope_id = (guint32) index;
      return SOCK_SCOPED_PARSE_OK;
    }

  detail = g_strdup_printf ("no interface is named \"%s\"", scope);
  return bad_scope (error, host, detail);
}

gboolean
_sock_inet_host_to_native (gint          family,
                           const gchar  *host,
                           gpointer      native,
                           gsize         native_size,
                           gsize        *native_length,
                           GError      **error)
{
  struct sockaddr_in *sin = native;
  struct sockaddr_in6 *sin6 = native;
  struct addrinfo hints = { 0 };
  struct addrinfo *result = NULL;
  gsize length;
  gint gai;

  length = family == AF_INET ? sizeof *sin : sizeof *sin6;
  g_assert (native_size >= length);
  memset (native, 0, length);
  *native_length = length;
  sin->sin_family = family;

  if (host[0] == '\0')
    {
      /* Both families' wildcard addresses are all zeroes. */
      return TRUE;
    }

  if (strcmp (host, "<broadcast>") == 0)
    {
      if (family != AF_INET)
        return _sock_set_invalid_error (error, "\"<broadcast>\" is only an AF_INET address");
      sin->sin_addr.s_addr = htonl (INADDR_BROADCAST);
      return TRUE;
    }

  if (family == AF_INET && inet_pton (AF_INET, host, &sin->sin_addr) == 1)
    return TRUE;
  if (family == AF_INET6 && inet_pton (AF_INET6, host, &sin6->sin6_addr) == 1)
    return TRUE;
  if (family == AF_INET6)
    {
      guint32 scope_id = 0;

      switch (_sock_inet6_parse_scoped (host, &sin6->sin6_addr, &scope_id, error))
        {
        case SOCK_SCOPED_PARSE_OK:
          sin6->sin6_scope_id = scope_id;
          return TRUE;
        case SOCK_SCOPED_PARSE_BAD_SCOPE:
          return FALSE;
        case SOCK_SCOPED_PARSE_NOT_SCOPED:
        default:
          break;
        }
    }

  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  gai = getaddrinfo (host, NULL, &hints, &result);
  if (gai != 0)
    {
      gint errsv = errno;
      g_autofree gchar *what = g_strdup_printf ("resolve \"%s\"", host);
      return _sock_set_gai_error (error, gai, errsv, what);
    }

  g_assert (result->ai_addrlen <= native_size);
  memcpy (native, result->ai_addr, result->ai_addrlen);
  *native_length = result->ai_addrlen;
  freeaddrinfo (result);
  return TRUE;
}

gboolean
_sock_inet_host_needs_lookup (gint         family,
                              const gchar *host)
{
  struct in6_addr addr;
  guint32 scope_id;

  if (host[0] == '\0' || strcmp (host, "<broadcast>") == 0)
    return FALSE;
  if (inet_pton (family, host, &addr) == 1)
    return FALSE;
  /* A bad scope is for the conversion to report, as the blocking call does. */
  if (family == AF_INET6 &&
      _sock_inet6_parse_scoped (host, &addr, &scope_id, NULL) != SOCK_SCOPED_PARSE_NOT_SCOPED)
    return FALSE;

  return TRUE;
}

/* Reads an integer of any GVariant integer type, for ports given as (sq),
 * (si), (su) and friends. */
static gboolean
get_integer (GVariant *value,
             gint64   *out)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BYTE:    *out = g_variant_get_byte (value);   return TRUE;
    case G_VARIANT_CLASS_INT16:   *out = g_variant_get_int16 (value);  return TRUE;
    case G_VARIANT_CLASS_UINT16:  *out = g_variant_get_uint16 (value); return TRUE;
    case G_VARIANT_CLASS_INT32:   *out = g_variant_get_int32 (value);  return TRUE;
    case G_VARIANT_CLASS_UINT32:  *out = g_variant_get_uint32 (value); return TRUE;
    case G_VARIANT_CLASS_INT64:   *out = g_variant_get_int64 (value);  return TRUE;
    case G_VARIANT_CLASS_UINT64:
      *out = (gint64) MIN (g_variant_get_uint64 (value), (guint64) G_MAXINT64);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
get_ranged (GVariant     *address,
            gsize         index,
            gint64        max,
            const gchar  *what,
            gint64       *out,
            GError      **error)
{
  g_autoptr(GVariant) child = g_variant_get_child_value (address, index);

  if (!get_integer (child, out))
    return _sock_set_invalid_error (error, "The %s must be an integer, not of type '%s'",
                                    what, g_variant_get_type_string (child));
  if (*out < 0 || *out > max)
    return _sock_set_invalid_error (error, "The %s %" G_GINT64_FORMAT
                                    " is out of range (0 to %" G_GINT64_FORMAT ")",
                                    what, *out, max);
  return TRUE;
}

/* The common case read straight from the serialised data: an (sq) in
 * normal form, which every address the library returns is, and so is any
 * other once GVariant has checked it (it remembers). A datagram server
 * converts one per datagram (sendto), and taking the children one by one
 * was most of a datagram's cost. Normal form guarantees the layout: the
 * string and its NUL, padding to 2, the port in host order, and the
 * string's end as a little-endian framing offset as wide as the size
 * needs. FALSE leaves the address to the general path. */
static gboolean
parse_normal_sq (GVariant              *address,
                 SockInetAddressFields *fields)
{
  const guint8 *data;
  gsize size, offset_size, end = 0;
  guint16 port;

  if (strcmp (g_variant_get_type_string (address), "(sq)") != 0 ||
      !g_variant_is_normal_form (address))
    return FALSE;

  size = g_variant_get_size (address);
  offset_size = size <= G_MAXUINT8 ? 1 : size <= G_MAXUINT16 ? 2 : 4;
  if (size > G_MAXUINT32 || size < 2 + sizeof port + offset_size)
    return FALSE;
  data = g_variant_get_data (address);

  for (gsize i = 0; i < offset_size; i++)
    end |= (gsize) data[size - offset_size + i] << (8 * i);
  if (end == 0 || ((end + 1) & ~(gsize) 1) + sizeof port + offset_size != size ||
      data[end - 1] != '\0')
    return FALSE;

  memcpy (&port, data + ((end + 1) & ~(gsize) 1), sizeof port);
  fields->host = (const gchar *) data;
  fields->port = port;
  fields->flowinfo = 0;
  fields->scope_id = 0;
  fields->n_fields = 2;
  return TRUE;
}

gboolean
_sock_inet_address_parse (GVariant               *address,
                          gint                    family,
                          SockInetAddressFields  *fields,
                          GError                **error)
{
  g_autoptr(GVariant) host = NULL;
  gsize n_children;
  gint64 port, flowinfo = 0, scope_id = 0;

  if (parse_normal_sq (address, fields))
    return TRUE;

  n_children = g_variant_is_of_type (address, G_VARIANT_TYPE_TUPLE)
               ? g_variant_n_children (address) : 0;

  if (!(n_children == 2 || (family != AF_INET && n_children == 4)))
    return _sock_set_invalid_error (error, "%s addresses are (host, port)%s tuples like "
                                    "(sq), not '%s'",
                                    family == AF_INET ? "AF_INET" :
                                    family == AF_INET6 ? "AF_INET6" : "Internet",
                                    family == AF_INET ? "" : " or (host, port, flowinfo, "
                                                             "scope_id)",
                                    g_variant_get_type_string (address));

  host = g_variant_get_child_value (address, 0);
  if (!g_variant_is_of_type (host, G_VARIANT_TYPE_STRING))
    return _sock_set_invalid_error (error, "The host must be a string, not of type '%s'",
                                    g_variant_get_type_string (host));

  if (!get_ranged (address, 1, G_MAXUINT16, "port", &port, error))
    return FALSE;

  if (n_children == 4 &&
      (!get_ranged (address, 2, FLOWINFO_MAX, "flowinfo", &flowinfo, error) ||
       !get_ranged (address, 3, G_MAXUINT32, "scope_id", &scope_id, error)))
    return FALSE;

  /* The string lives as long as @address, which holds the child. */
  fields->host = g_variant_get_string (host, NULL);
  fields->port = (guint16) port;
  fields->flowinfo = (guint32) flowinfo;
  fields->scope_id = (guint32) scope_id;
  fields->n_fields = n_children;
  return TRUE;
}

void
_sock_inet6_apply_fields (struct sockaddr_in6         *sin6,
                          const SockInetAddressFields *fields)
{
  sin6->sin6_port = htons (fields->port);
  sin6->sin6_flowinfo = htonl (fields->flowinfo);
  /* A scope id in the tuple wins, as in CPython; 0 there leaves the one of
   * the host string ("fe80::1%eth0"), which CPython drops. */
  if (fields->scope_id != 0)
    sin6->sin6_scope_id = fields->scope_id;
}

gboolean
_sock_inet_address_to_native (gint          family,
                              GVariant     *address,
                              gpointer      native,
                              gsize         native_size,
                              gsize        *native_length,
                              GError      **error)
{
  SockInetAddressFields fields;

  if (!_sock_inet_address_parse (address, family, &fields, error) ||
      !_sock_inet_host_to_native (family, fields.host, native, native_size, native_length,
                                  error))
    return FALSE;

  if (family == AF_INET)
    ((struct sockaddr_in *) native)->sin_port = htons (fields.port);
  else
    _sock_inet6_apply_fields (native, &fields);

  return TRUE;
}

/* Writes @value in decimal at @out; returns the digits written (1 to 3). */
static gsize
format_octet (guint8  value,
              gchar  *out)
{
  gsize n = 0;

  if (value >= 100)
    out[n++] = '0' + value / 100;
  if (value >= 10)
    out[n++] = '0' + value / 10 % 10;
  out[n++] = '0' + value % 10;
  return n;
}

/* The (sq) of an IPv4 address, built from its serialised form: a datagram
 * server makes one per datagram (recvfrom), and inet_ntop()'s sprintf()
 * and g_variant_new()'s format string and builder were most of a
 * datagram's cost. The layout is GVariant's normal form of (sq): the
 * string and its NUL, padding to 2, the port in host order, and one byte
 * framing the string's end (the whole is under 256 bytes). */
static GVariant *
inet4_address_new (const struct sockaddr_in *sin)
{
  const guint8 *octets = (const guint8 *) &sin->sin_addr;
  guint16 port = ntohs (sin->sin_port);
  gchar data[INET_ADDRSTRLEN + 1 + sizeof port + 1];
  gpointer copy;
  gsize n = 0, end;

  for (guint i = 0; i < 4; i++)
    {
      if (i > 0)
        data[n++] = '.';
      n += format_octet (octets[i], data + n);
    }
  data[n++] = '\0';
  end = n;
  if (n % 2 != 0)
    data[n++] = '\0';
  memcpy (data + n, &port, sizeof port);
  n += sizeof port;
  data[n++] = (gchar) end;

  copy = g_memdup2 (data, n);
  return g_variant_new_from_data (G_VARIANT_TYPE ("(sq)"), copy, n, TRUE, g_free, copy);
}

GVariant *
_sock_inet_address_from_native (gconstpointer   native,
                                gsize           native_length,
                                GError        **error)
{
  const struct sockaddr *sa = native;
  gchar text[INET6_ADDRSTRLEN];

  /* No address at all, as recvfrom() on a connected TCP socket reports. */
  if (native_length == 0)
    return NULL;

  if (native_length >= sizeof (struct sockaddr_in) && sa->sa_family == AF_INET)
    return inet4_address_new (native);

  if (native_length >= sizeof (struct sockaddr_in6) && sa->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = native;

      inet_ntop (AF_INET6, &sin6->sin6_addr, text, sizeof text);
      return g_variant_new ("(squu)", text, ntohs (sin6->sin6_port),
                            ntohl (sin6->sin6_flowinfo), sin6->sin6_scope_id);
    }

  _sock_set_errno_error (error, EAFNOSUPPORT,
                         "The system returned an address of family %d, length %"
                         G_GSIZE_FORMAT ", which is not an internet address",
                         native_length >= sizeof sa->sa_family ? sa->sa_family : -1,
                         native_length);
  return NULL;
}
