/* bindings.c: the calls shaped for language bindings
 *
 * sock_object_recv_data() and sock_object_recvfrom_data() return what
 * recv() and recvfrom() return, as a byte array: the same data, the same
 * errors, the same virtual methods.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "test-util.h"

static void
test_recv_data_stream (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autofree guint8 *big = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 42;
  gsize total = 0;
  const gsize big_size = 100000;

  g_test_summary ("recv_data() returns the bytes recv() would, an empty non-NULL "
                  "array at once for size 0 and at the end of the stream, and "
                  "large reads through a heap buffer");

  test_tcp_pair (&client, &server);

  data = sock_object_recv_data (server, 0, 0, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);
  g_assert_cmpuint (length, ==, 0);
  g_clear_pointer (&data, g_free);

  g_assert_cmpint (sock_object_send (client, (const guint8 *) "hello", 5, 0, &error), ==, 5);
  g_assert_no_error (error);
  data = sock_object_recv_data (server, 1024, MSG_PEEK, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (data, length, "hello", 5);
  g_clear_pointer (&data, g_free);
  data = sock_object_recv_data (server, 1024, 0, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (data, length, "hello", 5);
  g_clear_pointer (&data, g_free);

  /* More than the stack buffer holds, in one call or several. */
  big = g_malloc (big_size);
  test_fill_pattern (big, big_size, 13, 0);
  test_assert_ok (sock_object_sendall (client, big, big_size, 0, &error), error);
  while (total < big_size)
    {
      data = sock_object_recv_data (server, 65536, 0, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (length, >, 0);
      g_assert_cmpuint (length, <=, 65536);
      g_assert_cmpmem (data, length, big + total, length);
      total += length;
      g_clear_pointer (&data, g_free);
    }

  test_assert_ok (sock_object_shutdown (client, SHUT_WR, &error), error);
  length = 42;
  data = sock_object_recv_data (server, 1 << 20, 0, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);
  g_assert_cmpuint (length, ==, 0);
}

static void
test_recv_data_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  gsize length = 42;

  g_test_summary ("recv_data() fails as recv() does: EAGAIN without data on a "
                  "non-blocking socket, EINVAL for a size it cannot allocate, "
                  "EBADF once closed");

  test_tcp_pair (&client, &server);

  test_assert_ok (sock_object_setblocking (server, FALSE, &error), error);
  g_assert_null (sock_object_recv_data (server, 16, 0, &length, &error));
  test_assert_sock_error (error, EAGAIN);
  g_assert_cmpuint (length, ==, 0);
  g_clear_error (&error);

  g_assert_null (sock_object_recv_data (server, G_MAXSIZE, 0, &length, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  test_assert_ok (sock_object_close (server, &error), error);
  g_assert_null (sock_object_recv_data (server, 16, 0, &length, &error));
  test_assert_sock_error (error, EBADF);
}

static void
test_recvfrom_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = test_socket_new (AF_INET, SOCK_DGRAM);
  g_autoptr(SockObject) b = test_socket_new (AF_INET, SOCK_DGRAM);
  g_autoptr(GVariant) a_name = NULL;
  g_autoptr(GVariant) b_name = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 0;

  g_test_summary ("recvfrom_data() returns a datagram cut to the size asked for, "
                  "and the sender's address as recvfrom() does");

  test_assert_ok (sock_object_bind (a, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  test_assert_ok (sock_object_bind (b, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  a_name = sock_object_getsockname (a, &error);
  g_assert_no_error (error);
  b_name = sock_object_getsockname (b, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "datagram", 8, 0, b_name, &error),
                   ==, 8);
  g_assert_no_error (error);
  data = sock_object_recvfrom_data (b, 4, 0, &length, &from, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (data, length, "data", 4);
  g_assert_true (g_variant_equal (from, a_name));
  g_clear_pointer (&data, g_free);

  /* The address is optional. */
  g_assert_cmpint (sock_object_sendto (a, (const guint8 *) "x", 1, 0, b_name, &error), ==, 1);
  g_assert_no_error (error);
  data = sock_object_recvfrom_data (b, 16, 0, &length, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (data, length, "x", 1);
}

/* A subclass that overrides recv(): recv_data() must call it. */
typedef struct
{
  SockInetObject parent_instance;
} TestShoutingSocket;

typedef struct
{
  SockInetObjectClass parent_class;
} TestShoutingSocketClass;

static GType test_shouting_socket_get_type (void);
G_DEFINE_TYPE (TestShoutingSocket, test_shouting_socket, SOCK_TYPE_INET_OBJECT)

static GBytes *
shouting_recv (SockObject  *self,
               gsize        bufsize,
               gint         flags,
               GError     **error)
{
  GBytes *bytes;
  gchar *upper;

  bytes = SOCK_OBJECT_CLASS (test_shouting_socket_parent_class)->recv (self, bufsize, flags,
                                                                        error);
  if (bytes == NULL)
    return NULL;
  upper = g_ascii_strup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_bytes_unref (bytes);
  return g_bytes_new_take (upper, strlen (upper));
}

static void
test_shouting_socket_class_init (TestShoutingSocketClass *klass)
{
  SOCK_OBJECT_CLASS (klass)->recv = shouting_recv;
}

static void
test_shouting_socket_init (TestShoutingSocket *self)
{
}

static void
test_recv_data_vfunc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autofree guint8 *data = NULL;
  gsize length = 0;

  g_test_summary ("recv_data() on a subclass that overrides recv() goes through "
                  "the override");

  sock = g_object_new (test_shouting_socket_get_type (),
                       "family", AF_INET,
                       "socket-type", SOCK_STREAM,
                       NULL);
  test_set_io_timeout (sock, TEST_IO_TIMEOUT_SECONDS);
  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  test_assert_ok (sock_object_connect (sock, address, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sock_object_send (conn, (const guint8 *) "quiet", 5, 0, &error), ==, 5);
  g_assert_no_error (error);
  data = sock_object_recv_data (sock, 16, 0, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (data, length, "QUIET", 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bindings/recv_data/stream", test_recv_data_stream);
  g_test_add_func ("/bindings/recv_data/errors", test_recv_data_errors);
  g_test_add_func ("/bindings/recv_data/vfunc", test_recv_data_vfunc);
  g_test_add_func ("/bindings/recvfrom_data/datagram", test_recvfrom_data);

  return g_test_run ();
}
