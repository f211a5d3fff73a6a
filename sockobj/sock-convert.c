/* sock-convert.c: byte order and packed address conversions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sock-convert.h"
#include "sock-error-private.h"

/**
 * sock_ntohl:
 * @x: a 32-bit integer in network byte order
 *
 * Converts a 32-bit integer from network to host byte order.
 *
 * Returns: @x in host byte order
 *
 * Since: 1.0
 */
guint32
sock_ntohl (guint32 x)
{
  return g_ntohl (x);
}

/**
 * sock_ntohs:
 * @x: a 16-bit integer in network byte order
 *
 * Converts a 16-bit integer from network to host byte order.
 *
 * Returns: @x in host byte order
 *
 * Since: 1.0
 */
guint16
sock_ntohs (guint16 x)
{
  return g_ntohs (x);
}

/**
 * sock_htonl:
 * @x: a 32-bit integer in host byte order
 *
 * Converts a 32-bit integer from host to network byte order.
 *
 * Returns: @x in network byte order
 *
 * Since: 1.0
 */
guint32
sock_htonl (guint32 x)
{
  return g_htonl (x);
}

/**
 * sock_htons:
 * @x: a 16-bit integer in host byte order
 *
 * Converts a 16-bit integer from host to network byte order.
 *
 * Returns: @x in network byte order
 *
 * Since: 1.0
 */
guint16
sock_htons (guint16 x)
{
  return g_htons (x);
}

/**
 * sock_inet_aton:
 * @ip_string: an IPv4 address in the forms `inet_aton(3)` accepts, such as
 *   `"123.45.67.89"`, `"127.1"` or `"0x7f.1"`
 * @error: return location for a #GError
 *
 * Packs an IPv4 address into the 4 bytes of a `struct in_addr`, in network
 * byte order.
 *
 * Returns: (transfer full): the 4 packed bytes, or %NULL with @error set
 *   (`EINVAL`) when @ip_string is not an address
 *
 * Since: 1.0
 */
GBytes *
sock_inet_aton (const gchar  *ip_string,
                GError      **error)
{
  struct in_addr addr;

  g_return_val_if_fail (ip_string != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (inet_aton (ip_string, &addr) == 0)
    {
      _sock_set_invalid_error (error, "inet_aton: \"%s\" is not an IPv4 address", ip_string);
      return NULL;
    }

  return g_bytes_new (&addr, sizeof addr);
}

/**
 * sock_inet_ntoa:
 * @packed: (array length=length) (element-type guint8): a packed IPv4 address
 * @length: the length of @packed, which must be 4
 * @error: return location for a #GError
 *
 * Turns the 4 bytes of a packed IPv4 address into dotted-quad form, such
 * as `"123.45.67.89"`.
 *
 * Returns: (transfer full): the address, or %NULL with @error set (`EINVAL`)
 *   when @length is not 4
 *
 * Since: 1.0
 */
gchar *
sock_inet_ntoa (const guint8  *packed,
                gsize          length,
                GError       **error)
{
  gchar text[INET_ADDRSTRLEN];

  g_return_val_if_fail (packed != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length != 4)
    {
      _sock_set_invalid_error (error, "inet_ntoa: a packed IPv4 address is 4 bytes, not %"
                               G_GSIZE_FORMAT, length);
      return NULL;
    }

  inet_ntop (AF_INET, packed, text, sizeof text);
  return g_strdup (text);
}

/* The size of a packed address of @family, or 0 for a family that has none
 * here. */
static gsize
packed_size (gint family)
{
  switch (family)
    {
    case AF_INET:
      return sizeof (struct in_addr);
    case AF_INET6:
      return sizeof (struct in6_addr);
    default:
      return 0;
    }
}

/**
 * sock_inet_pton:
 * @family: `AF_INET` or `AF_INET6`
 * @ip_string: an address in the standard text form of @family: a dotted
 *   quad of four decimal numbers such as `"123.45.67.89"`, or an IPv6
 *   address such as `"2001:db8::1"` or `"::ffff:192.0.2.1"`
 * @error: return location for a #GError
 *
 * Packs an IPv4 or IPv6 address into the bytes of a `struct in_addr` or
 * `struct in6_addr`, in network byte order, as CPython's
 * `socket.inet_pton()`.
 *
 * Unlike [func@Sock.inet_aton], only the standard form is read: no
 * shortened quads (`"127.1"`), no hexadecimal or octal parts. An IPv6 scope
 * (`"fe80::1%eth0"`) is not part of the address and is refused too.
 *
 * Returns: (transfer full): the 4 (`AF_INET`) or 16 (`AF_INET6`) packed
 *   bytes, or %NULL with @error set: `EINVAL` when @ip_string is not an
 *   address of @family, `EAFNOSUPPORT` when @family is neither of the two
 *   (both as CPython's `OSError`)
 *
 * Since: 1.2
 */
GBytes *
sock_inet_pton (gint          family,
                const gchar  *ip_string,
                GError      **error)
{
  guint8 packed[sizeof (struct in6_addr)];
  gsize size;

  g_return_val_if_fail (ip_string != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = packed_size (family);
  if (size == 0)
    {
      _sock_set_errno_error (error, EAFNOSUPPORT, "inet_pton: family %d is neither "
                             "AF_INET nor AF_INET6", family);
      return NULL;
    }

  if (inet_pton (family, ip_string, packed) != 1)
    {
      _sock_set_invalid_error (error, "inet_pton: \"%s\" is not an %s address", ip_string,
                               family == AF_INET ? "AF_INET" : "AF_INET6");
      return NULL;
    }

  return g_bytes_new (packed, size);
}

/**
 * sock_inet_ntop:
 * @family: `AF_INET` or `AF_INET6`
 * @packed: (array length=length) (element-type guint8): a packed address
 *   of @family, in network byte order
 * @length: the length of @packed: 4 for `AF_INET`, 16 for `AF_INET6`
 * @error: return location for a #GError
 *
 * Turns a packed IPv4 or IPv6 address into its standard text form, such
 * as `"123.45.67.89"` or `"2001:db8::1"`, as CPython's
 * `socket.inet_ntop()`. An IPv4-mapped IPv6 address is written
 * `"::ffff:a.b.c.d"`.
 *
 * Returns: (transfer full): the address, or %NULL with @error set
 *   (`EINVAL`, as CPython's `ValueError`) when @family is neither of the
 *   two or @length does not match it
 *
 * Since: 1.2
 */
gchar *
sock_inet_ntop (gint           family,
                const guint8  *packed,
                gsize          length,
                GError       **error)
{
  gchar text[INET6_ADDRSTRLEN];
  gsize size;

  g_return_val_if_fail (packed != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = packed_size (family);
  if (size == 0)
    {
      _sock_set_invalid_error (error, "inet_ntop: family %d is neither AF_INET nor AF_INET6",
                               family);
      return NULL;
    }

  if (length != size)
    {
      _sock_set_invalid_error (error, "inet_ntop: a packed %s address is %" G_GSIZE_FORMAT
                               " bytes, not %" G_GSIZE_FORMAT,
                               family == AF_INET ? "AF_INET" : "AF_INET6", size, length);
      return NULL;
    }

  /* Cannot fail: the family is known and the buffer is large enough. */
  inet_ntop (family, packed, text, sizeof text);
  return g_strdup (text);
}
