/* async.c: the _async/_finish calls on a GMainContext
 *
 * Everything runs on the test thread's default main context, over
 * loopback, with ports from port 0; the watchdog bounds every test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"

#define WATCHDOG_SECONDS 60

/* Waiting for a callback ---------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
  gboolean done;
  GMainContext *context;     /* the thread-default context the callback saw */
  GThread *thread;
} Waiter;

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  waiter->done = FALSE;
}

static void
on_ready (GObject      *source_object,
          GAsyncResult *result,
          gpointer      data)
{
  Waiter *waiter = data;

  g_assert_false (waiter->done);
  waiter->result = g_object_ref (result);
  waiter->context = g_main_context_get_thread_default ();
  waiter->thread = g_thread_self ();
  waiter->done = TRUE;
}

/* Iterates the thread-default context until the callback ran; the watchdog
 * bounds it. */
static void
wait_for (Waiter *waiter)
{
  GMainContext *context = g_main_context_get_thread_default ();

  while (!waiter->done)
    g_main_context_iteration (context, TRUE);
}

static GBytes *
bytes_of (const gchar *text)
{
  return g_bytes_new (text, strlen (text));
}

/* The bytes waiting on @sock, received without waiting. */
static gchar *
drain (SockObject *sock)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (;;)
    {
      guint8 buffer[4096];
      gssize n = recv (sock_object_fileno (sock), buffer, sizeof buffer, MSG_DONTWAIT);

      if (n <= 0)
        break;
      g_string_append_len (got, (const gchar *) buffer, n);
    }

  return g_string_free (g_steal_pointer (&got), FALSE);
}

static void
assert_cancelled (GError *error)
{
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Waits for the recv_async() on @sock that @waiter stands for and returns
 * its data, asserting that it succeeded. */
static GBytes *
recv_result (SockObject *sock,
             Waiter     *waiter)
{
  g_autoptr(GError) error = NULL;
  GBytes *data;

  wait_for (waiter);
  data = sock_object_recv_finish (sock, waiter->result, &error);
  g_assert_no_error (error);
  return data;
}

/* Waits for the recv_async() on @sock that @waiter stands for, which was
 * cancelled: it fails so and takes nothing, what waits on @sock (drained
 * without waiting) is @waiting. The waiter is cleared for the next call. */
static void
assert_recv_cancelled (SockObject  *sock,
                       Waiter      *waiter,
                       const gchar *waiting)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *left = NULL;

  wait_for (waiter);
  g_assert_null (sock_object_recv_finish (sock, waiter->result, &error));
  assert_cancelled (error);
  waiter_clear (waiter);
  test_spin (10);
  left = drain (sock);
  g_assert_cmpstr (left, ==, waiting);
}

static void
setup (void)
{
  test_watchdog_arm (WATCHDOG_SECONDS);
}

/* A connected pair, both ends blocking, as test_tcp_pair() makes them. */
typedef struct
{
  SockObject *client;
  SockObject *server;
} Pair;

static void
pair_init (Pair *pair)
{
  setup ();
  test_tcp_pair (&pair->client, &pair->server);
}

static void
pair_clear (Pair *pair)
{
  g_clear_object (&pair->client);
  g_clear_object (&pair->server);
  test_watchdog_disarm ();
}

/* recv and send ----------------------------------------------------------------- */

