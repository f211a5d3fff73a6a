/* inet.c: tests of AF_INET and AF_INET6 sockets over loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"

static void
assert_inet_address (GVariant    *address,
                     const gchar *host,
                     guint16      port)
{
  const gchar *got_host = NULL;
  guint16 got_port = 0;

  g_assert_nonnull (address);
  g_assert_cmpstr (g_variant_get_type_string (address), ==, "(sq)");
  g_variant_get (address, "(&sq)", &got_host, &got_port);
  g_assert_cmpstr (got_host, ==, host);
  if (port != 0)
    g_assert_cmpuint (got_port, ==, port);
  else
    g_assert_cmpuint (got_port, !=, 0);
}

/* Skips the test, returning TRUE, where the kernel cannot bind to ::1. */
static gboolean
skip_without_ipv6 (void)
{
  if (test_have_ipv6 ())
    return FALSE;
  g_test_skip ("The kernel cannot bind an AF_INET6 socket to ::1");
  return TRUE;
}

/* A datagram socket of @family bound to @address; its name, as getsockname()
 * reports it, goes to @name. */
static SockObject *
dgram_bound_new (gint       family,
                 GVariant  *address,
                 GVariant **name)
{
  g_autoptr(GError) error = NULL;
  SockObject *sock = test_socket_new (family, SOCK_DGRAM);

  test_assert_ok (sock_object_bind (sock, address, &error), error);
  *name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);

  return sock;
}

/* Echo, as in the seed's example -------------------------------------------- */

static gpointer
echo_server_thread (gpointer data)
{
  SockObject *listener = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) peer = NULL;
  guint rounds;

  conn = sock_object_accept (listener, &peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);
  g_assert_nonnull (peer);
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);

  /* Echo until the client closes. */
  rounds = test_echo_until_eof (conn);

  test_assert_ok (sock_object_close (conn, &error), error);

  return GUINT_TO_POINTER (rounds);
}

static void
run_echo (const gchar *listen_host,
          gint         family)
{
  static const gchar *messages[] = { "Hello, world", "x", "a longer line of text\n" };
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) peer = NULL;
  GThread *thread;
  gsize i;

  listener = test_socket_new (family, SOCK_STREAM);
  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", listen_host, 0), &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);
  address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_address_port (address), !=, 0);

  thread = g_thread_new ("echo-server", echo_server_thread, listener);

  client = test_socket_new (family, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, address, &error), error);

  peer = sock_object_getpeername (client, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (peer, address));

  for (i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      gsize len = strlen (messages[i]);

      g_assert_cmpint (sock_object_send (client, (const guint8 *) messages[i], len, 0, &error),
                       ==, (gssize) len);
      g_assert_no_error (error);
      test_assert_recv_string (client, messages[i]);
    }

  test_assert_ok (sock_object_shutdown (client, SHUT_WR, &error), error);
  test_assert_recv_eof (client);

  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (thread)), >=, G_N_ELEMENTS (messages));

  test_assert_ok (sock_object_close (client, &error), error);
}

static void
test_echo_tcp (void)
{
  g_test_summary ("The seed's echo server and client, over 127.0.0.1, with "
                  "the server in a thread");
  run_echo ("127.0.0.1", AF_INET);
}

static void
test_echo_udp (void)
{
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) a_name = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) from_back = NULL;

  g_test_summary ("UDP sendto() and recvfrom() over 127.0.0.1, with the "
                  "sender's address reported as (sq)");

  a = dgram_bound_new (AF_INET, g_variant_new ("(sq)", "127.0.0.1", 0), &a_name);
  b = dgram_bound_new (AF_INET, g_variant_new ("(sq)", "127.0.0.1", 0), &b_name);
  assert_inet_address (a_name, "127.0.0.1", 0);
  assert_inet_address (b_name, "127.0.0.1", 0);

  from = test_datagram_exchange (a, b_name, b, "datagram");
  g_assert_true (g_variant_equal (from, a_name));

  /* Reply to whatever recvfrom() said. */
  from_back = test_datagram_exchange (b, from, a, "reply");
  g_assert_true (g_variant_equal (from_back, b_name));
}

static void
test_udp_truncate_and_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) empty = NULL;

  g_test_summary ("recvfrom() with a small buffer returns the start of the "
                  "datagram; an empty datagram arrives as an empty GBytes");

  a = test_socket_new (AF_INET, SOCK_DGRAM);
  b = dgram_bound_new (AF_INET, g_variant_new ("(sq)", "127.0.0.1", 0), &b_name);

  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "0123456789", 10, 0, b_name, &error),
                   ==, 10);
  g_assert_no_error (error);
  got = sock_object_recv (b, 4, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "0123");

  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "", 0, 0, b_name, &error), ==, 0);
  g_assert_no_error (error);
  empty = sock_object_recvfrom (b, 16, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
}

static void
test_udp_msg_trunc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GVariant) sender = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) got_from = NULL;
  guint8 payload[3000];

  g_test_summary ("With MSG_TRUNC the kernel reports a datagram's full length; "
                  "recv() and recvfrom() still return only what their buffer "
                  "held, never bytes past it");

  for (gsize i = 0; i < sizeof payload; i++)
    payload[i] = (guint8) ('a' + i % 26);

  a = test_socket_new (AF_INET, SOCK_DGRAM);
  b = dgram_bound_new (AF_INET, g_variant_new ("(sq)", "127.0.0.1", 0), &b_name);

  g_assert_cmpint (sock_object_sendto (a, payload, sizeof payload, 0, b_name, &error),
                   ==, sizeof payload);
  g_assert_no_error (error);
  got = sock_object_recv (b, 10, MSG_TRUNC, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "abcdefghij");

  g_assert_cmpint (sock_object_sendto (a, payload, sizeof payload, 0, b_name, &error),
                   ==, sizeof payload);
  g_assert_no_error (error);
  got_from = sock_object_recvfrom (b, 16, MSG_TRUNC, &sender, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got_from, "abcdefghijklmnop");
  g_assert_nonnull (sender);
}

/* Addresses ----------------------------------------------------------------- */

static void
test_address_port_types (void)
{
  g_autoptr(GError) error = NULL;
  const gchar *formats[] = { "(sq)", "(si)", "(su)" };
  gsize i;

  g_test_summary ("An AF_INET address can be (sq), (si) or (su); "
                  "getsockname() always returns (sq)");

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_DGRAM);
      g_autoptr(SockObject) other = test_socket_new (AF_INET, SOCK_DGRAM);
      g_autoptr(GVariant) name = NULL;
      g_autoptr(GVariant) target = NULL;
      g_autoptr(GVariant) peer = NULL;
      GVariant *address;

      if (formats[i][2] == 'q')
        address = g_variant_new ("(sq)", "127.0.0.1", 0);
      else if (formats[i][2] == 'i')
        address = g_variant_new ("(si)", "127.0.0.1", 0);
      else
        address = g_variant_new ("(su)", "127.0.0.1", 0);

      test_assert_ok (sock_object_bind (sock, address, &error), error);
      name = sock_object_getsockname (sock, &error);
      g_assert_no_error (error);
      assert_inet_address (name, "127.0.0.1", 0);

      /* The same shape names the port to connect to. */
      if (formats[i][2] == 'q')
        target = g_variant_new ("(sq)", "127.0.0.1", test_address_port (name));
      else if (formats[i][2] == 'i')
        target = g_variant_new ("(si)", "127.0.0.1", (gint32) test_address_port (name));
      else
        target = g_variant_new ("(su)", "127.0.0.1", (guint32) test_address_port (name));
      g_variant_ref_sink (target);

      test_assert_ok (sock_object_connect (other, target, &error), error);
      peer = sock_object_getpeername (other, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_equal (peer, name));
    }
}

