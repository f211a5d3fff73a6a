/* stream.c: tests of sock_object_makefile() — the GIOStream over a dup() of
 * the socket: modes, buffering, the pollable interfaces, async operations
 * without threads, splice, TLS, the socket's blocking mode and descriptors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>

#include "test-util.h"

/* How long a peer looks for data that must not have arrived yet, and the
 * most it waits for data that must arrive. */
#define ABSENT_MS 100
#define PRESENT_MS 5000

/* Any main loop a test runs gives up after this. */
#define LOOP_TIMEOUT_MS 30000

/* The last line of defence against a hang that nothing else bounds:
 * SIGALRM's default action ends the process, so the run fails instead of
 * stalling CI. */
#define WATCHDOG_SECONDS 90

static void
arm_watchdog (void)
{
  alarm (WATCHDOG_SECONDS);
}

/* Helpers ------------------------------------------------------------------- */

static GIOStream *
makefile (SockObject  *sock,
          const gchar *mode,
          gint         bufsize)
{
  g_autoptr(GError) error = NULL;
  GIOStream *stream;

  stream = sock_object_makefile (sock, mode, bufsize, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_IO_STREAM (stream));
  g_assert_nonnull (g_io_stream_get_input_stream (stream));
  g_assert_nonnull (g_io_stream_get_output_stream (stream));

  return stream;
}

static gboolean
fd_poll (gint   fd,
         gshort events,
         gint   timeout_ms)
{
  struct pollfd pfd = { .fd = fd, .events = events, .revents = 0 };
  gint result;

  do
    result = poll (&pfd, 1, timeout_ms);
  while (result < 0 && errno == EINTR);
  g_assert_cmpint (result, >=, 0);

  return result > 0;
}

static gboolean
peer_has_data (SockObject *peer,
               gint        timeout_ms)
{
  return fd_poll (sock_object_fileno (peer), POLLIN, timeout_ms);
}

static void
peer_send (SockObject  *peer,
           const gchar *data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sock_object_sendall (peer, (const guint8 *) data,
                                      strlen (data), 0, &error));
  g_assert_no_error (error);
}

/* Receives exactly @expected on @peer (each recv bounded by the test
 * SO_RCVTIMEO), then checks that nothing more is waiting. */
static void
assert_peer_receives (SockObject  *peer,
                      const gchar *expected)
{
  gsize length = strlen (expected);
  g_autofree guint8 *buffer = g_malloc (length + 1);
  gsize got = 0;

  g_assert_true (peer_has_data (peer, PRESENT_MS));

  while (got < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = sock_object_recv_into (peer, buffer + got, length - got, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      got += n;
    }

  g_assert_cmpmem (buffer, length, expected, length);
  g_assert_false (peer_has_data (peer, 0));
}

static void
write_all (GOutputStream *output,
           const gchar   *data)
{
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  g_assert_true (g_output_stream_write_all (output, data, strlen (data),
                                            &written, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, strlen (data));
}

static void
flush (GOutputStream *output)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_flush (output, NULL, &error));
  g_assert_no_error (error);
}

static void
close_stream (GIOStream *stream)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_io_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
is_blocking_fd (gint fd)
{
  gint flags = fcntl (fd, F_GETFL);

  g_assert_cmpint (flags, >=, 0);
  return (flags & O_NONBLOCK) == 0;
}

static gint
raw_fd_of_input (GInputStream *input)
{
  if (G_IS_FILTER_INPUT_STREAM (input))
    input = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (input));

  g_assert_true (G_IS_FILE_DESCRIPTOR_BASED (input));
  return g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (input));
}

static gint
raw_fd_of_output (GOutputStream *output)
{
  if (G_IS_FILTER_OUTPUT_STREAM (output))
    output = g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (output));

  g_assert_true (G_IS_FILE_DESCRIPTOR_BASED (output));
  return g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (output));
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until *@done, failing after
 * @timeout_ms. */
static void
run_until (gboolean *done,
           guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, set_flag, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  if (!*done)
    g_error ("main loop timed out after %u ms", timeout_ms);
}

/* Iterates the default main context for @ms milliseconds. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static guint
count_threads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, &error);
  guint count = 0;

  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    count++;

  return count;
}

static void
unix_pair (gchar       **tmpdir,
           SockObject  **client,
           SockObject  **server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) c = NULL;
  g_autoptr(SockObject) s = NULL;
  g_autofree gchar *path = NULL;

  *tmpdir = test_tmpdir_new ();
  path = g_build_filename (*tmpdir, "stream.sock", NULL);

  listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  g_assert_true (sock_object_bind (listener, g_variant_new_string (path), &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_listen (listener, 4, &error));
  g_assert_no_error (error);

  c = test_socket_new (AF_UNIX, SOCK_STREAM);
  g_assert_true (sock_object_connect (c, g_variant_new_string (path), &error));
  g_assert_no_error (error);
  s = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_set_io_timeout (s, TEST_IO_TIMEOUT_SECONDS);

  *client = g_steal_pointer (&c);
  *server = g_steal_pointer (&s);
}

/* Line protocol --------------------------------------------------------------- */

typedef struct
{
  gint family;
  gint bufsize;
} LineCase;

static void
test_line_protocol (gconstpointer data)
{
  const LineCase *lc = data;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) cstream = NULL;
  g_autoptr(GIOStream) sstream = NULL;
  g_autoptr(GDataInputStream) cin = NULL;
  g_autoptr(GDataInputStream) sin = NULL;
  g_autofree gchar *tmpdir = NULL;
  GOutputStream *cout, *sout;
  guint i;

  g_test_summary ("A request/response line protocol runs over two makefile() "
                  "streams, read with GDataInputStream and written with "
                  "g_output_stream_write_all(), for every kind of buffering");
  arm_watchdog ();

  if (lc->family == AF_UNIX)
    unix_pair (&tmpdir, &client, &server);
  else
    test_tcp_pair (&client, &server);

  cstream = makefile (client, "rwb", lc->bufsize);
  sstream = makefile (server, "r+", lc->bufsize);
  cout = g_io_stream_get_output_stream (cstream);
  sout = g_io_stream_get_output_stream (sstream);
  cin = g_data_input_stream_new (g_io_stream_get_input_stream (cstream));
  sin = g_data_input_stream_new (g_io_stream_get_input_stream (sstream));
  g_data_input_stream_set_newline_type (cin, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_data_input_stream_set_newline_type (sin, G_DATA_STREAM_NEWLINE_TYPE_LF);
  /* The data streams must not close the makefile halves under us. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (cin), FALSE);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (sin), FALSE);

  for (i = 0; i < 24; i++)
    {
      g_autoptr(GError) error = NULL;
      /* Lines from a few bytes to beyond every buffer size used here. */
      g_autofree gchar *filler = g_strnfill ((i * 997) % 12000, 'a' + i % 26);
      g_autofree gchar *request = g_strdup_printf ("request %u %s\n", i, filler);
      g_autofree gchar *expected = g_strdup_printf ("response %u %s", i, filler);
      g_autofree gchar *got = NULL;
      g_autofree gchar *response = NULL;
      gsize length = 0;

      write_all (cout, request);
      flush (cout);

      got = g_data_input_stream_read_line (sin, &length, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (got);
      g_assert_cmpuint (length, ==, strlen (request) - 1);
      g_assert_true (g_str_has_prefix (got, "request "));

      response = g_strdup_printf ("response%s\n", got + strlen ("request"));
      write_all (sout, response);
      flush (sout);

      g_clear_pointer (&got, g_free);
      got = g_data_input_stream_read_line (cin, &length, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, expected);
    }

  /* The peer closing its stream and its socket is end of stream here. */
  close_stream (sstream);
  g_assert_true (sock_object_close (server, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autofree gchar *eof = NULL;

    eof = g_data_input_stream_read_line (cin, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (eof);
  }

  close_stream (cstream);
  test_tmpdir_remove (tmpdir);
}

/* Buffering ------------------------------------------------------------------- */

static void
test_bufsize_unbuffered (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  GOutputStream *output;

  g_test_summary ("bufsize 0: every write reaches the peer at once, and "
                  "neither half is a buffering filter");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "r+b", 0);
  output = g_io_stream_get_output_stream (stream);
  g_assert_false (G_IS_FILTER_OUTPUT_STREAM (output));
  g_assert_false (G_IS_BUFFERED_INPUT_STREAM (g_io_stream_get_input_stream (stream)));

  write_all (output, "abc");
  assert_peer_receives (server, "abc");
  write_all (output, "no newline, no flush");
  assert_peer_receives (server, "no newline, no flush");

  close_stream (stream);
}

static void
test_bufsize_line (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autofree gchar *long_line = NULL;
  GOutputStream *output;

  g_test_summary ("bufsize 1: output is line buffered — data reaches the "
                  "peer at each newline or flush, not before");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "wb", 1);
  output = g_io_stream_get_output_stream (stream);
  g_assert_true (G_IS_POLLABLE_OUTPUT_STREAM (output));

  write_all (output, "abc");
  g_assert_false (peer_has_data (server, ABSENT_MS));

  /* Everything up to the last newline goes; the unfinished tail waits. */
  write_all (output, "def\nghi");
  assert_peer_receives (server, "abcdef\n");
  g_assert_false (peer_has_data (server, ABSENT_MS));

  flush (output);
  assert_peer_receives (server, "ghi");

  write_all (output, "one\ntwo\nthree");
  assert_peer_receives (server, "one\ntwo\n");

  /* A line longer than the line buffer still arrives whole. */
  long_line = g_strnfill (20000, 'x');
  write_all (output, long_line);
  write_all (output, "\n");
  {
    g_autofree gchar *expected = g_strconcat ("three", long_line, "\n", NULL);

    assert_peer_receives (server, expected);
  }

  /* Closing the stream flushes it. */
  write_all (output, "tail");
  g_assert_false (peer_has_data (server, ABSENT_MS));
  close_stream (stream);
  assert_peer_receives (server, "tail");
}