static void
test_recv_basic (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;

  g_test_summary ("recv_async() waits for data without blocking, and its callback runs "
                  "in the caller's thread-default context, never inside the call");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  test_spin (20);
  g_assert_false (waiter.done);

  test_assert_ok (sock_object_sendall (pair.client, (const guint8 *) "hello", 5, 0, &error),
                  error);
  wait_for (&waiter);
  g_assert_true (waiter.context == NULL || waiter.context == g_main_context_default ());
  g_assert_true (waiter.thread == g_thread_self ());
  data = sock_object_recv_finish (pair.server, waiter.result, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "hello");

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_recv_eof (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;

  g_test_summary ("recv_async() gives empty data at the end of the stream");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &waiter);
  test_assert_ok (sock_object_shutdown (pair.client, SHUT_WR, &error), error);
  data = recv_result (pair.server, &waiter);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_recv_zero (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GBytes) data = NULL;

  g_test_summary ("recv_async() of 0 bytes completes with empty data without waiting, "
                  "as recv(0), but still from the main loop");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 0, 0, NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  data = recv_result (pair.server, &waiter);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_recv_nonblocking_socket (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;

  g_test_summary ("recv_async() waits on a non-blocking socket too, and leaves its mode "
                  "alone");

  pair_init (&pair);
  test_assert_ok (sock_object_setblocking (pair.server, FALSE, &error), error);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &waiter);
  test_spin (20);
  g_assert_false (waiter.done);
  test_assert_ok (sock_object_sendall (pair.client, (const guint8 *) "x", 1, 0, &error), error);
  data = recv_result (pair.server, &waiter);
  test_assert_bytes_eq (data, "x");
  g_assert_false (sock_object_get_blocking (pair.server));

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_send_basic (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = bytes_of ("hello");
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("send_async() sends at once when there is room, and its callback "
                  "still runs later, from the main loop");

  pair_init (&pair);
  sock_object_send_async (pair.client, data, 0, NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  wait_for (&waiter);
  g_assert_cmpint (sock_object_send_finish (pair.client, waiter.result, &error), ==, 5);
  g_assert_no_error (error);
  got = sock_object_recv (pair.server, 1024, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "hello");

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_send_broken_pipe (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = bytes_of ("hello");

  g_test_summary ("send_async() to a peer that closed fails with the errno the blocking "
                  "call gives, and raises no SIGPIPE");

  pair_init (&pair);
  test_assert_ok (sock_object_close (pair.server, &error), error);
  /* The first send may still go out; the reset makes a later one fail. */
  for (guint i = 0; i < 100; i++)
    {
      sock_object_send_async (pair.client, data, 0, NULL, on_ready, &waiter);
      wait_for (&waiter);
      if (sock_object_send_finish (pair.client, waiter.result, &error) < 0)
        break;
      waiter_clear (&waiter);
      test_spin (5);
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
  g_assert_true (error->code == EPIPE || error->code == ECONNRESET);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_sendall_large (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  gsize size = 8 * 1024 * 1024;
  guint8 *buffer = g_malloc (size);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GString) got = g_string_new (NULL);
  TestSum expected = { 0, }, received = { 0, };

  g_test_summary ("sendall_async() sends more than the socket buffers hold, waiting "
                  "for room, while the same context receives it with recv_async(); every "
                  "byte is checked");

  pair_init (&pair);
  test_fill_pattern (buffer, size, 12, 0);
  test_sum_update (&expected, buffer, size);
  data = g_bytes_new_take (buffer, size);

  sock_object_sendall_async (pair.client, data, 0, NULL, on_ready, &waiter);
  {
    gsize total = 0;

    while (total < size)
      {
        Waiter reading = { 0, };
        g_autoptr(GBytes) chunk = NULL;

        sock_object_recv_async (pair.server, 65536, 0, NULL, on_ready, &reading);
        chunk = recv_result (pair.server, &reading);
        g_assert_cmpuint (g_bytes_get_size (chunk), >, 0);
        test_sum_update (&received, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
        total += g_bytes_get_size (chunk);
        waiter_clear (&reading);
      }
    g_assert_cmpuint (total, ==, size);
  }
  wait_for (&waiter);
  test_assert_ok (sock_object_sendall_finish (pair.client, waiter.result, &error), error);
  g_assert_cmpuint (received.a, ==, expected.a);
  g_assert_cmpuint (received.b, ==, expected.b);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_sendall_empty (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = g_bytes_new (NULL, 0);

  g_test_summary ("sendall_async() of nothing succeeds from the main loop");

  pair_init (&pair);
  sock_object_sendall_async (pair.client, data, 0, NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  wait_for (&waiter);
  test_assert_ok (sock_object_sendall_finish (pair.client, waiter.result, &error), error);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_read_and_write (void)
{
  Pair pair;
  Waiter reading = { 0, }, writing = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = bytes_of ("ping");
  g_autoptr(GBytes) got = NULL;
  g_autofree gchar *echoed = NULL;

  g_test_summary ("one read and one write may be in progress on a socket at once");

  pair_init (&pair);
  sock_object_recv_async (pair.client, 1024, 0, NULL, on_ready, &reading);
  sock_object_send_async (pair.client, data, 0, NULL, on_ready, &writing);
  wait_for (&writing);
  g_assert_cmpint (sock_object_send_finish (pair.client, writing.result, &error), ==, 4);
  g_assert_no_error (error);
  got = sock_object_recv (pair.server, 1024, 0, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_sendall (pair.server, g_bytes_get_data (got, NULL),
                                       g_bytes_get_size (got), 0, &error), error);
  wait_for (&reading);
  g_clear_pointer (&got, g_bytes_unref);
  got = sock_object_recv_finish (pair.client, reading.result, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "ping");

  waiter_clear (&reading);
  waiter_clear (&writing);
  pair_clear (&pair);
}

static void
test_recv_pending (void)
{
  Pair pair;
  Waiter first = { 0, }, second = { 0, }, third = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(SockObject) conn = NULL;

  g_test_summary ("a second read in progress is refused with G_IO_ERROR_PENDING, never "
                  "queued; the first is unaffected; the slot is free again in the first's "
                  "callback");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &first);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &second);
  wait_for (&second);
  g_assert_null (sock_object_recv_finish (pair.server, second.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "read"));
  g_clear_error (&error);

  /* accept and recvfrom are reads too. */
  sock_object_accept_async (pair.server, NULL, on_ready, &third);
  wait_for (&third);
  conn = sock_object_accept_finish (pair.server, third.result, NULL, &error);
  g_assert_null (conn);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_false (first.done);

  test_assert_ok (sock_object_sendall (pair.client, (const guint8 *) "ab", 2, 0, &error), error);
  data = recv_result (pair.server, &first);
  test_assert_bytes_eq (data, "ab");

  waiter_clear (&first);
  waiter_clear (&second);
  waiter_clear (&third);
  pair_clear (&pair);
}

static void
test_sendall_pending (void)
{
  Pair pair;
  Waiter first = { 0, }, second = { 0, };
  g_autoptr(GError) error = NULL;
  gsize size = 8 * 1024 * 1024;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (size), size);
  g_autoptr(GBytes) small = bytes_of ("x");

  g_test_summary ("a second write in progress is refused with G_IO_ERROR_PENDING while "
                  "sendall_async() waits for room");

  pair_init (&pair);
  sock_object_sendall_async (pair.client, big, 0, NULL, on_ready, &first);
  sock_object_send_async (pair.client, small, 0, NULL, on_ready, &second);
  wait_for (&second);
  g_assert_cmpint (sock_object_send_finish (pair.client, second.result, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_nonnull (strstr (error->message, "write"));
  g_clear_error (&error);
  g_assert_false (first.done);

  /* Closing ends the first. */
  test_assert_ok (sock_object_close (pair.client, &error), error);
  wait_for (&first);
  g_assert_false (sock_object_sendall_finish (pair.client, first.result, &error));
  test_assert_sock_error (error, EBADF);
  g_assert_true (g_str_has_prefix (error->message, "sendall: "));

  waiter_clear (&first);
  waiter_clear (&second);
  pair_clear (&pair);
}

static gpointer
send_later (gpointer data)
{
  g_usleep (50000);
  sock_object_sendall (data, (const guint8 *) "late", 4, 0, NULL);
  return NULL;
}

static void
test_recv_blocking_call_meanwhile (void)
{
  Pair pair;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  GThread *thread;
  gint fd, flags;

  g_test_summary ("accept_async() and connect_async() set O_NONBLOCK on a blocking "
                  "descriptor for the duration of their system call; a blocking call of "
                  "another thread that meets the flag meanwhile waits instead of failing "
                  "with EAGAIN");

  pair_init (&pair);
  /* Without a kernel timeout, the blocking recv waits in the kernel. */
  test_set_io_timeout (pair.server, 0);
  fd = sock_object_fileno (pair.server);
  flags = fcntl (fd, F_GETFL);
  g_assert_cmpint (fcntl (fd, F_SETFL, flags | O_NONBLOCK), ==, 0);
  thread = g_thread_new ("send", send_later, pair.client);
  got = sock_object_recv (pair.server, 64, 0, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "late");
  g_assert_true (sock_object_get_blocking (pair.server));

  pair_clear (&pair);
}

/* Datagrams ---------------------------------------------------------------------- */

static void
test_recvfrom_udp (void)
{
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) a_address = NULL;
  g_autoptr(GVariant) b_address = NULL;
  g_autoptr(GVariant) sender = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = bytes_of ("datagram");
  g_autoptr(GBytes) got = NULL;
  Waiter sending = { 0, }, receiving = { 0, };

  g_test_summary ("recvfrom_async() and sendto_async() on UDP: the data and the sender's "
                  "address");

  setup ();
  a = test_udp_socket_new (&a_address);
  b = test_udp_socket_new (&b_address);

  sock_object_recvfrom_async (b, 2048, 0, NULL, on_ready, &receiving);
  sock_object_sendto_async (a, data, 0, b_address, NULL, on_ready, &sending);
  wait_for (&sending);
  g_assert_cmpint (sock_object_sendto_finish (a, sending.result, &error), ==, 8);
  g_assert_no_error (error);
  wait_for (&receiving);
  got = sock_object_recvfrom_finish (b, receiving.result, &sender, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "datagram");
  g_assert_true (g_variant_equal (sender, a_address));

  waiter_clear (&sending);
  waiter_clear (&receiving);
  test_watchdog_disarm ();
}

static void
test_sendto_name (void)
{
  g_autoptr(SockObject) a = test_socket_new (AF_INET, SOCK_DGRAM);
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) b_address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = bytes_of ("by name");
  g_autoptr(GBytes) got = NULL;
  Waiter sending = { 0, };

  g_test_summary ("sendto_async() looks a host name up without blocking, then sends; an "
                  "unknown host is a SOCK_RESOLVER_ERROR");

  setup ();
  b = test_udp_socket_new (&b_address);

  sock_object_sendto_async (a, data, 0,
                            g_variant_new ("(sq)", "localhost", test_address_port (b_address)),
                            NULL, on_ready, &sending);
  wait_for (&sending);
  g_assert_cmpint (sock_object_sendto_finish (a, sending.result, &error), ==, 7);
  g_assert_no_error (error);
  got = sock_object_recv (b, 64, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "by name");
  waiter_clear (&sending);

  sock_object_sendto_async (a, data, 0, g_variant_new ("(sq)", "no-such-host.invalid", 9),
                            NULL, on_ready, &sending);
  wait_for (&sending);
  g_assert_cmpint (sock_object_sendto_finish (a, sending.result, &error), ==, -1);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);

  waiter_clear (&sending);
  test_watchdog_disarm ();
}

/* accept and connect --------------------------------------------------------------- */

static void
test_accept_connect (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autoptr(GVariant) client_address = NULL;
  g_autoptr(GError) error = NULL;
  Waiter accepting = { 0, }, connecting = { 0, };

  g_test_summary ("accept_async() and connect_async() on blocking sockets, in one "
                  "context: the connection, the peer's address, and both sockets still "
                  "blocking afterwards");

  setup ();
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  sock_object_accept_async (listener, NULL, on_ready, &accepting);
  sock_object_connect_async (client, address, NULL, on_ready, &connecting);
  g_assert_false (accepting.done || connecting.done);
  wait_for (&connecting);
  test_assert_ok (sock_object_connect_finish (client, connecting.result, &error), error);
  wait_for (&accepting);
  conn = sock_object_accept_finish (listener, accepting.result, &peer, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_INET_OBJECT (conn));
  client_address = sock_object_getsockname (client, &error);
  g_assert_true (g_variant_equal (peer, client_address));

  g_assert_true (sock_object_get_blocking (listener));
  g_assert_true (sock_object_get_blocking (client));
  g_assert_false (fcntl (sock_object_fileno (listener), F_GETFL) & O_NONBLOCK);
  g_assert_false (fcntl (sock_object_fileno (client), F_GETFL) & O_NONBLOCK);

  waiter_clear (&accepting);
  waiter_clear (&connecting);
  test_watchdog_disarm ();
}

static void
test_connect_refused (void)
{
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) unused = test_tcp_listener_new (TEST_BACKLOG, NULL);
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("connect_async() to a closed port fails with ECONNREFUSED, worded as "
                  "the blocking call");

  setup ();
  address = sock_object_getsockname (unused, &error);
  sock_object_close (unused, NULL);

  sock_object_connect_async (client, address, NULL, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (client, waiter.result, &error));
  test_assert_sock_error (error, ECONNREFUSED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "connect to ('127.0.0.1', "));

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_connect_localhost (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("connect_async() resolves 'localhost' without blocking");

  setup ();
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  sock_object_connect_async (client, g_variant_new ("(sq)", "localhost",
                                                    test_address_port (address)),
                             NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  wait_for (&waiter);
  test_assert_ok (sock_object_connect_finish (client, waiter.result, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_connect_invalid_host (void)
{
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("connect_async() to a host that does not exist fails with a "
                  "SOCK_RESOLVER_ERROR, as the blocking call");

  setup ();
  sock_object_connect_async (client, g_variant_new ("(sq)", "no-such-host.invalid", 80),
                             NULL, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (client, waiter.result, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
  g_assert_true (error->code == SOCK_RESOLVER_ERROR_NOT_FOUND ||
                 error->code == SOCK_RESOLVER_ERROR_TEMPORARY_FAILURE);
  g_assert_nonnull (strstr (error->message, "no-such-host.invalid"));

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_connect_bad_address (void)
{
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("connect_async() with an address of the wrong shape fails with "
                  "EINVAL, from the main loop");

  setup ();
  sock_object_connect_async (client, g_variant_new_string ("nope"), NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (client, waiter.result, &error));
  test_assert_sock_error (error, EINVAL);

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

/* A resolver that knows one name, "two.test", with two addresses: one where
 * nothing listens, then 127.0.0.1. */
typedef GResolver TestResolver;
typedef GResolverClass TestResolverClass;

GType test_resolver_get_type (void);
G_DEFINE_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static void
hang_cancelled (GCancellable *cancellable,
                GTask        *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "gave up");
}

static void
test_resolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                               const gchar              *hostname,
                                               GResolverNameLookupFlags  flags,
                                               GCancellable             *cancellable,
                                               GAsyncReadyCallback       callback,
                                               gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  /* Never answers: only a cancellation ends the lookup. */
  if (g_str_equal (hostname, "hang.test"))
    {
      g_assert_nonnull (cancellable);
      g_cancellable_connect (cancellable, G_CALLBACK (hang_cancelled),
                             g_object_ref (task), g_object_unref);
      return;
    }

  if (g_str_equal (hostname, "two.test"))
    {
      GList *addresses = NULL;

      addresses = g_list_append (addresses, g_inet_address_new_from_string ("127.0.0.3"));
      addresses = g_list_append (addresses, g_inet_address_new_from_string ("127.0.0.1"));
      g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
    }
  else
    g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                             "unknown to the test resolver");
}

static GList *
test_resolver_lookup_by_name_with_flags_finish (GResolver     *resolver,
                                                GAsyncResult  *result,
                                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  klass->lookup_by_name_with_flags_async = test_resolver_lookup_by_name_with_flags_async;
  klass->lookup_by_name_with_flags_finish = test_resolver_lookup_by_name_with_flags_finish;
}

static void
test_resolver_init (TestResolver *resolver)
{
}

static void
test_connect_each_address (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GResolver) previous = g_resolver_get_default ();
  g_autoptr(GResolver) resolver = g_object_new (test_resolver_get_type (), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) refused = test_socket_new (AF_INET, SOCK_STREAM);
  Waiter waiter = { 0, };

  g_test_summary ("connect_async() tries each address the resolver gives in turn until "
                  "one connects; when all fail, the error is the first's, with every "
                  "address's message");

  setup ();
  g_resolver_set_default (resolver);
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);

  sock_object_connect_async (client, g_variant_new ("(sq)", "two.test",
                                                    test_address_port (address)),
                             NULL, on_ready, &waiter);
  wait_for (&waiter);
  test_assert_ok (sock_object_connect_finish (client, waiter.result, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  waiter_clear (&waiter);

  /* Both refused. */
  sock_object_close (listener, NULL);
  sock_object_connect_async (refused, g_variant_new ("(sq)", "two.test",
                                                     test_address_port (address)),
                             NULL, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (refused, waiter.result, &error));
  test_assert_sock_error (error, ECONNREFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "127.0.0.3"));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));

  g_resolver_set_default (previous);
  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_connect_timeout_resolving (void)
{
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GResolver) previous = g_resolver_get_default ();
  g_autoptr(GResolver) resolver = g_object_new (test_resolver_get_type (), NULL);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  gint64 start, elapsed;

  g_test_summary ("the socket's timeout bounds connect_async() from its start, the "
                  "lookup of the host included; the lookup is given up then");

  setup ();
  g_resolver_set_default (resolver);
  test_assert_ok (sock_object_settimeout (client, 0.2, &error), error);
  start = g_get_monotonic_time ();
  sock_object_connect_async (client, g_variant_new ("(sq)", "hang.test", 80), NULL,
                             on_ready, &waiter);
  wait_for (&waiter);
  elapsed = g_get_monotonic_time () - start;
  g_assert_false (sock_object_connect_finish (client, waiter.result, &error));
  test_assert_sock_error (error, ETIMEDOUT);
  g_assert_cmpint (elapsed, >=, 199000);
  /* The resolver's answer (cancelled) comes and is ignored. */
  test_spin (20);

  g_resolver_set_default (previous);
  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

/* Cancellation ----------------------------------------------------------------------- */

static void
test_recv_cancel (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) data = NULL;

  g_test_summary ("recv_async() cancelled before it starts, while it waits, and after it "
                  "completed: G_IO_ERROR_CANCELLED and nothing received, or the data it "
                  "received when it completed first");

  pair_init (&pair);

  /* Before: data is there, and stays there. */
  test_assert_ok (sock_object_sendall (pair.client, (const guint8 *) "one", 3, 0, &error), error);
  g_cancellable_cancel (cancellable);
  sock_object_recv_async (pair.server, 1024, 0, cancellable, on_ready, &waiter);
  assert_recv_cancelled (pair.server, &waiter, "one");

  /* During: the wait ends; data sent afterwards is not taken. */
  g_cancellable_reset (cancellable);
  sock_object_recv_async (pair.server, 1024, 0, cancellable, on_ready, &waiter);
  test_spin (10);
  g_assert_false (waiter.done);
  g_cancellable_cancel (cancellable);
  test_assert_ok (sock_object_sendall (pair.client, (const guint8 *) "two", 3, 0, &error), error);
  assert_recv_cancelled (pair.server, &waiter, "two");

  /* After: the data received stands. */
  g_cancellable_reset (cancellable);
  test_assert_ok (sock_object_sendall (pair.client, (const guint8 *) "three", 5, 0, &error),
                  error);
  sock_object_recv_async (pair.server, 1024, 0, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_cancellable_cancel (cancellable);
  data = sock_object_recv_finish (pair.server, waiter.result, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "three");

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
cancel_in_thread (GCancellable *cancellable)
{
  GThread *thread = g_thread_new ("cancel", (GThreadFunc) g_cancellable_cancel, cancellable);

  g_thread_join (thread);
}

static void
test_recv_cancel_thread (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_test_summary ("a cancellation from another thread wakes the main loop and ends the "
                  "wait");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 1024, 0, cancellable, on_ready, &waiter);
  test_spin (10);
  cancel_in_thread (cancellable);
  wait_for (&waiter);
  g_assert_null (sock_object_recv_finish (pair.server, waiter.result, &error));
  assert_cancelled (error);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_recvfrom_cancel (void)
{
  g_autoptr(SockObject) a = test_socket_new (AF_INET, SOCK_DGRAM);
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) b_address = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GVariant) sender = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("recvfrom_async() cancelled before, during and after: no datagram is "
                  "taken by a cancelled call");

  setup ();
  b = test_udp_socket_new (&b_address);

  g_cancellable_cancel (cancellable);
  sock_object_recvfrom_async (b, 64, 0, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_null (sock_object_recvfrom_finish (b, waiter.result, &sender, &error));
  g_assert_null (sender);
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);

  g_cancellable_reset (cancellable);
  sock_object_recvfrom_async (b, 64, 0, cancellable, on_ready, &waiter);
  test_spin (10);
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "kept", 4, 0, b_address, &error),
                   ==, 4);
  wait_for (&waiter);
  g_assert_null (sock_object_recvfrom_finish (b, waiter.result, NULL, &error));
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);

  g_cancellable_reset (cancellable);
  sock_object_recvfrom_async (b, 64, 0, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_cancellable_cancel (cancellable);
  got = sock_object_recvfrom_finish (b, waiter.result, &sender, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "kept");
  g_assert_nonnull (sender);

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_accept_cancel (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("accept_async() cancelled before, during and after: a cancelled call "
                  "accepts nothing, the connection waits for the next accept");

  setup ();
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);

  g_cancellable_cancel (cancellable);
  sock_object_accept_async (listener, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_null (sock_object_accept_finish (listener, waiter.result, NULL, &error));
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);

  g_cancellable_reset (cancellable);
  sock_object_accept_async (listener, cancellable, on_ready, &waiter);
  test_spin (10);
  g_cancellable_cancel (cancellable);
  test_assert_ok (sock_object_connect (client, address, &error), error);
  wait_for (&waiter);
  g_assert_null (sock_object_accept_finish (listener, waiter.result, NULL, &error));
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);

  g_cancellable_reset (cancellable);
  sock_object_accept_async (listener, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_cancellable_cancel (cancellable);
  conn = sock_object_accept_finish (listener, waiter.result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_connect_cancel (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) first = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) second = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) third = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) filler = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };
  struct sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;

  g_test_summary ("connect_async() cancelled before (no connection is asked for), "
                  "during (a connection that cannot complete) and after (the connection "
                  "stands)");

  setup ();
  /* A listener with a full queue: a connection waits for a SYN-ACK. */
  listener = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0), &error),
                  error);
  test_assert_ok (sock_object_listen (listener, 0, &error), error);
  address = sock_object_getsockname (listener, &error);
  test_assert_ok (sock_object_connect (filler, address, &error), error);

  g_cancellable_cancel (cancellable);
  sock_object_connect_async (first, address, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (first, waiter.result, &error));
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);
  g_assert_cmpint (getpeername (sock_object_fileno (first), (struct sockaddr *) &peer,
                                &peer_len), <, 0);

  g_cancellable_reset (cancellable);
  sock_object_connect_async (second, address, cancellable, on_ready, &waiter);
  test_spin (20);
  g_assert_false (waiter.done);
  g_cancellable_cancel (cancellable);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (second, waiter.result, &error));
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);

  g_cancellable_reset (cancellable);
  sock_object_close (listener, NULL);
  g_clear_object (&listener);
  g_clear_pointer (&address, g_variant_unref);
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  sock_object_connect_async (third, address, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_cancellable_cancel (cancellable);
  test_assert_ok (sock_object_connect_finish (third, waiter.result, &error), error);

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

static void
test_connect_cancel_resolving (void)
{
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("connect_async() cancelled while the host is being looked up");

  setup ();
  sock_object_connect_async (client, g_variant_new ("(sq)", "localhost", 9), cancellable,
                             on_ready, &waiter);
  g_cancellable_cancel (cancellable);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (client, waiter.result, &error));
  assert_cancelled (error);

  waiter_clear (&waiter);
  test_spin (20);
  test_watchdog_disarm ();
}

