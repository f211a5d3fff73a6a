/* fuzz-inet.c: inet_aton(), inet_ntoa(), inet_pton() and inet_ntop()
 *
 * The input, up to its first NUL, is an address string for inet_aton() and
 * inet_pton() (both families); the whole input is a packed address for
 * inet_ntoa() and inet_ntop(). What one accepts must round-trip through the
 * other, and inet_pton() must accept exactly what the C library's does.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <arpa/inet.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_aton_ntoa (const gchar   *text,
                 const uint8_t *data,
                 size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) packed = NULL;
  g_autofree gchar *dotted = NULL;

  /* inet_aton: 4 bytes, which inet_ntoa turns into a dotted quad that
   * inet_aton reads back to the same 4 bytes. */
  packed = sock_inet_aton (text, &error);
  if (packed == NULL)
    {
      fuzz_check_error (error, "inet_aton");
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL), "inet_aton: %s",
                  error->message);
      g_clear_error (&error);
    }
  else
    {
      g_autoptr(GBytes) again = NULL;
      g_autofree gchar *quad = NULL;

      FUZZ_CHECK (g_bytes_get_size (packed) == 4, "inet_aton gave %" G_GSIZE_FORMAT " bytes",
                  g_bytes_get_size (packed));
      quad = sock_inet_ntoa (g_bytes_get_data (packed, NULL), 4, &error);
      FUZZ_CHECK (quad != NULL, "inet_ntoa of inet_aton's bytes failed");
      again = sock_inet_aton (quad, &error);
      FUZZ_CHECK (again != NULL && g_bytes_equal (again, packed),
                  "\"%s\" does not read back to the same address", quad);
    }

  /* inet_ntoa: exactly 4 bytes, anything else is EINVAL. */
  dotted = sock_inet_ntoa (size > 0 ? data : NULL, size, &error);
  if (size != 4)
    {
      FUZZ_CHECK (dotted == NULL, "inet_ntoa accepted %" G_GSIZE_FORMAT " bytes", size);
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL), "inet_ntoa: %s",
                  error ? error->message : "no error");
    }
  else
    {
      g_autoptr(GBytes) back = NULL;

      FUZZ_CHECK (dotted != NULL, "inet_ntoa of 4 bytes failed");
      FUZZ_CHECK (strlen (dotted) >= 7 && strlen (dotted) <= 15, "inet_ntoa gave \"%s\"",
                  dotted);
      back = sock_inet_aton (dotted, &error);
      FUZZ_CHECK (back != NULL && g_bytes_get_size (back) == 4 &&
                  memcmp (g_bytes_get_data (back, NULL), data, 4) == 0,
                  "\"%s\" does not read back to the input", dotted);
    }
}

static void
check_pton_ntop (gint           family,
                 gsize          packed_size,
                 const gchar   *text,
                 const uint8_t *data,
                 size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) packed = NULL;
  g_autofree gchar *written = NULL;
  guint8 libc[16];
  gboolean libc_ok;

  /* inet_pton: the C library's verdict, and the same bytes. */
  libc_ok = inet_pton (family, text, libc) == 1;
  packed = sock_inet_pton (family, text, &error);
  FUZZ_CHECK ((packed != NULL) == libc_ok, "inet_pton (%d, \"%s\"): %s, the C library %s",
              family, text, packed ? "accepted" : "refused", libc_ok ? "accepts" : "refuses");
  if (packed == NULL)
    {
      fuzz_check_error (error, "inet_pton");
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL), "inet_pton: %s",
                  error->message);
      g_clear_error (&error);
    }
  else
    {
      g_autoptr(GBytes) again = NULL;
      g_autofree gchar *canonical = NULL;

      FUZZ_CHECK (g_bytes_get_size (packed) == packed_size &&
                  memcmp (g_bytes_get_data (packed, NULL), libc, packed_size) == 0,
                  "inet_pton (%d, \"%s\") differs from the C library", family, text);
      canonical = sock_inet_ntop (family, g_bytes_get_data (packed, NULL), packed_size,
                                  &error);
      FUZZ_CHECK (canonical != NULL, "inet_ntop of inet_pton's bytes failed");
      again = sock_inet_pton (family, canonical, &error);
      FUZZ_CHECK (again != NULL && g_bytes_equal (again, packed),
                  "\"%s\" does not read back to the same address", canonical);
    }

  /* inet_ntop: exactly the family's size, anything else is EINVAL. */
  written = sock_inet_ntop (family, size > 0 ? data : NULL, size, &error);
  if (size != packed_size)
    {
      FUZZ_CHECK (written == NULL, "inet_ntop (%d) accepted %" G_GSIZE_FORMAT " bytes",
                  family, size);
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL), "inet_ntop: %s",
                  error ? error->message : "no error");
    }
  else
    {
      g_autoptr(GBytes) back = NULL;

      FUZZ_CHECK (written != NULL, "inet_ntop of %" G_GSIZE_FORMAT " bytes failed", size);
      back = sock_inet_pton (family, written, &error);
      FUZZ_CHECK (back != NULL && g_bytes_get_size (back) == packed_size &&
                  memcmp (g_bytes_get_data (back, NULL), data, packed_size) == 0,
                  "\"%s\" does not read back to the input", written);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) none = NULL;
  g_autofree gchar *nothing = NULL;

  fuzz_init_once ();

  check_aton_ntoa (text, data, size);
  check_pton_ntop (AF_INET, 4, text, data, size);
  check_pton_ntop (AF_INET6, 16, text, data, size);

  /* Other families: EAFNOSUPPORT and EINVAL, as CPython. */
  none = sock_inet_pton (AF_UNIX, text, &error);
  FUZZ_CHECK (none == NULL && g_error_matches (error, SOCK_ERROR, EAFNOSUPPORT),
              "inet_pton (AF_UNIX) did not fail with EAFNOSUPPORT");
  g_clear_error (&error);
  nothing = sock_inet_ntop (AF_UNIX, size > 0 ? data : NULL, size, &error);
  FUZZ_CHECK (nothing == NULL && g_error_matches (error, SOCK_ERROR, EINVAL),
              "inet_ntop (AF_UNIX) did not fail with EINVAL");

  return 0;
}
