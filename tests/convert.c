/* convert.c: tests of byte-order and packed address conversions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "test-util.h"

static void
test_byte_order (void)
{
  const guint32 longs[] = { 0, 1, 0x01020304u, 0x7f000001u, 0x80000000u, 0xdeadbeefu, G_MAXUINT32 };
  const guint16 shorts[] = { 0, 1, 0x0102, 0x00ff, 0xff00, 0x8000, 0xbeef, G_MAXUINT16 };
  guint32 one = 1;
  gsize i;

  g_test_summary ("ntohl/htonl/ntohs/htons agree with the C library, are "
                  "inverses of each other, and put the most significant byte "
                  "first on the wire");

  for (i = 0; i < G_N_ELEMENTS (longs); i++)
    {
      g_assert_cmphex (sock_htonl (longs[i]), ==, htonl (longs[i]));
      g_assert_cmphex (sock_ntohl (longs[i]), ==, ntohl (longs[i]));
      g_assert_cmphex (sock_ntohl (sock_htonl (longs[i])), ==, longs[i]);
    }
  for (i = 0; i < G_N_ELEMENTS (shorts); i++)
    {
      g_assert_cmphex (sock_htons (shorts[i]), ==, htons (shorts[i]));
      g_assert_cmphex (sock_ntohs (shorts[i]), ==, ntohs (shorts[i]));
      g_assert_cmphex (sock_ntohs (sock_htons (shorts[i])), ==, shorts[i]);
    }

  /* Network order is big-endian whatever the host is. */
  one = sock_htonl (0x01020304u);
  g_assert_cmpmem (&one, 4, "\x01\x02\x03\x04", 4);
  {
    guint16 s = sock_htons (0x0102);
    g_assert_cmpmem (&s, 2, "\x01\x02", 2);
  }
}

static void
assert_aton (const gchar *text,
             const gchar *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) packed = NULL;
  struct in_addr libc;

  g_test_message ("inet_aton (\"%s\")", text);
  packed = sock_inet_aton (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (packed);
  g_assert_cmpmem (g_bytes_get_data (packed, NULL), g_bytes_get_size (packed), expected, 4);

  /* The same as the C library's inet_aton(), which the seed defers to. */
  g_assert_cmpint (inet_aton (text, &libc), !=, 0);
  g_assert_cmpmem (&libc, 4, expected, 4);
}

static void
test_inet_aton (void)
{
  g_test_summary ("inet_aton() packs dotted quads and the short and hex "
                  "forms the C library accepts into 4 bytes in network order");

  assert_aton ("1.2.3.4", "\x01\x02\x03\x04");
  assert_aton ("127.0.0.1", "\x7f\x00\x00\x01");
  assert_aton ("255.255.255.255", "\xff\xff\xff\xff");
  assert_aton ("0.0.0.0", "\x00\x00\x00\x00");
  /* a.b.c: c fills the last 16 bits. */
  assert_aton ("1.2.3", "\x01\x02\x00\x03");
  /* a.b: b fills the last 24 bits. */
  assert_aton ("127.1", "\x7f\x00\x00\x01");
  assert_aton ("0x7f.1", "\x7f\x00\x00\x01");
  assert_aton ("0177.0.0.1", "\x7f\x00\x00\x01");
  assert_aton ("2130706433", "\x7f\x00\x00\x01");
}

static void
test_inet_aton_invalid (void)
{
  const gchar *bad[] = {
    "", "abc", "1.2.3.256", "1.2.3.4.5", "1..2", "256.0.0.1", "4294967296",
    "0x100000000", "1.2.3.-4", " 1.2.3.4", "localhost", "::1",
  };
  gsize i;

  g_test_summary ("inet_aton() of a string that is not an IPv4 address "
                  "fails with SOCK_ERROR/EINVAL");

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) packed = NULL;
      struct in_addr libc;

      g_test_message ("inet_aton (\"%s\")", bad[i]);
      g_assert_cmpint (inet_aton (bad[i], &libc), ==, 0);
      packed = sock_inet_aton (bad[i], &error);
      g_assert_null (packed);
      test_assert_sock_error (error, EINVAL);
    }
}