static void
test_send_cancel (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) data = bytes_of ("sent");
  g_autofree gchar *got = NULL;

  g_test_summary ("send_async() cancelled before it starts, or while it waits for "
                  "room, sends nothing; cancelled after it completed, its count stands; "
                  "sendto_async() cancelled before sends nothing");

  pair_init (&pair);
  g_cancellable_cancel (cancellable);
  sock_object_send_async (pair.client, data, 0, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_cmpint (sock_object_send_finish (pair.client, waiter.result, &error), ==, -1);
  assert_cancelled (error);
  g_clear_error (&error);
  waiter_clear (&waiter);
  test_spin (10);
  got = drain (pair.server);
  g_assert_cmpstr (got, ==, "");
  g_clear_pointer (&got, g_free);

  g_cancellable_reset (cancellable);
  sock_object_send_async (pair.client, data, 0, cancellable, on_ready, &waiter);
  wait_for (&waiter);
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (sock_object_send_finish (pair.client, waiter.result, &error), ==, 4);
  g_assert_no_error (error);
  waiter_clear (&waiter);
  test_spin (10);
  got = drain (pair.server);
  g_assert_cmpstr (got, ==, "sent");

  /* During: the socket's buffers are full, so the send waits for room;
   * cancelled then, it sends nothing. */
  {
    g_autoptr(GBytes) marked = bytes_of ("MARK");
    guint8 filler[65536];
    gsize filled = 0;

    memset (filler, 'f', sizeof filler);
    for (;;)
      {
        gssize n = send (sock_object_fileno (pair.client), filler, sizeof filler,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n < 0)
          break;
        filled += n;
      }
    g_cancellable_reset (cancellable);
    sock_object_send_async (pair.client, marked, 0, cancellable, on_ready, &waiter);
    test_spin (20);
    g_assert_false (waiter.done);
    g_cancellable_cancel (cancellable);
    wait_for (&waiter);
    g_assert_cmpint (sock_object_send_finish (pair.client, waiter.result, &error), ==, -1);
    assert_cancelled (error);
    g_clear_error (&error);
    waiter_clear (&waiter);

    /* Everything that arrives is filler. */
    test_assert_ok (sock_object_shutdown (pair.client, SHUT_WR, &error), error);
    sock_object_setblocking (pair.server, TRUE, NULL);
    for (gsize received = 0;;)
      {
        g_autoptr(GBytes) chunk = sock_object_recv (pair.server, 65536, 0, &error);
        gsize size;
        const gchar *data;

        g_assert_no_error (error);
        data = g_bytes_get_data (chunk, &size);
        if (size == 0)
          {
            g_assert_cmpuint (received, ==, filled);
            break;
          }
        g_assert_null (memchr (data, 'M', size));
        received += size;
      }
  }

  /* sendto, before. */
  g_cancellable_reset (cancellable);
  g_cancellable_cancel (cancellable);
  {
    g_autoptr(SockObject) udp = test_socket_new (AF_INET, SOCK_DGRAM);

    sock_object_sendto_async (udp, data, 0, g_variant_new ("(sq)", "127.0.0.1", 9),
                              cancellable, on_ready, &waiter);
    wait_for (&waiter);
    g_assert_cmpint (sock_object_sendto_finish (udp, waiter.result, &error), ==, -1);
    assert_cancelled (error);
  }

  waiter_clear (&waiter);
  pair_clear (&pair);
}

