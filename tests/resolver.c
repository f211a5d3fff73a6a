/* resolver.c: tests of host, protocol and service lookups
 *
 * Only names that resolve without the network are used: localhost, numeric
 * addresses, the system's own name, and the reserved ".invalid" TLD for names
 * that must not resolve.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
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

/* getaddrinfo ----------------------------------------------------------------- */

static void
assert_gai_error (const GError *error,
                  gint          code,
                  gint          eai_code)
{
  g_assert_error (error, SOCK_RESOLVER_ERROR, code);
  g_assert_cmpint (sock_resolver_error_get_eai_code (error), ==, eai_code);
  g_assert_cmpstr (error->message, !=, "");
}

/* The one element of @infos whose type is @type, asserting there is one. */
static GVariant *
addrinfo_of_type (GVariant *infos,
                  gint      type)
{
  GVariant *found = NULL;

  g_assert_cmpstr (g_variant_get_type_string (infos), ==, "a(iiisv)");
  for (gsize i = 0; i < g_variant_n_children (infos); i++)
    {
      g_autoptr(GVariant) info = g_variant_get_child_value (infos, i);
      gint got_type;

      g_variant_get_child (info, 1, "i", &got_type);
      if (got_type == type)
        {
          g_assert_null (found);
          found = g_steal_pointer (&info);
        }
    }
  g_assert_nonnull (found);
  return found;
}

static void
assert_addrinfo (GVariant    *info,
                 gint         family,
                 gint         type,
                 gint         proto,
                 const gchar *address_text)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) expected = NULL;
  gint got_family, got_type, got_proto;

  g_variant_get (info, "(iii&sv)", &got_family, &got_type, &got_proto, NULL, &address);
  g_assert_cmpint (got_family, ==, family);
  g_assert_cmpint (got_type, ==, type);
  g_assert_cmpint (got_proto, ==, proto);
  expected = g_variant_parse (NULL, address_text, NULL, NULL, NULL);
  g_assert_nonnull (expected);
  if (!g_variant_equal (address, expected))
    {
      g_autofree gchar *got = g_variant_print (address, TRUE);
      g_error ("address %s, expected %s", got, address_text);
    }
}

static void
test_getaddrinfo_localhost (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) infos = NULL;

  g_test_summary ("getaddrinfo(\"localhost\", \"80\", AF_INET, SOCK_STREAM) gives "
                  "(AF_INET, SOCK_STREAM, IPPROTO_TCP, \"\", (\"127.0.0.1\", 80)) and only "
                  "AF_INET (sq) addresses");

  infos = sock_getaddrinfo ("localhost", "80", AF_INET, SOCK_STREAM, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (infos);
  g_assert_false (g_variant_is_floating (infos));
  g_assert_cmpstr (g_variant_get_type_string (infos), ==, "a(iiisv)");
  g_assert_cmpuint (g_variant_n_children (infos), >=, 1);

  for (gsize i = 0; i < g_variant_n_children (infos); i++)
    {
      g_autoptr(GVariant) info = g_variant_get_child_value (infos, i);
      g_autoptr(GVariant) address = NULL;
      const gchar *canonname = NULL;
      gint family, type, proto;

      g_variant_get (info, "(iii&sv)", &family, &type, &proto, &canonname, &address);
      g_assert_cmpint (family, ==, AF_INET);
      g_assert_cmpint (type, ==, SOCK_STREAM);
      g_assert_cmpint (proto, ==, IPPROTO_TCP);
      g_assert_cmpstr (canonname, ==, "");
      g_assert_cmpstr (g_variant_get_type_string (address), ==, "(sq)");
    }

  {
    g_autoptr(GVariant) first = g_variant_get_child_value (infos, 0);

    assert_addrinfo (first, AF_INET, SOCK_STREAM, IPPROTO_TCP, "('127.0.0.1', uint16 80)");
  }
}