static void
test_inet_ntoa (void)
{
  const gchar *addresses[] = { "1.2.3.4", "127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.200.3" };
  gsize i;

  g_test_summary ("inet_ntoa() turns 4 packed bytes into a dotted quad; "
                  "inet_ntoa(inet_aton(x)) == x");

  for (i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) packed = NULL;
      g_autofree gchar *text = NULL;
      gsize size;
      gconstpointer data;

      packed = sock_inet_aton (addresses[i], &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (packed, &size);
      text = sock_inet_ntoa (data, size, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, addresses[i]);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree gchar *text = sock_inet_ntoa ((const guint8 *) "\xc0\xa8\x01\x02", 4, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (text, ==, "192.168.1.2");
  }
}

static void
test_inet_ntoa_length (void)
{
  static const guint8 bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const gsize lengths[] = { 1, 3, 5, 8, 16 };
  g_autoptr(GError) error = NULL;
  gchar *text;
  gsize i;

  g_test_summary ("inet_ntoa() of anything but exactly 4 bytes fails with "
                  "SOCK_ERROR/EINVAL");

  for (i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      const guint8 *data = lengths[i] <= sizeof bytes ? bytes : NULL;
      guint8 *big = NULL;

      if (data == NULL)
        data = big = g_malloc0 (lengths[i]);
      text = sock_inet_ntoa (data, lengths[i], &error);
      g_assert_null (text);
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);
      g_free (big);
    }

  /* An empty array, as a binding passes it: NULL with length 0. */
  text = sock_inet_ntoa (NULL, 0, &error);
  g_assert_null (text);
  test_assert_sock_error (error, EINVAL);
}

/* inet_pton / inet_ntop ------------------------------------------------------ */

static void
test_inet_pton (void)
{
  const struct { gint family; const gchar *text; gsize size; const gchar *packed; } cases[] = {
    { AF_INET, "1.2.3.4", 4, "\x01\x02\x03\x04" },
    { AF_INET, "0.0.0.0", 4, "\x00\x00\x00\x00" },
    { AF_INET, "255.255.255.255", 4, "\xff\xff\xff\xff" },
    { AF_INET6, "::", 16, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0" },
    { AF_INET6, "::1", 16, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" },
    { AF_INET6, "fe80::1", 16, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" },
    { AF_INET6, "FE80::A", 16, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x0a" },
    { AF_INET6, "1:2:3:4:5:6:7:8", 16,
      "\0\x01\0\x02\0\x03\0\x04\0\x05\0\x06\0\x07\0\x08" },
    { AF_INET6, "::ffff:1.2.3.4", 16, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04" },
    { AF_INET6, "2001:db8::ff00:42:8329", 16,
      "\x20\x01\x0d\xb8\0\0\0\0\0\0\xff\x00\x00\x42\x83\x29" },
  };

  g_test_summary ("inet_pton() packs the standard text forms of IPv4 (4 bytes) and IPv6 "
                  "(16 bytes) addresses as the C library does");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) packed = NULL;
      guint8 libc[16];
      gsize size;
      gconstpointer data;

      g_test_message ("inet_pton (%d, \"%s\")", cases[i].family, cases[i].text);
      packed = sock_inet_pton (cases[i].family, cases[i].text, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (packed, &size);
      g_assert_cmpmem (data, size, cases[i].packed, cases[i].size);
      g_assert_cmpint (inet_pton (cases[i].family, cases[i].text, libc), ==, 1);
      g_assert_cmpmem (data, size, libc, cases[i].size);
    }

  g_assert_cmpint (SOCK_AF_INET6, ==, AF_INET6);
}

static void
test_inet_pton_invalid (void)
{
  const struct { gint family; const gchar *text; } bad[] = {
    /* inet_aton() takes these, inet_pton() does not. */
    { AF_INET, "1.2.3" }, { AF_INET, "127.1" }, { AF_INET, "0x7f.0.0.1" },
    { AF_INET, "2130706433" },
    { AF_INET, "" }, { AF_INET, "1.2.3.4 " }, { AF_INET, " 1.2.3.4" }, { AF_INET, "256.1.1.1" },
    { AF_INET, "1.2.3.4.5" }, { AF_INET, "::1" }, { AF_INET, "localhost" },
    { AF_INET6, "" }, { AF_INET6, "1.2.3.4" }, { AF_INET6, ":::" }, { AF_INET6, "1::2::3" },
    { AF_INET6, "fe80::1%eth0" }, { AF_INET6, "fe80::1%1" }, { AF_INET6, "g::1" },
    { AF_INET6, "12345::" }, { AF_INET6, "1:2:3:4:5:6:7:8:9" }, { AF_INET6, "[::1]" },
    { AF_INET6, "localhost" },
  };

  g_test_summary ("inet_pton() of a string that is not an address of the family, in its "
                  "standard form, is SOCK_ERROR/EINVAL naming the string");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) packed = NULL;
      guint8 libc[16];

      g_test_message ("inet_pton (%d, \"%s\")", bad[i].family, bad[i].text);
      g_assert_cmpint (inet_pton (bad[i].family, bad[i].text, libc), ==, 0);
      packed = sock_inet_pton (bad[i].family, bad[i].text, &error);
      g_assert_null (packed);
      test_assert_sock_error (error, EINVAL);
      g_assert_nonnull (strstr (error->message, bad[i].text));
    }
}

static void
test_inet_pton_family (void)
{
  const gint families[] = { AF_UNIX, AF_UNSPEC, -1, 12345, AF_PACKET };

  g_test_summary ("inet_pton() with a family other than AF_INET and AF_INET6 is "
                  "SOCK_ERROR/EAFNOSUPPORT, as CPython's OSError");

  for (gsize i = 0; i < G_N_ELEMENTS (families); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) packed = sock_inet_pton (families[i], "1.2.3.4", &error);

      g_assert_null (packed);
      test_assert_sock_error (error, EAFNOSUPPORT);
    }
}

static void
test_inet_ntop (void)
{
  const struct { gint family; const gchar *text; const gchar *canonical; } cases[] = {
    { AF_INET, "1.2.3.4", NULL },
    { AF_INET, "0.0.0.0", NULL },
    { AF_INET, "255.255.255.255", NULL },
    { AF_INET6, "::", NULL },
    { AF_INET6, "::1", NULL },
    { AF_INET6, "FE80:0:0:0:0:0:0:A", "fe80::a" },
    { AF_INET6, "1:2:3:4:5:6:7:8", NULL },
    { AF_INET6, "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
    { AF_INET6, "::ffff:7f00:1", "::ffff:127.0.0.1" },
    { AF_INET6, "2001:0db8::ff00:0042:8329", "2001:db8::ff00:42:8329" },
  };

  g_test_summary ("inet_ntop() writes the standard text form (IPv6 in lower case, the "
                  "longest run of zeroes as ::, v4-mapped as ::ffff:a.b.c.d); "
                  "inet_pton() reads it back to the same bytes");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) packed = NULL;
      g_autoptr(GBytes) again = NULL;
      g_autofree gchar *text = NULL;
      const gchar *expected = cases[i].canonical ? cases[i].canonical : cases[i].text;
      gsize size;
      gconstpointer data;

      packed = sock_inet_pton (cases[i].family, cases[i].text, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (packed, &size);
      text = sock_inet_ntop (cases[i].family, data, size, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, expected);

      again = sock_inet_pton (cases[i].family, text, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (again, packed));
    }
}

static void
test_inet_ntop_length (void)
{
  static const guint8 bytes[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  const struct { gint family; gsize length; } bad[] = {
    { AF_INET, 0 }, { AF_INET, 3 }, { AF_INET, 5 }, { AF_INET, 16 },
    { AF_INET6, 0 }, { AF_INET6, 4 }, { AF_INET6, 15 }, { AF_INET6, 17 }, { AF_INET6, 32 },
  };
  g_autoptr(GError) error = NULL;
  gchar *text;

  g_test_summary ("inet_ntop() of a length other than 4 for AF_INET or 16 for AF_INET6 is "
                  "SOCK_ERROR/EINVAL, as CPython's ValueError");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      text = sock_inet_ntop (bad[i].family, bad[i].length > 0 ? bytes : NULL, bad[i].length,
                             &error);
      g_assert_null (text);
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);
    }
}

