/* timeout.c: settimeout(), the default timeout and the kernel's timeouts
 *
 * Every wait has one deadline, fixed when the call starts: expiry comes
 * within a bounded margin of it, and signals never extend it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"

/* How late an expiry may come on a loaded two-core machine. */
#define LATE_MS 500

static void
assert_took (gint64       start,
             guint        timeout_ms,
             const gchar *what)
{
  gint64 elapsed = g_get_monotonic_time () - start;

  g_test_message ("%s: %" G_GINT64_FORMAT " us for a %u ms timeout", what, elapsed, timeout_ms);
  g_assert_cmpint (elapsed, >=, (gint64) timeout_ms * 1000 - 1000);
  g_assert_cmpint (elapsed, <, (gint64) (timeout_ms + LATE_MS) * 1000);
}

static void
assert_timed_out (GError *error)
{
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_cmpstr (error->message, ==, "timed out");
}

static gboolean
fd_is_nonblocking (SockObject *sock)
{
  return (fcntl (sock_object_fileno (sock), F_GETFL) & O_NONBLOCK) != 0;
}

/* Modes ---------------------------------------------------------------------- */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *counts = user_data;

  if (g_str_equal (pspec->name, "timeout"))
    counts[0]++;
  else if (g_str_equal (pspec->name, "blocking"))
    counts[1]++;
}

static void
test_settimeout_modes (void)
{
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  guint counts[2] = { 0, 0 };
  gdouble timeout = 0;
  gboolean blocking = FALSE;

  g_test_summary ("settimeout() has CPython's three modes: none (blocking "
                  "descriptor), 0 (non-blocking), t > 0 (non-blocking "
                  "descriptor, polled); setblocking() is settimeout(-1/0); "
                  "'timeout' and 'blocking' change and notify together");

  g_signal_connect (sock, "notify", G_CALLBACK (count_notify), counts);

  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, -1.0);
  g_assert_true (sock_object_get_blocking (sock));
  g_assert_false (fd_is_nonblocking (sock));

  test_assert_ok (sock_object_settimeout (sock, 2.5, &error), error);
  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, 2.5);
  g_assert_true (sock_object_get_blocking (sock));
  g_assert_true (fd_is_nonblocking (sock));
  g_assert_cmpuint (counts[0], ==, 1);
  g_assert_cmpuint (counts[1], ==, 0);

  test_assert_ok (sock_object_settimeout (sock, 0, &error), error);
  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, 0.0);
  g_assert_false (sock_object_get_blocking (sock));
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 1);

  test_assert_ok (sock_object_setblocking (sock, TRUE, &error), error);
  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, -1.0);
  g_assert_true (sock_object_get_blocking (sock));
  g_assert_false (fd_is_nonblocking (sock));
  g_assert_cmpuint (counts[0], ==, 3);
  g_assert_cmpuint (counts[1], ==, 2);

  test_assert_ok (sock_object_setblocking (sock, FALSE, &error), error);
  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, 0.0);
  g_assert_true (fd_is_nonblocking (sock));

  /* Any negative value is "none"; setting the same mode notifies nothing. */
  test_assert_ok (sock_object_settimeout (sock, -7, &error), error);
  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, -1.0);
  counts[0] = counts[1] = 0;
  test_assert_ok (sock_object_settimeout (sock, -1, &error), error);
  g_assert_cmpuint (counts[0] + counts[1], ==, 0);

  /* The properties. */
  g_object_set (sock, "timeout", 0.25, NULL);
  g_object_get (sock, "timeout", &timeout, "blocking", &blocking, NULL);
  g_assert_cmpfloat (timeout, ==, 0.25);
  g_assert_true (blocking);
  g_object_set (sock, "blocking", FALSE, NULL);
  g_object_get (sock, "timeout", &timeout, NULL);
  g_assert_cmpfloat (timeout, ==, 0.0);
}

