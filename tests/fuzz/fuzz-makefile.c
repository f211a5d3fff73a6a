/* fuzz-makefile.c: makefile() with any mode string and buffer size
 *
 * Input layout:
 *   bytes 0-3  bufsize (host order, any int)
 *   byte 4     bit 0: pass a NULL mode
 *   rest       the mode, up to its first NUL
 *
 * On a connected AF_UNIX pair, makefile() must accept exactly the modes the
 * contract lists (r, w, rw, r+, w+, each with an optional b) and sizes up to
 * its limit, refuse anything else with SOCK_ERROR/EINVAL, and a stream it
 * makes must carry bytes both ways as its mode grants, failing with
 * G_IO_ERROR_NOT_SUPPORTED on the half it does not grant.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

#include <fcntl.h>

/* The contract's grammar: the first letter is r or w; one b may appear
 * anywhere after it; what remains is one of r, w, rw, r+, w+. */
static gboolean
mode_is_valid (const gchar *mode,
               gboolean    *readable,
               gboolean    *writable)
{
  g_autofree gchar *rest = NULL;
  gchar *b;

  if (mode == NULL)
    mode = "r";
  if (mode[0] != 'r' && mode[0] != 'w')
    return FALSE;
  rest = g_strdup (mode);
  if ((b = strchr (rest + 1, 'b')) != NULL)
    memmove (b, b + 1, strlen (b));
  if (g_str_equal (rest, "r"))
    *readable = TRUE, *writable = FALSE;
  else if (g_str_equal (rest, "w"))
    *readable = FALSE, *writable = TRUE;
  else if (g_str_equal (rest, "rw") || g_str_equal (rest, "r+") || g_str_equal (rest, "w+"))
    *readable = *writable = TRUE;
  else
    return FALSE;
  return TRUE;
}

static void
exercise (GIOStream *stream,
          gint       peer,
          gboolean   readable,
          gboolean   writable)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);
  GOutputStream *output = g_io_stream_get_output_stream (stream);
  g_autoptr(GError) error = NULL;
  gchar buffer[8] = { 0 };
  gsize done = 0;

  if (writable)
    {
      gchar echo[8] = { 0 };

      FUZZ_CHECK (g_output_stream_write_all (output, "out\n", 4, &done, NULL, &error) &&
                  g_output_stream_flush (output, NULL, &error),
                  "writing to a writable stream: %s", error->message);
      FUZZ_CHECK (read (peer, echo, 4) == 4 && memcmp (echo, "out\n", 4) == 0,
                  "the peer did not get the bytes written");
    }
  else
    {
      FUZZ_CHECK (g_output_stream_write (output, "x", 1, NULL, &error) < 0,
                  "writing to a stream that is not writable succeeded");
      FUZZ_CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED),
                  "writing to a read-only stream: %s", error->message);
      g_clear_error (&error);
    }

  if (readable)
    {
      FUZZ_CHECK (write (peer, "in\n", 3) == 3, "write to the peer");
      FUZZ_CHECK (g_input_stream_read_all (input, buffer, 3, &done, NULL, &error) &&
                  done == 3 && memcmp (buffer, "in\n", 3) == 0,
                  "reading from a readable stream: %s", error ? error->message : "short");
    }
  else
    {
      FUZZ_CHECK (g_input_stream_read (input, buffer, 1, NULL, &error) < 0,
                  "reading from a stream that is not readable succeeded");
      FUZZ_CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED),
                  "reading from a write-only stream: %s", error->message);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autofree gchar *mode = NULL;
  gboolean readable = FALSE, writable = FALSE, valid;
  gint32 bufsize;
  gint fds[2];

  fuzz_init_once ();
  if (size < 5)
    return 0;
  memcpy (&bufsize, data, 4);
  if (!(data[4] & 1))
    mode = g_strndup ((const gchar *) data + 5, size - 5);
  valid = mode_is_valid (mode, &readable, &writable);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    abort ();
  sock = sock_fromfd (fds[0], AF_UNIX, SOCK_STREAM, 0, &error);
  FUZZ_CHECK (sock != NULL, "fromfd: %s", error->message);
  close (fds[0]);

  stream = sock_object_makefile (sock, mode, bufsize, &error);
  if (g_error_matches (error, SOCK_ERROR, ENOSYS))
    {
      /* Not implemented in this build: nothing to check yet. */
      close (fds[1]);
      return 0;
    }

  if (!valid)
    {
      FUZZ_CHECK (stream == NULL, "makefile accepted the mode \"%s\"", mode);
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL), "bad mode: %s",
                  error->message);
    }
  else if (stream == NULL)
    {
      /* A valid mode fails only for a buffer size over the limit. */
      fuzz_check_error (error, "makefile");
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL) && bufsize > 1024 * 1024,
                  "makefile (\"%s\", %d): %s", mode ? mode : "(null)", bufsize,
                  error->message);
    }
  else
    {
      exercise (stream, fds[1], readable, writable);
      FUZZ_CHECK (g_io_stream_close (stream, NULL, NULL), "closing the stream");
    }

  close (fds[1]);
  return 0;
}
