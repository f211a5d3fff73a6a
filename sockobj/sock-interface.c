/* sock-interface.c: network interface names and indexes
 *
 * The index of an interface is what an IPv6 scope id holds, and what
 * options such as IPV6_MULTICAST_IF take.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <net/if.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-interface.h"

/**
 * sock_if_nameindex:
 * @error: return location for a #GError
 *
 * Lists the network interfaces of the system, as CPython's
 * `socket.if_nameindex()` does: an array of `(index, name)` pairs, such as
 * `[(1, "lo"), (2, "eth0")]`.
 *
 * Returns: (transfer full): an `a(us)` array, or %NULL with @error set
 *   (`SOCK_ERROR` with the `errno` of `if_nameindex()`)
 *
 * Since: 1.2
 */
GVariant *
sock_if_nameindex (GError **error)
{
  struct if_nameindex *list;
  GVariantBuilder builder;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = if_nameindex ();
  if (list == NULL)
    {
      _sock_set_errno_error (error, errno, "if_nameindex");
      return NULL;
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(us)"));
  for (const struct if_nameindex *entry = list; entry->if_index != 0; entry++)
    g_variant_builder_add (&builder, "(us)", entry->if_index, entry->if_name);
  if_freenameindex (list);

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * sock_if_nametoindex:
 * @name: the name of a network interface, such as `"lo"` or `"eth0"`
 * @error: return location for a #GError
 *
 * Finds the index of the network interface called @name, as CPython's
 * `socket.if_nametoindex()` does.
 *
 * Returns: the index, or 0 with @error set: `ENODEV` when no interface has
 *   that name (CPython's `OSError` "no interface with this name"), another
 *   `SOCK_ERROR` when the system could not be asked
 *
 * Since: 1.2
 */
guint
sock_if_nametoindex (const gchar  *name,
                     GError      **error)
{
  guint index;

  g_return_val_if_fail (name != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  errno = 0;
  index = if_nametoindex (name);
  if (index == 0)
    {
      gint errsv = errno;

      /* glibc says ENODEV for an unknown or too long name, and gives the
       * errno of its helper socket when it could not make one (EMFILE). */
      if (errsv == 0 || errsv == ENODEV)
        g_set_error (error, SOCK_ERROR, ENODEV,
                     "if_nametoindex: no interface is named \"%s\"", name);
      else
        _sock_set_errno_error (error, errsv, "if_nametoindex \"%s\"", name);
    }

  return index;
}

/**
 * sock_if_indextoname:
 * @index: the index of a network interface
 * @error: return location for a #GError
 *
 * Finds the name of the network interface whose index is @index, as
 * CPython's `socket.if_indextoname()` does.
 *
 * Returns: (transfer full): the name, or %NULL with @error set (`ENXIO`
 *   when no interface has that index, as in CPython)
 *
 * Since: 1.2
 */
gchar *
sock_if_indextoname (guint    index,
                     GError **error)
{
  gchar name[IF_NAMESIZE];

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  errno = 0;
  if (if_indextoname (index, name) == NULL)
    {
      /* glibc turns the kernel's ENODEV into ENXIO itself. */
      _sock_set_errno_error (error, errno != 0 ? errno : ENXIO, "if_indextoname %u", index);
      return NULL;
    }

  return g_strdup (name);
}