static void
test_settimeout_invalid (void)
{
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;

  g_test_summary ("settimeout() refuses NaN and timeouts too long to "
                  "represent with EINVAL, leaving the mode as it was, and "
                  "fails with EBADF on a closed socket");

  test_assert_ok (sock_object_settimeout (sock, 1.0, &error), error);
  g_assert_false (sock_object_settimeout (sock, NAN, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_false (sock_object_settimeout (sock, 1e300, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_false (sock_object_settimeout (sock, INFINITY, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_cmpfloat (sock_object_gettimeout (sock), ==, 1.0);

  test_assert_ok (sock_object_close (sock, &error), error);
  g_assert_false (sock_object_settimeout (sock, 1.0, &error));
  test_assert_sock_error (error, EBADF);
}

/* Expiry of each blocking call ------------------------------------------------- */

static void
test_recv_expires (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 buffer[16];
  gint64 start;

  g_test_summary ("recv() and recv_into() with a timeout fail with "
                  "SOCK_ERROR/ETIMEDOUT \"timed out\" once it runs out, and "
                  "return data that arrives before");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_settimeout (client, 0.2, &error), error);

  start = g_get_monotonic_time ();
  g_assert_null (sock_object_recv (client, 16, 0, &error));
  assert_took (start, 200, "recv");
  assert_timed_out (error);
  g_clear_error (&error);

  start = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_recv_into (client, buffer, sizeof buffer, 0, &error), ==, -1);
  assert_took (start, 200, "recv_into");
  assert_timed_out (error);
  g_clear_error (&error);

  test_assert_ok (sock_object_sendall (server, (const guint8 *) "data", 4, 0, &error), error);
  bytes = sock_object_recv (client, 16, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (bytes, "data");
}

static void
test_recvfrom_expires (void)
{
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_DGRAM);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  gint64 start;

  g_test_summary ("recvfrom() with a timeout expires with ETIMEDOUT");

  test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", "127.0.0.1", 0), &error),
                  error);
  test_assert_ok (sock_object_settimeout (sock, 0.15, &error), error);
  start = g_get_monotonic_time ();
  g_assert_null (sock_object_recvfrom (sock, 64, 0, &address, &error));
  assert_took (start, 150, "recvfrom");
  assert_timed_out (error);
  g_assert_null (address);
}

static void
test_accept_expires (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_test_summary ("accept() with a timeout expires with ETIMEDOUT when "
                  "nobody connects");

  test_assert_ok (sock_object_settimeout (listener, 0.2, &error), error);
  start = g_get_monotonic_time ();
  g_assert_null (sock_object_accept (listener, NULL, &error));
  assert_took (start, 200, "accept");
  assert_timed_out (error);
}

/* A listener whose queue is full, so a further connect() waits for a
 * SYN-ACK that never comes. */
static SockObject *
full_listener (GVariant  **address,
               SockObject **first)
{
  g_autoptr(GError) error = NULL;
  SockObject *listener = test_socket_new (AF_INET, SOCK_STREAM);

  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0), &error),
                  error);
  test_assert_ok (sock_object_listen (listener, 0, &error), error);
  *address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  *first = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (*first, *address, &error), error);

  return listener;
}

static void
test_connect_expires (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) first = NULL;
  g_autoptr(SockObject) listener = full_listener (&address, &first);
  g_autoptr(SockObject) second = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) third = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_test_summary ("connect() with a timeout waits for writability and "
                  "expires with ETIMEDOUT; connect_ex() returns EWOULDBLOCK "
                  "as CPython's does; "
                  "in non-blocking mode connect() fails with EINPROGRESS");

  test_assert_ok (sock_object_settimeout (second, 0.25, &error), error);
  start = g_get_monotonic_time ();
  g_assert_false (sock_object_connect (second, address, &error));
  assert_took (start, 250, "connect");
  assert_timed_out (error);
  g_clear_error (&error);

  test_assert_ok (sock_object_settimeout (third, 0.1, &error), error);
  start = g_get_monotonic_time ();
  /* As CPython's connect_ex(): an expired timeout is EWOULDBLOCK. */
  g_assert_cmpint (sock_object_connect_ex (third, address, &error), ==,
                   EWOULDBLOCK);
  g_assert_no_error (error);
  assert_took (start, 100, "connect_ex");

  g_clear_object (&third);
  third = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_settimeout (third, 0, &error), error);
  g_assert_false (sock_object_connect (third, address, &error));
  test_assert_sock_error (error, EINPROGRESS);
}

