/* object.c: tests of SockObject itself — construction, properties, closing,
 * fromfd, blocking mode, socket options and descriptor hygiene
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-util.h"

/* Construction -------------------------------------------------------------- */

static void
assert_shape (SockObject *sock,
              GType       gtype,
              gint        family,
              gint        type,
              gint        proto)
{
  gint p_family = -2, p_type = -2, p_proto = -2, p_fileno = -2;

  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (sock, gtype));
  g_assert_true (SOCK_IS_OBJECT (sock));
  g_assert_cmpint (sock_object_get_family (sock), ==, family);
  g_assert_cmpint (sock_object_get_socket_type (sock), ==, type);
  g_assert_cmpint (sock_object_get_proto (sock), ==, proto);
  g_assert_cmpint (sock_object_fileno (sock), >=, 0);
  g_assert_true (sock_object_get_blocking (sock));

  g_object_get (sock,
                "family", &p_family,
                "socket-type", &p_type,
                "proto", &p_proto,
                "fileno", &p_fileno,
                NULL);
  g_assert_cmpint (p_family, ==, family);
  g_assert_cmpint (p_type, ==, type);
  g_assert_cmpint (p_proto, ==, proto);
  g_assert_cmpint (p_fileno, ==, sock_object_fileno (sock));
}

static void
test_new_socket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) tcp = NULL;
  g_autoptr(SockObject) udp = NULL;
  g_autoptr(SockObject) unix_stream = NULL;
  g_autoptr(SockObject) unix_dgram = NULL;

  g_test_summary ("sock_socket() returns the subclass for the family, with "
                  "the family, type and protocol it was given");

  tcp = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  assert_shape (tcp, SOCK_TYPE_INET_OBJECT, AF_INET, SOCK_STREAM, 0);

  udp = sock_socket (AF_INET, SOCK_DGRAM, IPPROTO_UDP, &error);
  g_assert_no_error (error);
  assert_shape (udp, SOCK_TYPE_INET_OBJECT, AF_INET, SOCK_DGRAM, IPPROTO_UDP);

  unix_stream = sock_socket (AF_UNIX, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  assert_shape (unix_stream, SOCK_TYPE_UNIX_OBJECT, AF_UNIX, SOCK_STREAM, 0);

  unix_dgram = sock_socket (AF_UNIX, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  assert_shape (unix_dgram, SOCK_TYPE_UNIX_OBJECT, AF_UNIX, SOCK_DGRAM, 0);

  g_assert_cmpint (sock_object_fileno (tcp), !=, sock_object_fileno (udp));
}

static void
test_new_family_objects (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockInetObject) inet = NULL;
  g_autoptr(SockUnixObject) local = NULL;

  g_test_summary ("sock_inet_object_new() and sock_unix_object_new() create "
                  "sockets of their family");

  inet = sock_inet_object_new (AF_INET, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  assert_shape (SOCK_OBJECT (inet), SOCK_TYPE_INET_OBJECT, AF_INET, SOCK_DGRAM, 0);

  local = sock_unix_object_new (SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  assert_shape (SOCK_OBJECT (local), SOCK_TYPE_UNIX_OBJECT, AF_UNIX, SOCK_STREAM, 0);
}

static void
test_new_g_object_new (void)
{
  g_autoptr(SockObject) inet = NULL;
  g_autoptr(SockObject) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) name = NULL;

  g_test_summary ("g_object_new() with construct properties makes a working "
                  "socket, as bindings construct objects that way");

  inet = g_object_new (SOCK_TYPE_INET_OBJECT,
                       "family", AF_INET,
                       "socket-type", SOCK_DGRAM,
                       "proto", 0,
                       NULL);
  assert_shape (inet, SOCK_TYPE_INET_OBJECT, AF_INET, SOCK_DGRAM, 0);

  /* It is a real socket, not just an object with the right properties. */
  test_assert_ok (sock_object_bind (inet, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  name = sock_object_getsockname (inet, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_address_port (name), !=, 0);

  local = g_object_new (SOCK_TYPE_UNIX_OBJECT,
                        "family", AF_UNIX,
                        "socket-type", SOCK_STREAM,
                        NULL);
  assert_shape (local, SOCK_TYPE_UNIX_OBJECT, AF_UNIX, SOCK_STREAM, 0);
}

static void
test_new_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(SockInetObject) inet = NULL;
  guint before = test_count_open_fds ();

  g_test_summary ("Creating a socket the system refuses is a SOCK_ERROR with "
                  "the errno, and leaves no descriptor behind");

  sock = sock_socket (AF_INET, 0x3ff, 0, &error);
  g_assert_null (sock);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
  g_assert_cmpint (error->code, >, 0);
  g_clear_error (&error);

  /* A protocol that does not go with the type. */
  sock = sock_socket (AF_INET, SOCK_STREAM, IPPROTO_UDP, &error);
  g_assert_null (sock);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
  g_clear_error (&error);

  /* An internet object cannot be made for another family. */
  inet = sock_inet_object_new (AF_UNIX, SOCK_STREAM, 0, &error);
  g_assert_null (inet);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
  g_clear_error (&error);

  g_assert_cmpuint (test_count_open_fds (), ==, before);
}

static void
test_new_nonblock_flag (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("SOCK_NONBLOCK in the type makes a non-blocking socket whose "
                  "socket-type is the plain type, as in Python");

  sock = sock_socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_socket_type (sock), ==, SOCK_STREAM);
  g_assert_false (sock_object_get_blocking (sock));
  g_assert_true (fcntl (sock_object_fileno (sock), F_GETFL) & O_NONBLOCK);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (sock)));
}

/* Properties ---------------------------------------------------------------- */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  g_assert_cmpstr (g_param_spec_get_name (pspec), ==, "blocking");
  (*count)++;
}

static void
test_properties_flags (void)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (SOCK_TYPE_OBJECT);
  const gchar *construct_only[] = { "family", "socket-type", "proto" };
  GParamSpec *pspec;
  gsize i;

  g_test_summary ("family, socket-type and proto are construct-only ints, "
                  "fileno is read-only, blocking is read-write");

  for (i = 0; i < G_N_ELEMENTS (construct_only); i++)
    {
      pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), construct_only[i]);
      g_assert_nonnull (pspec);
      g_assert_true (G_IS_PARAM_SPEC_INT (pspec));
      g_assert_true (pspec->flags & G_PARAM_READABLE);
      g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
    }

  pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), "fileno");
  g_assert_nonnull (pspec);
  g_assert_true (G_IS_PARAM_SPEC_INT (pspec));
  g_assert_true (pspec->flags & G_PARAM_READABLE);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);

  pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), "blocking");
  g_assert_nonnull (pspec);
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
  g_assert_true (pspec->flags & G_PARAM_READABLE);
  g_assert_true (pspec->flags & G_PARAM_WRITABLE);
  g_assert_false (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
}