static void
test_address_any (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) name = NULL;

  g_test_summary ("The host \"\" is INADDR_ANY: getsockname() reports 0.0.0.0");

  sock = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", "", 0), &error), error);
  name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);
  assert_inet_address (name, "0.0.0.0", 0);
}

static void
test_address_broadcast (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) peer = NULL;

  g_test_summary ("The host \"<broadcast>\" is INADDR_BROADCAST (checked with "
                  "connect() on UDP, which sends nothing)");

  sock = test_socket_new (AF_INET, SOCK_DGRAM);
  test_assert_ok (sock_object_setsockopt (sock, SOL_SOCKET, SO_BROADCAST, 1, &error), error);

  if (!sock_object_connect (sock, g_variant_new ("(sq)", "<broadcast>", 9), &error))
    {
      /* Only a system without any route to the broadcast address says so;
       * a conversion failure would be EINVAL or a resolver error. */
      g_assert_error (error, SOCK_ERROR, ENETUNREACH);
      g_test_skip ("No route to 255.255.255.255 on this system");
      return;
    }
  g_assert_no_error (error);

  peer = sock_object_getpeername (sock, &error);
  g_assert_no_error (error);
  assert_inet_address (peer, "255.255.255.255", 9);
}

static void
test_address_hostname (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) peer = NULL;

  g_test_summary ("A host name in an address is resolved; getpeername() "
                  "gives the dotted quad");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  client = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client,
                                       g_variant_new ("(sq)", "localhost",
                                                      test_address_port (address)),
                                       &error), error);
  peer = sock_object_getpeername (client, &error);
  g_assert_no_error (error);
  assert_inet_address (peer, "127.0.0.1", test_address_port (address));
}

static void
test_address_accept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(SockObject) conn2 = NULL;
  g_autoptr(SockObject) client2 = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) client_name = NULL;
  g_autoptr(GVariant) conn_name = NULL;
  g_autoptr(GVariant) conn_peer = NULL;

  g_test_summary ("accept() returns the connection and the peer's address; "
                  "getsockname()/getpeername() on both ends agree");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  client = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, address, &error), error);

  conn = sock_object_accept (listener, &from, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_INET_OBJECT (conn));
  g_assert_cmpint (sock_object_get_family (conn), ==, AF_INET);
  g_assert_cmpint (sock_object_get_socket_type (conn), ==, SOCK_STREAM);
  g_assert_cmpint (sock_object_fileno (conn), !=, sock_object_fileno (listener));

  client_name = sock_object_getsockname (client, &error);
  g_assert_no_error (error);
  assert_inet_address (from, "127.0.0.1", test_address_port (client_name));
  g_assert_true (g_variant_equal (from, client_name));

  conn_name = sock_object_getsockname (conn, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (conn_name, address));
  conn_peer = sock_object_getpeername (conn, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (conn_peer, client_name));

  /* The address out-parameter is optional. */
  client2 = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client2, address, &error), error);
  conn2 = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn2);
}

static void
test_address_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  GVariant *bad[8];
  gsize i, n = 0;
  g_autoptr(GVariant) name = NULL;

  g_test_summary ("An address of the wrong type or with a port out of range "
                  "is SOCK_ERROR/EINVAL, for every method that takes one");

  bad[n++] = g_variant_new ("s", "127.0.0.1");
  bad[n++] = g_variant_new ("(ss)", "127.0.0.1", "80");
  bad[n++] = g_variant_new ("(sqq)", "127.0.0.1", 80, 1);
  bad[n++] = g_variant_new ("(si)", "127.0.0.1", -1);
  bad[n++] = g_variant_new ("(si)", "127.0.0.1", 65536);
  bad[n++] = g_variant_new ("(su)", "127.0.0.1", 65536);
  bad[n++] = g_variant_new ("(su)", "127.0.0.1", G_MAXUINT32);
  bad[n++] = g_variant_new ("(qs)", 80, "127.0.0.1");

  sock = test_socket_new (AF_INET, SOCK_DGRAM);

  for (i = 0; i < n; i++)
    {
      g_autoptr(GVariant) address = g_variant_ref_sink (bad[i]);
      g_autofree gchar *text = g_variant_print (address, TRUE);

      g_test_message ("address %s", text);

      g_assert_false (sock_object_bind (sock, address, &error));
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);

      g_assert_false (sock_object_connect (sock, address, &error));
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);

      /* No errno behind it, so connect_ex raises instead of returning. */
      g_assert_cmpint (sock_object_connect_ex (sock, address, &error), ==, -1);
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);

      g_assert_cmpint (sock_object_sendto (sock, (const guint8 *) "x", 1, 0, address, &error),
                       ==, -1);
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);
    }

  /* None of this bound or connected the socket. */
  name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (name), ==, "(sq)");
  g_assert_cmpuint (test_address_port (name), ==, 0);
}