/* Once sendall_async() filled the kernel's buffers and waits for room. */
static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_sendall_cancel (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gsize size = 16 * 1024 * 1024;
  g_autoptr(GBytes) data = g_bytes_new_take (g_malloc0 (size), size);
  guint64 sent = 0, received = 0;
  const gchar *count;

  g_test_summary ("sendall_async() cancelled midway fails with G_IO_ERROR_CANCELLED, "
                  "its message saying how many bytes went out; exactly those reach the "
                  "peer");

  pair_init (&pair);
  sock_object_sendall_async (pair.client, data, 0, cancellable, on_ready, &waiter);
  g_timeout_add (50, cancel_later, cancellable);
  wait_for (&waiter);
  g_assert_false (sock_object_sendall_finish (pair.client, waiter.result, &error));
  assert_cancelled (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "sendall: "));
  count = error->message + strlen ("sendall: ");
  sent = g_ascii_strtoull (count, NULL, 10);
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (sent, <, size);
  g_assert_nonnull (strstr (error->message, " of 16777216 bytes sent: "));
  g_clear_error (&error);

  /* The peer gets exactly that much. */
  test_assert_ok (sock_object_shutdown (pair.client, SHUT_WR, &error), error);
  for (;;)
    {
      g_autoptr(GBytes) chunk = sock_object_recv (pair.server, 1 << 20, 0, &error);

      g_assert_no_error (error);
      if (g_bytes_get_size (chunk) == 0)
        break;
      received += g_bytes_get_size (chunk);
    }
  g_assert_cmpuint (received, ==, sent);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

