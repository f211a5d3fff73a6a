/* resolver.c: tests of host, protocol and service lookups
 *
 * Only names that resolve without the network are used: localhost, numeric
 * addresses, the system's own name, and the reserved ".invalid" TLD for names
 * that must not resolve.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/utsname.h>

#include "test-util.h"

#define UNRESOLVABLE "nonexistent.invalid"

static void
assert_resolver_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
  g_assert_cmpstr (error->message, !=, "");
}

/* gethostname / getfqdn ----------------------------------------------------- */

static void
test_gethostname (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = NULL;
  struct utsname uts;

  g_test_summary ("gethostname() is the kernel's node name");

  name = sock_gethostname (&error);
  g_assert_no_error (error);
  g_assert_nonnull (name);
  g_assert_cmpstr (name, !=, "");
  g_assert_cmpint (uname (&uts), ==, 0);
  g_assert_cmpstr (name, ==, uts.nodename);
}

static void
test_getfqdn (void)
{
  g_autofree gchar *local = NULL;
  g_autofree gchar *empty = NULL;
  g_autofree gchar *localhost = NULL;
  g_autofree gchar *unknown = NULL;

  g_test_summary ("getfqdn() always gives a name: the local host for NULL or "
                  "\"\", and the name itself when nothing better is known");

  local = sock_getfqdn (NULL);
  g_assert_nonnull (local);
  g_assert_cmpstr (local, !=, "");

  empty = sock_getfqdn ("");
  g_assert_nonnull (empty);
  g_assert_cmpstr (empty, ==, local);

  localhost = sock_getfqdn ("localhost");
  g_assert_nonnull (localhost);
  g_assert_cmpstr (localhost, !=, "");

  unknown = sock_getfqdn (UNRESOLVABLE);
  g_assert_cmpstr (unknown, ==, UNRESOLVABLE);
}

/* gethostbyname ------------------------------------------------------------- */

static void
test_gethostbyname (void)
{
  const struct { const gchar *in, *out; } cases[] = {
    { "localhost", "127.0.0.1" },
    { "127.0.0.1", "127.0.0.1" },
    { "127.1.2.3", "127.1.2.3" },
    { "", "0.0.0.0" },
    { "<broadcast>", "255.255.255.255" },
  };
  gsize i;

  g_test_summary ("gethostbyname() resolves names, returns dotted quads "
                  "unchanged, and knows \"\" and \"<broadcast>\"");

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gchar *address = sock_gethostbyname (cases[i].in, &error);

      g_test_message ("gethostbyname (\"%s\")", cases[i].in);
      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, cases[i].out);
    }
}

static void
test_gethostbyname_own_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *address = NULL;
  g_autoptr(GBytes) packed = NULL;

  g_test_summary ("gethostbyname(gethostname()) gives an IPv4 address, the "
                  "seed's recipe for the machine's address");

  name = sock_gethostname (&error);
  g_assert_no_error (error);
  address = sock_gethostbyname (name, &error);
  if (error != NULL && error->domain == SOCK_RESOLVER_ERROR)
    {
      /* Some containers do not list their own name anywhere. */
      g_test_skip ("This system cannot resolve its own host name");
      return;
    }
  g_assert_no_error (error);
  packed = sock_inet_aton (address, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (packed), ==, 4);
}

static void
test_gethostbyname_unresolvable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *name = NULL;
  g_auto(GStrv) aliases = NULL;
  g_auto(GStrv) addresses = NULL;

  g_test_summary ("A name under .invalid does not resolve: SOCK_RESOLVER_ERROR");

  address = sock_gethostbyname (UNRESOLVABLE, &error);
  g_assert_null (address);
  assert_resolver_error (error);
  g_clear_error (&error);

  g_assert_false (sock_gethostbyname_ex (UNRESOLVABLE, &name, &aliases, &addresses, &error));
  assert_resolver_error (error);
  g_assert_null (name);
  g_assert_null (aliases);
  g_assert_null (addresses);
}