static void
test_properties_blocking (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gboolean blocking = FALSE;
  guint notified = 0;
  gint fd;

  g_test_summary ("The blocking property follows setblocking(), sets "
                  "O_NONBLOCK on the descriptor and notifies when it changes");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  fd = sock_object_fileno (sock);
  g_signal_connect (sock, "notify::blocking", G_CALLBACK (count_notify), &notified);

  g_object_get (sock, "blocking", &blocking, NULL);
  g_assert_true (blocking);
  g_assert_false (fcntl (fd, F_GETFL) & O_NONBLOCK);

  g_object_set (sock, "blocking", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (sock_object_get_blocking (sock));
  g_assert_true (fcntl (fd, F_GETFL) & O_NONBLOCK);

  /* No change, no notification. */
  g_object_set (sock, "blocking", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 1);

  test_assert_ok (sock_object_setblocking (sock, TRUE, &error), error);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (sock, "blocking", &blocking, NULL);
  g_assert_true (blocking);
  g_assert_false (fcntl (fd, F_GETFL) & O_NONBLOCK);

  test_assert_ok (sock_object_setblocking (sock, FALSE, &error), error);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_false (sock_object_get_blocking (sock));
}

/* Closing ------------------------------------------------------------------- */

static void
test_close_fileno (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint fd, prop_fd = 0;

  g_test_summary ("close() releases the descriptor, fileno becomes -1, and "
                  "closing again is harmless");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  fd = sock_object_fileno (sock);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (test_fd_is_open (fd));

  test_assert_ok (sock_object_close (sock, &error), error);
  g_assert_cmpint (sock_object_fileno (sock), ==, -1);
  g_object_get (sock, "fileno", &prop_fd, NULL);
  g_assert_cmpint (prop_fd, ==, -1);
  g_assert_false (test_fd_is_open (fd));

  test_assert_ok (sock_object_close (sock, &error), error);
  g_assert_cmpint (sock_object_fileno (sock), ==, -1);

  /* The read-only properties survive the close. */
  g_assert_cmpint (sock_object_get_family (sock), ==, AF_INET);
  g_assert_cmpint (sock_object_get_socket_type (sock), ==, SOCK_STREAM);
}

static void
test_close_unref (void)
{
  g_autoptr(GError) error = NULL;
  SockObject *sock;
  gint fd;

  g_test_summary ("Dropping the last reference closes the descriptor");

  sock = sock_socket (AF_INET, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  fd = sock_object_fileno (sock);
  g_assert_true (test_fd_is_open (fd));
  g_object_unref (sock);
  g_assert_false (test_fd_is_open (fd));
}

/* Runs every method on a closed socket; each must fail with EBADF. */
static void
assert_every_method_ebadf (SockObject *sock,
                           GVariant   *floating_address)
{
  g_autoptr(GVariant) address = g_variant_ref_sink (floating_address);
  g_autoptr(GError) error = NULL;
  static const guint8 data[] = "must never be written";
  guint8 buffer[16];
  GVariant *out_address = NULL;
  gint value = 0;
  gint ret;

#define EXPECT_EBADF(call, failed)                     \
  G_STMT_START {                                       \
    g_assert_true (failed);                            \
    test_assert_sock_error (error, EBADF);             \
    g_clear_error (&error);                            \
  } G_STMT_END

  {
    SockObject *conn = sock_object_accept (sock, &out_address, &error);
    EXPECT_EBADF (accept, conn == NULL);
    g_assert_null (out_address);
  }
  EXPECT_EBADF (bind, !sock_object_bind (sock, address, &error));
  EXPECT_EBADF (connect, !sock_object_connect (sock, address, &error));
  EXPECT_EBADF (listen, !sock_object_listen (sock, 1, &error));
  {
    GVariant *v = sock_object_getpeername (sock, &error);
    EXPECT_EBADF (getpeername, v == NULL);
    v = sock_object_getsockname (sock, &error);
    EXPECT_EBADF (getsockname, v == NULL);
  }
  EXPECT_EBADF (getsockopt,
                !sock_object_getsockopt (sock, SOL_SOCKET, SO_TYPE, &value, &error));
  {
    GBytes *b = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_LINGER, 8, &error);
    EXPECT_EBADF (getsockopt_bytes, b == NULL);
  }
  EXPECT_EBADF (setsockopt,
                !sock_object_setsockopt (sock, SOL_SOCKET, SO_REUSEADDR, 1, &error));
  {
    gint one = 1;
    EXPECT_EBADF (setsockopt_bytes,
                  !sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_REUSEADDR,
                                                 (const guint8 *) &one, sizeof one,
                                                 &error));
  }
  {
    GIOStream *stream = sock_object_makefile (sock, "rw", -1, &error);
    EXPECT_EBADF (makefile, stream == NULL);
  }
  {
    GBytes *b = sock_object_recv (sock, sizeof buffer, 0, &error);
    EXPECT_EBADF (recv, b == NULL);
    b = sock_object_recvfrom (sock, sizeof buffer, 0, &out_address, &error);
    EXPECT_EBADF (recvfrom, b == NULL);
    g_assert_null (out_address);
  }
  EXPECT_EBADF (recv_into,
                sock_object_recv_into (sock, buffer, sizeof buffer, 0, &error) == -1);
  EXPECT_EBADF (send,
                sock_object_send (sock, data, sizeof data, 0, &error) == -1);
  EXPECT_EBADF (sendall,
                !sock_object_sendall (sock, data, sizeof data, 0, &error));
  EXPECT_EBADF (sendto,
                sock_object_sendto (sock, data, sizeof data, 0, address, &error) == -1);
  EXPECT_EBADF (setblocking, !sock_object_setblocking (sock, FALSE, &error));
  EXPECT_EBADF (shutdown, !sock_object_shutdown (sock, SHUT_RDWR, &error));

#undef EXPECT_EBADF

  /* connect_ex reports EBADF as its result, as Python's does for a closed
   * socket: it is an errno, and API.md keeps -1 for failures without one. */
  ret = sock_object_connect_ex (sock, address, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ret, ==, EBADF);

  g_assert_cmpint (sock_object_fileno (sock), ==, -1);
}