static void
test_bufsize_sized (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GIOStream) reader = NULL;
  GOutputStream *output;
  GInputStream *input;

  g_test_summary ("bufsize > 1: both halves buffer that many bytes; output "
                  "reaches the peer when the buffer fills or on flush, not "
                  "at a newline");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "wb", 16);
  output = g_io_stream_get_output_stream (stream);
  g_assert_true (G_IS_POLLABLE_OUTPUT_STREAM (output));

  write_all (output, "0123456789");
  g_assert_false (peer_has_data (server, ABSENT_MS));
  write_all (output, "\n");
  g_assert_false (peer_has_data (server, ABSENT_MS));

  /* This one does not fit: what was waiting goes out first. */
  write_all (output, "abcdefghij");
  assert_peer_receives (server, "0123456789\n");
  g_assert_false (peer_has_data (server, ABSENT_MS));

  flush (output);
  assert_peer_receives (server, "abcdefghij");

  /* A write as large as the buffer goes straight through. */
  write_all (output, "0123456789abcdef0123");
  assert_peer_receives (server, "0123456789abcdef0123");

  /* The input side is a GBufferedInputStream of that size. */
  reader = makefile (server, "rb", 16);
  input = g_io_stream_get_input_stream (reader);
  g_assert_true (G_IS_BUFFERED_INPUT_STREAM (input));
  g_assert_true (G_IS_POLLABLE_INPUT_STREAM (input));
  g_assert_cmpuint (g_buffered_input_stream_get_buffer_size (G_BUFFERED_INPUT_STREAM (input)),
                    ==, 16);

  write_all (output, "x");
  close_stream (stream);
  {
    g_autoptr(GError) error = NULL;
    gchar c = 0;

    g_assert_cmpint (g_input_stream_read (input, &c, 1, NULL, &error), ==, 1);
    g_assert_no_error (error);
    g_assert_cmpint (c, ==, 'x');
  }
  close_stream (reader);
}

static void
test_buffered_short_read (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *input;
  gchar buffer[100];
  gint64 start;

  g_test_summary ("A buffered read asked for more than is buffered returns "
                  "what is buffered at once, as recv() would, instead of "
                  "waiting for the rest (GBufferedInputStream's own read "
                  "would block)");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rb", 16);
  input = g_io_stream_get_input_stream (stream);

  peer_send (server, "abcdef");
  g_assert_true (peer_has_data (client, PRESENT_MS));
  g_assert_cmpint (g_input_stream_read (input, buffer, 2, NULL, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (input)),
                    ==, 4);

  start = g_get_monotonic_time ();
  g_assert_cmpint (g_input_stream_read (input, buffer, sizeof buffer, NULL, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, 4, "cdef", 4);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  peer_send (server, "ghij");
  g_assert_true (peer_has_data (client, PRESENT_MS));
  g_assert_cmpint (g_input_stream_read (input, buffer, 1, NULL, &error), ==, 1);
  start = g_get_monotonic_time ();
  g_assert_cmpint (g_input_stream_skip (input, sizeof buffer, NULL, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  close_stream (stream);
}

static void
test_bufsize_default (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  GInputStream *input;

  g_test_summary ("bufsize < 0: input is buffered in 8192 bytes; output "
                  "is written through, so nothing needs a flush");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rw", -1);
  input = g_io_stream_get_input_stream (stream);
  g_assert_true (G_IS_BUFFERED_INPUT_STREAM (input));
  g_assert_cmpuint (g_buffered_input_stream_get_buffer_size (G_BUFFERED_INPUT_STREAM (input)),
                    ==, 8192);

  write_all (g_io_stream_get_output_stream (stream), "no flush needed");
  assert_peer_receives (server, "no flush needed");

  g_clear_object (&stream);
  stream = makefile (client, "rw", -12345);
  write_all (g_io_stream_get_output_stream (stream), "any negative size");
  assert_peer_receives (server, "any negative size");
}

/* Pollable ------------------------------------------------------------------ */

static void
test_pollable_readable (gconstpointer data)
{
  gint bufsize = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GPollableInputStream *input;
  GPollableOutputStream *output;
  gchar buffer[16] = { 0, };

  g_test_summary ("The input half is pollable: not readable while nothing "
                  "is waiting (a non-blocking read would block), readable "
                  "once the peer sent something or the buffer holds data");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rwb", bufsize);
  input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
  output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
  g_assert_true (G_IS_POLLABLE_INPUT_STREAM (input));
  g_assert_true (g_pollable_input_stream_can_poll (input));
  g_assert_true (g_pollable_output_stream_can_poll (output));
  g_assert_true (g_pollable_output_stream_is_writable (output));

  g_assert_false (g_pollable_input_stream_is_readable (input));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                             NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  peer_send (server, "ping");
  /* The dup shares the socket's queue: readiness of one is the other's. */
  g_assert_true (peer_has_data (client, PRESENT_MS));
  g_assert_true (g_pollable_input_stream_is_readable (input));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                             NULL, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, 4, "ping", 4);
  g_assert_false (g_pollable_input_stream_is_readable (input));

  if (G_IS_BUFFERED_INPUT_STREAM (input))
    {
      GBufferedInputStream *buffered = G_BUFFERED_INPUT_STREAM (input);

      /* Data held in the buffer counts, though the socket is empty. */
      peer_send (server, "xyz");
      g_assert_true (peer_has_data (client, PRESENT_MS));
      g_assert_cmpint (g_buffered_input_stream_fill (buffered, -1, NULL, &error), ==, 3);
      g_assert_no_error (error);
      g_assert_false (peer_has_data (client, 0));
      g_assert_true (g_pollable_input_stream_is_readable (input));

      g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, 1,
                                                                 NULL, &error), ==, 1);
      g_assert_cmpint (buffer[0], ==, 'x');
      g_assert_true (g_pollable_input_stream_is_readable (input));
      g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                                 NULL, &error), ==, 2);
      g_assert_cmpmem (buffer, 2, "yz", 2);
      g_assert_false (g_pollable_input_stream_is_readable (input));
    }

  /* End of stream is readable too: the read returns 0 at once. */
  g_assert_true (sock_object_shutdown (server, SHUT_WR, NULL));
  g_assert_true (peer_has_data (client, PRESENT_MS));
  g_assert_true (g_pollable_input_stream_is_readable (input));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                             NULL, &error), ==, 0);
  g_assert_no_error (error);

  close_stream (stream);
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                             NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