static void
test_connect_succeeds (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("connect() with a timeout connects when the peer answers, "
                  "and the socket keeps its timeout");

  test_assert_ok (sock_object_settimeout (client, 5.0, &error), error);
  test_assert_ok (sock_object_connect (client, address, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_sendall (client, (const guint8 *) "hi", 2, 0, &error), error);
  test_assert_recv_string (conn, "hi");
  g_assert_cmpfloat (sock_object_gettimeout (client), ==, 5.0);
}

static void
test_sendall_expires (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 64 * 1024 * 1024;
  g_autofree guint8 *data = g_malloc0 (size);
  g_autofree gchar *expected_tail = g_strdup_printf (" of %" G_GSIZE_FORMAT " bytes sent: timed out",
                                                    size);
  guint64 sent = 0;
  gint64 start;

  g_test_summary ("sendall()'s timeout covers the whole call: to a peer that "
                  "never reads it expires with ETIMEDOUT, and the message "
                  "says how many bytes went out; send() expires the same way "
                  "once the buffers are full");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_settimeout (client, 0.3, &error), error);

  start = g_get_monotonic_time ();
  g_assert_false (sock_object_sendall (client, data, size, 0, &error));
  assert_took (start, 300, "sendall");
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "sendall: "));
  g_assert_true (g_str_has_suffix (error->message, expected_tail));
  sent = g_ascii_strtoull (error->message + strlen ("sendall: "), NULL, 10);
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (sent, <, size);
  g_clear_error (&error);

  /* send() may find room again first: the kernel grows its buffers. */
  for (guint i = 0; i < 100; i++)
    {
      start = g_get_monotonic_time ();
      if (sock_object_send (client, data, size, 0, &error) < 0)
        break;
    }
  assert_took (start, 300, "send");
  assert_timed_out (error);
}

/* The default timeout ------------------------------------------------------------ */

static void
test_default_timeout (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(SockObject) plain = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("setdefaulttimeout() applies to new sockets, fromfd() and "
                  "accepted ones, as CPython's rule; with no default, an "
                  "accepted socket blocks even when the listener has a "
                  "timeout; NaN leaves the default unchanged");

  g_assert_cmpfloat (sock_getdefaulttimeout (), ==, -1.0);

  sock_setdefaulttimeout (1.5);
  g_assert_cmpfloat (sock_getdefaulttimeout (), ==, 1.5);
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  g_assert_cmpfloat (sock_object_gettimeout (listener), ==, 1.5);
  client = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (fd_is_nonblocking (client));
  test_assert_ok (sock_object_connect (client, address, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sock_object_gettimeout (conn), ==, 1.5);
  g_assert_true (fd_is_nonblocking (conn));
  g_clear_object (&conn);
  g_clear_object (&client);

  {
    g_autoptr(SockObject) from = sock_fromfd (sock_object_fileno (listener), AF_INET,
                                              SOCK_STREAM, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (sock_object_gettimeout (from), ==, 1.5);
  }

  g_test_expect_message ("Sock", G_LOG_LEVEL_WARNING, "*not a usable timeout*");
  sock_setdefaulttimeout (NAN);
  g_test_assert_expected_messages ();
  g_assert_cmpfloat (sock_getdefaulttimeout (), ==, 1.5);

  sock_setdefaulttimeout (-1);
  g_assert_cmpfloat (sock_getdefaulttimeout (), ==, -1.0);
  plain = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_cmpfloat (sock_object_gettimeout (plain), ==, -1.0);
  g_assert_false (fd_is_nonblocking (plain));

  /* The listener keeps its 1.5 s; what it accepts blocks. */
  client = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, address, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sock_object_gettimeout (conn), ==, -1.0);
  g_assert_false (fd_is_nonblocking (conn));
}

/* makefile() ------------------------------------------------------------------------ */

static void
test_makefile_expires (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gchar buffer[16];
  gint64 start;

  g_test_summary ("A makefile() stream follows its socket's timeout, set "
                  "before or after the stream was made: a read that expires "
                  "fails with G_IO_ERROR_TIMED_OUT");

  test_tcp_pair (&client, &server);
  stream = sock_object_makefile (client, "rb", 0, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_settimeout (client, 0.2, &error), error);

  start = g_get_monotonic_time ();
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer,
                                        sizeof buffer, NULL, &error), ==, -1);
  assert_took (start, 200, "stream read");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);

  test_assert_ok (g_io_stream_close (stream, NULL, &error), error);
}