static void
test_address_unresolvable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("A host that cannot be resolved is a SOCK_RESOLVER_ERROR: "
                  "connect() fails and connect_ex() returns -1");

  sock = test_socket_new (AF_INET, SOCK_STREAM);

  g_assert_false (sock_object_connect (sock, g_variant_new ("(sq)", "nonexistent.invalid", 80),
                                       &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_connect_ex (sock, g_variant_new ("(sq)", "nonexistent.invalid", 80),
                                           &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
  g_clear_error (&error);

  g_assert_false (sock_object_bind (sock, g_variant_new ("(sq)", "nonexistent.invalid", 0),
                                    &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
}

static void
test_address_floating (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(SockObject) c = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GBytes) got = NULL;
  GVariant *v;

  g_test_summary ("Methods that take an address sink a floating reference "
                  "(so g_variant_new() can be passed directly) and leave a "
                  "caller's own reference alone");

  a = test_socket_new (AF_INET, SOCK_DGRAM);
  b = test_socket_new (AF_INET, SOCK_DGRAM);
  c = test_socket_new (AF_INET, SOCK_STREAM);

  /* A floating address we keep an extra (still floating) reference to: after
   * the call it must no longer be floating, and ours is the last reference. */
  v = g_variant_new ("(sq)", "127.0.0.1", 0);
  g_variant_ref (v);
  test_assert_ok (sock_object_bind (b, v, &error), error);
  g_assert_false (g_variant_is_floating (v));
  g_variant_unref (v);

  b_name = sock_object_getsockname (b, &error);
  g_assert_no_error (error);

  v = g_variant_new ("(sq)", "127.0.0.1", test_address_port (b_name));
  g_variant_ref (v);
  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "f", 1, 0, v, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (g_variant_is_floating (v));
  g_variant_unref (v);

  v = g_variant_new ("(sq)", "127.0.0.1", test_address_port (b_name));
  g_variant_ref (v);
  test_assert_ok (sock_object_connect (a, v, &error), error);
  g_assert_false (g_variant_is_floating (v));
  g_variant_unref (v);

  v = g_variant_new ("(sq)", "127.0.0.1", test_address_port (b_name));
  g_variant_ref (v);
  /* Refused or not, only the reference counting matters here. */
  (void) sock_object_connect_ex (c, v, NULL);
  g_assert_false (g_variant_is_floating (v));
  g_variant_unref (v);

  /* Failing calls sink too. */
  v = g_variant_new ("s", "wrong shape");
  g_variant_ref (v);
  g_assert_false (sock_object_bind (a, v, &error));
  g_assert_error (error, SOCK_ERROR, EINVAL);
  g_clear_error (&error);
  g_assert_false (g_variant_is_floating (v));
  g_variant_unref (v);

  /* A non-floating address stays the caller's, usable after every call. */
  v = g_variant_ref_sink (g_variant_new ("(sq)", "127.0.0.1", test_address_port (b_name)));
  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "g", 1, 0, v, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "h", 1, 0, v, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (test_address_port (v), ==, test_address_port (b_name));
  g_variant_unref (v);

  got = sock_object_recv (b, 16, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "f");
}

/* connect ------------------------------------------------------------------- */

/* A 127.0.0.1 port that is bound (so nobody else takes it) but not
 * listening: connecting to it is refused. */
static SockObject *
refusing_port_new (GVariant **address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) holder = test_socket_new (AF_INET, SOCK_STREAM);

  test_assert_ok (sock_object_bind (holder, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  *address = sock_object_getsockname (holder, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&holder);
}

static void
test_connect_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) holder = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autofree gchar *port = NULL;

  g_test_summary ("connect() to a port nobody listens on fails with "
                  "ECONNREFUSED, and the message says where and why");

  holder = refusing_port_new (&address);
  sock = test_socket_new (AF_INET, SOCK_STREAM);

  g_assert_false (sock_object_connect (sock, address, &error));
  test_assert_sock_error (error, ECONNREFUSED);
  port = g_strdup_printf ("%u", test_address_port (address));
  g_assert_nonnull (strstr (error->message, g_strerror (ECONNREFUSED)));
  g_assert_nonnull (strstr (error->message, port));
}

static void
test_connect_ex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) holder = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) refused = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) closed_address = NULL;
  g_autoptr(GVariant) open_address = NULL;

  g_test_summary ("connect_ex() returns the errno of a failed connect and 0 "
                  "on success, without setting an error");

  holder = refusing_port_new (&closed_address);
  refused = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_cmpint (sock_object_connect_ex (refused, closed_address, &error), ==, ECONNREFUSED);
  g_assert_no_error (error);

  listener = test_tcp_listener_new (TEST_BACKLOG, &open_address);
  sock = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_cmpint (sock_object_connect_ex (sock, open_address, &error), ==, 0);
  g_assert_no_error (error);

  /* Again on the connected socket: EISCONN, still as a return value. */
  g_assert_cmpint (sock_object_connect_ex (sock, open_address, &error), ==, EISCONN);
  g_assert_no_error (error);

  /* A NULL GError is fine too. */
  g_assert_cmpint (sock_object_connect_ex (sock, open_address, NULL), ==, EISCONN);
}

static void
test_connect_isconn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) address = NULL;

  g_test_summary ("A second connect() on a connected socket fails with EISCONN");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  sock = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (sock, address, &error), error);
  g_assert_false (sock_object_connect (sock, address, &error));
  test_assert_sock_error (error, EISCONN);
}

/* Asserts that @error is a SOCK_ERROR with code @code1 or @code2, where the
 * kernel may report either. */
static void
assert_sock_error_either (const GError *error,
                          gint          code1,
                          gint          code2)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
  g_assert_true (error->code == code1 || error->code == code2);
}

static void
test_connect_not_connected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  GVariant *peer;
  GBytes *got;
  guint8 buffer[4];

  g_test_summary ("recv(), send() and getpeername() on a stream socket that "
                  "was never connected fail (ENOTCONN; send() gives EPIPE on "
                  "Linux) and do not raise SIGPIPE");

  sock = test_socket_new (AF_INET, SOCK_STREAM);

  got = sock_object_recv (sock, 16, 0, &error);
  g_assert_null (got);
  test_assert_sock_error (error, ENOTCONN);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_recv_into (sock, buffer, sizeof buffer, 0, &error), ==, -1);
  test_assert_sock_error (error, ENOTCONN);
  g_clear_error (&error);

  peer = sock_object_getpeername (sock, &error);
  g_assert_null (peer);
  test_assert_sock_error (error, ENOTCONN);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_send (sock, (const guint8 *) "x", 1, 0, &error), ==, -1);
  assert_sock_error_either (error, ENOTCONN, EPIPE);
  g_clear_error (&error);

  g_assert_false (sock_object_sendall (sock, (const guint8 *) "x", 1, 0, &error));
  assert_sock_error_either (error, ENOTCONN, EPIPE);
}

/* send / recv --------------------------------------------------------------- */

static void
test_send_epipe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  gint64 deadline;
  guint i;
  gboolean failed = FALSE;

  g_test_summary ("Sending on a connection that is shut down or closed by "
                  "the peer fails with EPIPE instead of killing the process "
                  "with SIGPIPE");

  /* Our own SHUT_WR: EPIPE every time. */
  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_shutdown (client, SHUT_WR, &error), error);
  g_assert_cmpint (sock_object_send (client, (const guint8 *) "x", 1, 0, &error), ==, -1);
  test_assert_sock_error (error, EPIPE);
  g_clear_error (&error);
  g_assert_false (sock_object_sendall (client, (const guint8 *) "x", 1, 0, &error));
  test_assert_sock_error (error, EPIPE);
  g_clear_error (&error);
  g_clear_object (&client);
  g_clear_object (&server);

  /* The peer closed: the first send may still succeed (it provokes a RST),
   * after which the connection is gone. */
  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_close (server, &error), error);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (i = 0; i < 500 && g_get_monotonic_time () < deadline; i++)
    {
      if (sock_object_send (client, (const guint8 *) "x", 1, 0, &error) < 0)
        {
          failed = TRUE;
          break;
        }
      g_assert_no_error (error);
      g_usleep (10 * 1000);
    }
  g_assert_true (failed);
  assert_sock_error_either (error, EPIPE, ECONNRESET);
  g_clear_error (&error);

  g_assert_false (sock_object_sendall (client, (const guint8 *) "y", 1, 0, &error));
  assert_sock_error_either (error, EPIPE, ECONNRESET);
}