/* Closing and timeouts ------------------------------------------------------------- */

static void
weak_notify_flag (gpointer  data,
                  GObject  *where)
{
  *(gboolean *) data = TRUE;
}

static void
test_recv_close_pending (void)
{
  Pair pair;
  Waiter reading = { 0, }, writing = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) peer_view = NULL;
  gsize size = 8 * 1024 * 1024;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (size), size);
  gboolean finalized = FALSE;

  g_test_summary ("closing a socket with a read and a write in progress fails both with "
                  "SOCK_ERROR/EBADF from the main loop, never inside close(); the "
                  "descriptor is closed then (the peer sees the end of the stream), and "
                  "the socket lives until the callbacks have run");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &reading);
  sock_object_sendall_async (pair.server, big, 0, NULL, on_ready, &writing);
  test_spin (20);
  g_assert_false (reading.done || writing.done);

  g_object_weak_ref (G_OBJECT (pair.server), weak_notify_flag, &finalized);
  test_assert_ok (sock_object_close (pair.server, &error), error);
  g_clear_object (&pair.server);
  g_assert_false (reading.done || writing.done);
  g_assert_false (finalized);

  wait_for (&reading);
  wait_for (&writing);
  {
    g_autoptr(GObject) owner = g_async_result_get_source_object (reading.result);

    g_assert_null (sock_object_recv_finish (SOCK_OBJECT (owner), reading.result, &error));
    test_assert_sock_error (error, EBADF);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
    g_assert_false (sock_object_sendall_finish (SOCK_OBJECT (owner), writing.result, &error));
    test_assert_sock_error (error, EBADF);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message, "sendall: "));
    g_clear_error (&error);
  }

  /* The descriptor is closed already, while the results still hold the
   * socket: the peer reads what was sent, then the end of the stream (or a
   * reset, since data was left unread). */
  g_assert_false (finalized);
  for (;;)
    {
      g_autoptr(GBytes) chunk = sock_object_recv (pair.client, 1 << 20, 0, &error);

      if (error != NULL)
        {
          test_assert_sock_error (error, ECONNRESET);
          break;
        }
      if (g_bytes_get_size (chunk) == 0)
        break;
    }

  /* The results held the last references. */
  waiter_clear (&reading);
  waiter_clear (&writing);
  test_spin (10);
  g_assert_true (finalized);

  pair_clear (&pair);
}