static gboolean
source_fired (GObject  *stream,
              gpointer  user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static void
test_pollable_source (gconstpointer data)
{
  gint bufsize = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  GPollableInputStream *input;
  gchar buffer[16];
  guint fired = 0;

  g_test_summary ("A source from g_pollable_input_stream_create_source() "
                  "fires on the main loop when data arrives, stops when it "
                  "is consumed, and fires on cancellation");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rb", bufsize);
  input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));

  source = g_pollable_input_stream_create_source (input, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (source_fired), &fired, NULL);
  g_source_attach (source, NULL);

  run_for (ABSENT_MS);
  g_assert_cmpuint (fired, ==, 0);

  peer_send (server, "data");
  {
    gint64 deadline = g_get_monotonic_time () + PRESENT_MS * 1000;

    while (fired == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (fired, >, 0);

  /* Consumed: the source goes quiet again. For a buffered stream part of
   * the data stays in the buffer first, and that alone keeps it firing. */
  if (G_IS_BUFFERED_INPUT_STREAM (input))
    {
      g_assert_cmpint (g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (input),
                                                     -1, NULL, &error), ==, 4);
      g_assert_no_error (error);
      g_assert_cmpint (g_input_stream_read (G_INPUT_STREAM (input), buffer, 1,
                                            NULL, &error), ==, 1);
      fired = 0;
      run_for (ABSENT_MS);
      g_assert_cmpuint (fired, >, 0);
    }

  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                             NULL, &error), >, 0);
  g_assert_no_error (error);
  g_main_context_iteration (NULL, FALSE);
  fired = 0;
  run_for (ABSENT_MS);
  g_assert_cmpuint (fired, ==, 0);

  g_source_destroy (source);
  g_clear_pointer (&source, g_source_unref);

  /* A cancellable wakes the source without any data. */
  cancellable = g_cancellable_new ();
  source = g_pollable_input_stream_create_source (input, cancellable);
  g_source_set_callback (source, G_SOURCE_FUNC (source_fired), &fired, NULL);
  g_source_attach (source, NULL);
  run_for (ABSENT_MS);
  g_assert_cmpuint (fired, ==, 0);
  g_cancellable_cancel (cancellable);
  run_for (ABSENT_MS);
  g_assert_cmpuint (fired, >, 0);
  g_source_destroy (source);

  close_stream (stream);
}

typedef struct
{
  SockObject *sock;
  guint64 total;
  GError *error;
} DrainJob;

static gpointer
drain_thread (gpointer user_data)
{
  DrainJob *job = user_data;
  g_autofree guint8 *buffer = g_malloc (65536);

  /* Each recv bounded by SO_RCVTIMEO; ends at end of stream. */
  for (;;)
    {
      gssize n = sock_object_recv_into (job->sock, buffer, 65536, 0, &job->error);

      if (n <= 0)
        break;
      job->total += n;
    }

  return NULL;
}

static void
test_pollable_writable (gconstpointer data)
{
  gint bufsize = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *chunk = g_malloc (65536);
  GPollableOutputStream *output;
  DrainJob drain = { NULL, };
  GThread *thread;
  guint64 accepted = 0;
  guint fired = 0;
  guint i;

  g_test_summary ("The output half is pollable: non-blocking writes fill "
                  "the socket until G_IO_ERROR_WOULD_BLOCK, its source fires "
                  "once the peer drains, and every byte a write accepted "
                  "reaches the peer exactly once");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "wb", bufsize);
  output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
  test_fill_pattern (chunk, 65536, 7, 0);
  g_assert_true (g_pollable_output_stream_is_writable (output));

  /* A loopback socket takes a few MiB at most; bounded in count. */
  for (i = 0; i < 4096; i++)
    {
      gssize n = g_pollable_output_stream_write_nonblocking (output, chunk, 65536,
                                                             NULL, &error);
      if (n < 0)
        break;
      g_assert_cmpint (n, >, 0);
      accepted += n;
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_false (g_pollable_output_stream_is_writable (output));

  source = g_pollable_output_stream_create_source (output, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (source_fired), &fired, NULL);
  g_source_attach (source, NULL);
  run_for (ABSENT_MS);
  g_assert_cmpuint (fired, ==, 0);

  drain.sock = server;
  thread = g_thread_new ("drain", drain_thread, &drain);
  {
    gint64 deadline = g_get_monotonic_time () + PRESENT_MS * 1000;

    while (fired == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpuint (fired, >, 0);
  g_source_destroy (source);

  /* Whatever a buffered stream still holds goes out on close; with the
   * socket closed too, the peer sees the end. */
  close_stream (stream);
  g_assert_true (sock_object_close (client, NULL));
  g_thread_join (thread);
  g_assert_no_error (drain.error);
  g_assert_cmpuint (drain.total, ==, accepted);
}

/* Async without threads --------------------------------------------------- */

typedef struct
{
  GThread *main_thread;
  GBytes *bytes;
  gboolean done;
  gboolean ok;
  GError *error;
} AsyncResult;

static void
read_bytes_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncResult *res = user_data;

  g_assert_true (g_thread_self () == res->main_thread);
  res->bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                 &res->error);
  res->done = TRUE;
}

static void
write_all_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncResult *res = user_data;

  g_assert_true (g_thread_self () == res->main_thread);
  res->ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result,
                                              NULL, &res->error);
  res->done = TRUE;
}

static void
flush_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *res = user_data;

  res->ok = g_output_stream_flush_finish (G_OUTPUT_STREAM (source), result,
                                          &res->error);
  res->done = TRUE;
}

static void
stream_close_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  AsyncResult *res = user_data;

  res->ok = g_io_stream_close_finish (G_IO_STREAM (source), result, &res->error);
  res->done = TRUE;
}

static void
read_line_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncResult *res = user_data;
  gchar *line;

  g_assert_true (g_thread_self () == res->main_thread);
  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                               NULL, &res->error);
  if (line != NULL)
    res->bytes = g_bytes_new_take (line, strlen (line));
  res->done = TRUE;
}

static void
async_result_clear (AsyncResult *res)
{
  g_clear_pointer (&res->bytes, g_bytes_unref);
  g_clear_error (&res->error);
  res->done = res->ok = FALSE;
}

typedef struct
{
  SockObject *peer;
  const gchar *data;
} DelayedSend;

static gboolean
delayed_send (gpointer user_data)
{
  DelayedSend *ds = user_data;

  peer_send (ds->peer, ds->data);
  return G_SOURCE_REMOVE;
}

static void
run_async_round (gint bufsize)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  AsyncResult res = { .main_thread = g_thread_self () };
  DelayedSend ds;
  GOutputStream *output;

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rwb", bufsize);
  output = g_io_stream_get_output_stream (stream);

  /* The read is started before anything arrives, so it must wait. */
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (stream), 1024,
                                   G_PRIORITY_DEFAULT, NULL, read_bytes_done, &res);
  ds.peer = server;
  ds.data = "hello async";
  g_timeout_add (20, delayed_send, &ds);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  g_assert_cmpmem (g_bytes_get_data (res.bytes, NULL), g_bytes_get_size (res.bytes),
                   "hello async", 11);
  async_result_clear (&res);

  /* GDataInputStream's async line reads fill through our read_async(). */
  data = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, NULL,
                                       read_line_done, &res);
  ds.data = "first half, ";
  g_timeout_add (10, delayed_send, &ds);
  run_for (30);
  g_assert_false (res.done);
  ds.data = "second half\nnext";
  g_timeout_add (10, delayed_send, &ds);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  g_assert_cmpmem (g_bytes_get_data (res.bytes, NULL), g_bytes_get_size (res.bytes),
                   "first half, second half", 23);
  async_result_clear (&res);

  g_output_stream_write_all_async (output, "async write", 11, G_PRIORITY_DEFAULT,
                                   NULL, write_all_done, &res);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  g_assert_true (res.ok);
  async_result_clear (&res);

  g_output_stream_flush_async (output, G_PRIORITY_DEFAULT, NULL, flush_done, &res);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  g_assert_true (res.ok);
  async_result_clear (&res);
  assert_peer_receives (server, "async write");

  /* Closing asynchronously flushes what is buffered. */
  write_all (output, "flushed by close");
  g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, stream_close_done, &res);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  g_assert_true (res.ok);
  async_result_clear (&res);
  assert_peer_receives (server, "flushed by close");
}

