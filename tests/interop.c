/* interop.c: the library talking to peers this project did not write —
 * CPython's socket module in a helper process, and socat when installed
 *
 * Every peer binds loopback or a temporary directory only, reports what it
 * bound on stdout, and is bounded in time both by its own socket timeouts
 * and by the test, which kills it if it overstays.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "test-util.h"

/* The CPython side. Each mode binds, prints what the test needs (a port or
 * "ready") and serves one exchange. */
static const gchar peer_script[] =
  "import socket, sys\n"
  "LIMIT = 15\n"
  "\n"
  "def unix_address(arg):\n"
  "    # '@name' stands for the abstract name b'\\0name'.\n"
  "    if arg.startswith('@'):\n"
  "        return b'\\0' + arg[1:].encode()\n"
  "    return arg\n"
  "\n"
  "def echo(conn):\n"
  "    conn.settimeout(LIMIT)\n"
  "    while True:\n"
  "        chunk = conn.recv(65536)\n"
  "        if not chunk:\n"
  "            break\n"
  "        conn.sendall(chunk)\n"
  "    conn.close()\n"
  "\n"
  "def serve_one(listener):\n"
  "    # Already listening: the test connects as soon as it has read a line.\n"
  "    conn, _ = listener.accept()\n"
  "    echo(conn)\n"
  "    listener.close()\n"
  "\n"
  "mode = sys.argv[1]\n"
  "if mode == 'tcp-echo':\n"
  "    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "    s.bind(('127.0.0.1', 0))\n"
  "    s.settimeout(LIMIT)\n"
  "    s.listen(1)\n"
  "    print(s.getsockname()[1], flush=True)\n"
  "    serve_one(s)\n"
  "elif mode == 'unix-echo':\n"
  "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
  "    s.bind(unix_address(sys.argv[2]))\n"
  "    s.settimeout(LIMIT)\n"
  "    s.listen(1)\n"
  "    print('ready', flush=True)\n"
  "    serve_one(s)\n"
  "elif mode == 'udp-echo':\n"
  "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
  "    s.bind(('127.0.0.1', 0))\n"
  "    s.settimeout(LIMIT)\n"
  "    print(s.getsockname()[1], flush=True)\n"
  "    data, sender = s.recvfrom(65536)\n"
  "    s.sendto(data[::-1], sender)\n"
  "    print('%s %d' % sender, flush=True)\n"
  "elif mode == 'tcp-client':\n"
  "    port = int(sys.argv[2])\n"
  "    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
  "    c.settimeout(LIMIT)\n"
  "    c.connect(('127.0.0.1', port))\n"
  "    assert c.getpeername() == ('127.0.0.1', port), c.getpeername()\n"
  "    message = b'hello from cpython\\n' * 1000\n"
  "    c.sendall(message)\n"
  "    c.shutdown(socket.SHUT_WR)\n"
  "    got = b''\n"
  "    while True:\n"
  "        chunk = c.recv(65536)\n"
  "        if not chunk:\n"
  "            break\n"
  "        got += chunk\n"
  "    assert got == message.upper(), (len(got), got[:40])\n"
  "    print('ok %d' % c.getsockname()[1], flush=True)\n"
  "else:\n"
  "    sys.exit('unknown mode ' + mode)\n";

static const gchar *
python_path (void)
{
  const gchar *path = g_getenv ("SOCKOBJ_TEST_PYTHON");

  /* Debian's interpreter by default: its socket module is CPython's. */
  return path != NULL && *path != '\0' ? path : "/usr/bin/python3";
}