static void
test_recv_closed (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;

  g_test_summary ("an operation started on a closed socket fails with EBADF, from the "
                  "main loop");

  pair_init (&pair);
  sock_object_close (pair.server, NULL);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &waiter);
  g_assert_false (waiter.done);
  wait_for (&waiter);
  g_assert_null (sock_object_recv_finish (pair.server, waiter.result, &error));
  test_assert_sock_error (error, EBADF);
  g_assert_cmpstr (error->message, ==, "recv: the socket is closed: Bad file descriptor");

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static gpointer
close_later (gpointer data)
{
  g_usleep (20000);
  sock_object_close (data, NULL);
  return NULL;
}

static void
test_recv_close_thread (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_test_summary ("a close from another thread wakes the main loop and ends the wait "
                  "with EBADF");

  pair_init (&pair);
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &waiter);
  thread = g_thread_new ("close", close_later, pair.server);
  wait_for (&waiter);
  g_thread_join (thread);
  g_assert_null (sock_object_recv_finish (pair.server, waiter.result, &error));
  test_assert_sock_error (error, EBADF);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_recv_timeout (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  g_test_summary ("the socket's timeout bounds recv_async(): ETIMEDOUT 'timed out', as "
                  "the blocking call");

  pair_init (&pair);
  test_assert_ok (sock_object_settimeout (pair.server, 0.2, &error), error);
  start = g_get_monotonic_time ();
  sock_object_recv_async (pair.server, 1024, 0, NULL, on_ready, &waiter);
  wait_for (&waiter);
  elapsed = g_get_monotonic_time () - start;
  g_assert_null (sock_object_recv_finish (pair.server, waiter.result, &error));
  test_assert_sock_error (error, ETIMEDOUT);
  g_assert_cmpstr (error->message, ==, "timed out");
  g_assert_cmpint (elapsed, >=, 199000);
  g_assert_cmpint (elapsed, <, 200000 + 500000 * (test_light () ? 10 : 1));

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_sendall_timeout (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GError) error = NULL;
  gsize size = 32 * 1024 * 1024;
  g_autoptr(GBytes) data = g_bytes_new_take (g_malloc0 (size), size);

  g_test_summary ("the socket's timeout bounds the whole of sendall_async(): ETIMEDOUT, "
                  "its message saying how much went out");

  pair_init (&pair);
  test_assert_ok (sock_object_settimeout (pair.client, 0.2, &error), error);
  sock_object_sendall_async (pair.client, data, 0, NULL, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_false (sock_object_sendall_finish (pair.client, waiter.result, &error));
  test_assert_sock_error (error, ETIMEDOUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "sendall: "));
  g_assert_true (g_str_has_suffix (error->message, " of 33554432 bytes sent: timed out"));

  waiter_clear (&waiter);
  pair_clear (&pair);
}

static void
test_connect_timeout (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) filler = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("the socket's timeout bounds connect_async()");

  setup ();
  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0), &error),
                  error);
  test_assert_ok (sock_object_listen (listener, 0, &error), error);
  address = sock_object_getsockname (listener, &error);
  test_assert_ok (sock_object_connect (filler, address, &error), error);

  test_assert_ok (sock_object_settimeout (client, 0.2, &error), error);
  sock_object_connect_async (client, address, NULL, on_ready, &waiter);
  wait_for (&waiter);
  g_assert_false (sock_object_connect_finish (client, waiter.result, &error));
  test_assert_sock_error (error, ETIMEDOUT);

  waiter_clear (&waiter);
  test_watchdog_disarm ();
}

/* Contexts and threads ---------------------------------------------------------------- */

typedef struct
{
  SockObject *sock;
  GMainContext *context;
  Waiter waiter;
  GBytes *data;
} ThreadRun;

static gpointer
recv_in_own_context (gpointer data)
{
  ThreadRun *run = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (run->context);
  sock_object_recv_async (run->sock, 64, 0, NULL, on_ready, &run->waiter);
  wait_for (&run->waiter);
  run->data = sock_object_recv_finish (run->sock, run->waiter.result, &error);
  g_assert_no_error (error);
  g_main_context_pop_thread_default (run->context);

  return NULL;
}

static void
test_recv_thread_default_context (void)
{
  Pair pair;
  ThreadRun run = { 0, };
  GThread *thread;
  g_autoptr(GError) error = NULL;
  Waiter writing = { 0, };
  g_autoptr(GBytes) data = bytes_of ("other context");

  g_test_summary ("an operation started in a thread with its own thread-default context "
                  "completes there, while the socket's write runs in the default context");

  pair_init (&pair);
  run.sock = pair.server;
  run.context = g_main_context_new ();
  thread = g_thread_new ("context", recv_in_own_context, &run);
  test_spin (20);
  sock_object_send_async (pair.client, data, 0, NULL, on_ready, &writing);
  wait_for (&writing);
  g_assert_cmpint (sock_object_send_finish (pair.client, writing.result, &error), ==, 13);
  g_thread_join (thread);
  g_assert_true (run.waiter.context == run.context);
  g_assert_true (run.waiter.thread != g_thread_self ());
  test_assert_bytes_eq (run.data, "other context");

  g_bytes_unref (run.data);
  waiter_clear (&run.waiter);
  waiter_clear (&writing);
  g_main_context_unref (run.context);
  pair_clear (&pair);
}

/* The thread fallback ---------------------------------------------------------------- */

typedef struct
{
  SockInetObject parent;
} TestOverride;

typedef struct
{
  SockInetObjectClass parent_class;
} TestOverrideClass;

GType test_override_get_type (void);
G_DEFINE_TYPE (TestOverride, test_override, SOCK_TYPE_INET_OBJECT)

static GThread *override_thread;

static GBytes *
test_override_recv (SockObject  *self,
                    gsize        bufsize,
                    gint         flags,
                    GError     **error)
{
  g_autoptr(GBytes) data = NULL;
  gsize size;
  gchar *upper;

  override_thread = g_thread_self ();
  data = SOCK_OBJECT_CLASS (test_override_parent_class)->recv (self, bufsize, flags, error);
  if (data == NULL)
    return NULL;
  {
    const gchar *text = g_bytes_get_data (data, &size);

    upper = g_ascii_strup (text, size);
  }
  return g_bytes_new_take (upper, size);
}

static gssize
test_override_send (SockObject    *self,
                    const guint8  *data,
                    gsize          size,
                    gint           flags,
                    GError       **error)
{
  override_thread = g_thread_self ();
  /* One byte at a time: sendall's default loops over it. */
  return SOCK_OBJECT_CLASS (test_override_parent_class)->send (self, data, MIN (size, 1),
                                                              flags, error);
}