static void
test_async_no_threads (void)
{
  guint threads_before;

  g_test_summary ("read_bytes_async, write_all_async, flush_async and "
                  "g_io_stream_close_async complete on the main loop "
                  "without starting any thread");

  /* In a fresh process: an idle GTask pool thread left by an earlier test
   * would hide a new use of the pool. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  arm_watchdog ();
  /* GTask's class init starts GLib's thread-pool spawner thread, used or
   * not; what must not appear is any thread after it. */
  g_type_ensure (G_TYPE_TASK);
  threads_before = count_threads ();

  run_async_round (0);
  run_async_round (1);
  run_async_round (-1);
  run_async_round (64);

  g_assert_cmpuint (count_threads (), ==, threads_before);
}

/* Splice ------------------------------------------------------------------- */

#define SPLICE_PAYLOAD (16 * 1024 * 1024)

typedef struct
{
  SockObject *sock;
  gchar *checksum;
  gsize total;
  GError *error;
} PeerJob;

static gpointer
send_payload_thread (gpointer user_data)
{
  PeerJob *job = user_data;
  g_autofree guint8 *payload = g_malloc (SPLICE_PAYLOAD);

  test_fill_pattern (payload, SPLICE_PAYLOAD, 0x5eed, 0);
  job->checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, payload, SPLICE_PAYLOAD);

  if (sock_object_sendall (job->sock, payload, SPLICE_PAYLOAD, 0, &job->error))
    {
      job->total = SPLICE_PAYLOAD;
      sock_object_shutdown (job->sock, SHUT_WR, &job->error);
    }

  return NULL;
}

static gpointer
receive_payload_thread (gpointer user_data)
{
  PeerJob *job = user_data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (65536);

  /* Bounded: at most the payload plus one extra read, each read bounded by
   * SO_RCVTIMEO. */
  while (job->total <= SPLICE_PAYLOAD)
    {
      gssize n = sock_object_recv_into (job->sock, buffer, 65536, 0, &job->error);

      if (n <= 0)
        break;
      g_checksum_update (checksum, buffer, n);
      job->total += n;
    }

  job->checksum = g_strdup (g_checksum_get_string (checksum));
  return NULL;
}

static void
splice_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncResult *res = user_data;

  res->ok = g_io_stream_splice_finish (result, &res->error);
  res->done = TRUE;
}

static void
test_splice (gconstpointer data)
{
  gint bufsize = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) relay_a = NULL;
  g_autoptr(SockObject) relay_b = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GIOStream) stream_a = NULL;
  g_autoptr(GIOStream) stream_b = NULL;
  AsyncResult res = { .main_thread = g_thread_self () };
  PeerJob sender = { NULL, }, receiver = { NULL, };
  GThread *send_thread, *receive_thread;

  g_test_summary ("g_io_stream_splice_async() between two makefile() streams "
                  "relays a 16 MiB payload intact: A → relay → B");
  arm_watchdog ();

  test_tcp_pair (&a, &relay_a);
  test_tcp_pair (&relay_b, &b);
  stream_a = makefile (relay_a, "rwb", bufsize);
  stream_b = makefile (relay_b, "rwb", bufsize);

  sender.sock = a;
  receiver.sock = b;
  send_thread = g_thread_new ("send-payload", send_payload_thread, &sender);
  receive_thread = g_thread_new ("receive-payload", receive_payload_thread, &receiver);

  g_io_stream_splice_async (stream_a, stream_b,
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 |
                            G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, splice_done, &res);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  g_assert_true (res.ok);
  g_assert_true (g_io_stream_is_closed (stream_a));
  g_assert_true (g_io_stream_is_closed (stream_b));

  /* The streams closed only their dups; B sees the end of the relayed data
   * once the relay's sockets close too. */
  g_assert_true (sock_object_close (relay_a, NULL));
  g_assert_true (sock_object_close (relay_b, NULL));

  g_thread_join (send_thread);
  g_thread_join (receive_thread);
  g_assert_no_error (sender.error);
  g_assert_no_error (receiver.error);
  g_assert_cmpuint (receiver.total, ==, SPLICE_PAYLOAD);
  g_assert_cmpstr (receiver.checksum, ==, sender.checksum);

  g_free (sender.checksum);
  g_free (receiver.checksum);
}

/* TLS --------------------------------------------------------------------- */

static void
subprocess_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncResult *res = user_data;

  res->ok = g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &res->error);
  res->done = TRUE;
}

/* A self-signed certificate for CN=localhost, made for this run. */
static GTlsCertificate *
make_certificate (const gchar *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  g_autofree gchar *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree gchar *cert = g_build_filename (dir, "cert.pem", NULL);
  AsyncResult res = { NULL, };
  GTlsCertificate *certificate;

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                              G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048",
                              "-nodes", "-subj", "/CN=localhost", "-days", "1",
                              "-keyout", key, "-out", cert, NULL);
  g_assert_no_error (error);

  g_subprocess_wait_check_async (openssl, NULL, subprocess_done, &res);
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  return certificate;
}

static gboolean
accept_self_signed (GTlsConnection       *connection,
                    GTlsCertificate      *peer_cert,
                    GTlsCertificateFlags  errors,
                    gpointer              user_data)
{
  /* Only the expected trouble with a self-signed certificate. */
  return (errors & ~(G_TLS_CERTIFICATE_UNKNOWN_CA)) == 0;
}

typedef struct
{
  GIOStream *base;
  GTlsCertificate *certificate;
  GError *error;
  gchar *line;
} TlsServer;

static gpointer
tls_server_thread (gpointer user_data)
{
  TlsServer *server = user_data;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autofree gchar *reply = NULL;

  tls = g_tls_server_connection_new (server->base, server->certificate, &server->error);
  if (tls == NULL)
    return NULL;

  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &server->error))
    return NULL;

  input = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  server->line = g_data_input_stream_read_line (input, NULL, NULL, &server->error);
  if (server->line == NULL)
    return NULL;

  reply = g_strdup_printf ("you said: %s\n", server->line);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (tls), reply,
                                  strlen (reply), NULL, NULL, &server->error))
    return NULL;

  g_io_stream_close (tls, NULL, &server->error);
  return NULL;
}

static void
test_tls (gconstpointer data)
{
  gint bufsize = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) client_base = NULL;
  g_autoptr(GIOStream) server_base = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *tmpdir = NULL;
  g_autofree gchar *reply = NULL;
  TlsServer tls_server = { NULL, };
  GThread *thread;
  const gchar *request = "hello over TLS\n";

  g_test_summary ("GTlsClientConnection and GTlsServerConnection over two "
                  "makefile() streams complete a handshake and exchange data");
  arm_watchdog ();

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_message ("no TLS backend: install glib-networking");
      g_test_fail ();
      return;
    }

  tmpdir = test_tmpdir_new ();
  tls_server.certificate = make_certificate (tmpdir);

  test_tcp_pair (&client, &server);
  client_base = makefile (client, "rwb", bufsize);
  server_base = makefile (server, "rwb", bufsize);

  tls_server.base = server_base;
  thread = g_thread_new ("tls-server", tls_server_thread, &tls_server);

  identity = g_network_address_new ("localhost", 0);
  tls = g_tls_client_connection_new (client_base, identity, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_self_signed), NULL);

  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (tls), request,
                                            strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);

  input = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  reply = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply, ==, "you said: hello over TLS");

  g_thread_join (thread);
  g_assert_no_error (tls_server.error);
  g_assert_cmpstr (tls_server.line, ==, "hello over TLS");

  /* The server's close_notify is a clean end of stream. */
  g_clear_pointer (&reply, g_free);
  reply = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (reply);

  g_io_stream_close (tls, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_io_stream_is_closed (client_base));

  g_free (tls_server.line);
  g_object_unref (tls_server.certificate);
  test_tmpdir_remove (tmpdir);
}