static TestPeer *
spawn_python (const gchar *mode,
              const gchar *arg)
{
  g_autoptr(GError) error = NULL;
  const gchar *argv[] = { python_path (), "-c", peer_script, mode, arg, NULL };
  TestPeer *peer;

  peer = test_peer_spawn (argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (peer);

  return peer;
}

static guint16
read_port (TestPeer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *line = NULL;
  guint64 port = 0;

  line = test_peer_read_line (peer, TEST_PEER_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  test_assert_ok (g_ascii_string_to_unsigned (line, 10, 1, 65535, &port, &error), error);

  return (guint16) port;
}

static void
read_ready (TestPeer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *line = NULL;

  line = test_peer_read_line (peer, TEST_PEER_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
}

/* Sends @total bytes of a pattern to an echoing peer in chunks, checking each
 * echo, then half-closes and expects the peer's end of stream. */
static void
exchange_with_echo (SockObject *sock,
                    gsize       total)
{
  const gsize chunk = 16 * 1024;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *payload = g_malloc (total);
  g_autofree guint8 *echoed = g_malloc (total);
  gsize sent = 0, received = 0;
  guint reads = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  test_fill_pattern (payload, total, (guint32) total, 0);

  while (sent < total)
    {
      gsize n = MIN (chunk, total - sent);

      test_assert_ok (sock_object_sendall (sock, payload + sent, n, 0, &error), error);
      sent += n;

      /* Read this chunk's echo before sending more, so neither side's
       * buffers fill up with the other waiting. */
      while (received < sent)
        {
          gssize got = sock_object_recv_into (sock, echoed + received, sent - received, 0, &error);

          g_assert_no_error (error);
          g_assert_cmpint (got, >, 0);
          received += got;
          g_assert_cmpuint (++reads, <, 100000);
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        }
    }
  g_assert_cmpmem (echoed, total, payload, total);

  test_assert_ok (sock_object_shutdown (sock, SHUT_WR, &error), error);
  test_assert_recv_eof (sock);
}

/* CPython ------------------------------------------------------------------- */

static void
test_python_tcp_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) peer_name = NULL;
  guint16 port;

  g_test_summary ("Our TCP client against a CPython echo server");

  peer = spawn_python ("tcp-echo", NULL);
  port = read_port (peer);

  sock = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (sock, g_variant_new ("(sq)", "127.0.0.1", port), &error), error);
  peer_name = sock_object_getpeername (sock, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_address_port (peer_name), ==, port);

  exchange_with_echo (sock, 1024 * 1024 + 7);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
}

static void
test_python_tcp_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autofree gchar *port_arg = NULL;
  g_autofree gchar *line = NULL;
  g_autofree gchar *expected = NULL;
  guint reads;

  g_test_summary ("A CPython client against our TCP server, which answers "
                  "in upper case until the client's end of stream");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  port_arg = g_strdup_printf ("%u", test_address_port (address));
  peer = spawn_python ("tcp-client", port_arg);

  conn = sock_object_accept (listener, &from, &error);
  g_assert_no_error (error);
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);

  for (reads = 0; reads < 100000; reads++)
    {
      g_autoptr(GBytes) in = sock_object_recv (conn, 4096, 0, &error);
      g_autofree gchar *upper = NULL;
      gsize size;
      const gchar *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (in, &size);
      if (size == 0)
        break;
      upper = g_ascii_strup (data, size);
      test_assert_ok (sock_object_sendall (conn, (const guint8 *) upper, size, 0, &error), error);
    }
  test_assert_ok (sock_object_close (conn, &error), error);

  /* The client saw the echo it expected, from the port accept() reported. */
  line = test_peer_read_line (peer, TEST_PEER_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("ok %u", test_address_port (from));
  g_assert_cmpstr (line, ==, expected);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
}

static void
test_python_udp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) name = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) expected_from = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree gchar *line = NULL;
  g_autofree gchar *expected = NULL;
  guint16 port;

  g_test_summary ("UDP with a CPython peer: it sees our address as we see "
                  "it, and we see its reply from the port it bound");

  peer = spawn_python ("udp-echo", NULL);
  port = read_port (peer);

  sock = test_socket_new (AF_INET, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sock_object_sendto (sock, (const guint8 *) "stressed", 8, 0,
                                       g_variant_new ("(sq)", "127.0.0.1", port), &error),
                   ==, 8);
  g_assert_no_error (error);

  reply = sock_object_recvfrom (sock, 1024, 0, &from, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), "desserts", 8);
  g_assert_cmpstr (g_variant_get_type_string (from), ==, "(sq)");
  expected_from = g_variant_ref_sink (g_variant_new ("(sq)", "127.0.0.1", port));
  g_assert_true (g_variant_equal (from, expected_from));

  line = test_peer_read_line (peer, TEST_PEER_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("127.0.0.1 %u", test_address_port (name));
  g_assert_cmpstr (line, ==, expected);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
}

static void
test_python_unix_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) peer_name = NULL;
  g_autofree gchar *dir = test_tmpdir_new ();
  g_autofree gchar *path = g_build_filename (dir, "python.sock", NULL);

  g_test_summary ("Our AF_UNIX client against a CPython echo server bound "
                  "to a path");

  peer = spawn_python ("unix-echo", path);
  read_ready (peer);

  sock = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_connect (sock, g_variant_new_string (path), &error), error);
  peer_name = sock_object_getpeername (sock, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (peer_name, NULL), ==, path);

  exchange_with_echo (sock, 256 * 1024);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
  test_tmpdir_remove (dir);
}