static void
test_override_class_init (TestOverrideClass *klass)
{
  SOCK_OBJECT_CLASS (klass)->recv = test_override_recv;
  SOCK_OBJECT_CLASS (klass)->send = test_override_send;
}

static void
test_override_init (TestOverride *self)
{
}

static void
test_vfunc_thread_fallback (void)
{
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = bytes_of ("abc");
  g_autoptr(GBytes) got = NULL;
  Waiter waiter = { 0, };

  g_test_summary ("a subclass that overrides recv and send still decides what "
                  "recv_async(), send_async() and sendall_async() do: its methods run in a "
                  "worker thread, as GIO's streams fall back");

  setup ();
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  client = g_initable_new (test_override_get_type (), NULL, &error,
                           "family", AF_INET, "socket-type", SOCK_STREAM, NULL);
  g_assert_no_error (error);
  test_assert_ok (sock_object_connect (client, address, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);

  override_thread = NULL;
  sock_object_sendall_async (client, data, 0, NULL, on_ready, &waiter);
  wait_for (&waiter);
  test_assert_ok (sock_object_sendall_finish (client, waiter.result, &error), error);
  g_assert_nonnull (override_thread);
  g_assert_true (override_thread != g_thread_self ());
  g_assert_true (waiter.thread == g_thread_self ());
  waiter_clear (&waiter);

  override_thread = NULL;
  sock_object_recv_async (client, 64, 0, NULL, on_ready, &waiter);
  test_spin (10);
  test_assert_ok (sock_object_sendall (conn, (const guint8 *) "shout", 5, 0, &error), error);
  got = recv_result (client, &waiter);
  test_assert_bytes_eq (got, "SHOUT");
  g_assert_true (override_thread != NULL && override_thread != g_thread_self ());
  waiter_clear (&waiter);

  /* What the subclass sent arrived. */
  g_clear_pointer (&got, g_bytes_unref);
  got = sock_object_recv (conn, 64, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "abc");

  test_watchdog_disarm ();
}

/* Misuse -------------------------------------------------------------------------------- */

static void
test_finish_wrong_call (void)
{
  Pair pair;
  Waiter waiter = { 0, };
  g_autoptr(GBytes) data = bytes_of ("x");

  g_test_summary ("a _finish given the result of another call, or of another socket, is a "
                  "precondition failure");

  pair_init (&pair);
  sock_object_send_async (pair.client, data, 0, NULL, on_ready, &waiter);
  wait_for (&waiter);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*result_is_valid*");
  g_assert_null (sock_object_recv_finish (pair.client, waiter.result, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*result_is_valid*");
  g_assert_cmpint (sock_object_send_finish (pair.server, waiter.result, NULL), ==, -1);
  g_test_assert_expected_messages ();

  g_assert_cmpint (sock_object_send_finish (pair.client, waiter.result, NULL), ==, 1);

  waiter_clear (&waiter);
  pair_clear (&pair);
}

/* Many connections ------------------------------------------------------------------ */

/* An echo server and N clients, all on the default context; each client
 * sends ROUNDS messages of varying length, one at a time, and checks that
 * each comes back whole before the next. */
#define ECHO_ROUNDS 5
#define ECHO_MAX_MESSAGE 3000

typedef struct _Echo Echo;

typedef struct
{
  Echo *echo;
  SockObject *sock;
  guint index;
  guint round;
  gsize expected;
  gsize received;
  TestSum sent_sum;
  TestSum echoed_sum;
} EchoClient;

struct _Echo
{
  SockObject *listener;
  GVariant *address;
  guint n_clients;
  guint accepted;
  guint connected;
  guint finished;
  guint server_closed;
  guint max_open;       /* connections open at once, counted by the clients */
  guint open;
  GHashTable *threads;  /* the threads' ids at the start */
  guint64 bytes;
  EchoClient *clients;
};

/* The ids of this process's threads. */
static GHashTable *
thread_ids (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, &error);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const gchar *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_hash_table_add (ids, g_strdup (name));

  return ids;
}

static void
assert_no_new_thread (GHashTable *before)
{
  g_autoptr(GHashTable) now = thread_ids ();
  GHashTableIter iter;
  const gchar *id;

  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    if (!g_hash_table_contains (before, id))
      g_error ("thread %s appeared during the test", id);
}

static void server_recv_done (GObject *source, GAsyncResult *result, gpointer data);

static void
server_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  SockObject *conn = SOCK_OBJECT (source);
  g_autoptr(GError) error = NULL;

  test_assert_ok (sock_object_sendall_finish (conn, result, &error), error);
  sock_object_recv_async (conn, 4096, 0, NULL, server_recv_done, data);
}

static void
server_recv_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  SockObject *conn = SOCK_OBJECT (source);
  Echo *echo = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = sock_object_recv_finish (conn, result, &error);

  g_assert_no_error (error);
  if (g_bytes_get_size (got) == 0)
    {
      echo->server_closed++;
      test_assert_ok (sock_object_close (conn, &error), error);
      return;
    }
  sock_object_sendall_async (conn, got, 0, NULL, server_sent, echo);
}

static void
server_accepted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Echo *echo = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) conn = sock_object_accept_finish (echo->listener, result, NULL, &error);

  g_assert_no_error (error);
  echo->accepted++;
  /* The pending calls hold the connection. */
  sock_object_recv_async (conn, 4096, 0, NULL, server_recv_done, echo);
  if (echo->accepted < echo->n_clients)
    sock_object_accept_async (echo->listener, NULL, server_accepted, echo);
}

static void client_send_round (EchoClient *client);

static void
client_recv_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  EchoClient *client = data;
  Echo *echo = client->echo;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = sock_object_recv_finish (client->sock, result, &error);
  gsize size;
  const guint8 *bytes;

  g_assert_no_error (error);
  bytes = g_bytes_get_data (got, &size);

  if (client->round == ECHO_ROUNDS)
    {
      /* The server's end of the stream. */
      g_assert_cmpuint (size, ==, 0);
      echo->finished++;
      echo->open--;
      test_assert_ok (sock_object_close (client->sock, &error), error);
      return;
    }

  g_assert_cmpuint (size, >, 0);
  g_assert_cmpuint (client->received + size, <=, client->expected);
  test_sum_update (&client->echoed_sum, bytes, size);
  client->received += size;
  echo->bytes += size;

  if (client->received < client->expected)
    {
      sock_object_recv_async (client->sock, 4096, 0, NULL, client_recv_done, client);
      return;
    }

  g_assert_cmpuint (client->echoed_sum.a, ==, client->sent_sum.a);
  g_assert_cmpuint (client->echoed_sum.b, ==, client->sent_sum.b);
  client->round++;
  client_send_round (client);
}

static void
client_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  EchoClient *client = data;
  g_autoptr(GError) error = NULL;

  test_assert_ok (sock_object_sendall_finish (client->sock, result, &error), error);
}