static void
test_gethostbyname_ex (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = NULL;
  g_auto(GStrv) aliases = NULL;
  g_auto(GStrv) addresses = NULL;
  gsize i;

  g_test_summary ("gethostbyname_ex(\"localhost\") gives a name, a (possibly "
                  "empty) list of aliases and a list of dotted quads with 127.0.0.1");

  test_assert_ok (sock_gethostbyname_ex ("localhost", &name, &aliases, &addresses, &error), error);
  g_assert_nonnull (name);
  g_assert_cmpstr (name, !=, "");
  g_assert_nonnull (aliases);
  g_assert_nonnull (addresses);
  g_assert_cmpuint (g_strv_length (addresses), >=, 1);
  g_assert_true (g_strv_contains ((const gchar * const *) addresses, "127.0.0.1"));

  /* Only IPv4 dotted quads, as in the seed. */
  for (i = 0; addresses[i] != NULL; i++)
    {
      g_autoptr(GBytes) packed = sock_inet_aton (addresses[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (packed), ==, 4);
    }
  for (i = 0; aliases[i] != NULL; i++)
    g_assert_cmpstr (aliases[i], !=, "");
}

static void
test_gethostbyname_ex_literal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = NULL;
  g_auto(GStrv) aliases = NULL;
  g_auto(GStrv) addresses = NULL;

  g_test_summary ("gethostbyname_ex() of a dotted quad lists that address");

  test_assert_ok (sock_gethostbyname_ex ("127.0.0.1", &name, &aliases, &addresses, &error), error);
  g_assert_nonnull (name);
  g_assert_nonnull (aliases);
  g_assert_nonnull (addresses);
  g_assert_cmpuint (g_strv_length (addresses), ==, 1);
  g_assert_cmpstr (addresses[0], ==, "127.0.0.1");
}

/* gethostbyaddr ------------------------------------------------------------- */

static void
test_gethostbyaddr (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = NULL;
  g_auto(GStrv) aliases = NULL;
  g_auto(GStrv) addresses = NULL;

  g_test_summary ("gethostbyaddr(\"127.0.0.1\") names the loopback host and "
                  "lists the address");

  test_assert_ok (sock_gethostbyaddr ("127.0.0.1", &name, &aliases, &addresses, &error), error);
  g_assert_nonnull (name);
  g_assert_cmpstr (name, !=, "");
  g_assert_nonnull (aliases);
  g_assert_nonnull (addresses);
  g_assert_true (g_strv_contains ((const gchar * const *) addresses, "127.0.0.1"));
}

static void
test_gethostbyaddr_by_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *name = NULL;
  g_auto(GStrv) aliases = NULL;
  g_auto(GStrv) addresses = NULL;

  g_test_summary ("gethostbyaddr() also takes a name, as the seed's "
                  "gethostbyaddr(gethostname()) recipe needs; an unresolvable "
                  "one is a SOCK_RESOLVER_ERROR");

  test_assert_ok (sock_gethostbyaddr ("localhost", &name, &aliases, &addresses, &error), error);
  g_assert_nonnull (name);
  g_assert_true (g_strv_contains ((const gchar * const *) addresses, "127.0.0.1"));
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&aliases, g_strfreev);
  g_clear_pointer (&addresses, g_strfreev);

  g_assert_false (sock_gethostbyaddr (UNRESOLVABLE, &name, &aliases, &addresses, &error));
  assert_resolver_error (error);
  g_assert_null (name);
  g_assert_null (aliases);
  g_assert_null (addresses);
}

/* getprotobyname / getservbyname -------------------------------------------- */