static void
test_close_ebadf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) tcp = NULL;
  g_autoptr(SockObject) udp = NULL;

  g_test_summary ("Every method of a closed socket fails with SOCK_ERROR/EBADF");

  tcp = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_close (tcp, &error), error);
  assert_every_method_ebadf (tcp, g_variant_new ("(sq)", "127.0.0.1", 9));

  udp = sock_socket (AF_UNIX, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_close (udp, &error), error);
  assert_every_method_ebadf (udp, g_variant_new ("s", "/nonexistent/sockobj"));
}

static void
test_close_reused_number (void)
{
  static const gchar contents[] = "the file that took over the descriptor number\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  GVariant *address = g_variant_new ("(sq)", "127.0.0.1", 9);
  g_autofree gchar *dir = test_tmpdir_new ();
  g_autofree gchar *path = g_build_filename (dir, "victim", NULL);
  gchar readback[sizeof contents];
  struct stat st;
  gint old_fd, file_fd;

  g_test_summary ("A closed socket never touches the file that now has its "
                  "old descriptor number");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  old_fd = sock_object_fileno (sock);
  test_assert_ok (sock_object_close (sock, &error), error);

  file_fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (file_fd, >=, 0);
  if (file_fd != old_fd)
    {
      /* A lower number was free; put the file at the old number anyway. */
      g_assert_cmpint (dup3 (file_fd, old_fd, O_CLOEXEC), ==, old_fd);
      close (file_fd);
      file_fd = old_fd;
    }
  g_assert_cmpint (write (file_fd, contents, strlen (contents)), ==, (gssize) strlen (contents));

  assert_every_method_ebadf (sock, address);

  /* Closing again, and finalizing, must not close the file either. */
  test_assert_ok (sock_object_close (sock, &error), error);
  g_clear_object (&sock);

  g_assert_true (test_fd_is_open (file_fd));
  g_assert_false (fcntl (file_fd, F_GETFL) & O_NONBLOCK);
  g_assert_cmpint (fstat (file_fd, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_size, ==, strlen (contents));
  g_assert_cmpint (pread (file_fd, readback, sizeof readback, 0), ==, (gssize) strlen (contents));
  readback[strlen (contents)] = '\0';
  g_assert_cmpstr (readback, ==, contents);

  close (file_fd);
  test_tmpdir_remove (dir);
}

/* fromfd -------------------------------------------------------------------- */

static void
test_fromfd_dup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) name = NULL;
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;
  gint fd;

  g_test_summary ("fromfd() wraps a dup() of the descriptor: the object works "
                  "on the same socket and closing it leaves the original open");

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);

  sock = sock_fromfd (fd, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_INET_OBJECT (sock));
  g_assert_cmpint (sock_object_get_family (sock), ==, AF_INET);
  g_assert_cmpint (sock_object_get_socket_type (sock), ==, SOCK_STREAM);
  g_assert_cmpint (sock_object_fileno (sock), >=, 0);
  g_assert_cmpint (sock_object_fileno (sock), !=, fd);

  /* Binding through the object binds the original socket. */
  test_assert_ok (sock_object_bind (sock, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  g_assert_cmpuint (g_ntohs (sin.sin_port), ==, test_address_port (name));

  test_assert_ok (sock_object_close (sock, &error), error);
  g_assert_true (test_fd_is_open (fd));
  g_clear_object (&sock);
  g_assert_true (test_fd_is_open (fd));

  /* The original still names the bound socket. */
  len = sizeof sin;
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  g_assert_cmpuint (g_ntohs (sin.sin_port), ==, test_address_port (name));

  close (fd);
}

static void
test_fromfd_unix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) first = NULL;
  g_autoptr(SockObject) second = NULL;
  g_autoptr(GBytes) got = NULL;
  gint fds[2];

  g_test_summary ("fromfd() with AF_UNIX gives a SockUnixObject that can talk "
                  "over the original socket");

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  first = sock_fromfd (fds[0], AF_UNIX, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  second = sock_fromfd (fds[1], AF_UNIX, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_UNIX_OBJECT (first));
  close (fds[0]);
  close (fds[1]);
  test_set_io_timeout (second, TEST_IO_TIMEOUT_SECONDS);

  g_assert_cmpint (sock_object_send (first, (const guint8 *) "ping", 4, 0, &error), ==, 4);
  g_assert_no_error (error);
  got = sock_object_recv (second, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "ping", 4);
}

static void
test_fromfd_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint fd;

  g_test_summary ("fromfd() of a descriptor that is not open fails with EBADF");

  sock = sock_fromfd (-1, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_null (sock);
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);

  /* A number that was open a moment ago. */
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  sock = sock_fromfd (fd, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_null (sock);
  test_assert_sock_error (error, EBADF);
}

/* Blocking mode ------------------------------------------------------------- */

static void
test_blocking_eagain (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GBytes) got = NULL;
  guint8 buffer[8];
  gint64 start;

  g_test_summary ("In non-blocking mode recv() and accept() fail at once with "
                  "EAGAIN; back in blocking mode they wait for data");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_setblocking (server, FALSE, &error), error);

  start = g_get_monotonic_time ();
  got = sock_object_recv (server, 16, 0, &error);
  g_assert_null (got);
  test_assert_sock_error (error, EAGAIN);
  g_clear_error (&error);
  g_assert_cmpint (sock_object_recv_into (server, buffer, sizeof buffer, 0, &error), ==, -1);
  test_assert_sock_error (error, EAGAIN);
  g_clear_error (&error);
  /* Well under the SO_RCVTIMEO the helpers set: it did not wait. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  listener = test_tcp_listener_new (TEST_BACKLOG, NULL);
  test_assert_ok (sock_object_setblocking (listener, FALSE, &error), error);
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_null (conn);
  test_assert_sock_error (error, EAGAIN);
  g_clear_error (&error);

  test_assert_ok (sock_object_setblocking (server, TRUE, &error), error);
  g_assert_cmpint (sock_object_send (client, (const guint8 *) "data", 4, 0, &error), ==, 4);
  g_assert_no_error (error);
  got = sock_object_recv (server, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "data", 4);
}

static void
test_blocking_accepted_inherits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  gint tries;

  g_test_summary ("An accepted socket reports its real blocking mode");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  client = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, address, &error), error);

  /* Blocking listener: the connection is blocking. */
  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sock_object_get_blocking (conn));
  g_assert_false (fcntl (sock_object_fileno (conn), F_GETFL) & O_NONBLOCK);
  g_clear_object (&conn);
  g_clear_object (&client);

  /* Non-blocking listener: whatever the mode, property and descriptor agree. */
  test_assert_ok (sock_object_setblocking (listener, FALSE, &error), error);
  client = test_socket_new (AF_INET, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, address, &error), error);
  for (tries = 0; tries < 200 && conn == NULL; tries++)
    {
      conn = sock_object_accept (listener, NULL, &error);
      if (conn == NULL)
        {
          test_assert_sock_error (error, EAGAIN);
          g_clear_error (&error);
          g_usleep (10 * 1000);
        }
    }
  g_assert_nonnull (conn);
  g_assert_cmpint (!!sock_object_get_blocking (conn), ==,
                   !(fcntl (sock_object_fileno (conn), F_GETFL) & O_NONBLOCK));
}