/* Signals never extend a deadline --------------------------------------------------- */

static volatile sig_atomic_t signals_seen;
static volatile sig_atomic_t signals_max;

static void
on_alarm (int signo)
{
  struct itimerval off = { { 0, 0 }, { 0, 0 } };

  /* Bounded, so that a deadline that signals do extend still ends. */
  if (++signals_seen >= signals_max)
    setitimer (ITIMER_REAL, &off, NULL);
}

/* SIGALRM, without SA_RESTART, after @first_us and then every @every_us
 * (0: once), at most @max times. */
static void
alarms_start (glong first_us,
              glong every_us,
              gint  max)
{
  struct sigaction action = { 0 };
  struct itimerval timer = { { 0, every_us }, { first_us / G_USEC_PER_SEC, first_us % G_USEC_PER_SEC } };

  action.sa_handler = on_alarm;
  sigemptyset (&action.sa_mask);
  g_assert_cmpint (sigaction (SIGALRM, &action, NULL), ==, 0);
  signals_seen = 0;
  signals_max = max;
  g_assert_cmpint (setitimer (ITIMER_REAL, &timer, NULL), ==, 0);
}

static gint
alarms_stop (void)
{
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  struct sigaction dfl = { 0 };

  setitimer (ITIMER_REAL, &off, NULL);
  dfl.sa_handler = SIG_IGN;
  sigaction (SIGALRM, &dfl, NULL);
  return signals_seen;
}

static void
set_kernel_timeout (SockObject *sock,
                    gint        optname,
                    guint       ms)
{
  g_autoptr(GError) error = NULL;
  struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

  test_assert_ok (sock_object_setsockopt_bytes (sock, SOL_SOCKET, optname,
                                                (const guint8 *) &tv, sizeof tv, &error),
                  error);
}

static void
test_signals_timeout (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_test_summary ("With a timeout, SIGALRM every millisecond never extends "
                  "recv()'s deadline");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_settimeout (client, 0.3, &error), error);

  alarms_start (1000, 1000, 3000);
  start = g_get_monotonic_time ();
  g_assert_null (sock_object_recv (client, 16, 0, &error));
  assert_took (start, 300, "recv under signals");
  g_assert_cmpint (alarms_stop (), >, 10);
  assert_timed_out (error);
}

static void
test_signals_rcvtimeo (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gchar buffer[16];
  gint64 start;

  g_test_summary ("Regression: a SO_RCVTIMEO of 300 ms bounds recv() and a "
                  "makefile() stream read although a signal arrives every "
                  "100 ms (each used to start the kernel's timer over)");

  test_tcp_pair (&client, &server);
  set_kernel_timeout (client, SO_RCVTIMEO, 300);

  alarms_start (100000, 100000, 30);
  start = g_get_monotonic_time ();
  g_assert_null (sock_object_recv (client, 16, 0, &error));
  assert_took (start, 300, "recv with SO_RCVTIMEO under signals");
  g_assert_cmpint (alarms_stop (), >=, 2);
  test_assert_sock_error (error, EAGAIN);
  g_clear_error (&error);

  stream = sock_object_makefile (client, "rb", 0, &error);
  g_assert_no_error (error);
  alarms_start (100000, 100000, 30);
  start = g_get_monotonic_time ();
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer,
                                        sizeof buffer, NULL, &error), ==, -1);
  assert_took (start, 300, "stream read with SO_RCVTIMEO under signals");
  g_assert_cmpint (alarms_stop (), >=, 2);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_signals_sndtimeo_connect (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) first = NULL;
  g_autoptr(SockObject) listener = full_listener (&address, &first);
  g_autoptr(SockObject) second = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_test_summary ("Regression: a blocking connect() with SO_SNDTIMEO of "
                  "300 ms interrupted by a signal at 240 ms gives up at "
                  "300 ms (EINPROGRESS), not 300 ms after the signal");

  set_kernel_timeout (second, SO_SNDTIMEO, 300);
  alarms_start (240000, 0, 1);
  start = g_get_monotonic_time ();
  g_assert_false (sock_object_connect (second, address, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, (300 + 150) * 1000);
  assert_took (start, 300, "connect with SO_SNDTIMEO and a signal");
  g_assert_cmpint (alarms_stop (), ==, 1);
  test_assert_sock_error (error, EINPROGRESS);
}