/* The socket's mode --------------------------------------------------------- */

static void
test_socket_stays_blocking (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  AsyncResult res = { .main_thread = g_thread_self () };
  GPollableInputStream *input;
  gchar buffer[8];

  g_test_summary ("makefile() and every kind of I/O on its stream, including "
                  "non-blocking and async reads, leave a blocking socket "
                  "blocking");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rwb", 0);
  input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
  g_assert_true (is_blocking_fd (sock_object_fileno (client)));
  g_assert_true (sock_object_get_blocking (client));

  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer,
                                                             NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  g_input_stream_read_bytes_async (G_INPUT_STREAM (input), 8, G_PRIORITY_DEFAULT,
                                   NULL, read_bytes_done, &res);
  g_assert_true (is_blocking_fd (sock_object_fileno (client)));
  peer_send (server, "abc");
  run_until (&res.done, LOOP_TIMEOUT_MS);
  g_assert_no_error (res.error);
  async_result_clear (&res);

  write_all (g_io_stream_get_output_stream (stream), "xyz");
  assert_peer_receives (server, "xyz");

  g_assert_true (is_blocking_fd (sock_object_fileno (client)));
  g_assert_true (is_blocking_fd (raw_fd_of_input (G_INPUT_STREAM (input))));
  g_assert_true (sock_object_get_blocking (client));

  /* The socket's blocking recv still works, with the stream open. */
  peer_send (server, "still");
  {
    g_autoptr(GBytes) bytes = sock_object_recv (client, 16, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "still", 5);
  }

  close_stream (stream);
  g_assert_true (is_blocking_fd (sock_object_fileno (client)));
}

typedef struct
{
  GIOStream *stream;
  gchar buffer[16];
  gssize n;
  GError *error;
  gint64 elapsed;
  GCancellable *cancellable;
} BlockingRead;

static gpointer
blocking_read_thread (gpointer user_data)
{
  BlockingRead *br = user_data;
  gint64 start = g_get_monotonic_time ();

  br->n = g_input_stream_read (g_io_stream_get_input_stream (br->stream), br->buffer,
                               sizeof br->buffer, br->cancellable, &br->error);
  br->elapsed = g_get_monotonic_time () - start;
  return NULL;
}