/* Socket options ------------------------------------------------------------ */

static void
test_sockopt_int (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint value = -1;

  g_test_summary ("Integer socket options round-trip through setsockopt() and "
                  "getsockopt()");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);

  test_assert_ok (sock_object_getsockopt (sock, SOL_SOCKET, SO_REUSEADDR, &value, &error), error);
  g_assert_cmpint (value, ==, 0);

  test_assert_ok (sock_object_setsockopt (sock, SOL_SOCKET, SO_REUSEADDR, 1, &error), error);
  test_assert_ok (sock_object_getsockopt (sock, SOL_SOCKET, SO_REUSEADDR, &value, &error), error);
  g_assert_cmpint (value, !=, 0);

  test_assert_ok (sock_object_setsockopt (sock, SOL_SOCKET, SO_REUSEADDR, 0, &error), error);
  test_assert_ok (sock_object_getsockopt (sock, SOL_SOCKET, SO_REUSEADDR, &value, &error), error);
  g_assert_cmpint (value, ==, 0);

  /* Linux doubles the requested size for its own bookkeeping. */
  test_assert_ok (sock_object_setsockopt (sock, SOL_SOCKET, SO_RCVBUF, 65536, &error), error);
  test_assert_ok (sock_object_getsockopt (sock, SOL_SOCKET, SO_RCVBUF, &value, &error), error);
  g_assert_cmpint (value, >=, 65536);

  test_assert_ok (sock_object_getsockopt (sock, SOL_SOCKET, SO_TYPE, &value, &error), error);
  g_assert_cmpint (value, ==, SOCK_STREAM);

  test_assert_ok (sock_object_getsockopt (sock, IPPROTO_TCP, TCP_NODELAY, &value, &error), error);
  test_assert_ok (sock_object_setsockopt (sock, IPPROTO_TCP, TCP_NODELAY, 1, &error), error);
  test_assert_ok (sock_object_getsockopt (sock, IPPROTO_TCP, TCP_NODELAY, &value, &error), error);
  g_assert_cmpint (value, !=, 0);
}

static void
test_sockopt_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GBytes) got = NULL;
  struct linger set = { .l_onoff = 1, .l_linger = 7 };
  struct linger read_back;
  gint one = 1, value;

  g_test_summary ("Structured options go through the _bytes variants: "
                  "SO_LINGER round-trips as a struct linger");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);

  test_assert_ok (sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_LINGER,
                                                (const guint8 *) &set, sizeof set,
                                                &error), error);

  got = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_LINGER, sizeof read_back, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpuint (g_bytes_get_size (got), ==, sizeof read_back);
  memcpy (&read_back, g_bytes_get_data (got, NULL), sizeof read_back);
  g_assert_cmpint (read_back.l_onoff, !=, 0);
  g_assert_cmpint (read_back.l_linger, ==, 7);
  g_clear_pointer (&got, g_bytes_unref);

  /* The buffer is only an upper bound: the result has the option's size. */
  got = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_LINGER, 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, sizeof read_back);
  g_clear_pointer (&got, g_bytes_unref);

  /* An int option set as bytes reads back as an int. */
  test_assert_ok (sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_REUSEADDR,
                                                (const guint8 *) &one, sizeof one,
                                                &error), error);
  got = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_REUSEADDR, sizeof value, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, sizeof value);
  memcpy (&value, g_bytes_get_data (got, NULL), sizeof value);
  g_assert_cmpint (value, !=, 0);
}

static void
test_sockopt_bytes_buflen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  GBytes *got;

  g_test_summary ("getsockopt_bytes() rejects a buffer length of 0 or more "
                  "than 1024 with EINVAL, as Python does");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);

  got = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_LINGER, 0, &error);
  g_assert_null (got);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  got = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_LINGER, 1025, &error);
  g_assert_null (got);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  got = sock_object_getsockopt_bytes (sock, SOL_SOCKET, SO_LINGER, G_MAXSIZE, &error);
  g_assert_null (got);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
}

static void
test_sockopt_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint value = 12345;

  g_test_summary ("An option the system does not know is a SOCK_ERROR with "
                  "the system's errno");

  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);

  g_assert_false (sock_object_getsockopt (sock, SOL_SOCKET, 0x7ff0, &value, &error));
  test_assert_sock_error (error, ENOPROTOOPT);
  g_clear_error (&error);

  g_assert_false (sock_object_setsockopt (sock, SOL_SOCKET, 0x7ff0, 1, &error));
  test_assert_sock_error (error, ENOPROTOOPT);
  g_clear_error (&error);
}

/* shutdown ------------------------------------------------------------------ */