/* Review regressions -------------------------------------------------------------- */

static void
test_sendto_ready_but_full (void)
{
  g_autofree gchar *dir = test_tmpdir_new ();
  g_autofree gchar *path = g_build_filename (dir, "receiver", NULL);
  g_autoptr(SockObject) receiver = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(SockObject) sender = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(GError) error = NULL;
  guint8 datagram[256] = { 0 };
  gint64 start;
  guint i;

  g_test_summary ("Regression: a timeout is enforced even when poll() keeps "
                  "saying ready while the call says EAGAIN (an unconnected "
                  "AF_UNIX datagram sender to a full receiver): sendto() "
                  "fails with ETIMEDOUT instead of spinning");

  test_assert_ok (sock_object_bind (receiver, g_variant_new_string (path), &error), error);
  test_assert_ok (sock_object_settimeout (sender, 0, &error), error);
  for (i = 0; i < 100000; i++)
    if (sock_object_sendto (sender, datagram, sizeof datagram, 0, g_variant_new_string (path),
                            &error) < 0)
      break;
  test_assert_sock_error (error, EAGAIN);
  g_clear_error (&error);

  test_assert_ok (sock_object_settimeout (sender, 0.2, &error), error);
  start = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_sendto (sender, datagram, sizeof datagram, 0,
                                       g_variant_new_string (path), &error), ==, -1);
  assert_took (start, 200, "sendto to a full receiver");
  assert_timed_out (error);
  test_tmpdir_remove (dir);
}

static void
test_fork_close_does_not_wake_parent (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  pid_t pid;
  gint status;

  g_test_summary ("Regression: the wakeup a socket's waits watch is not "
                  "shared across fork(): a child that closes its copy does "
                  "not wake (or spin) the parent's wait, whose timeout "
                  "still expires on time");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_settimeout (client, 0.05, &error), error);
  /* One wait, so that the wakeup exists before the fork. */
  g_assert_null (sock_object_recv (client, 1, 0, &error));
  g_clear_error (&error);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      sock_object_close (client, NULL);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  test_assert_ok (sock_object_settimeout (client, 0.3, &error), error);
  start = g_get_monotonic_time ();
  g_assert_null (sock_object_recv (client, 1, 0, &error));
  assert_took (start, 300, "recv after a child closed its copy");
  assert_timed_out (error);
}

static void
test_waits_release_eventfd (void)
{
  g_autoptr(GPtrArray) socks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint before, i;

  g_test_summary ("Regression: a closed socket that had to wait gives its "
                  "wakeup descriptor back at close, not when the object is "
                  "finalized");

  before = test_count_open_fds ();
  for (i = 0; i < 20; i++)
    {
      SockObject *client = NULL, *server = NULL;

      test_tcp_pair (&client, &server);
      test_assert_ok (sock_object_settimeout (client, 0.001, &error), error);
      g_assert_null (sock_object_recv (client, 1, 0, &error));
      g_clear_error (&error);
      test_assert_ok (sock_object_close (client, &error), error);
      test_assert_ok (sock_object_close (server, &error), error);
      g_ptr_array_add (socks, client);
      g_ptr_array_add (socks, server);
    }
  g_assert_cmpuint (test_count_open_fds (), <=, before);
}

static gpointer
send_later (gpointer data)
{
  g_usleep (100 * 1000);
  g_assert_true (sock_object_sendall (data, (const guint8 *) "abcdefghij", 10, 0, NULL));
  return NULL;
}