static void
test_getaddrinfo_numeric (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) infos = NULL;
  g_autoptr(GVariant) info = NULL;
  g_autofree gchar *scoped = NULL;
  guint lo = if_nametoindex ("lo");

  g_test_summary ("getaddrinfo() of numeric hosts and ports, with AI_NUMERICHOST and "
                  "AI_NUMERICSERV: IPv4 as (sq), IPv6 as (squu) with the scope of "
                  "\"fe80::1%lo\"; with type 0, one element per socket type");

  infos = sock_getaddrinfo ("127.0.0.1", "8080", 0, SOCK_DGRAM, 0,
                            AI_NUMERICHOST | AI_NUMERICSERV, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (infos), ==, 1);
  info = addrinfo_of_type (infos, SOCK_DGRAM);
  assert_addrinfo (info, AF_INET, SOCK_DGRAM, IPPROTO_UDP, "('127.0.0.1', uint16 8080)");
  g_clear_pointer (&info, g_variant_unref);
  g_clear_pointer (&infos, g_variant_unref);

  infos = sock_getaddrinfo ("::1", "65535", 0, SOCK_STREAM, 0, AI_NUMERICHOST, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  assert_addrinfo (info, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
                   "('::1', uint16 65535, uint32 0, uint32 0)");
  g_clear_pointer (&info, g_variant_unref);
  g_clear_pointer (&infos, g_variant_unref);

  /* Type 0: stream, datagram and raw, as CPython lists them. */
  infos = sock_getaddrinfo ("127.0.0.1", "0", AF_INET, 0, 0, AI_NUMERICHOST, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  g_clear_pointer (&info, g_variant_unref);
  info = addrinfo_of_type (infos, SOCK_DGRAM);
  assert_addrinfo (info, AF_INET, SOCK_DGRAM, IPPROTO_UDP, "('127.0.0.1', uint16 0)");
  g_clear_pointer (&info, g_variant_unref);
  g_clear_pointer (&infos, g_variant_unref);

  if (lo == 0)
    {
      g_test_message ("No interface is named \"lo\": no scope checked");
      return;
    }
  infos = sock_getaddrinfo ("fe80::1%lo", "80", AF_INET6, SOCK_STREAM, 0, AI_NUMERICHOST,
                            &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  scoped = g_strdup_printf ("('fe80::1', uint16 80, uint32 0, uint32 %u)", lo);
  assert_addrinfo (info, AF_INET6, SOCK_STREAM, IPPROTO_TCP, scoped);
}

static void
test_getaddrinfo_passive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) infos = NULL;
  g_autoptr(GVariant) info = NULL;

  g_test_summary ("getaddrinfo() with a NULL host gives the wildcard with AI_PASSIVE and "
                  "the loopback address without; a NULL port is port 0");

  infos = sock_getaddrinfo (NULL, "0", AF_INET, SOCK_STREAM, 0, AI_PASSIVE, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  assert_addrinfo (info, AF_INET, SOCK_STREAM, IPPROTO_TCP, "('0.0.0.0', uint16 0)");
  g_clear_pointer (&info, g_variant_unref);
  g_clear_pointer (&infos, g_variant_unref);

  infos = sock_getaddrinfo (NULL, "7", AF_INET6, SOCK_STREAM, 0, AI_PASSIVE, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  assert_addrinfo (info, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
                   "('::', uint16 7, uint32 0, uint32 0)");
  g_clear_pointer (&info, g_variant_unref);
  g_clear_pointer (&infos, g_variant_unref);

  infos = sock_getaddrinfo (NULL, "7", AF_INET, SOCK_STREAM, 0, 0, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  assert_addrinfo (info, AF_INET, SOCK_STREAM, IPPROTO_TCP, "('127.0.0.1', uint16 7)");
  g_clear_pointer (&info, g_variant_unref);
  g_clear_pointer (&infos, g_variant_unref);

  infos = sock_getaddrinfo ("127.0.0.1", NULL, AF_INET, SOCK_STREAM, 0, 0, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  assert_addrinfo (info, AF_INET, SOCK_STREAM, IPPROTO_TCP, "('127.0.0.1', uint16 0)");
}

static void
test_getaddrinfo_canonname (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) infos = NULL;

  g_test_summary ("getaddrinfo() with AI_CANONNAME puts the canonical name in the first "
                  "element only, \"\" in the others; a service name becomes its port");

  infos = sock_getaddrinfo ("localhost", "80", AF_INET, 0, 0, AI_CANONNAME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (infos), >=, 2);

  for (gsize i = 0; i < g_variant_n_children (infos); i++)
    {
      g_autoptr(GVariant) address = NULL;
      const gchar *canonname = NULL;
      guint16 port = 0;

      g_variant_get_child (infos, i, "(iii&sv)", NULL, NULL, NULL, &canonname, &address);
      if (i == 0)
        g_assert_cmpstr (canonname, ==, "localhost");
      else
        g_assert_cmpstr (canonname, ==, "");
      g_variant_get (address, "(&sq)", NULL, &port);
      g_assert_cmpuint (port, ==, 80);
    }
  g_clear_pointer (&infos, g_variant_unref);

  infos = sock_getaddrinfo ("127.0.0.1", "http", AF_INET, SOCK_STREAM, 0, 0, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) info = addrinfo_of_type (infos, SOCK_STREAM);

    assert_addrinfo (info, AF_INET, SOCK_STREAM, IPPROTO_TCP, "('127.0.0.1', uint16 80)");
  }
}

static void
test_getaddrinfo_v4mapped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) infos = NULL;
  g_autoptr(GVariant) info = NULL;

  g_test_summary ("getaddrinfo() of an IPv4 address for AF_INET6: EAI_ADDRFAMILY, or with "
                  "AI_V4MAPPED (\"::ffff:127.0.0.1\", port, 0, 0)");

  infos = sock_getaddrinfo ("127.0.0.1", "80", AF_INET6, SOCK_STREAM, 0, AI_V4MAPPED, &error);
  g_assert_no_error (error);
  info = addrinfo_of_type (infos, SOCK_STREAM);
  assert_addrinfo (info, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
                   "('::ffff:127.0.0.1', uint16 80, uint32 0, uint32 0)");
  g_clear_pointer (&infos, g_variant_unref);

  infos = sock_getaddrinfo ("127.0.0.1", "80", AF_INET6, SOCK_STREAM, 0, 0, &error);
  g_assert_null (infos);
  assert_gai_error (error, SOCK_RESOLVER_ERROR_NOT_FOUND, EAI_ADDRFAMILY);
}