typedef struct
{
  SockObject *sock;
  gsize expected;
  guint32 seed;
  gsize received;
  gsize first_bad;
  gboolean eof;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *reader = data;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = g_malloc (65536);
  g_autofree guint8 *expected = g_malloc (reader->expected);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint reads;

  test_fill_pattern (expected, reader->expected, reader->seed, 0);
  reader->first_bad = G_MAXSIZE;

  for (reads = 0; reads < 1000000 && g_get_monotonic_time () < deadline; reads++)
    {
      gssize n = sock_object_recv_into (reader->sock, buffer, 65536, 0, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        {
          reader->eof = TRUE;
          break;
        }
      if (reader->received + n > reader->expected)
        {
          reader->first_bad = reader->received;
          reader->received += n;
          break;
        }
      if (reader->first_bad == G_MAXSIZE &&
          memcmp (buffer, expected + reader->received, n) != 0)
        {
          gssize j;

          for (j = 0; j < n && buffer[j] == expected[reader->received + j]; j++)
            ;
          reader->first_bad = reader->received + j;
        }
      reader->received += n;
    }

  return NULL;
}

static void
test_sendall_large (void)
{
  const gsize size = 8 * 1024 * 1024 + 13;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autofree guint8 *payload = g_malloc (size);
  Reader reader = { 0 };
  GThread *thread;

  g_test_summary ("sendall() of several MiB arrives complete and in order at "
                  "a reader in another thread");

  test_tcp_pair (&client, &server);
  /* The payload is far larger than the socket buffers, so sendall() has to
   * loop over partial sends while the reader drains. */

  test_fill_pattern (payload, size, 0xc0ffee, 0);
  reader.sock = server;
  reader.expected = size;
  reader.seed = 0xc0ffee;
  thread = g_thread_new ("reader", reader_thread, &reader);

  test_assert_ok (sock_object_sendall (client, payload, size, 0, &error), error);
  test_assert_ok (sock_object_shutdown (client, SHUT_WR, &error), error);

  g_thread_join (thread);
  g_assert_cmpuint (reader.first_bad, ==, G_MAXSIZE);
  g_assert_cmpuint (reader.received, ==, size);
  g_assert_true (reader.eof);
}

static void
test_recv_eof (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GBytes) eof_from = NULL;

  g_test_summary ("At end of stream recv() returns an empty GBytes (not NULL) "
                  "without an error, every time");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_sendall (client, (const guint8 *) "last", 4, 0, &error), error);
  test_assert_ok (sock_object_close (client, &error), error);

  data = sock_object_recv (server, 1024, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "last");

  test_assert_recv_eof (server);
  /* And again. */
  test_assert_recv_eof (server);

  eof_from = sock_object_recvfrom (server, 1024, 0, &from, &error);
  g_assert_no_error (error);
  g_assert_nonnull (eof_from);
  g_assert_cmpuint (g_bytes_get_size (eof_from), ==, 0);
}

static void
test_recv_into (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  guint8 buffer[16];
  gssize n;

  g_test_summary ("recv_into() fills the caller's buffer, at most size bytes, "
                  "returns the count, and 0 at end of stream");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_sendall (client, (const guint8 *) "0123456789", 10, 0, &error), error);

  memset (buffer, 0xaa, sizeof buffer);
  n = sock_object_recv_into (server, buffer, 4, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpmem (buffer, 4, "0123", 4);
  g_assert_cmpuint (buffer[4], ==, 0xaa);

  /* MSG_PEEK is passed through. */
  n = sock_object_recv_into (server, buffer, 2, MSG_PEEK, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpmem (buffer, 2, "45", 2);

  /* MSG_WAITALL would wait for 16 bytes; end of stream cuts it short at 6. */
  test_assert_ok (sock_object_close (client, &error), error);
  n = sock_object_recv_into (server, buffer, sizeof buffer, MSG_WAITALL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpmem (buffer, 6, "456789", 6);

  n = sock_object_recv_into (server, buffer, sizeof buffer, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
}

static void
test_recv_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GBytes) got = NULL;
  GVariant *from = NULL;
  GBytes *none;

  g_test_summary ("recv() and recvfrom() with a size too large to allocate "
                  "fail with EINVAL instead of aborting, and the data stays");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_sendall (client, (const guint8 *) "kept", 4, 0, &error), error);

  none = sock_object_recv (server, G_MAXSIZE, 0, &error);
  g_assert_null (none);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  none = sock_object_recvfrom (server, G_MAXSIZE, 0, &from, &error);
  g_assert_null (none);
  g_assert_null (from);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  got = sock_object_recv (server, 16, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "kept");
}

static void
test_recv_msg_flags (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GBytes) peeked = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) none = NULL;

  g_test_summary ("recv() flags are passed to the system: MSG_PEEK leaves the "
                  "data queued, MSG_DONTWAIT does not wait");

  test_tcp_pair (&client, &server);

  none = sock_object_recv (server, 16, MSG_DONTWAIT, &error);
  g_assert_null (none);
  test_assert_sock_error (error, EAGAIN);
  g_clear_error (&error);
  /* The socket itself is still blocking. */
  g_assert_true (sock_object_get_blocking (server));

  test_assert_ok (sock_object_sendall (client, (const guint8 *) "peek", 4, 0, &error), error);
  peeked = sock_object_recv (server, 16, MSG_PEEK, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (peeked, "peek");
  got = sock_object_recv (server, 16, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "peek");
}

/* IPv6 ---------------------------------------------------------------------- */

static void
assert_inet6_loopback (GVariant *address,
                       guint16   port)
{
  const gchar *host = NULL;
  guint16 got_port = 0;
  guint32 flowinfo = 1, scope_id = 1;

  g_assert_nonnull (address);
  g_assert_cmpstr (g_variant_get_type_string (address), ==, "(squu)");
  g_variant_get (address, "(&squu)", &host, &got_port, &flowinfo, &scope_id);
  g_assert_cmpstr (host, ==, "::1");
  if (port != 0)
    g_assert_cmpuint (got_port, ==, port);
  else
    g_assert_cmpuint (got_port, !=, 0);
  g_assert_cmpuint (flowinfo, ==, 0);
  g_assert_cmpuint (scope_id, ==, 0);
}

static void
test_ipv6_tcp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) client_name = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("AF_INET6 over ::1: bind with (sq), connect with (squu), "
                  "addresses come back as (squu)");

  if (skip_without_ipv6 ())
    return;

  listener = test_socket_new (AF_INET6, SOCK_STREAM);
  g_assert_true (SOCK_IS_INET_OBJECT (listener));
  g_assert_cmpint (sock_object_get_family (listener), ==, AF_INET6);
  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "::1", 0), &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);
  address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  assert_inet6_loopback (address, 0);

  client = test_socket_new (AF_INET6, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client,
                                       g_variant_new ("(squu)", "::1",
                                                      test_address_port (address), 0, 0),
                                       &error), error);

  conn = sock_object_accept (listener, &from, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_family (conn), ==, AF_INET6);
  client_name = sock_object_getsockname (client, &error);
  g_assert_no_error (error);
  assert_inet6_loopback (from, test_address_port (client_name));
  g_assert_true (g_variant_equal (from, client_name));

  peer = sock_object_getpeername (client, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (peer, address));

  test_assert_ok (sock_object_sendall (client, (const guint8 *) "six", 3, 0, &error), error);
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);
  got = sock_object_recv (conn, 16, 0, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, "six");
}