static void
test_shutdown_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;

  g_test_summary ("shutdown() with a how other than 0, 1, 2 fails with EINVAL");

  test_tcp_pair (&client, &server);

  g_assert_false (sock_object_shutdown (client, 3, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  g_assert_false (sock_object_shutdown (client, -1, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  /* The connection is untouched by the failed calls. */
  g_assert_cmpint (sock_object_send (client, (const guint8 *) "x", 1, 0, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_shutdown_write (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("shutdown(SHUT_WR) gives the peer end of stream while the "
                  "other direction keeps working");

  test_tcp_pair (&client, &server);

  test_assert_ok (sock_object_shutdown (client, SHUT_WR, &error), error);

  got = sock_object_recv (server, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_clear_pointer (&got, g_bytes_unref);

  g_assert_cmpint (sock_object_send (server, (const guint8 *) "back", 4, 0, &error), ==, 4);
  g_assert_no_error (error);
  got = sock_object_recv (client, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "back", 4);
}

/* Descriptor hygiene -------------------------------------------------------- */

static void
test_fd_leak (void)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint before, after;
  guint i, done = 0;

  g_test_summary ("Hundreds of create/connect/accept/close cycles, including "
                  "failing calls and objects dropped without close(), leave "
                  "the descriptor count unchanged");

  before = test_count_open_fds ();

  for (i = 0; i < 300 && g_get_monotonic_time () < deadline; i++)
    {
      g_autoptr(GVariant) address = NULL;
      g_autoptr(GVariant) peer = NULL;
      g_autoptr(SockObject) listener = NULL;
      g_autoptr(SockObject) client = NULL;
      g_autoptr(SockObject) conn = NULL;
      g_autoptr(SockObject) dup = NULL;

      listener = test_tcp_listener_new (TEST_BACKLOG, &address);
      client = test_socket_new (AF_INET, SOCK_STREAM);
      test_assert_ok (sock_object_connect (client, address, &error), error);
      conn = sock_object_accept (listener, &peer, &error);
      g_assert_no_error (error);

      /* A wrapped dup every few rounds. */
      if (i % 3 == 0)
        {
          dup = sock_fromfd (sock_object_fileno (conn), AF_INET, SOCK_STREAM, 0, &error);
          g_assert_no_error (error);
        }

      /* A failing call must not leak either. */
      g_assert_false (sock_object_bind (client, g_variant_new ("(sq)", "127.0.0.1", 0),
                                        &error));
      g_assert_error (error, SOCK_ERROR, EINVAL);
      g_clear_error (&error);

      /* Half the sockets closed explicitly, half only dropped. */
      if (i % 2 == 0)
        {
          test_assert_ok (sock_object_close (conn, &error), error);
          test_assert_ok (sock_object_close (client, &error), error);
        }
      done++;
    }

  g_assert_cmpuint (done, >=, 100);
  after = test_count_open_fds ();
  g_assert_cmpuint (after, ==, before);
}

static void
test_fd_leak_makefile (void)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint before, after;
  guint i, done = 0;

  g_test_summary ("makefile() streams, closed or only dropped, leave the "
                  "descriptor count unchanged, as does the socket after them");

  before = test_count_open_fds ();

  for (i = 0; i < 100 && g_get_monotonic_time () < deadline; i++)
    {
      g_autoptr(SockObject) client = NULL;
      g_autoptr(SockObject) server = NULL;
      g_autoptr(GIOStream) stream = NULL;
      g_autoptr(GIOStream) reader = NULL;

      test_tcp_pair (&client, &server);
      stream = sock_object_makefile (client, "rw", -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (stream);
      reader = sock_object_makefile (server, "r", 0, &error);
      g_assert_no_error (error);
      g_assert_nonnull (reader);

      if (i % 2 == 0)
        {
          test_assert_ok (g_io_stream_close (stream, NULL, &error), error);
        }
      done++;
    }

  g_assert_cmpuint (done, >=, 20);
  after = test_count_open_fds ();
  g_assert_cmpuint (after, ==, before);
}

static void
test_fd_cloexec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(SockObject) local = NULL;
  g_autoptr(SockObject) wrapped = NULL;
  g_autoptr(SockInetObject) inet = NULL;
  g_autoptr(SockObject) plain = NULL;
  gint raw;

  g_test_summary ("Every descriptor the library creates is close-on-exec: "
                  "socket(), accept() and fromfd()");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (listener)));

  client = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (client)));
  test_assert_ok (sock_object_connect (client, address, &error), error);

  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (conn)));

  local = sock_socket (AF_UNIX, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (local)));

  inet = sock_inet_object_new (AF_INET, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (SOCK_OBJECT (inet))));

  plain = g_object_new (SOCK_TYPE_INET_OBJECT, "family", AF_INET, "socket-type", SOCK_STREAM, NULL);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (plain)));

  /* Even when the original descriptor is inheritable. */
  raw = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (raw, >=, 0);
  g_assert_false (test_fd_is_cloexec (raw));
  wrapped = sock_fromfd (raw, AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (wrapped)));
  close (raw);
}

/* The vtable ----------------------------------------------------------------- */

/* A subclass that counts calls to a few methods and chains up. */
typedef struct
{
  SockInetObject parent_instance;
  guint recv_calls;
  guint send_calls;
  guint connect_calls;
  guint close_calls;
  guint to_native_calls;
} TestCountingSocket;

typedef struct
{
  SockInetObjectClass parent_class;
} TestCountingSocketClass;

static GType test_counting_socket_get_type (void);
G_DEFINE_TYPE (TestCountingSocket, test_counting_socket, SOCK_TYPE_INET_OBJECT)

#define COUNTING(o) (G_TYPE_CHECK_INSTANCE_CAST ((o), test_counting_socket_get_type (), TestCountingSocket))
#define PARENT_CLASS SOCK_OBJECT_CLASS (test_counting_socket_parent_class)

static GBytes *
counting_recv (SockObject  *self,
               gsize        bufsize,
               gint         flags,
               GError     **error)
{
  COUNTING (self)->recv_calls++;
  return PARENT_CLASS->recv (self, bufsize, flags, error);
}

static gssize
counting_send (SockObject    *self,
               const guint8  *data,
               gsize          size,
               gint           flags,
               GError       **error)
{
  COUNTING (self)->send_calls++;
  return PARENT_CLASS->send (self, data, size, flags, error);
}

static gboolean
counting_connect (SockObject  *self,
                  GVariant    *address,
                  GError     **error)
{
  COUNTING (self)->connect_calls++;
  return PARENT_CLASS->connect (self, address, error);
}

static gboolean
counting_close (SockObject  *self,
                GError     **error)
{
  COUNTING (self)->close_calls++;
  return PARENT_CLASS->close (self, error);
}

static gboolean
counting_address_to_native (SockObject  *self,
                            GVariant    *address,
                            gpointer     native,
                            gsize        native_size,
                            gsize       *native_length,
                            GError     **error)
{
  COUNTING (self)->to_native_calls++;
  return PARENT_CLASS->address_to_native (self, address, native, native_size,
                                          native_length, error);
}

/* Returns a full (not floating) reference, as a binding's override does;
 * the public wrapper must hand it on without adding another. */
static GVariant *
counting_getsockname (SockObject  *self,
                      GError     **error)
{
  return g_variant_ref_sink (g_variant_new ("(sq)", "192.0.2.1", 7));
}