static void
test_getaddrinfo_errors (void)
{
  const struct {
    const gchar *host, *port;
    gint family, type, proto, flags;
    gint code, eai_code;
  } cases[] = {
    { NULL, NULL, 0, 0, 0, 0, SOCK_RESOLVER_ERROR_NOT_FOUND, EAI_NONAME },
    { UNRESOLVABLE, "80", 0, SOCK_STREAM, 0, 0, SOCK_RESOLVER_ERROR_NOT_FOUND, EAI_NONAME },
    { "localhost", "no-such-service", 0, SOCK_STREAM, 0, 0, SOCK_RESOLVER_ERROR_NOT_FOUND,
      EAI_SERVICE },
    { "localhost", "80", 12345, 0, 0, 0, SOCK_RESOLVER_ERROR_FAILED, EAI_FAMILY },
    { "localhost", "80", AF_UNIX, 0, 0, 0, SOCK_RESOLVER_ERROR_FAILED, EAI_FAMILY },
    { "localhost", "80", 0, 12345, 0, 0, SOCK_RESOLVER_ERROR_FAILED, EAI_SOCKTYPE },
    { "localhost", "80", 0, SOCK_STREAM, IPPROTO_UDP, 0, SOCK_RESOLVER_ERROR_FAILED,
      EAI_SOCKTYPE },
    { "localhost", "80", 0, 0, 0, -1, SOCK_RESOLVER_ERROR_FAILED, EAI_BADFLAGS },
    { "localhost", "80", 0, 0, 0, AI_NUMERICHOST, SOCK_RESOLVER_ERROR_NOT_FOUND, EAI_NONAME },
    { "127.0.0.1", "http", 0, SOCK_STREAM, 0, AI_NUMERICSERV, SOCK_RESOLVER_ERROR_NOT_FOUND,
      EAI_NONAME },
    { "fe80::1%no-such-interface", "80", 0, 0, 0, AI_NUMERICHOST,
      SOCK_RESOLVER_ERROR_NOT_FOUND, EAI_NONAME },
  };

  g_test_summary ("getaddrinfo() failures are SOCK_RESOLVER_ERROR with the 1.0 code and "
                  "the EAI_* code CPython's gaierror carries");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) infos = NULL;

      g_test_message ("getaddrinfo (%s, %s, %d, %d, %d, %d)", cases[i].host, cases[i].port,
                      cases[i].family, cases[i].type, cases[i].proto, cases[i].flags);
      infos = sock_getaddrinfo (cases[i].host, cases[i].port, cases[i].family, cases[i].type,
                                cases[i].proto, cases[i].flags, &error);
      g_assert_null (infos);
      assert_gai_error (error, cases[i].code, cases[i].eai_code);
      if (cases[i].host != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].host));
    }
}

