/* sock-convert.c: byte order and packed address conversions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

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