static void
test_counting_socket_class_init (TestCountingSocketClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  object_class->getsockname = counting_getsockname;
  object_class->recv = counting_recv;
  object_class->send = counting_send;
  object_class->connect = counting_connect;
  object_class->close = counting_close;
  object_class->address_to_native = counting_address_to_native;
}

static void
test_counting_socket_init (TestCountingSocket *self)
{
}

static void
test_vfunc_full_reference (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("An override that returns a full reference to its address "
                  "does not leak it through the public wrapper (checked by the "
                  "valgrind and ASan runs)");

  sock = g_initable_new (test_counting_socket_get_type (), NULL, &error,
                         "family", AF_INET, NULL);
  g_assert_no_error (error);

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GVariant) name = sock_object_getsockname (sock, &error);

      g_assert_no_error (error);
      g_assert_false (g_variant_is_floating (name));
      g_assert_cmpstr (g_variant_get_type_string (name), ==, "(sq)");
    }
}

static void
test_vfunc_override (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GBytes) got = NULL;
  TestCountingSocket *counting;
  SockObject *sock;

  g_test_summary ("A subclass overriding class methods sees the public calls "
                  "go through them, and chaining up does the real work");

  sock = g_object_new (test_counting_socket_get_type (),
                       "family", AF_INET,
                       "socket-type", SOCK_STREAM,
                       NULL);
  counting = COUNTING (sock);
  g_assert_true (SOCK_IS_INET_OBJECT (sock));
  g_assert_cmpint (sock_object_fileno (sock), >=, 0);
  test_set_io_timeout (sock, TEST_IO_TIMEOUT_SECONDS);

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  test_assert_ok (sock_object_connect (sock, address, &error), error);
  g_assert_cmpuint (counting->connect_calls, ==, 1);
  g_assert_cmpuint (counting->to_native_calls, >=, 1);

  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);

  g_assert_cmpint (sock_object_send (sock, (const guint8 *) "vt", 2, 0, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (counting->send_calls, ==, 1);

  g_assert_cmpint (sock_object_send (conn, (const guint8 *) "back", 4, 0, &error), ==, 4);
  g_assert_no_error (error);
  got = sock_object_recv (sock, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "back", 4);
  g_assert_cmpuint (counting->recv_calls, ==, 1);

  test_assert_ok (sock_object_close (sock, &error), error);
  g_assert_cmpuint (counting->close_calls, ==, 1);
  g_assert_cmpint (sock_object_fileno (sock), ==, -1);

  g_object_unref (sock);
}

/* Programmer errors --------------------------------------------------------- */

static void
test_precondition_null_self (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("A NULL socket is a g_return_if_fail critical, not a crash");

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_null (sock_object_recv (NULL, 16, 0, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_cmpint (sock_object_fileno (NULL), ==, -1);
  g_test_assert_expected_messages ();
}

static void
test_precondition_error_set (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("Passing a GError that is already set is a critical");

  sock = sock_socket (AF_INET, SOCK_DGRAM, 0, &error);
  g_assert_no_error (error);

  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "already set");
  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_false (sock_object_listen (sock, 1, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
}

/* Regressions of the I/O layer (issue 9) ------------------------------------ */

/* Makes @listener (an AF_INET socket of a test subclass) listen on
 * loopback, connects @client to it and returns its address. */
static GVariant *
connect_to_new_listener (SockObject *listener,
                         SockObject *client)
{
  g_autoptr(GError) error = NULL;
  GVariant *address;

  test_assert_ok (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0), &error),
                  error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);
  address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  test_assert_ok (sock_object_connect (client, address, &error), error);

  return address;
}

/* A subclass whose instance_init makes a socket of its own, as a Python
 * subclass's __init__ may. */
typedef struct
{
  SockInetObject parent_instance;
  SockObject *helper;
} TestHelperSocket;

typedef SockInetObjectClass TestHelperSocketClass;

static GType test_helper_socket_get_type (void);
G_DEFINE_TYPE (TestHelperSocket, test_helper_socket, SOCK_TYPE_INET_OBJECT)

static void
test_helper_socket_finalize (GObject *object)
{
  g_clear_object (&((TestHelperSocket *) object)->helper);
  G_OBJECT_CLASS (test_helper_socket_parent_class)->finalize (object);
}

static void
test_helper_socket_class_init (TestHelperSocketClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_helper_socket_finalize;
}

static void
test_helper_socket_init (TestHelperSocket *self)
{
  self->helper = sock_socket (AF_INET, SOCK_STREAM, 0, NULL);
}

static void
test_accept_subclass_init_socket (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) peer = NULL;
  TestHelperSocket *accepted;

  g_test_summary ("Regression: accept() gives the connection to the object "
                  "it returns, even when the subclass's instance_init makes "
                  "another socket (which once took the accepted descriptor)");

  listener = g_initable_new (test_helper_socket_get_type (), NULL, &error,
                             "family", AF_INET, NULL);
  g_assert_no_error (error);
  address = connect_to_new_listener (listener, client);

  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  peer = sock_object_getpeername (conn, &error);
  g_assert_no_error (error);
  g_assert_nonnull (peer);

  /* The helper made during construction is a fresh, unconnected socket. */
  accepted = (TestHelperSocket *) conn;
  g_assert_nonnull (accepted->helper);
  g_assert_null (sock_object_getpeername (accepted->helper, &error));
  test_assert_sock_error (error, ENOTCONN);
  g_clear_error (&error);

  test_assert_ok (sock_object_sendall (client, (const guint8 *) "hi", 2, 0, &error), error);
  test_assert_recv_string (conn, "hi");
}

/* A subclass that chains up and checks what its parent returned. */
typedef SockInetObject TestChainSocket;
typedef SockInetObjectClass TestChainSocketClass;

static GType test_chain_socket_get_type (void);
G_DEFINE_TYPE (TestChainSocket, test_chain_socket, SOCK_TYPE_INET_OBJECT)

static guint chain_checks;

static GVariant *
check_full (GVariant *address)
{
  if (address != NULL)
    {
      g_assert_false (g_variant_is_floating (address));
      chain_checks++;
    }
  return address;
}

static SockObject *
test_chain_socket_accept (SockObject  *self,
                          GVariant   **address,
                          GError     **error)
{
  SockObject *conn = SOCK_OBJECT_CLASS (test_chain_socket_parent_class)->accept (self, address,
                                                                                 error);
  check_full (*address);
  return conn;
}

static GVariant *
test_chain_socket_getsockname (SockObject  *self,
                               GError     **error)
{
  return check_full (SOCK_OBJECT_CLASS (test_chain_socket_parent_class)->getsockname (self,
                                                                                      error));
}

static GVariant *
test_chain_socket_getpeername (SockObject  *self,
                               GError     **error)
{
  return check_full (SOCK_OBJECT_CLASS (test_chain_socket_parent_class)->getpeername (self,
                                                                                      error));
}

static GBytes *
test_chain_socket_recvfrom (SockObject  *self,
                            gsize        bufsize,
                            gint         flags,
                            GVariant   **address,
                            GError     **error)
{
  GBytes *data = SOCK_OBJECT_CLASS (test_chain_socket_parent_class)->recvfrom (self, bufsize,
                                                                               flags, address,
                                                                               error);
  check_full (*address);
  return data;
}

static void
test_chain_socket_class_init (TestChainSocketClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  object_class->accept = test_chain_socket_accept;
  object_class->getsockname = test_chain_socket_getsockname;
  object_class->getpeername = test_chain_socket_getpeername;
  object_class->recvfrom = test_chain_socket_recvfrom;
}

static void
test_chain_socket_init (TestChainSocket *self)
{
}

static void
test_vfunc_chain_up_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(SockObject) udp = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GBytes) data = NULL;

  g_test_summary ("Regression: the default accept, getsockname, getpeername "
                  "and recvfrom return addresses as full references, as the "
                  "virtual methods are documented, to a subclass that chains "
                  "up");

  chain_checks = 0;
  listener = g_initable_new (test_chain_socket_get_type (), NULL, &error, "family", AF_INET,
                             NULL);
  g_assert_no_error (error);
  address = connect_to_new_listener (listener, client);
  conn = sock_object_accept (listener, &peer, &error);
  g_assert_no_error (error);
  g_clear_pointer (&peer, g_variant_unref);
  peer = sock_object_getpeername (conn, &error);
  g_assert_no_error (error);

  udp = g_initable_new (test_chain_socket_get_type (), NULL, &error, "family", AF_INET,
                        "socket-type", SOCK_DGRAM, NULL);
  g_assert_no_error (error);
  test_assert_ok (sock_object_bind (udp, g_variant_new ("(sq)", "127.0.0.1", 0), &error), error);
  g_clear_pointer (&address, g_variant_unref);
  address = sock_object_getsockname (udp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_sendto (udp, (const guint8 *) "x", 1, 0, address, &error), ==, 1);
  data = sock_object_recvfrom (udp, 16, 0, &from, &error);
  g_assert_no_error (error);
  g_assert_nonnull (from);

    /* getsockname twice, accept, getpeername, recvfrom. */
  g_assert_cmpuint (chain_checks, ==, 5);
}