static void
test_rcvtimeo_waitall (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GThread *thread;

  g_test_summary ("Regression: with only the kernel's SO_RCVTIMEO, "
                  "recv(n, MSG_WAITALL) returns n bytes that arrive in two "
                  "parts, as CPython's does");

  test_tcp_pair (&client, &server);
  set_kernel_timeout (client, SO_RCVTIMEO, 5000);
  test_assert_ok (sock_object_sendall (server, (const guint8 *) "0123456789", 10, 0, &error),
                  error);
  thread = g_thread_new ("send-later", send_later, server);
  bytes = sock_object_recv (client, 20, MSG_WAITALL, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  test_assert_bytes_eq (bytes, "0123456789abcdefghij");
}

/* Each receive with MSG_DONTWAIT on an idle connection: EAGAIN at once. */
static void
assert_dontwait_receives (SockObject  *sock,
                          const gchar *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  guint8 buffer[16];
  GInputVector vector = { buffer, sizeof buffer };
  gint64 start = g_get_monotonic_time ();

  g_test_message ("%s", what);

  g_assert_null (sock_object_recv (sock, 16, MSG_DONTWAIT, &error));
  g_assert_error (error, SOCK_ERROR, EAGAIN);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_recv_into (sock, buffer, sizeof buffer, MSG_DONTWAIT, &error),
                   ==, -1);
  g_assert_error (error, SOCK_ERROR, EAGAIN);
  g_clear_error (&error);

  g_assert_null (sock_object_recvfrom (sock, 16, MSG_DONTWAIT, &address, &error));
  g_assert_error (error, SOCK_ERROR, EAGAIN);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_recvfrom_into (sock, buffer, sizeof buffer, MSG_DONTWAIT,
                                              &address, &error), ==, -1);
  g_assert_error (error, SOCK_ERROR, EAGAIN);
  g_clear_error (&error);

  g_assert_null (sock_object_recvmsg (sock, 16, 0, MSG_DONTWAIT, NULL, NULL, NULL, &error));
  g_assert_error (error, SOCK_ERROR, EAGAIN);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_recvmsg_into (sock, &vector, 1, 0, MSG_DONTWAIT, NULL, NULL,
                                             NULL, &error), ==, -1);
  g_assert_error (error, SOCK_ERROR, EAGAIN);
  g_clear_error (&error);

  /* Six calls, none waiting out the 2 s timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 100 * 1000);
}

static void
test_dontwait_never_waits (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("Regression: a caller's MSG_DONTWAIT makes recv, recv_into, "
                  "recvfrom, recvfrom_into, recvmsg and recvmsg_into fail with "
                  "EAGAIN at once, on a socket with settimeout() and on one "
                  "with SO_RCVTIMEO, as in CPython");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_settimeout (client, 2.0, &error), error);
  assert_dontwait_receives (client, "settimeout(2)");

  test_assert_ok (sock_object_settimeout (client, -1.0, &error), error);
  set_kernel_timeout (client, SO_RCVTIMEO, 2000);
  assert_dontwait_receives (client, "SO_RCVTIMEO 2 s");

  /* Data that is there is still received. */
  test_assert_ok (sock_object_sendall (server, (const guint8 *) "data", 4, 0, &error), error);
  test_assert_ok (sock_object_settimeout (client, 2.0, &error), error);
  bytes = sock_object_recv (client, 16, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (bytes, "data");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/timeout/settimeout/modes", test_settimeout_modes);
  g_test_add_func ("/timeout/settimeout/invalid", test_settimeout_invalid);
  g_test_add_func ("/timeout/recv/expires", test_recv_expires);
  g_test_add_func ("/timeout/recvfrom/expires", test_recvfrom_expires);
  g_test_add_func ("/timeout/accept/expires", test_accept_expires);
  g_test_add_func ("/timeout/connect/expires", test_connect_expires);
  g_test_add_func ("/timeout/connect/succeeds", test_connect_succeeds);
  g_test_add_func ("/timeout/sendall/expires", test_sendall_expires);
  g_test_add_func ("/timeout/setdefaulttimeout/new-and-accepted", test_default_timeout);
  g_test_add_func ("/timeout/makefile/expires", test_makefile_expires);
  g_test_add_func ("/timeout/signals/settimeout", test_signals_timeout);
  g_test_add_func ("/timeout/signals/rcvtimeo", test_signals_rcvtimeo);
  g_test_add_func ("/timeout/signals/sndtimeo-connect", test_signals_sndtimeo_connect);
  g_test_add_func ("/timeout/sendto/ready-but-full", test_sendto_ready_but_full);
  g_test_add_func ("/timeout/recv/fork-close", test_fork_close_does_not_wake_parent);
  g_test_add_func ("/timeout/close/releases-wakeup", test_waits_release_eventfd);
  g_test_add_func ("/timeout/recv/rcvtimeo-waitall", test_rcvtimeo_waitall);
  g_test_add_func ("/timeout/recv/dontwait-never-waits", test_dontwait_never_waits);

  return g_test_run ();
}