static void
test_ipv6_udp (void)
{
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) a_name = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GVariant) from = NULL;

  g_test_summary ("AF_INET6 UDP sendto()/recvfrom() over ::1 with (squu) addresses");

  if (skip_without_ipv6 ())
    return;

  a = dgram_bound_new (AF_INET6, g_variant_new ("(squu)", "::1", 0, 0, 0), &a_name);
  b = dgram_bound_new (AF_INET6, g_variant_new ("(sq)", "::1", 0), &b_name);
  assert_inet6_loopback (a_name, 0);
  assert_inet6_loopback (b_name, 0);

  from = test_datagram_exchange (a, b_name, b, "v6");
  g_assert_true (g_variant_equal (from, a_name));
}

static void
test_ipv6_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("AF_INET6 rejects addresses of other shapes with EINVAL");

  if (skip_without_ipv6 ())
    return;

  sock = test_socket_new (AF_INET6, SOCK_DGRAM);
  g_assert_false (sock_object_bind (sock, g_variant_new ("s", "::1"), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_false (sock_object_bind (sock, g_variant_new ("(squ)", "::1", 0, 0), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_false (sock_object_bind (sock, g_variant_new ("(si)", "::1", 70000), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
}

static void
test_ipv6_flowinfo (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) a_name = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GVariant) from = NULL;
  const gchar *host = NULL;
  guint16 port = 0;

  g_test_summary ("AF_INET6 takes flowinfo 0 to 0xfffff; past it, or a scope_id past "
                  "32 bits, is SOCK_ERROR/EINVAL naming the field (CPython: OverflowError)");

  if (skip_without_ipv6 ())
    return;

  a = dgram_bound_new (AF_INET6, g_variant_new ("(sq)", "::1", 0), &a_name);
  b = dgram_bound_new (AF_INET6, g_variant_new ("(sq)", "::1", 0), &b_name);
  g_variant_get (b_name, "(&squu)", &host, &port, NULL, NULL);

  from = test_datagram_exchange (a, g_variant_new ("(squu)", host, port, 0xfffff, 0), b,
                                 "flow");
  g_assert_true (g_variant_equal (from, a_name));

  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "x", 1, 0,
                                       g_variant_new ("(squu)", host, port, 0x100000, 0),
                                       &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_assert_nonnull (strstr (error->message, "flowinfo"));
  g_clear_error (&error);

  g_assert_false (sock_object_connect (a, g_variant_new ("(squt)", host, port, 0,
                                                         G_GUINT64_CONSTANT (1) << 32),
                                       &error));
  test_assert_sock_error (error, EINVAL);
  g_assert_nonnull (strstr (error->message, "scope_id"));
}

/* The index of the loopback interface, or 0 (the test skipped) without one
 * named "lo". */
static guint
loopback_index (void)
{
  guint index = if_nametoindex ("lo");

  if (index == 0)
    g_test_skip ("No interface is named \"lo\"");
  return index;
}

/* Connects a datagram socket to the link-local @address: nothing is sent.
 * Linux refuses a link-local peer without a scope with EINVAL, so any other
 * outcome (ENETUNREACH where lo has no link-local route, or success) shows
 * that the scope reached the kernel. */
static void
assert_link_local_scope_used (GVariant *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = test_socket_new (AF_INET6, SOCK_DGRAM);
  g_autofree gchar *text = g_variant_print (address, TRUE);

  g_variant_ref_sink (address);
  g_test_message ("connect %s", text);
  if (!sock_object_connect (sock, address, &error))
    {
      g_assert_true (error->domain == SOCK_ERROR);
      g_assert_cmpint (error->code, !=, EINVAL);
    }
  g_variant_unref (address);
}

static void
test_ipv6_scope_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autofree gchar *by_index = NULL;
  guint lo;
  const gchar *by_name[] = { "::1%lo", "::1%4294967295" };

  g_test_summary ("A scope in the host string, by interface name or index (\"fe80::1%lo\", "
                  "\"::1%1\"), reaches bind(), connect() and sendto(), as a scope_id in the tuple "
                  "does; a tuple's scope_id 0 leaves the host's");

  if (skip_without_ipv6 () || (lo = loopback_index ()) == 0)
    return;

  by_index = g_strdup_printf ("::1%%%u", lo);
  sock = test_socket_new (AF_INET6, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", by_index, 0), &error), error);
  g_clear_object (&sock);

  for (gsize i = 0; i < G_N_ELEMENTS (by_name); i++)
    {
      g_autoptr(GVariant) name = NULL;
      const gchar *host = NULL;

      sock = test_socket_new (AF_INET6, SOCK_DGRAM);
      test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", by_name[i], 0), &error),
                      error);
      name = sock_object_getsockname (sock, &error);
      g_assert_no_error (error);
      g_variant_get (name, "(&squu)", &host, NULL, NULL, NULL);
      g_assert_cmpstr (host, ==, "::1");
      g_clear_object (&sock);
    }

  /* Without any scope, the kernel refuses a link-local peer. */
  sock = test_socket_new (AF_INET6, SOCK_DGRAM);
  g_assert_false (sock_object_connect (sock, g_variant_new ("(sq)", "fe80::1", 9), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  assert_link_local_scope_used (g_variant_new ("(sq)", "fe80::1%lo", 9));
  assert_link_local_scope_used (g_variant_new ("(squu)", "fe80::1%lo", 9, 0, 0));
  assert_link_local_scope_used (g_variant_new ("(squu)", "fe80::1", 9, 0, lo));
  g_free (by_index);
  by_index = g_strdup_printf ("fe80::1%%%u", lo);
  assert_link_local_scope_used (g_variant_new ("(sq)", by_index, 9));

  /* sendto() takes the scope too. Nothing is sent without one: that could
   * leave by another interface. With lo as the scope a datagram, if the
   * system routes it at all, stays on loopback. */
  if (sock_object_sendto (sock, (const guint8 *) "x", 1, 0,
                          g_variant_new ("(sq)", "fe80::1%lo", 9), &error) < 0)
    {
      g_assert_true (error->domain == SOCK_ERROR);
      g_assert_cmpint (error->code, !=, EINVAL);
    }
}

static void
test_ipv6_scope_id_invalid (void)
{
  const gchar *bad[] = {
    "::1%no-such-interface", "::1%", "::1%4294967296", "::1%-1", "::1%1x",
    "fe80::1%no-such-interface", "::1%lo%lo",
  };

  g_test_summary ("A scope that is no interface name and no index from 0 to 2^32-1 is "
                  "SOCK_RESOLVER_ERROR/NOT_FOUND with EAI_NONAME, as glibc and CPython "
                  "report it, without a name lookup");

  if (skip_without_ipv6 ())
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockObject) sock = test_socket_new (AF_INET6, SOCK_DGRAM);

      g_test_message ("bind (\"%s\")", bad[i]);
      g_assert_false (sock_object_bind (sock, g_variant_new ("(sq)", bad[i], 0), &error));
      g_assert_error (error, SOCK_RESOLVER_ERROR, SOCK_RESOLVER_ERROR_NOT_FOUND);
      g_assert_cmpint (sock_resolver_error_get_eai_code (error), ==, EAI_NONAME);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

/* An AF_INET6 socket with IPV6_V6ONLY off bound to the v4-mapped loopback:
 * a dual-stack listener that stays on loopback. */
static SockObject *
dual_stack_listener_new (GVariant **address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = test_socket_new (AF_INET6, SOCK_STREAM);

  test_assert_ok (sock_object_setsockopt (listener, IPPROTO_IPV6, IPV6_V6ONLY, 0, &error),
                  error);
  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "::ffff:127.0.0.1", 0),
                                    &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);
  *address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&listener);
}

static void
test_ipv6_v4_mapped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autoptr(GVariant) client_name = NULL;
  const gchar *host = NULL;
  guint16 port = 0;
  guint32 flowinfo = 1, scope_id = 1;

  g_test_summary ("A dual-stack AF_INET6 server reports an IPv4 peer as "
                  "(\"::ffff:a.b.c.d\", port, 0, 0), as CPython does");

  if (skip_without_ipv6 ())
    return;

  listener = dual_stack_listener_new (&address);
  g_variant_get (address, "(&squu)", &host, &port, NULL, NULL);
  g_assert_cmpstr (host, ==, "::ffff:127.0.0.1");

  client = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, g_variant_new ("(sq)", "127.0.0.1", port),
                                       &error), error);
  client_name = sock_object_getsockname (client, &error);
  g_assert_no_error (error);

  conn = sock_object_accept (listener, &peer, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_type_string (peer), ==, "(squu)");
  g_variant_get (peer, "(&squu)", &host, &port, &flowinfo, &scope_id);
  g_assert_cmpstr (host, ==, "::ffff:127.0.0.1");
  g_assert_cmpuint (port, ==, test_address_port (client_name));
  g_assert_cmpuint (flowinfo, ==, 0);
  g_assert_cmpuint (scope_id, ==, 0);
  g_clear_pointer (&peer, g_variant_unref);

  peer = sock_object_getpeername (conn, &error);
  g_assert_no_error (error);
  g_variant_get (peer, "(&squu)", &host, NULL, NULL, NULL);
  g_assert_cmpstr (host, ==, "::ffff:127.0.0.1");
}