static void
test_python_unix_abstract (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) peer_name = NULL;
  g_autofree gchar *name = test_unique_name ("sockobj-interop");
  g_autofree gchar *arg = g_strconcat ("@", name, NULL);
  g_autoptr(GByteArray) address = g_byte_array_new ();
  gconstpointer data;
  gsize size;

  g_test_summary ("Our AF_UNIX client against a CPython echo server on an "
                  "abstract name: the names agree byte for byte");

  g_byte_array_append (address, (const guint8 *) "", 1);
  g_byte_array_append (address, (const guint8 *) name, strlen (name));

  peer = spawn_python ("unix-echo", arg);
  read_ready (peer);

  sock = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_connect (sock,
                                       g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                  address->data, address->len, 1),
                                       &error), error);
  peer_name = sock_object_getpeername (sock, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (peer_name), ==, "ay");
  data = g_variant_get_fixed_array (peer_name, &size, 1);
  g_assert_cmpmem (data, size, address->data, address->len);

  exchange_with_echo (sock, 64 * 1024);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
}

/* socat --------------------------------------------------------------------- */

static gchar *
find_socat (void)
{
  gchar *socat = g_find_program_in_path ("socat");

  if (socat == NULL)
    g_test_skip ("socat is not installed (tools/check installs it)");

  return socat;
}

static void
test_socat_tcp_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *socat = find_socat ();
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autofree gchar *target = NULL;

  g_test_summary ("socat connects to our TCP listener and echoes through a "
                  "pipe; our side checks every byte");

  if (socat == NULL)
    return;

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  target = g_strdup_printf ("TCP4:127.0.0.1:%u", test_address_port (address));
  {
    const gchar *argv[] = { socat, "-T", "15", target, "PIPE", NULL };

    peer = test_peer_spawn (argv, &error);
    g_assert_no_error (error);
  }

  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);

  exchange_with_echo (conn, 512 * 1024);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
}

static void
test_socat_unix_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *socat = find_socat ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *listen_arg = NULL;
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint64 deadline;
  guint tries;

  g_test_summary ("Our AF_UNIX client against socat listening on a path");

  if (socat == NULL)
    return;

  dir = test_tmpdir_new ();
  path = g_build_filename (dir, "socat.sock", NULL);
  listen_arg = g_strconcat ("UNIX-LISTEN:", path, NULL);
  {
    const gchar *argv[] = { socat, "-T", "15", listen_arg, "PIPE", NULL };

    peer = test_peer_spawn (argv, &error);
    g_assert_no_error (error);
  }

  /* socat says nothing when it is ready: retry until it listens. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (tries = 0; tries < 1000 && g_get_monotonic_time () < deadline; tries++)
    {
      g_clear_object (&sock);
      sock = test_socket_new (AF_UNIX, SOCK_STREAM);
      if (sock_object_connect (sock, g_variant_new_string (path), &error))
        break;
      g_assert_true (g_error_matches (error, SOCK_ERROR, ENOENT) ||
                     g_error_matches (error, SOCK_ERROR, ECONNREFUSED));
      g_clear_error (&error);
      g_usleep (10 * 1000);
    }
  g_assert_no_error (error);
  g_assert_nonnull (sock);

  exchange_with_echo (sock, 256 * 1024);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
  test_tmpdir_remove (dir);
}

static void
test_socat_abstract_client (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *socat = find_socat ();
  g_autofree gchar *name = test_unique_name ("sockobj-socat");
  g_autofree gchar *connect_arg = NULL;
  g_autoptr(GByteArray) address = g_byte_array_new ();
  g_autoptr(TestPeer) peer = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) conn = NULL;

  g_test_summary ("socat connects to our listener on an abstract name");

  if (socat == NULL)
    return;

  g_byte_array_append (address, (const guint8 *) "", 1);
  g_byte_array_append (address, (const guint8 *) name, strlen (name));

  listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_bind (listener,
                                    g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                               address->data, address->len, 1),
                                    &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);

  connect_arg = g_strconcat ("ABSTRACT-CONNECT:", name, NULL);
  {
    const gchar *argv[] = { socat, "-T", "15", connect_arg, "PIPE", NULL };

    peer = test_peer_spawn (argv, &error);
    g_assert_no_error (error);
  }

  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);

  exchange_with_echo (conn, 128 * 1024);
  g_assert_true (test_peer_wait (peer, TEST_PEER_TIMEOUT_MS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interop/python/tcp-server", test_python_tcp_server);
  g_test_add_func ("/interop/python/tcp-client", test_python_tcp_client);
  g_test_add_func ("/interop/python/udp", test_python_udp);
  g_test_add_func ("/interop/python/unix-path", test_python_unix_path);
  g_test_add_func ("/interop/python/unix-abstract", test_python_unix_abstract);
  g_test_add_func ("/interop/socat/tcp-client", test_socat_tcp_client);
  g_test_add_func ("/interop/socat/unix-server", test_socat_unix_server);
  g_test_add_func ("/interop/socat/abstract-client", test_socat_abstract_client);

  return g_test_run ();
}
