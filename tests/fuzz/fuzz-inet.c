/* fuzz-inet.c: inet_aton() and inet_ntoa()
 *
 * The input, up to its first NUL, is an address string for inet_aton(); the
 * whole input is a packed address for inet_ntoa(). What one accepts must
 * round-trip through the other.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) packed = NULL;
  g_autofree gchar *dotted = NULL;

  fuzz_init_once ();

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

  return 0;
}