static void
test_ipv6_v6only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint value = -1;

  g_test_summary ("IPV6_V6ONLY can be set and read back; with it on, a v4-mapped address "
                  "cannot be bound (EINVAL), with it off it can");

  if (skip_without_ipv6 ())
    return;

  g_assert_cmpint (SOCK_IPV6_V6ONLY, ==, IPV6_V6ONLY);
  g_assert_cmpint (SOCK_IPPROTO_IPV6, ==, IPPROTO_IPV6);

  sock = test_socket_new (AF_INET6, SOCK_STREAM);
  test_assert_ok (sock_object_setsockopt (sock, SOCK_IPPROTO_IPV6, SOCK_IPV6_V6ONLY, 1, &error),
                  error);
  test_assert_ok (sock_object_getsockopt (sock, SOCK_IPPROTO_IPV6, SOCK_IPV6_V6ONLY, &value,
                                          &error), error);
  g_assert_cmpint (value, ==, 1);
  g_assert_false (sock_object_bind (sock, g_variant_new ("(sq)", "::ffff:127.0.0.1", 0),
                                    &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  test_assert_ok (sock_object_setsockopt (sock, SOCK_IPPROTO_IPV6, SOCK_IPV6_V6ONLY, 0, &error),
                  error);
  test_assert_ok (sock_object_getsockopt (sock, SOCK_IPPROTO_IPV6, SOCK_IPV6_V6ONLY, &value,
                                          &error), error);
  g_assert_cmpint (value, ==, 0);
  test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", "::ffff:127.0.0.1", 0),
                                    &error), error);
}

static void
test_has_ipv6 (void)
{
  gint fd;
  gboolean kernel;

  g_test_summary ("sock_has_ipv6() is TRUE exactly when the kernel can make an AF_INET6 "
                  "socket, and asking twice gives the same answer");

  fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  kernel = fd >= 0 || (errno != EAFNOSUPPORT && errno != EPROTONOSUPPORT);
  if (fd >= 0)
    close (fd);

  g_assert_cmpint (sock_has_ipv6 (), ==, kernel);
  g_assert_cmpint (sock_has_ipv6 (), ==, kernel);
  if (test_have_ipv6 ())
    g_assert_true (sock_has_ipv6 ());
}

/* create_server --------------------------------------------------------------- */

static gint
get_option (SockObject *sock,
            gint        level,
            gint        option)
{
  g_autoptr(GError) error = NULL;
  gint value = -1;

  test_assert_ok (sock_object_getsockopt (sock, level, option, &value, &error), error);
  return value;
}

/* Connects a client of @family to @host and the port of @server, accepts it
 * and returns the client's address as the server saw it. */
static GVariant *
connect_to_server (SockObject  *server,
                   gint         family,
                   const gchar *host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = test_socket_new (family, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) name = sock_object_getsockname (server, &error);
  GVariant *peer = NULL;

  g_assert_no_error (error);
  test_set_io_timeout (server, TEST_IO_TIMEOUT_SECONDS);
  test_assert_ok (sock_object_connect (client, g_variant_new ("(sq)", host,
                                                              test_address_port (name)),
                                       &error), error);
  conn = sock_object_accept (server, &peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);
  return peer;
}

static void
test_create_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(SockObject) other = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autoptr(GVariant) name = NULL;

  g_test_summary ("create_server() gives a listening SOCK_STREAM socket with SO_REUSEADDR "
                  "on; family 0 is AF_INET, as CPython's default; the address is sunk");

  server = sock_create_server (g_variant_new ("(sq)", "127.0.0.1", 0), AF_INET, -1, FALSE,
                               &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_INET_OBJECT (server));
  g_assert_cmpint (sock_object_get_family (server), ==, AF_INET);
  g_assert_cmpint (sock_object_get_socket_type (server), ==, SOCK_STREAM);
  g_assert_cmpint (get_option (server, SOL_SOCKET, SO_ACCEPTCONN), ==, 1);
  g_assert_cmpint (get_option (server, SOL_SOCKET, SO_REUSEADDR), ==, 1);
  g_assert_cmpint (get_option (server, SOL_SOCKET, SO_REUSEPORT), ==, 0);
  name = sock_object_getsockname (server, &error);
  g_assert_no_error (error);
  assert_inet_address (name, "127.0.0.1", 0);
  peer = connect_to_server (server, AF_INET, "127.0.0.1");
  assert_inet_address (peer, "127.0.0.1", 0);

  other = sock_create_server (g_variant_new ("(su)", "127.0.0.1", 0), 0, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_family (other), ==, AF_INET);
  g_assert_cmpint (get_option (other, SOL_SOCKET, SO_ACCEPTCONN), ==, 1);
}

