/* interface.c: tests of the network interface names and indexes
 *
 * Only reads what the system has; every machine has at least a loopback
 * interface.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "test-util.h"

static void
test_if_nameindex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  struct if_nameindex *libc;
  gsize n_libc = 0;

  g_test_summary ("if_nameindex() lists every interface of the C library's list as "
                  "(index, name) pairs, a(us), in the same order");

  list = sock_if_nameindex (&error);
  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_false (g_variant_is_floating (list));
  g_assert_cmpstr (g_variant_get_type_string (list), ==, "a(us)");
  g_assert_cmpuint (g_variant_n_children (list), >=, 1);

  libc = if_nameindex ();
  g_assert_nonnull (libc);
  for (; libc[n_libc].if_index != 0; n_libc++)
    ;
  g_assert_cmpuint (g_variant_n_children (list), ==, n_libc);

  for (gsize i = 0; i < n_libc; i++)
    {
      const gchar *name = NULL;
      guint32 index = 0;

      g_variant_get_child (list, i, "(u&s)", &index, &name);
      g_assert_cmpuint (index, ==, libc[i].if_index);
      g_assert_cmpstr (name, ==, libc[i].if_name);
      g_assert_cmpuint (index, >, 0);
      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (index)));
      g_hash_table_add (seen, GUINT_TO_POINTER (index));
    }
  if_freenameindex (libc);
}

static void
test_if_nametoindex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list = sock_if_nameindex (&error);
  GVariantIter iter;
  const gchar *name;
  guint32 index;

  g_test_summary ("if_nametoindex() and if_indextoname() are inverses for every interface "
                  "if_nameindex() lists");

  g_assert_no_error (error);
  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(u&s)", &index, &name))
    {
      g_autofree gchar *back = NULL;

      g_test_message ("%u: %s", index, name);
      g_assert_cmpuint (sock_if_nametoindex (name, &error), ==, index);
      g_assert_no_error (error);
      back = sock_if_indextoname (index, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (back, ==, name);
    }
}

static void
test_if_nametoindex_unknown (void)
{
  g_autofree gchar *long_name = g_strnfill (100, 'x');
  const gchar *unknown[] = { "no-such-interface", "", long_name, "lo ", "%" };

  g_test_summary ("if_nametoindex() of a name no interface has is 0 with SOCK_ERROR/ENODEV "
                  "naming it (CPython: OSError \"no interface with this name\")");

  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (sock_if_nametoindex (unknown[i], &error), ==, 0);
      test_assert_sock_error (error, ENODEV);
      g_assert_nonnull (strstr (error->message, unknown[i]));
    }
}

static void
test_if_indextoname_unknown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) list = sock_if_nameindex (&error);
  guint32 largest = 0, index;
  GVariantIter iter;
  guint candidates[3];

  g_test_summary ("if_indextoname() of an index no interface has (0, past the largest, "
                  "G_MAXUINT32) is NULL with SOCK_ERROR/ENXIO, as in CPython");

  g_assert_no_error (error);
  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(u&s)", &index, NULL))
    largest = MAX (largest, index);

  candidates[0] = 0;
  candidates[1] = largest + 1000;
  candidates[2] = G_MAXUINT32;
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree gchar *name = sock_if_indextoname (candidates[i], &error);

      g_assert_null (name);
      test_assert_sock_error (error, ENXIO);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interface/if_nameindex", test_if_nameindex);
  g_test_add_func ("/interface/if_nametoindex/round-trip", test_if_nametoindex);
  g_test_add_func ("/interface/if_nametoindex/unknown", test_if_nametoindex_unknown);
  g_test_add_func ("/interface/if_indextoname/unknown", test_if_indextoname_unknown);

  return g_test_run ();
}