static void
test_getaddrinfo_port_range (void)
{
  const gchar *bad[] = { "65536", "99999999999999999999999", "+65536", " 65536", "0065536" };
  const struct { const gchar *port; guint16 number; } good[] = {
    { "65535", 65535 }, { "+80", 80 }, { " 80", 80 }, { "080", 80 }, { "0", 0 }, { "", 0 },
  };

  g_test_summary ("getaddrinfo() refuses a numeric port past 65535 with EINVAL, in every "
                  "spelling the C library reads as a number, where it would wrap it around");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) infos = sock_getaddrinfo ("127.0.0.1", bad[i], 0, 0, 0, 0, &error);

      g_assert_null (infos);
      test_assert_sock_error (error, EINVAL);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }

  /* What the C library reads as a number, in range. */
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) infos = NULL;
      g_autoptr(GVariant) info = NULL;
      g_autofree gchar *expected = NULL;

      g_test_message ("port \"%s\"", good[i].port);
      infos = sock_getaddrinfo ("127.0.0.1", good[i].port, AF_INET, SOCK_STREAM, 0, 0, &error);
      g_assert_no_error (error);
      info = addrinfo_of_type (infos, SOCK_STREAM);
      expected = g_strdup_printf ("('127.0.0.1', uint16 %u)", good[i].number);
      assert_addrinfo (info, AF_INET, SOCK_STREAM, IPPROTO_TCP, expected);
    }
}

/* getnameinfo ----------------------------------------------------------------- */

static void
assert_nameinfo (GVariant    *address,
                 gint         flags,
                 const gchar *host,
                 const gchar *port)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *got_host = NULL;
  g_autofree gchar *got_port = NULL;
  g_autofree gchar *text = g_variant_print (address, TRUE);

  g_test_message ("getnameinfo (%s, %d)", text, flags);
  test_assert_ok (sock_getnameinfo (address, flags, &got_host, &got_port, &error), error);
  g_assert_cmpstr (got_host, ==, host);
  g_assert_cmpstr (got_port, ==, port);
}