static void
test_inet_ntop_family (void)
{
  static const guint8 bytes[16] = { 0 };
  const gint families[] = { AF_UNIX, AF_UNSPEC, -1, 12345 };

  g_test_summary ("inet_ntop() with a family other than AF_INET and AF_INET6 is "
                  "SOCK_ERROR/EINVAL, as CPython's ValueError");

  for (gsize i = 0; i < G_N_ELEMENTS (families); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gchar *text = sock_inet_ntop (families[i], bytes, 4, &error);

      g_assert_null (text);
      test_assert_sock_error (error, EINVAL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/convert/byte-order/c-library", test_byte_order);
  g_test_add_func ("/convert/inet_aton/valid", test_inet_aton);
  g_test_add_func ("/convert/inet_aton/invalid", test_inet_aton_invalid);
  g_test_add_func ("/convert/inet_ntoa/round-trip", test_inet_ntoa);
  g_test_add_func ("/convert/inet_ntoa/length", test_inet_ntoa_length);
  g_test_add_func ("/convert/inet_pton/valid", test_inet_pton);
  g_test_add_func ("/convert/inet_pton/invalid", test_inet_pton_invalid);
  g_test_add_func ("/convert/inet_pton/family", test_inet_pton_family);
  g_test_add_func ("/convert/inet_ntop/round-trip", test_inet_ntop);
  g_test_add_func ("/convert/inet_ntop/length", test_inet_ntop_length);
  g_test_add_func ("/convert/inet_ntop/family", test_inet_ntop_family);

  return g_test_run ();
}