static void
test_create_server_reuse_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) first = NULL;
  g_autoptr(SockObject) second = NULL;
  g_autoptr(SockObject) third = NULL;
  g_autoptr(GVariant) name = NULL;

  g_test_summary ("create_server() with reuse_port sets SO_REUSEPORT, so that two servers "
                  "listen on one port; without it the second is EADDRINUSE");

  first = sock_create_server (g_variant_new ("(sq)", "127.0.0.1", 0), AF_INET, 4, TRUE,
                              &error);
  g_assert_no_error (error);
  g_assert_cmpint (get_option (first, SOL_SOCKET, SO_REUSEPORT), ==, 1);
  name = sock_object_getsockname (first, &error);
  g_assert_no_error (error);

  second = sock_create_server (name, AF_INET, 4, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);

  third = sock_create_server (name, AF_INET, 4, FALSE, &error);
  g_assert_null (third);
  test_assert_sock_error (error, EADDRINUSE);
  g_assert_true (g_str_has_prefix (error->message, "create_server: "));
}

static void
test_create_server_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GVariant) peer = NULL;

  g_test_summary ("create_server() of an AF_INET6 address that is not the wildcard turns "
                  "IPV6_V6ONLY on, as CPython does without dualstack_ipv6");

  if (skip_without_ipv6 ())
    return;

  server = sock_create_server (g_variant_new ("(squu)", "::1", 0, 0, 0), AF_INET6, -1, FALSE,
                               &error);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_family (server), ==, AF_INET6);
  g_assert_cmpint (get_option (server, IPPROTO_IPV6, IPV6_V6ONLY), ==, 1);
  peer = connect_to_server (server, AF_INET6, "::1");
  assert_inet6_loopback (peer, 0);
}

static void
test_create_server_dual_stack (void)
{
  const gchar *wildcards[] = { "", "::" };
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) mapped = NULL;
  g_autoptr(GVariant) peer = NULL;
  const gchar *host = NULL;

  g_test_summary ("create_server() of the AF_INET6 wildcard, \"\" or \"::\", is dual-stack "
                  "(IPV6_V6ONLY off): IPv4 and IPv6 clients connect, the IPv4 one shown as "
                  "::ffff:127.0.0.1; so is a v4-mapped address, which needs it");

  if (skip_without_ipv6 ())
    return;

  /* A v4-mapped address, to stay on loopback. */
  mapped = sock_create_server (g_variant_new ("(sq)", "::ffff:127.0.0.1", 0), AF_INET6, -1,
                               FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (get_option (mapped, IPPROTO_IPV6, IPV6_V6ONLY), ==, 0);
  peer = connect_to_server (mapped, AF_INET, "127.0.0.1");
  g_variant_get (peer, "(&squu)", &host, NULL, NULL, NULL);
  g_assert_cmpstr (host, ==, "::ffff:127.0.0.1");
  g_clear_pointer (&peer, g_variant_unref);

  /* The wildcard listens on every interface for as long as the test runs;
   * only loopback clients connect. */
  for (gsize i = 0; i < G_N_ELEMENTS (wildcards); i++)
    {
      g_autoptr(SockObject) server = NULL;

      server = sock_create_server (g_variant_new ("(sq)", wildcards[i], 0), AF_INET6, -1,
                                   FALSE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (get_option (server, IPPROTO_IPV6, IPV6_V6ONLY), ==, 0);

      peer = connect_to_server (server, AF_INET, "127.0.0.1");
      g_variant_get (peer, "(&squu)", &host, NULL, NULL, NULL);
      g_assert_cmpstr (host, ==, "::ffff:127.0.0.1");
      g_clear_pointer (&peer, g_variant_unref);

      peer = connect_to_server (server, AF_INET6, "::1");
      assert_inet6_loopback (peer, 0);
      g_clear_pointer (&peer, g_variant_unref);
    }
}

static void
test_create_server_unix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autofree gchar *dir = test_tmpdir_new ();
  g_autofree gchar *path = g_build_filename (dir, "server", NULL);

  g_test_summary ("create_server() takes AF_UNIX too, as CPython's does");

  server = sock_create_server (g_variant_new_string (path), AF_UNIX, 1, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_UNIX_OBJECT (server));
  g_assert_cmpint (get_option (server, SOL_SOCKET, SO_ACCEPTCONN), ==, 1);
  g_clear_object (&server);
  test_tmpdir_remove (dir);
}

static void
test_create_server_errors (void)
{
  guint fds = test_count_open_fds ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) server = NULL;

  g_test_summary ("create_server() failures give the failing call's error with "
                  "\"create_server: \" in front, and leave no descriptor open");

  server = sock_create_server (g_variant_new_string ("127.0.0.1"), AF_INET, -1, FALSE, &error);
  g_assert_null (server);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  server = sock_create_server (g_variant_new ("(sq)", "127.0.0.1", 0), 12345, -1, FALSE,
                               &error);
  g_assert_null (server);
  g_assert_true (error->domain == SOCK_ERROR);
  g_clear_error (&error);

  server = sock_create_server (g_variant_new ("(sq)", "nonexistent.invalid", 0), AF_INET, -1,
                               FALSE, &error);
  g_assert_null (server);
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
  g_clear_error (&error);

  /* Not an address of this machine. */
  server = sock_create_server (g_variant_new ("(sq)", "192.0.2.1", 0), AF_INET, -1, FALSE,
                               &error);
  g_assert_null (server);
  test_assert_sock_error (error, EADDRNOTAVAIL);
  g_clear_error (&error);

  g_assert_cmpuint (test_count_open_fds (), ==, fds);
}

/* create_connection ----------------------------------------------------------- */

static void
test_create_connection_numeric (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;

  g_test_summary ("create_connection() to a numeric host connects a "
                  "SOCK_STREAM socket, which keeps the timeout it was given");

  client = sock_create_connection (g_variant_new ("(sq)", "127.0.0.1",
                                                  test_address_port (address)),
                                   -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  g_assert_cmpint (sock_object_get_family (client), ==, AF_INET);
  g_assert_cmpint (sock_object_get_socket_type (client), ==, SOCK_STREAM);
  g_assert_cmpfloat (sock_object_gettimeout (client), ==, -1.0);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_sendall (client, (const guint8 *) "cc", 2, 0, &error), error);
  test_assert_recv_string (conn, "cc");
  g_clear_object (&client);

  /* (si) and (su) ports, and a timeout. */
  client = sock_create_connection (g_variant_new ("(si)", "127.0.0.1",
                                                  (gint32) test_address_port (address)),
                                   4.0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sock_object_gettimeout (client), ==, 4.0);
}