static void
test_getnameinfo_numeric (void)
{
  const gint numeric = NI_NUMERICHOST | NI_NUMERICSERV;
  g_autofree gchar *scoped = NULL;
  guint lo = if_nametoindex ("lo");

  g_test_summary ("getnameinfo() with NI_NUMERICHOST | NI_NUMERICSERV gives the numeric "
                  "forms back, for (sq), (si), (su) and (squu), with any IPv6 scope");

  assert_nameinfo (g_variant_new ("(sq)", "127.0.0.1", 80), numeric, "127.0.0.1", "80");
  assert_nameinfo (g_variant_new ("(si)", "127.0.0.1", 65535), numeric, "127.0.0.1", "65535");
  assert_nameinfo (g_variant_new ("(su)", "10.1.2.3", 0), numeric, "10.1.2.3", "0");
  /* The forms the C library reads numerically, as in CPython. */
  assert_nameinfo (g_variant_new ("(sq)", "127.1", 80), numeric, "127.0.0.1", "80");
  assert_nameinfo (g_variant_new ("(sq)", "::1", 80), numeric, "::1", "80");
  assert_nameinfo (g_variant_new ("(squu)", "::1", 80, 0xfffff, 0), numeric, "::1", "80");
  assert_nameinfo (g_variant_new ("(squu)", "::ffff:127.0.0.1", 1, 0, 0), numeric,
                   "::ffff:127.0.0.1", "1");

  if (lo == 0)
    {
      g_test_message ("No interface is named \"lo\": no scope checked");
      return;
    }
  assert_nameinfo (g_variant_new ("(sq)", "fe80::1%lo", 80), numeric, "fe80::1%lo", "80");
  assert_nameinfo (g_variant_new ("(squu)", "fe80::1%lo", 80, 0, 0), numeric,
                   "fe80::1%lo", "80");
  assert_nameinfo (g_variant_new ("(squu)", "fe80::1", 80, 0, lo), numeric, "fe80::1%lo",
                   "80");
  scoped = g_strdup_printf ("fe80::1%%%u", lo);
  assert_nameinfo (g_variant_new ("(sq)", scoped, 80), numeric, "fe80::1%lo", "80");
  /* glibc names the scope of link-local addresses only; others get the
   * index. */
  g_free (scoped);
  scoped = g_strdup_printf ("::1%%%u", lo);
  assert_nameinfo (g_variant_new ("(sq)", "::1%lo", 80), numeric, scoped, "80");
}

static void
test_getnameinfo_lookup (void)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  gchar host[NI_MAXHOST], serv[NI_MAXSERV];

  g_test_summary ("getnameinfo() of 127.0.0.1 names the host and the service as the C "
                  "library does (\"localhost\", \"http\" on most systems), NI_DGRAM "
                  "choosing the UDP service");

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons (80);
  g_assert_cmpint (getnameinfo ((struct sockaddr *) &sin, sizeof sin, host, sizeof host,
                                serv, sizeof serv, 0), ==, 0);
  assert_nameinfo (g_variant_new ("(sq)", "127.0.0.1", 80), 0, host, serv);
  assert_nameinfo (g_variant_new ("(sq)", "127.0.0.1", 80), NI_NUMERICHOST, "127.0.0.1",
                   serv);
  assert_nameinfo (g_variant_new ("(sq)", "127.0.0.1", 80), NI_NAMEREQD | NI_NUMERICSERV,
                   host, "80");

  sin.sin_port = htons (53);
  g_assert_cmpint (getnameinfo ((struct sockaddr *) &sin, sizeof sin, host, sizeof host,
                                serv, sizeof serv, NI_DGRAM), ==, 0);
  assert_nameinfo (g_variant_new ("(sq)", "127.0.0.1", 53), NI_DGRAM, host, serv);

  /* Both out arguments are optional. */
  {
    g_autoptr(GError) error = NULL;

    test_assert_ok (sock_getnameinfo (g_variant_new ("(sq)", "127.0.0.1", 80),
                                      NI_NUMERICHOST, NULL, NULL, &error), error);
  }
}