static void
test_nonblocking_socket (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  BlockingRead br = { NULL, };
  GThread *thread;

  g_test_summary ("On a socket in non-blocking mode a blocking stream read "
                  "still waits for data, with or without a cancellable, and "
                  "the socket stays non-blocking");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  g_assert_true (sock_object_setblocking (client, FALSE, &error));
  g_assert_no_error (error);
  stream = makefile (client, "rb", 0);
  g_assert_false (is_blocking_fd (sock_object_fileno (client)));

  /* Without a cancellable. */
  br.stream = stream;
  thread = g_thread_new ("blocking-read", blocking_read_thread, &br);
  g_usleep (50 * 1000);
  peer_send (server, "late");
  g_thread_join (thread);
  g_assert_no_error (br.error);
  g_assert_cmpint (br.n, ==, 4);
  g_assert_cmpmem (br.buffer, 4, "late", 4);
  g_assert_cmpint (br.elapsed, >=, 40 * 1000);

  /* With one, which is also how such a read is interrupted. */
  br.cancellable = g_cancellable_new ();
  thread = g_thread_new ("blocking-read", blocking_read_thread, &br);
  g_usleep (50 * 1000);
  g_cancellable_cancel (br.cancellable);
  g_thread_join (thread);
  g_assert_error (br.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (br.n, ==, -1);
  g_assert_cmpint (br.elapsed, >=, 40 * 1000);
  g_clear_error (&br.error);
  g_clear_object (&br.cancellable);

  g_assert_false (is_blocking_fd (sock_object_fileno (client)));
  g_assert_false (sock_object_get_blocking (client));

  /* Switching the socket back is seen by the next stream read. */
  g_assert_true (sock_object_setblocking (client, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (is_blocking_fd (raw_fd_of_input (g_io_stream_get_input_stream (stream))));
  peer_send (server, "now");
  thread = g_thread_new ("blocking-read", blocking_read_thread, &br);
  g_thread_join (thread);
  g_assert_no_error (br.error);
  g_assert_cmpint (br.n, ==, 3);

  close_stream (stream);
}

static void
test_io_timeout (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  struct timeval tv = { .tv_sec = 0, .tv_usec = 150 * 1000 };
  gchar buffer[8];
  gint64 start;
  guint i;

  g_test_summary ("A blocking stream read waits at most the socket's "
                  "SO_RCVTIMEO, as recv() would, and fails with "
                  "G_IO_ERROR_TIMED_OUT");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  g_assert_true (sock_object_setsockopt_bytes (client, SOL_SOCKET, SO_RCVTIMEO,
                                               (const guint8 *) &tv, sizeof tv, &error));
  g_assert_no_error (error);
  stream = makefile (client, "rb", 0);

  /* Plain, with a cancellable, and on a non-blocking socket. */
  for (i = 0; i < 3; i++)
    {
      if (i == 2)
        g_assert_true (sock_object_setblocking (client, FALSE, NULL));

      start = g_get_monotonic_time ();
      g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (stream),
                                            buffer, sizeof buffer,
                                            i == 1 ? cancellable : NULL, &error), ==, -1);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
    }

  close_stream (stream);
}

/* Closing ------------------------------------------------------------------- */

static void
test_close_independent (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gchar buffer[16];
  gint fd;

  g_test_summary ("Closing the stream leaves the socket open and usable, "
                  "and closing the socket leaves the stream usable");
  arm_watchdog ();

  test_tcp_pair (&client, &server);

  /* Stream closed first. */
  stream = makefile (client, "rwb", 0);
  fd = raw_fd_of_input (g_io_stream_get_input_stream (stream));
  g_assert_cmpint (fd, !=, sock_object_fileno (client));
  close_stream (stream);
  g_assert_true (g_io_stream_is_closed (stream));
  g_assert_false (test_fd_is_open (fd));
  g_assert_cmpint (raw_fd_of_input (g_io_stream_get_input_stream (stream)), ==, -1);
  g_assert_cmpint (sock_object_fileno (client), >=, 0);
  /* The dup going away is no end of stream for the peer. */
  g_assert_false (peer_has_data (server, ABSENT_MS));
  peer_send (client, "socket");
  assert_peer_receives (server, "socket");

  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer,
                                        sizeof buffer, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  /* Closing twice is fine. */
  close_stream (stream);
  g_clear_object (&stream);

  /* Socket closed first. */
  stream = makefile (client, "rwb", -1);
  g_assert_true (sock_object_close (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_fileno (client), ==, -1);
  write_all (g_io_stream_get_output_stream (stream), "stream");
  assert_peer_receives (server, "stream");
  peer_send (server, "back");
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer,
                                        sizeof buffer, NULL, &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, 4, "back", 4);

  /* Now the stream held the last descriptor: closing it is end of stream. */
  close_stream (stream);
  g_assert_true (peer_has_data (server, PRESENT_MS));
  test_assert_recv_eof (server);
}

static void
test_close_halves (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gchar buffer[16];

  g_test_summary ("Closing one half leaves the other usable, and "
                  "g_io_stream_close() behaves on a half-closed connection");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "rwb", 1);

  g_assert_true (g_input_stream_close (g_io_stream_get_input_stream (stream), NULL, &error));
  g_assert_no_error (error);
  write_all (g_io_stream_get_output_stream (stream), "after input closed\n");
  assert_peer_receives (server, "after input closed\n");

  /* The peer shuts down its side: reads see the end, writes still go. */
  g_clear_object (&stream);
  stream = makefile (client, "rwb", 16);
  g_assert_true (sock_object_shutdown (server, SHUT_WR, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer,
                                        sizeof buffer, NULL, &error), ==, 0);
  g_assert_no_error (error);
  write_all (g_io_stream_get_output_stream (stream), "half closed");

  g_assert_true (g_output_stream_close (g_io_stream_get_output_stream (stream), NULL, &error));
  g_assert_no_error (error);
  assert_peer_receives (server, "half closed");
  close_stream (stream);

  /* Our own side shut down for writing: closing with buffered data reports
   * the failed flush, and closes everything anyway. */
  g_clear_object (&stream);
  stream = makefile (client, "rwb", 16);
  write_all (g_io_stream_get_output_stream (stream), "lost");
  g_assert_true (sock_object_shutdown (client, SHUT_WR, &error));
  g_assert_no_error (error);
  g_assert_false (g_io_stream_close (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_assert_nonnull (strstr (error->message, g_strerror (EPIPE)));
  g_clear_error (&error);
  g_assert_true (g_io_stream_is_closed (stream));
  g_assert_true (g_output_stream_is_closed (g_io_stream_get_output_stream (stream)));
  g_assert_true (g_input_stream_is_closed (g_io_stream_get_input_stream (stream)));
}

static void
test_no_sigpipe (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *chunk = g_strnfill (65536, 'p');
  guint i;

  g_test_summary ("Writing to a peer that is gone is a G_IO_ERROR naming "
                  "the cause, never a SIGPIPE (whose default action would "
                  "end this test)");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  stream = makefile (client, "wb", 0);
  g_assert_true (sock_object_close (server, NULL));

  /* The first writes may still be accepted; bounded in count. */
  for (i = 0; i < 64 && error == NULL; i++)
    g_output_stream_write (g_io_stream_get_output_stream (stream), chunk, 65536,
                           NULL, &error);

  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_true (error->code == G_IO_ERROR_BROKEN_PIPE ||
                 error->code == G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_true (g_str_has_prefix (error->message, "Error sending data: "));
}

static void
count_fds_cycle (SockObject *client,
                 guint       cycle)
{
  static const gchar *modes[] = { "r", "w", "rw", "r+b", "w+" };
  static const gint sizes[] = { 0, 1, -1, 4096 };
  g_autoptr(GIOStream) stream = NULL;

  stream = makefile (client, modes[cycle % G_N_ELEMENTS (modes)],
                     sizes[cycle % G_N_ELEMENTS (sizes)]);

  switch (cycle % 3)
    {
    case 0:
      /* Dropping the last reference closes it. */
      break;

    case 1:
      close_stream (stream);
      break;

    case 2:
      {
        AsyncResult res = { NULL, };

        g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL,
                                 stream_close_done, &res);
        run_until (&res.done, LOOP_TIMEOUT_MS);
        g_assert_no_error (res.error);
      }
      break;
    }
}

static void
test_no_fd_leaks (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  guint before, i;

  g_test_summary ("Hundreds of makefile() cycles, closed every way, and "
                  "failed makefile() calls leak no descriptor");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  before = test_count_open_fds ();

  for (i = 0; i < 300; i++)
    count_fds_cycle (client, i);

  for (i = 0; i < 50; i++)
    {
      g_assert_null (sock_object_makefile (client, "x", 0, &error));
      g_assert_error (error, SOCK_ERROR, EINVAL);
      g_clear_error (&error);
    }

  g_assert_cmpuint (test_count_open_fds (), ==, before);
}

/* Closing while the descriptor is in use ------------------------------------ */

typedef struct
{
  GInputStream *input;
  GCancellable *cancellable;
  gint tid;
  gchar buffer[16];
  gssize n;
  GError *error;
  gint64 elapsed;
} InFlightRead;

static gpointer
in_flight_read_thread (gpointer user_data)
{
  InFlightRead *ifr = user_data;
  gint64 start = g_get_monotonic_time ();

  g_atomic_int_set (&ifr->tid, (gint) syscall (SYS_gettid));
  ifr->n = g_input_stream_read (ifr->input, ifr->buffer, sizeof ifr->buffer,
                                ifr->cancellable, &ifr->error);
  ifr->elapsed = g_get_monotonic_time () - start;
  return NULL;
}

/* Waits (at most PRESENT_MS) until thread @tid of this process sleeps with
 * @input's read pending, that is in recv() or poll(), then a little longer. */
static void
wait_until_blocked (GInputStream *input,
                    gint         *tid)
{
  gint64 deadline = g_get_monotonic_time () + PRESENT_MS * 1000;

  for (;;)
    {
      g_autofree gchar *path = NULL;
      g_autofree gchar *stat = NULL;
      const gchar *end;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);

      if (g_atomic_int_get (tid) != 0 && g_input_stream_has_pending (input))
        {
          path = g_strdup_printf ("/proc/self/task/%d/stat", g_atomic_int_get (tid));
          if (g_file_get_contents (path, &stat, NULL, NULL) &&
              (end = strrchr (stat, ')')) != NULL && end[1] == ' ' && end[2] == 'S')
            break;
        }

      g_usleep (1000);
    }

  g_usleep (20 * 1000);
}

/* Asserts that pipe @fds is open and holds exactly @expected, which nobody
 * has read. */
static void
assert_pipe_untouched (const gint   fds[2],
                       const gchar *expected)
{
  gchar buffer[32];
  gssize n;

  g_assert_true (test_fd_is_open (fds[0]));
  g_assert_true (test_fd_is_open (fds[1]));
  g_assert_true (fd_poll (fds[0], POLLIN, 0));
  n = read (fds[0], buffer, sizeof buffer);
  g_assert_cmpint (n, ==, (gssize) strlen (expected));
  g_assert_cmpmem (buffer, n, expected, strlen (expected));
  g_assert_false (fd_poll (fds[0], POLLIN, 0));
}

static void
close_pipe (gint fds[2])
{
  g_assert_cmpint (close (fds[0]), ==, 0);
  g_assert_cmpint (close (fds[1]), ==, 0);
}

/* Either the read failed as closed and what the peer sent is still on the
 * socket, or the read returned it: never anything else. */
static void
assert_read_closed_or_data (SockObject  *client,
                            gssize       n,
                            const gchar *buffer,
                            GError      *error,
                            const gchar *sent)
{
  gsize length = strlen (sent);

  if (n < 0)
    {
      g_autoptr(GBytes) rest = NULL;
      g_autoptr(GError) local_error = NULL;

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
      g_assert_true (peer_has_data (client, PRESENT_MS));
      rest = sock_object_recv (client, 64, 0, &local_error);
      g_assert_no_error (local_error);
      test_assert_bytes_eq (rest, sent);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpint (n, ==, (gssize) length);
      g_assert_cmpmem (buffer, n, sent, length);
    }
}

enum
{
  IN_FLIGHT_PLAIN,        /* blocked in the kernel's recv() */
  IN_FLIGHT_CANCELLABLE,  /* blocked in poll() */
  IN_FLIGHT_NONBLOCKING,  /* poll() too: the socket is non-blocking */
};

static void
test_close_during_read (gconstpointer data)
{
  gint variant = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  InFlightRead ifr = { NULL, };
  GThread *thread;
  gint pipe_fds[2], later_fds[2];
  gint fd;

  g_test_summary ("Closing the stream while another thread is blocked "
                  "reading it: a read waiting in poll() (cancellable, or on "
                  "a non-blocking socket) fails at once with "
                  "G_IO_ERROR_CLOSED; one blocked in the kernel keeps the "
                  "descriptor number reserved until it returns, so a file "
                  "opened meanwhile never gets the number");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  if (variant == IN_FLIGHT_NONBLOCKING)
    g_assert_true (sock_object_setblocking (client, FALSE, NULL));
  if (variant == IN_FLIGHT_PLAIN)
    {
      /* No SO_RCVTIMEO, so that the kernel does the waiting (the watchdog
       * bounds the test). */
      struct timeval none = { 0, 0 };

      g_assert_true (sock_object_setsockopt_bytes (client, SOL_SOCKET, SO_RCVTIMEO,
                                                   (const guint8 *) &none, sizeof none,
                                                   NULL));
    }
  stream = makefile (client, "rwb", 0);
  fd = raw_fd_of_input (g_io_stream_get_input_stream (stream));

  ifr.input = g_io_stream_get_input_stream (stream);
  if (variant == IN_FLIGHT_CANCELLABLE)
    ifr.cancellable = cancellable;
  thread = g_thread_new ("in-flight-read", in_flight_read_thread, &ifr);
  wait_until_blocked (ifr.input, &ifr.tid);

  /* The half with the read pending cannot be closed, and says so; the
   * stream and its descriptor are closed all the same. */
  g_assert_false (g_io_stream_close (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_true (g_io_stream_is_closed (stream));
  g_assert_cmpint (raw_fd_of_input (ifr.input), ==, -1);

  if (variant != IN_FLIGHT_PLAIN)
    {
      /* A read that waits in poll() is woken by the close: it fails with
       * G_IO_ERROR_CLOSED at once and lets go of the number. */
      g_thread_join (thread);
      g_assert_cmpint (ifr.elapsed, <, PRESENT_MS * 1000);
      g_assert_cmpint (ifr.n, ==, -1);
      g_assert_error (ifr.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
      g_clear_error (&ifr.error);
      g_assert_false (test_fd_is_open (fd));
      g_assert_cmpint (pipe (pipe_fds), ==, 0);
      g_assert_cmpint (write (pipe_fds[1], "pipe", 4), ==, 4);
    }
  else
    {
      /* Files opened now must not get the number the read still uses. */
      g_assert_cmpint (pipe (pipe_fds), ==, 0);
      g_assert_cmpint (write (pipe_fds[1], "pipe", 4), ==, 4);
      g_assert_cmpint (pipe_fds[0], !=, fd);
      g_assert_cmpint (pipe_fds[1], !=, fd);
      g_assert_true (test_fd_is_open (fd));

      /* Wake the read, blocked in the kernel (bounded by SO_RCVTIMEO in
       * any case). */
      peer_send (server, "sock");
      g_thread_join (thread);
      g_assert_cmpint (ifr.elapsed, <, PRESENT_MS * 1000);

      assert_pipe_untouched (pipe_fds, "pipe");
      assert_read_closed_or_data (client, ifr.n, ifr.buffer, ifr.error, "sock");
      g_clear_error (&ifr.error);

      /* The read returning released the number, once. */
      g_assert_false (test_fd_is_open (fd));
    }

  g_assert_cmpint (pipe (later_fds), ==, 0);
  g_assert_cmpint (g_input_stream_read (ifr.input, ifr.buffer, sizeof ifr.buffer,
                                        NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_true (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (ifr.input)));
  g_clear_object (&stream);
  g_assert_true (test_fd_is_open (later_fds[0]));
  g_assert_true (test_fd_is_open (later_fds[1]));

  close_pipe (later_fds);
  close_pipe (pipe_fds);
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  InFlightRead *ifr = user_data;

  ifr->n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &ifr->error);
  g_atomic_int_set (&ifr->tid, 1);
}

static void
run_until_fd_closed (gint fd)
{
  gint64 deadline = g_get_monotonic_time () + PRESENT_MS * 1000;

  while (test_fd_is_open (fd))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
pollable_set_flag (GObject  *stream,
                   gpointer  user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_close_during_source (gconstpointer data)
{
  gint bufsize = GPOINTER_TO_INT (data);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) source = NULL;
  InFlightRead ifr = { NULL, };
  gint pipe_fds[2];
  gboolean done = FALSE;
  gint fd;

  g_test_summary ("Closing the stream wakes a pollable source made on it, "
                  "which keeps the descriptor number reserved until it goes "
                  "away; a pending async read ends with G_IO_ERROR_CLOSED "
                  "and the descriptor is closed, so the peer sees the end "
                  "of the stream without sending anything");
  arm_watchdog ();

  test_tcp_pair (&client, &server);

  /* A source made and attached, with nothing pending. */
  stream = makefile (client, "rwb", bufsize);
  ifr.input = g_io_stream_get_input_stream (stream);
  fd = raw_fd_of_input (ifr.input);
  source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (ifr.input), NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (pollable_set_flag), &done, NULL);
  g_source_attach (source, NULL);
  run_for (20);
  g_assert_false (done);

  close_stream (stream);
  g_assert_true (test_fd_is_open (fd));
  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  g_assert_cmpint (write (pipe_fds[1], "pipe", 4), ==, 4);
  g_assert_cmpint (pipe_fds[0], !=, fd);
  g_assert_cmpint (pipe_fds[1], !=, fd);
  run_until (&done, PRESENT_MS);
  g_assert_true (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (ifr.input)));
  g_clear_pointer (&source, g_source_unref);
  run_until_fd_closed (fd);
  assert_pipe_untouched (pipe_fds, "pipe");
  close_pipe (pipe_fds);
  g_clear_object (&stream);

  /* An async read waiting on the main loop: closing ends it, and the peer
   * sees the end of the stream although it never sent anything. */
  stream = makefile (client, "rwb", bufsize);
  ifr.input = g_io_stream_get_input_stream (stream);
  fd = raw_fd_of_input (ifr.input);
  g_input_stream_read_async (ifr.input, ifr.buffer, sizeof ifr.buffer,
                             G_PRIORITY_DEFAULT, NULL, read_done, &ifr);
  run_for (20);
  g_assert_cmpint (g_atomic_int_get (&ifr.tid), ==, 0);

  g_assert_false (g_io_stream_close (stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_true (test_fd_is_open (fd));

  {
    gint64 deadline = g_get_monotonic_time () + PRESENT_MS * 1000;

    while (g_atomic_int_get (&ifr.tid) == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }
  g_assert_cmpint (ifr.n, ==, -1);
  g_assert_error (ifr.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&ifr.error);
  run_until_fd_closed (fd);
  g_clear_object (&stream);

  /* The client socket and its streams are all closed: end of stream. */
  g_assert_true (sock_object_close (client, NULL));
  test_assert_recv_eof (server);
}

/* Modes ----------------------------------------------------------------------- */

static void
test_mode_valid (void)
{
  static const struct
  {
    const gchar *mode;
    gboolean readable;
    gboolean writable;
  } cases[] = {
    { NULL, TRUE, FALSE },
    { "r", TRUE, FALSE }, { "rb", TRUE, FALSE },
    { "w", FALSE, TRUE }, { "wb", FALSE, TRUE },
    { "rw", TRUE, TRUE }, { "rwb", TRUE, TRUE }, { "rbw", TRUE, TRUE },
    { "r+", TRUE, TRUE }, { "r+b", TRUE, TRUE }, { "rb+", TRUE, TRUE },
    { "w+", TRUE, TRUE }, { "w+b", TRUE, TRUE }, { "wb+", TRUE, TRUE },
  };
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  gsize i;

  g_test_summary ("Each mode grants exactly its halves; the other fails "
                  "with G_IO_ERROR_NOT_SUPPORTED, also through the pollable "
                  "and async entry points");
  arm_watchdog ();

  test_tcp_pair (&client, &server);

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GIOStream) stream = NULL;
      g_autoptr(GError) error = NULL;
      GInputStream *input;
      GOutputStream *output;
      gchar buffer[8];
      gssize n;

      g_test_message ("mode %s", cases[i].mode ? cases[i].mode : "(null)");
      stream = makefile (client, cases[i].mode, -1);
      input = g_io_stream_get_input_stream (stream);
      output = g_io_stream_get_output_stream (stream);

      n = g_output_stream_write (output, "w", 1, NULL, &error);
      if (cases[i].writable)
        {
          g_assert_no_error (error);
          g_assert_cmpint (n, ==, 1);
          assert_peer_receives (server, "w");
        }
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
          g_assert_cmpint (n, ==, -1);
          g_clear_error (&error);
          g_assert_true (g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (output)));
          n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output),
                                                          "w", 1, NULL, &error);
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
          g_clear_error (&error);
          g_assert_false (peer_has_data (server, 0));
        }

      peer_send (server, "r");
      g_assert_true (peer_has_data (client, PRESENT_MS));
      n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error);
      if (cases[i].readable)
        {
          g_assert_no_error (error);
          g_assert_cmpint (n, ==, 1);
        }
      else
        {
          AsyncResult res = { .main_thread = g_thread_self () };

          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
          g_assert_cmpint (n, ==, -1);
          g_clear_error (&error);

          g_input_stream_read_bytes_async (input, 8, G_PRIORITY_DEFAULT, NULL,
                                           read_bytes_done, &res);
          run_until (&res.done, LOOP_TIMEOUT_MS);
          g_assert_error (res.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
          async_result_clear (&res);

          /* The byte is still there for the socket. */
          g_assert_true (sock_object_recv_into (client, (guint8 *) buffer, 8, 0, NULL) == 1);
        }

      close_stream (stream);
    }
}