static void
test_create_connection_each_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) results = NULL;
  g_autoptr(SockObject) listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) closed = NULL;
  g_autoptr(GVariant) closed_address = NULL;
  g_autofree gchar *port = NULL;
  const gchar *message;
  guint16 closed_port;
  gsize n_results, refusals = 0;

  g_test_summary ("create_connection() to localhost tries each address "
                  "getaddrinfo gives until one connects (a server on "
                  "127.0.0.1 only is reached even when ::1 comes first); "
                  "when all fail, the error is the first attempt's, and its "
                  "message has every attempt's error");

  client = sock_create_connection (g_variant_new ("(sq)", "localhost",
                                                  test_address_port (address)),
                                   5.0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_family (client), ==, AF_INET);
  g_clear_object (&client);

  /* A port nobody listens on: the listener's, once closed. */
  closed = test_tcp_listener_new (TEST_BACKLOG, &closed_address);
  closed_port = test_address_port (closed_address);
  test_assert_ok (sock_object_close (closed, &error), error);
  port = g_strdup_printf ("%u", closed_port);
  results = sock_getaddrinfo ("localhost", port, AF_UNSPEC, SOCK_STREAM, 0, 0, &error);
  g_assert_no_error (error);
  n_results = g_variant_n_children (results);
  g_assert_cmpuint (n_results, >=, 1);

  client = sock_create_connection (g_variant_new ("(sq)", "localhost", closed_port), 5.0,
                                   &error);
  g_assert_null (client);
  test_assert_sock_error (error, ECONNREFUSED);
  g_test_message ("%s", error->message);
  for (message = error->message; (message = strstr (message, g_strerror (ECONNREFUSED)));
       message++)
    refusals++;
  g_assert_cmpuint (refusals, ==, n_results);
}

static void
test_create_connection_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) first = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) client = NULL;
  g_autoptr(GVariant) address = NULL;
  gint64 start, elapsed;

  g_test_summary ("create_connection()'s timeout bounds the attempt: to a "
                  "listener whose queue is full it fails with ETIMEDOUT "
                  "after the timeout");

  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0), &error),
                  error);
  test_assert_ok (sock_object_listen (listener, 0, &error), error);
  address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_connect (first, address, &error), error);

  start = g_get_monotonic_time ();
  client = sock_create_connection (g_variant_new ("(sq)", "127.0.0.1",
                                                  test_address_port (address)),
                                   0.2, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_null (client);
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_cmpint (elapsed, >=, 199 * 1000);
  g_assert_cmpint (elapsed, <, 700 * 1000);
}

static void
test_create_connection_invalid (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("create_connection() refuses addresses of the wrong shape "
                  "and out-of-range ports with EINVAL, and reports a host "
                  "that cannot be resolved as SOCK_RESOLVER_ERROR");

  g_assert_null (sock_create_connection (g_variant_new ("s", "127.0.0.1"), -1, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_null (sock_create_connection (g_variant_new ("(ss)", "127.0.0.1", "80"), -1,
                                         &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_null (sock_create_connection (g_variant_new ("(si)", "127.0.0.1", 70000), -1,
                                         &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_null (sock_create_connection (g_variant_new ("(si)", "127.0.0.1", -1), -1, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_null (sock_create_connection (g_variant_new ("(uq)", 1, 80), -1, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_null (sock_create_connection (g_variant_new ("(sq)", "nonexistent.invalid", 80), -1,
                                         &error));
  g_assert_true (error->domain == SOCK_RESOLVER_ERROR);
  g_clear_error (&error);
  g_assert_null (sock_create_connection (g_variant_new ("(sq)", "127.0.0.1", 80), NAN,
                                         &error));
  test_assert_sock_error (error, EINVAL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inet/echo/tcp", test_echo_tcp);
  g_test_add_func ("/inet/echo/udp", test_echo_udp);
  g_test_add_func ("/inet/recvfrom/truncate-and-empty", test_udp_truncate_and_empty);
  g_test_add_func ("/inet/recv/msg-trunc", test_udp_msg_trunc);
  g_test_add_func ("/inet/bind/port-types", test_address_port_types);
  g_test_add_func ("/inet/bind/any", test_address_any);
  g_test_add_func ("/inet/connect/broadcast", test_address_broadcast);
  g_test_add_func ("/inet/connect/hostname", test_address_hostname);
  g_test_add_func ("/inet/accept/address", test_address_accept);
  g_test_add_func ("/inet/address/invalid", test_address_invalid);
  g_test_add_func ("/inet/connect/unresolvable", test_address_unresolvable);
  g_test_add_func ("/inet/address/floating", test_address_floating);
  g_test_add_func ("/inet/connect/refused", test_connect_refused);
  g_test_add_func ("/inet/connect_ex/errno", test_connect_ex);
  g_test_add_func ("/inet/connect/isconn", test_connect_isconn);
  g_test_add_func ("/inet/recv/not-connected", test_connect_not_connected);
  g_test_add_func ("/inet/send/epipe", test_send_epipe);
  g_test_add_func ("/inet/sendall/large", test_sendall_large);
  g_test_add_func ("/inet/recv/eof", test_recv_eof);
  g_test_add_func ("/inet/recv_into/size-and-eof", test_recv_into);
  g_test_add_func ("/inet/recv/too-large", test_recv_too_large);
  g_test_add_func ("/inet/recv/flags", test_recv_msg_flags);
  g_test_add_func ("/inet/echo/ipv6-tcp", test_ipv6_tcp);
  g_test_add_func ("/inet/echo/ipv6-udp", test_ipv6_udp);
  g_test_add_func ("/inet/bind/ipv6-invalid", test_ipv6_invalid);
  g_test_add_func ("/inet/ipv6/flowinfo", test_ipv6_flowinfo);
  g_test_add_func ("/inet/ipv6/scope_id/valid", test_ipv6_scope_id);
  g_test_add_func ("/inet/ipv6/scope_id/invalid", test_ipv6_scope_id_invalid);
  g_test_add_func ("/inet/ipv6/v4-mapped", test_ipv6_v4_mapped);
  g_test_add_func ("/inet/ipv6/v6only", test_ipv6_v6only);
  g_test_add_func ("/inet/has_ipv6", test_has_ipv6);
  g_test_add_func ("/inet/create_server/basic", test_create_server);
  g_test_add_func ("/inet/create_server/reuse_port", test_create_server_reuse_port);
  g_test_add_func ("/inet/create_server/ipv6", test_create_server_ipv6);
  g_test_add_func ("/inet/create_server/dual-stack", test_create_server_dual_stack);
  g_test_add_func ("/inet/create_server/unix", test_create_server_unix);
  g_test_add_func ("/inet/create_server/errors", test_create_server_errors);
  g_test_add_func ("/inet/create_connection/numeric", test_create_connection_numeric);
  g_test_add_func ("/inet/create_connection/each-address", test_create_connection_each_address);
  g_test_add_func ("/inet/create_connection/timeout", test_create_connection_timeout);
  g_test_add_func ("/inet/create_connection/invalid", test_create_connection_invalid);

  return g_test_run ();
}