/* A subclass whose overrides fail without an error, or send nothing. */
typedef SockInetObject TestBadSocket;
typedef SockInetObjectClass TestBadSocketClass;

static GType test_bad_socket_get_type (void);
G_DEFINE_TYPE (TestBadSocket, test_bad_socket, SOCK_TYPE_INET_OBJECT)

static gboolean
test_bad_socket_getsockopt (SockObject  *self,
                            gint         level,
                            gint         optname,
                            gint        *value,
                            GError     **error)
{
  return FALSE;
}

static GBytes *
test_bad_socket_recv (SockObject  *self,
                      gsize        bufsize,
                      gint         flags,
                      GError     **error)
{
  return NULL;
}

static guint bad_sends;

static gssize
test_bad_socket_send (SockObject    *self,
                      const guint8  *data,
                      gsize          size,
                      gint           flags,
                      GError       **error)
{
  /* Some bytes, then nothing at all. */
  return bad_sends++ == 0 ? 3 : 0;
}

static void
test_bad_socket_class_init (TestBadSocketClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  object_class->getsockopt = test_bad_socket_getsockopt;
  object_class->recv = test_bad_socket_recv;
  object_class->send = test_bad_socket_send;
}

static void
test_bad_socket_init (TestBadSocket *self)
{
}

static void
test_vfunc_failure_without_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint value = 42;

  g_test_summary ("Regression: a virtual method that fails without setting "
                  "an error reaches a C caller as SOCK_ERROR/EIO naming the "
                  "class, never as a failure with no error");

  sock = g_initable_new (test_bad_socket_get_type (), NULL, &error, "family", AF_INET, NULL);
  g_assert_no_error (error);

  g_assert_false (sock_object_getsockopt (sock, SOL_SOCKET, SO_TYPE, &value, &error));
  test_assert_sock_error (error, EIO);
  g_assert_nonnull (strstr (error->message, "TestBadSocket"));
  g_clear_error (&error);

  g_assert_null (sock_object_recv (sock, 16, 0, &error));
  test_assert_sock_error (error, EIO);
  g_clear_error (&error);

  /* Without an error location there is nothing to set, and nothing breaks. */
  g_assert_false (sock_object_getsockopt (sock, SOL_SOCKET, SO_TYPE, &value, NULL));
}

static void
test_sendall_send_returns_zero (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("Regression: sendall() fails at once with EIO, saying how "
                  "many bytes went out, when the send method sends nothing "
                  "of a non-empty remainder (it used to loop for ever)");

  sock = g_initable_new (test_bad_socket_get_type (), NULL, &error, "family", AF_INET, NULL);
  g_assert_no_error (error);
  bad_sends = 0;

  g_assert_false (sock_object_sendall (sock, (const guint8 *) "0123456789", 10, 0, &error));
  test_assert_sock_error (error, EIO);
  g_assert_true (g_str_has_prefix (error->message, "sendall: 3 of 10 bytes sent: "));
  g_assert_cmpuint (bad_sends, ==, 2);
}

static void
test_recv_msg_trunc_stream (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size;

  g_test_summary ("Regression: recv(n, MSG_TRUNC) on TCP, where Linux "
                  "discards the data without copying it, returns zeroes, "
                  "never memory the kernel did not write");

  test_tcp_pair (&client, &server);
  test_assert_ok (sock_object_sendall (server, (const guint8 *) "secret", 6, 0, &error), error);
  bytes = sock_object_recv (client, 64, MSG_TRUNC, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, ==, 6);
  for (gsize i = 0; i < size; i++)
    g_assert_cmpuint (data[i], ==, 0);
}