static void
test_mode_invalid (void)
{
  static const gchar *bad[] = {
    "", "a", "x", "rr", "rt", "ww", "wr", "rbb", "r++", "rw+", "b", "+",
    "r+w", "w+w", "rx", "R", "r ", " r", "wbw", "rU",
  };
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  gsize i;

  g_test_summary ("Anything but r, w, rw, r+ or w+ (with one optional b) is "
                  "SOCK_ERROR / EINVAL naming the mode; so is a buffer size "
                  "too large to allocate");
  arm_watchdog ();

  test_tcp_pair (&client, &server);

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree gchar *quoted = g_strdup_printf ("“%s”", bad[i]);

      g_assert_null (sock_object_makefile (client, bad[i], -1, &error));
      test_assert_sock_error (error, EINVAL);
      g_assert_nonnull (strstr (error->message, quoted));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (sock_object_makefile (client, "r", G_MAXINT, &error));
    test_assert_sock_error (error, EINVAL);
  }

  /* A closed socket has nothing to duplicate. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (sock_object_close (client, NULL));
    g_assert_null (sock_object_makefile (client, "r", -1, &error));
    test_assert_sock_error (error, EBADF);
  }
}

/* Descriptors ------------------------------------------------------------ */

static void
test_cloexec_dup (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  gint bufsizes[] = { 0, 1, -1, 100 };
  gsize i;

  g_test_summary ("The stream works on its own close-on-exec dup() of the "
                  "socket, shared by both halves, and the socket's own "
                  "descriptor flags are untouched");
  arm_watchdog ();

  test_tcp_pair (&client, &server);
  /* Make the socket itself inheritable, to see the dup does not copy it. */
  g_assert_cmpint (fcntl (sock_object_fileno (client), F_SETFD, 0), ==, 0);

  for (i = 0; i < G_N_ELEMENTS (bufsizes); i++)
    {
      g_autoptr(GIOStream) stream = makefile (client, "rw", bufsizes[i]);
      gint in_fd = raw_fd_of_input (g_io_stream_get_input_stream (stream));
      gint out_fd = raw_fd_of_output (g_io_stream_get_output_stream (stream));

      g_assert_cmpint (in_fd, >=, 0);
      g_assert_cmpint (in_fd, ==, out_fd);
      g_assert_cmpint (in_fd, !=, sock_object_fileno (client));
      g_assert_true (test_fd_is_cloexec (in_fd));
      g_assert_false (test_fd_is_cloexec (sock_object_fileno (client)));

      close_stream (stream);
      g_assert_cmpint (raw_fd_of_output (g_io_stream_get_output_stream (stream)), ==, -1);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const LineCase line_cases[] = {
    { AF_INET, 0 }, { AF_INET, 1 }, { AF_INET, -1 }, { AF_INET, 5 }, { AF_INET, 4096 },
    { AF_UNIX, 0 }, { AF_UNIX, 1 }, { AF_UNIX, -1 }, { AF_UNIX, 5 },
  };
  gsize i;

  g_test_init (&argc, &argv, NULL);

  /* SIGPIPE's default action ends the process: the stream must never
   * raise it. */
  signal (SIGPIPE, SIG_DFL);

  for (i = 0; i < G_N_ELEMENTS (line_cases); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/stream/line-protocol/%s/bufsize=%d",
                                                line_cases[i].family == AF_UNIX ? "unix" : "inet",
                                                line_cases[i].bufsize);

      g_test_add_data_func (path, &line_cases[i], test_line_protocol);
    }

  g_test_add_func ("/stream/makefile/bufsize/unbuffered", test_bufsize_unbuffered);
  g_test_add_func ("/stream/makefile/bufsize/line", test_bufsize_line);
  g_test_add_func ("/stream/makefile/bufsize/sized", test_bufsize_sized);
  g_test_add_func ("/stream/makefile/bufsize/default", test_bufsize_default);
  g_test_add_func ("/stream/makefile/bufsize/short-read", test_buffered_short_read);

  g_test_add_data_func ("/stream/is_readable/unbuffered", GINT_TO_POINTER (0),
                        test_pollable_readable);
  g_test_add_data_func ("/stream/is_readable/buffered", GINT_TO_POINTER (-1),
                        test_pollable_readable);
  g_test_add_data_func ("/stream/create_source/unbuffered", GINT_TO_POINTER (0),
                        test_pollable_source);
  g_test_add_data_func ("/stream/create_source/buffered", GINT_TO_POINTER (-1),
                        test_pollable_source);
  g_test_add_data_func ("/stream/write_nonblocking/unbuffered", GINT_TO_POINTER (0),
                        test_pollable_writable);
  g_test_add_data_func ("/stream/write_nonblocking/line", GINT_TO_POINTER (1),
                        test_pollable_writable);
  g_test_add_data_func ("/stream/write_nonblocking/buffered", GINT_TO_POINTER (100000),
                        test_pollable_writable);
  g_test_add_func ("/stream/async/no-threads", test_async_no_threads);

  g_test_add_data_func ("/stream/splice_async/unbuffered", GINT_TO_POINTER (0), test_splice);
  g_test_add_data_func ("/stream/splice_async/buffered", GINT_TO_POINTER (65536), test_splice);

  g_test_add_data_func ("/stream/tls/unbuffered", GINT_TO_POINTER (0), test_tls);
  g_test_add_data_func ("/stream/tls/default", GINT_TO_POINTER (-1), test_tls);

  g_test_add_func ("/stream/makefile/socket-stays-blocking", test_socket_stays_blocking);
  g_test_add_func ("/stream/read/nonblocking-socket", test_nonblocking_socket);
  g_test_add_func ("/stream/read/timeout", test_io_timeout);

  g_test_add_func ("/stream/close/independent", test_close_independent);
  g_test_add_func ("/stream/close/halves", test_close_halves);
  g_test_add_func ("/stream/write/no-sigpipe", test_no_sigpipe);
  g_test_add_func ("/stream/makefile/no-fd-leaks", test_no_fd_leaks);
  g_test_add_data_func ("/stream/close/during-read/plain",
                        GINT_TO_POINTER (IN_FLIGHT_PLAIN), test_close_during_read);
  g_test_add_data_func ("/stream/close/during-read/cancellable",
                        GINT_TO_POINTER (IN_FLIGHT_CANCELLABLE), test_close_during_read);
  g_test_add_data_func ("/stream/close/during-read/nonblocking",
                        GINT_TO_POINTER (IN_FLIGHT_NONBLOCKING), test_close_during_read);
  g_test_add_data_func ("/stream/close/during-source/unbuffered",
                        GINT_TO_POINTER (0), test_close_during_source);
  g_test_add_data_func ("/stream/close/during-source/buffered",
                        GINT_TO_POINTER (-1), test_close_during_source);

  g_test_add_func ("/stream/makefile/mode/valid", test_mode_valid);
  g_test_add_func ("/stream/makefile/mode/invalid", test_mode_invalid);

  g_test_add_func ("/stream/makefile/cloexec-dup", test_cloexec_dup);

  return g_test_run ();
}