static void
client_send_round (EchoClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  guint8 *buffer;
  gsize size;

  if (client->round == ECHO_ROUNDS)
    {
      /* Done: the server sees the end of the stream and closes. */
      test_assert_ok (sock_object_shutdown (client->sock, SHUT_WR, &error), error);
      sock_object_recv_async (client->sock, 4096, 0, NULL, client_recv_done, client);
      return;
    }

  size = 1 + (client->index * 7919 + client->round * 104729) % ECHO_MAX_MESSAGE;
  buffer = g_malloc (size);
  test_fill_pattern (buffer, size, client->index, client->round * ECHO_MAX_MESSAGE);
  client->sent_sum = (TestSum) { 0, };
  client->echoed_sum = (TestSum) { 0, };
  test_sum_update (&client->sent_sum, buffer, size);
  message = g_bytes_new_take (buffer, size);
  client->expected = size;
  client->received = 0;

  sock_object_sendall_async (client->sock, message, 0, NULL, client_sent, client);
  sock_object_recv_async (client->sock, 4096, 0, NULL, client_recv_done, client);
}

static void
client_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  EchoClient *client = data;
  Echo *echo = client->echo;
  g_autoptr(GError) error = NULL;

  test_assert_ok (sock_object_connect_finish (client->sock, result, &error), error);
  echo->connected++;
  echo->open++;
  echo->max_open = MAX (echo->max_open, echo->open);

  /* Every connection is open before any data moves: all of them are
   * concurrent, and no thread has appeared meanwhile. */
  if (echo->connected == echo->n_clients)
    {
      assert_no_new_thread (echo->threads);
      for (guint i = 0; i < echo->n_clients; i++)
        client_send_round (&echo->clients[i]);
    }
}

static void
test_echo_many (void)
{
  Echo echo = { 0, };
  g_autoptr(GError) error = NULL;
  guint n = TEST_SCALE (1000, 50);
  gint64 start, elapsed;

  g_test_summary ("an async echo server and 1000 async clients (50 under valgrind), all "
                  "on one GMainContext: every connection open at once, varying message "
                  "sizes, every byte checked, no thread besides the test's own, bounded "
                  "in time");

  setup ();
  if (!test_raise_fd_limit (2 * n + 64))
    {
      g_test_skip ("RLIMIT_NOFILE's hard limit is too low for the connections");
      return;
    }

  echo.n_clients = n;
  echo.clients = g_new0 (EchoClient, n);
  echo.listener = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_bind (echo.listener, g_variant_new ("(sq)", "127.0.0.1", 0),
                                    &error), error);
  test_assert_ok (sock_object_listen (echo.listener, SOMAXCONN, &error), error);
  echo.address = sock_object_getsockname (echo.listener, &error);
  g_assert_no_error (error);

  /* The watchdog's thread exists already. Threads of earlier tests' pools
   * may go meanwhile; none may come. */
  echo.threads = thread_ids ();
  start = g_get_monotonic_time ();

  sock_object_accept_async (echo.listener, NULL, server_accepted, &echo);
  for (guint i = 0; i < n; i++)
    {
      EchoClient *client = &echo.clients[i];

      client->echo = &echo;
      client->index = i;
      client->sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
      g_assert_no_error (error);
      sock_object_connect_async (client->sock, echo.address, NULL, client_connected, client);
    }

  while (echo.finished < n || echo.server_closed < n)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  g_test_message ("%u connections, %" G_GUINT64_FORMAT " bytes echoed in %.2f s", n,
                  echo.bytes, elapsed / 1e6);
  g_assert_cmpuint (echo.accepted, ==, n);
  g_assert_cmpuint (echo.max_open, ==, n);
  assert_no_new_thread (echo.threads);
  g_assert_cmpint (elapsed, <, (gint64) WATCHDOG_SECONDS * G_USEC_PER_SEC);

  for (guint i = 0; i < n; i++)
    g_object_unref (echo.clients[i].sock);
  g_free (echo.clients);
  g_object_unref (echo.listener);
  g_variant_unref (echo.address);
  g_hash_table_unref (echo.threads);
  test_spin (10);
  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/async/recv/basic", test_recv_basic);
  g_test_add_func ("/async/recv/eof", test_recv_eof);
  g_test_add_func ("/async/recv/zero-size", test_recv_zero);
  g_test_add_func ("/async/recv/nonblocking-socket", test_recv_nonblocking_socket);
  g_test_add_func ("/async/recv/pending", test_recv_pending);
  g_test_add_func ("/async/recv/cancel", test_recv_cancel);
  g_test_add_func ("/async/recv/cancel-from-thread", test_recv_cancel_thread);
  g_test_add_func ("/async/recv/close-pending", test_recv_close_pending);
  g_test_add_func ("/async/recv/close-from-thread", test_recv_close_thread);
  g_test_add_func ("/async/recv/closed", test_recv_closed);
  g_test_add_func ("/async/recv/timeout", test_recv_timeout);
  g_test_add_func ("/async/recv/thread-default-context", test_recv_thread_default_context);
  g_test_add_func ("/async/recv/blocking-call-meanwhile", test_recv_blocking_call_meanwhile);
  g_test_add_func ("/async/send/basic", test_send_basic);
  g_test_add_func ("/async/send/broken-pipe", test_send_broken_pipe);
  g_test_add_func ("/async/send/cancel", test_send_cancel);
  g_test_add_func ("/async/send/read-and-write", test_read_and_write);
  g_test_add_func ("/async/sendall/large", test_sendall_large);
  g_test_add_func ("/async/sendall/empty", test_sendall_empty);
  g_test_add_func ("/async/sendall/pending", test_sendall_pending);
  g_test_add_func ("/async/sendall/cancel-midway", test_sendall_cancel);
  g_test_add_func ("/async/sendall/timeout", test_sendall_timeout);
  g_test_add_func ("/async/recvfrom/udp", test_recvfrom_udp);
  g_test_add_func ("/async/recvfrom/cancel", test_recvfrom_cancel);
  g_test_add_func ("/async/sendto/name", test_sendto_name);
  g_test_add_func ("/async/accept/connect", test_accept_connect);
  g_test_add_func ("/async/accept/cancel", test_accept_cancel);
  g_test_add_func ("/async/connect/refused", test_connect_refused);
  g_test_add_func ("/async/connect/localhost", test_connect_localhost);
  g_test_add_func ("/async/connect/invalid-host", test_connect_invalid_host);
  g_test_add_func ("/async/connect/bad-address", test_connect_bad_address);
  g_test_add_func ("/async/connect/each-address", test_connect_each_address);
  g_test_add_func ("/async/connect/cancel", test_connect_cancel);
  g_test_add_func ("/async/connect/cancel-resolving", test_connect_cancel_resolving);
  g_test_add_func ("/async/connect/timeout", test_connect_timeout);
  g_test_add_func ("/async/connect/timeout-resolving", test_connect_timeout_resolving);
  g_test_add_func ("/async/vfunc/thread-fallback", test_vfunc_thread_fallback);
  g_test_add_func ("/async/finish/wrong-call", test_finish_wrong_call);
  g_test_add_func ("/async/echo/many", test_echo_many);

  return g_test_run ();
}