static void
test_recv_size_zero (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 buffer[1];
  gint64 start;

  g_test_summary ("Regression: recv(0) and recv_into() of 0 bytes on an idle "
                  "connection return at once, empty, without a system call "
                  "(they used to block)");

  test_tcp_pair (&client, &server);
  start = g_get_monotonic_time ();
  bytes = sock_object_recv (client, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);
  g_assert_cmpint (sock_object_recv_into (client, buffer, 0, 0, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

/* A socket of a family sockobj has no class for: AF_NETLINK, whose address
 * is (uu) pid and groups. */
typedef SockObject TestNetlinkSocket;
typedef SockObjectClass TestNetlinkSocketClass;

static GType test_netlink_socket_get_type (void);
G_DEFINE_TYPE (TestNetlinkSocket, test_netlink_socket, SOCK_TYPE_OBJECT)

static gboolean
test_netlink_to_native (SockObject  *self,
                        GVariant    *address,
                        gpointer     native,
                        gsize        native_size,
                        gsize       *native_length,
                        GError     **error)
{
  struct sockaddr_nl *nl = native;
  guint32 pid, groups;

  if (!g_variant_is_of_type (address, G_VARIANT_TYPE ("(uu)")))
    {
      g_set_error_literal (error, SOCK_ERROR, EINVAL, "expected (uu)");
      return FALSE;
    }
  g_variant_get (address, "(uu)", &pid, &groups);
  memset (nl, 0, sizeof *nl);
  nl->nl_family = AF_NETLINK;
  nl->nl_pid = pid;
  nl->nl_groups = groups;
  *native_length = sizeof *nl;
  return TRUE;
}

static GVariant *
test_netlink_from_native (SockObject    *self,
                          gconstpointer  native,
                          gsize          native_length,
                          GError       **error)
{
  const struct sockaddr_nl *nl = native;

  return g_variant_new ("(uu)", nl->nl_pid, nl->nl_groups);
}

static void
test_netlink_socket_class_init (TestNetlinkSocketClass *klass)
{
  klass->address_to_native = test_netlink_to_native;
  klass->address_from_native = test_netlink_from_native;
}

static void
test_netlink_socket_init (TestNetlinkSocket *self)
{
}

static void
test_subclass_other_family (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) name = NULL;
  guint32 pid = 0, groups = 1;

  g_test_summary ("A third-party subclass for a family sockobj has no class "
                  "for (AF_NETLINK here) creates its socket and binds, "
                  "through its own address hooks");

  sock = g_initable_new (test_netlink_socket_get_type (), NULL, &error,
                         "family", AF_NETLINK, "socket-type", SOCK_RAW,
                         "proto", NETLINK_ROUTE, NULL);
  if (error != NULL && (error->code == EAFNOSUPPORT || error->code == EPERM ||
                        error->code == EACCES))
    {
      g_test_skip_printf ("no AF_NETLINK sockets here: %s", error->message);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_family (sock), ==, AF_NETLINK);
  g_assert_cmpint (sock_object_fileno (sock), >=, 0);

  test_assert_ok (sock_object_bind (sock, g_variant_new ("(uu)", 0, 0), &error), error);
  name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);
  g_variant_get (name, "(uu)", &pid, &groups);
  g_assert_cmpuint (pid, !=, 0);
  g_assert_cmpuint (groups, ==, 0);

  /* Without a family at all, there is nothing to create. */
  g_clear_object (&sock);
  sock = g_initable_new (test_netlink_socket_get_type (), NULL, &error, NULL);
  g_assert_null (sock);
  test_assert_sock_error (error, EAFNOSUPPORT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/object/socket/subclass", test_new_socket);
  g_test_add_func ("/object/new/family-objects", test_new_family_objects);
  g_test_add_func ("/object/new/g-object-new", test_new_g_object_new);
  g_test_add_func ("/object/socket/invalid", test_new_invalid);
  g_test_add_func ("/object/socket/nonblock-flag", test_new_nonblock_flag);
  g_test_add_func ("/object/properties/flags", test_properties_flags);
  g_test_add_func ("/object/setblocking/property", test_properties_blocking);
  g_test_add_func ("/object/close/fileno", test_close_fileno);
  g_test_add_func ("/object/close/unref", test_close_unref);
  g_test_add_func ("/object/close/ebadf", test_close_ebadf);
  g_test_add_func ("/object/close/reused-number", test_close_reused_number);
  g_test_add_func ("/object/fromfd/dup", test_fromfd_dup);
  g_test_add_func ("/object/fromfd/unix", test_fromfd_unix);
  g_test_add_func ("/object/fromfd/invalid", test_fromfd_invalid);
  g_test_add_func ("/object/setblocking/eagain", test_blocking_eagain);
  g_test_add_func ("/object/accept/blocking-mode", test_blocking_accepted_inherits);
  g_test_add_func ("/object/setsockopt/int-round-trip", test_sockopt_int);
  g_test_add_func ("/object/setsockopt_bytes/round-trip", test_sockopt_bytes);
  g_test_add_func ("/object/getsockopt_bytes/buflen", test_sockopt_bytes_buflen);
  g_test_add_func ("/object/getsockopt/unknown-option", test_sockopt_errors);
  g_test_add_func ("/object/shutdown/invalid", test_shutdown_invalid);
  g_test_add_func ("/object/shutdown/write", test_shutdown_write);
  g_test_add_func ("/object/fd/leak", test_fd_leak);
  g_test_add_func ("/object/makefile/no-fd-leak", test_fd_leak_makefile);
  g_test_add_func ("/object/fd/cloexec", test_fd_cloexec);
  g_test_add_func ("/object/vfunc/override", test_vfunc_override);
  g_test_add_func ("/object/vfunc/full-reference", test_vfunc_full_reference);
  g_test_add_func ("/object/precondition/null-self", test_precondition_null_self);
  g_test_add_func ("/object/accept/subclass-makes-socket", test_accept_subclass_init_socket);
  g_test_add_func ("/object/vfunc/chain-up-full-reference", test_vfunc_chain_up_full);
  g_test_add_func ("/object/vfunc/failure-without-error", test_vfunc_failure_without_error);
  g_test_add_func ("/object/sendall/send-returns-zero", test_sendall_send_returns_zero);
  g_test_add_func ("/object/recv/msg-trunc-stream", test_recv_msg_trunc_stream);
  g_test_add_func ("/object/recv/size-zero", test_recv_size_zero);
  g_test_add_func ("/object/new/other-family-subclass", test_subclass_other_family);
  g_test_add_func ("/object/precondition/error-set", test_precondition_error_set);

  return g_test_run ();
}