static void
test_getnameinfo_invalid (void)
{
  const struct { const gchar *address; gint flags; gint eai_code; } resolver[] = {
    /* A name is not looked up, as in CPython. */
    { "('localhost', uint16 80)", 0, EAI_NONAME },
    { "('" UNRESOLVABLE "', uint16 80)", 0, EAI_NONAME },
    { "('', uint16 80)", 0, EAI_NONAME },
    { "('<broadcast>', uint16 80)", 0, EAI_NONAME },
    { "('127.0.0.1 ', uint16 80)", 0, EAI_NONAME },
    { "('::1%no-such-interface', uint16 80)", 0, EAI_NONAME },
    { "('127.0.0.1', uint16 80)", -1, EAI_BADFLAGS },
  };
  const gchar *invalid[] = {
    "('127.0.0.1', uint16 80, uint32 0, uint32 0)",
    "('::1', uint16 80, uint32 1048576, uint32 0)",
    "('::1', uint16 80, uint32 0, int64 4294967296)",
    "('127.0.0.1', -1)",
    "('127.0.0.1', 65536)",
    "'127.0.0.1'",
    "('127.0.0.1',)",
    "('::1', uint16 80, uint32 0)",
    "(1, uint16 80)",
    "[byte 0x31]",
  };

  g_test_summary ("getnameinfo() of a host that is not numeric, or with bad flags, is "
                  "SOCK_RESOLVER_ERROR (EAI_NONAME, EAI_BADFLAGS); an address of the wrong "
                  "shape or range, or (squu) with an IPv4 host, is SOCK_ERROR/EINVAL");

  for (gsize i = 0; i < G_N_ELEMENTS (resolver); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) address = g_variant_parse (NULL, resolver[i].address, NULL, NULL,
                                                     NULL);
      g_autofree gchar *host = NULL;
      g_autofree gchar *port = NULL;

      g_test_message ("getnameinfo (%s, %d)", resolver[i].address, resolver[i].flags);
      g_assert_false (sock_getnameinfo (address, resolver[i].flags, &host, &port, &error));
      g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
      g_assert_cmpint (sock_resolver_error_get_eai_code (error), ==, resolver[i].eai_code);
      g_assert_null (host);
      g_assert_null (port);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) address = g_variant_parse (NULL, invalid[i], NULL, NULL, NULL);
      g_autofree gchar *host = NULL;

      g_test_message ("getnameinfo (%s)", invalid[i]);
      g_assert_nonnull (address);
      g_assert_false (sock_getnameinfo (address, NI_NUMERICHOST, &host, NULL, &error));
      test_assert_sock_error (error, EINVAL);
      g_assert_null (host);
    }
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

  g_test_add_func ("/resolver/gethostname/node-name", test_gethostname);
  g_test_add_func ("/resolver/getfqdn/always-a-name", test_getfqdn);
  g_test_add_func ("/resolver/gethostbyname/basic", test_gethostbyname);
  g_test_add_func ("/resolver/gethostbyname/own-name", test_gethostbyname_own_name);
  g_test_add_func ("/resolver/gethostbyname/unresolvable", test_gethostbyname_unresolvable);
  g_test_add_func ("/resolver/gethostbyname_ex/localhost", test_gethostbyname_ex);
  g_test_add_func ("/resolver/gethostbyname_ex/literal", test_gethostbyname_ex_literal);
  g_test_add_func ("/resolver/gethostbyaddr/loopback", test_gethostbyaddr);
  g_test_add_func ("/resolver/gethostbyaddr/by-name", test_gethostbyaddr_by_name);
  g_test_add_func ("/resolver/getprotobyname/known-and-unknown", test_getprotobyname);
  g_test_add_func ("/resolver/getservbyname/known-and-unknown", test_getservbyname);
  g_test_add_func ("/resolver/gethostbyname_ex/threads", test_threads);
  g_test_add_func ("/resolver/getaddrinfo/localhost", test_getaddrinfo_localhost);
  g_test_add_func ("/resolver/getaddrinfo/numeric", test_getaddrinfo_numeric);
  g_test_add_func ("/resolver/getaddrinfo/passive", test_getaddrinfo_passive);
  g_test_add_func ("/resolver/getaddrinfo/canonname", test_getaddrinfo_canonname);
  g_test_add_func ("/resolver/getaddrinfo/v4mapped", test_getaddrinfo_v4mapped);
  g_test_add_func ("/resolver/getaddrinfo/errors", test_getaddrinfo_errors);
  g_test_add_func ("/resolver/getaddrinfo/port-range", test_getaddrinfo_port_range);
  g_test_add_func ("/resolver/getnameinfo/numeric", test_getnameinfo_numeric);
  g_test_add_func ("/resolver/getnameinfo/lookup", test_getnameinfo_lookup);
  g_test_add_func ("/resolver/getnameinfo/invalid", test_getnameinfo_invalid);
  g_test_add_func ("/resolver/resolver_error_get_eai_code", test_resolver_error_get_eai_code);

  return g_test_run ();
}