static void
test_getprotobyname (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("getprotobyname() gives the protocol numbers of tcp, udp "
                  "and icmp; an unknown name is -1 with NOT_FOUND");

  g_assert_cmpint (sock_getprotobyname ("tcp", &error), ==, 6);
  g_assert_no_error (error);
  g_assert_cmpint (sock_getprotobyname ("udp", &error), ==, 17);
  g_assert_no_error (error);
  g_assert_cmpint (sock_getprotobyname ("icmp", &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (sock_getprotobyname ("tcp", &error), ==, SOCK_IPPROTO_TCP);
  g_assert_no_error (error);

  g_assert_cmpint (sock_getprotobyname ("no-such-protocol", &error), ==, -1);
  g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-protocol"));
  g_clear_error (&error);

  g_assert_cmpint (sock_getprotobyname ("", &error), ==, -1);
  g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
}

static void
test_getservbyname (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("getservbyname() gives well-known ports, with or without "
                  "a protocol; an unknown service is -1 with NOT_FOUND");

  g_assert_cmpint (sock_getservbyname ("http", "tcp", &error), ==, 80);
  g_assert_no_error (error);
  g_assert_cmpint (sock_getservbyname ("ssh", NULL, &error), ==, 22);
  g_assert_no_error (error);
  g_assert_cmpint (sock_getservbyname ("domain", "udp", &error), ==, 53);
  g_assert_no_error (error);

  g_assert_cmpint (sock_getservbyname ("no-such-service", "tcp", &error), ==, -1);
  g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-service"));
  g_clear_error (&error);

  g_assert_cmpint (sock_getservbyname ("no-such-service", NULL, &error), ==, -1);
  g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (sock_getservbyname ("http", "no-such-protocol", &error), ==, -1);
  g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
}

/* resolver_error_get_eai_code ------------------------------------------------ */

static void
test_resolver_error_get_eai_code (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autoptr(GError) rebuilt = NULL;
  g_autoptr(GError) h_error = NULL;
  g_autoptr(GError) h_rebuilt = NULL;
  g_autoptr(GError) other = NULL;
  g_autofree gchar *address = NULL;
  g_autofree gchar *name = NULL;

  g_test_summary ("A getaddrinfo() failure carries its EAI_* code, through g_error_copy() "
                  "and, read from the message, through an error rebuilt from domain, code "
                  "and message; other errors give 0");

  address = sock_gethostbyname (UNRESOLVABLE, &error);
  g_assert_null (address);
  g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
  g_assert_cmpint (sock_resolver_error_get_eai_code (error), ==, EAI_NONAME);
  g_assert_cmpint (SOCK_EAI_NONAME, ==, EAI_NONAME);

  copy = g_error_copy (error);
  g_assert_cmpint (sock_resolver_error_get_eai_code (copy), ==, EAI_NONAME);

  /* What PyGObject hands back to C. */
  rebuilt = g_error_new_literal (error->domain, error->code, error->message);
  g_assert_cmpint (sock_resolver_error_get_eai_code (rebuilt), ==, EAI_NONAME);

  /* gethostbyname_ex() reports h_errno, not an EAI_* code. */
  g_assert_false (sock_gethostbyname_ex (UNRESOLVABLE, &name, NULL, NULL, &h_error));
  g_assert_true (h_error->domain == SOCK_RESOLVER_ERROR);
  g_assert_cmpint (sock_resolver_error_get_eai_code (h_error), ==, 0);
  h_rebuilt = g_error_new_literal (h_error->domain, h_error->code, h_error->message);
  g_assert_cmpint (sock_resolver_error_get_eai_code (h_rebuilt), ==, 0);

  g_assert_cmpint (sock_getprotobyname ("no-such-protocol", &other), ==, -1);
  g_assert_cmpint (sock_resolver_error_get_eai_code (other), ==, 0);
  g_clear_error (&other);

  other = g_error_new_literal (SOCK_ERROR, EINVAL, "Name or service not known");
  g_assert_cmpint (sock_resolver_error_get_eai_code (other), ==, 0);
  g_clear_error (&other);

  other = g_error_new_literal (SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_FAILED, "anything");
  g_assert_cmpint (sock_resolver_error_get_eai_code (other), ==, 0);
}

/* Threads ------------------------------------------------------------------- */

typedef struct
{
  gchar *name;
  gchar **aliases;
  gchar **addresses;
} HostEntry;

typedef struct
{
  HostEntry by_name;
  HostEntry by_addr;
  gint64 deadline;
  gint mismatches;
  gint rounds;
} ThreadData;

static void
host_entry_clear (HostEntry *entry)
{
  g_clear_pointer (&entry->name, g_free);
  g_clear_pointer (&entry->aliases, g_strfreev);
  g_clear_pointer (&entry->addresses, g_strfreev);
}

static gboolean
host_entry_equal (const HostEntry *a,
                  const HostEntry *b)
{
  return g_strcmp0 (a->name, b->name) == 0 &&
         g_strv_equal ((const gchar * const *) a->aliases, (const gchar * const *) b->aliases) &&
         g_strv_equal ((const gchar * const *) a->addresses, (const gchar * const *) b->addresses);
}

static gpointer
lookup_thread (gpointer user_data)
{
  ThreadData *data = user_data;
  guint i;

  /* 200 of each kind of lookup per thread. */
  for (i = 0; i < 400 && g_get_monotonic_time () < data->deadline; i++)
    {
      g_autoptr(GError) error = NULL;
      HostEntry entry = { 0 };

      if (i % 2 == 0)
        {
          if (!sock_gethostbyname_ex ("localhost", &entry.name, &entry.aliases,
                                      &entry.addresses, &error) ||
              !host_entry_equal (&entry, &data->by_name))
            g_atomic_int_inc (&data->mismatches);
        }
      else
        {
          if (!sock_gethostbyaddr ("127.0.0.1", &entry.name, &entry.aliases,
                                   &entry.addresses, &error) ||
              !host_entry_equal (&entry, &data->by_addr))
            g_atomic_int_inc (&data->mismatches);
        }

      host_entry_clear (&entry);
      g_atomic_int_inc (&data->rounds);
    }

  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(GError) error = NULL;
  ThreadData data = { { 0 }, };
  GThread *threads[4];
  gsize i;

  g_test_summary ("gethostbyname_ex() and gethostbyaddr() from four threads "
                  "at once give the same answers as from one");

  test_assert_ok (sock_gethostbyname_ex ("localhost", &data.by_name.name, &data.by_name.aliases,
                                         &data.by_name.addresses, &error), error);
  test_assert_ok (sock_gethostbyaddr ("127.0.0.1", &data.by_addr.name, &data.by_addr.aliases,
                                      &data.by_addr.addresses, &error), error);
  data.deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("lookup", lookup_thread, &data);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_test_message ("%d lookups", data.rounds);
  g_assert_cmpint (data.mismatches, ==, 0);
  g_assert_cmpint (data.rounds, >=, 100);

  host_entry_clear (&data.by_name);
  host_entry_clear (&data.by_addr);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resolver/gethostname", test_gethostname);
  g_test_add_func ("/resolver/getfqdn", test_getfqdn);
  g_test_add_func ("/resolver/gethostbyname/basic", test_gethostbyname);
  g_test_add_func ("/resolver/gethostbyname/own-name", test_gethostbyname_own_name);
  g_test_add_func ("/resolver/gethostbyname/unresolvable", test_gethostbyname_unresolvable);
  g_test_add_func ("/resolver/gethostbyname-ex/localhost", test_gethostbyname_ex);
  g_test_add_func ("/resolver/gethostbyname-ex/literal", test_gethostbyname_ex_literal);
  g_test_add_func ("/resolver/gethostbyaddr/loopback", test_gethostbyaddr);
  g_test_add_func ("/resolver/gethostbyaddr/by-name", test_gethostbyaddr_by_name);
  g_test_add_func ("/resolver/getprotobyname", test_getprotobyname);
  g_test_add_func ("/resolver/getservbyname", test_getservbyname);
  g_test_add_func ("/resolver/resolver_error_get_eai_code", test_resolver_error_get_eai_code);
  g_test_add_func ("/resolver/threads", test_threads);

  return g_test_run ();
}
