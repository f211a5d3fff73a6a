/* fdpass.c: tests of descriptor passing over AF_UNIX sockets: send_fds and
 * recv_fds, within the process and between processes (a child running
 * this program, and CPython's socket.send_fds/recv_fds)
 *
 * Every test counts /proc/self/fd: no descriptor is ever left open.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"

/* The socket a child gets from its parent. */
#define CHILD_SOCKET_FD 3

/* Helpers ------------------------------------------------------------------------ */

static void
make_pipe (gint fds[2])
{
  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
}

static void
close_pipe (gint fds[2])
{
  close (fds[0]);
  close (fds[1]);
}

/* Reads @fd to its end (at most 4 KiB, at most TEST_IO_TIMEOUT_SECONDS). */
static gchar *
read_to_end (gint fd)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + TEST_IO_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (text->len < 4096)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gchar buffer[256];
      gssize n;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_string_append_len (text, buffer, n);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Asserts that @received is a descriptor of the pipe whose read end is
 * @read_end: what goes in one comes out of the other. */
static void
assert_same_pipe (gint received,
                  gint read_end)
{
  gchar buffer[8] = { 0 };

  g_assert_cmpint (write (received, "pipe", 4), ==, 4);
  g_assert_cmpint (read (read_end, buffer, sizeof buffer), ==, 4);
  g_assert_cmpstr (buffer, ==, "pipe");
}

static void
close_array (GArray *fds)
{
  for (guint i = 0; i < fds->len; i++)
    g_assert_cmpint (close (g_array_index (fds, gint, i)), ==, 0);
}

static gboolean
send_fds (SockObject   *sock,
          const gchar  *text,
          const gint   *fds,
          gsize         n_fds,
          GError      **error)
{
  return sock_unix_object_send_fds (SOCK_UNIX_OBJECT (sock), (const guint8 *) text,
                                    strlen (text), fds, n_fds, error);
}

static GBytes *
recv_fds (SockObject  *sock,
          gsize        bufsize,
          gsize        max_fds,
          GArray     **fds,
          GError     **error)
{
  return sock_unix_object_recv_fds (SOCK_UNIX_OBJECT (sock), bufsize, max_fds, fds, error);
}

/* send_fds and recv_fds -------------------------------------------------------- */

static void
test_send_fds_one (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  guint fds_before;
  gint pipe_fds[2];

  g_test_summary ("send_fds() passes a descriptor with the data; recv_fds() returns the data "
                  "and a new close-on-exec descriptor of the same file");

  for (gint type = SOCK_STREAM; type <= SOCK_SEQPACKET; type++)
    {
      if (type == SOCK_RAW || type == SOCK_RDM)
        continue;
      test_unix_pair (type, &a, &b);
      make_pipe (pipe_fds);
      fds_before = test_count_open_fds ();

      g_assert_true (send_fds (a, "one descriptor", &pipe_fds[1], 1, &error));
      g_assert_no_error (error);
      data = recv_fds (b, 64, 4, &fds, &error);
      g_assert_no_error (error);
      test_assert_bytes_eq (data, "one descriptor");
      g_assert_cmpuint (fds->len, ==, 1);
      g_assert_cmpint (g_array_index (fds, gint, 0), !=, pipe_fds[1]);
      g_assert_true (test_fd_is_cloexec (g_array_index (fds, gint, 0)));
      assert_same_pipe (g_array_index (fds, gint, 0), pipe_fds[0]);
      g_assert_cmpuint (test_count_open_fds (), ==, fds_before + 1);

      close_array (fds);
      g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
      close_pipe (pipe_fds);
      g_clear_pointer (&data, g_bytes_unref);
      g_clear_pointer (&fds, g_array_unref);
      g_clear_object (&a);
      g_clear_object (&b);
    }
}

static void
test_send_fds_many (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  gint many[254];
  guint fds_before;
  gint pipe_fds[2];

  g_test_summary ("253 descriptors, the most one message carries, arrive; 254 are EINVAL "
                  "before anything is sent; none is left open");

  test_unix_pair (SOCK_STREAM, &a, &b);
  make_pipe (pipe_fds);
  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = pipe_fds[i % 2];
  fds_before = test_count_open_fds ();

  g_assert_false (send_fds (a, "x", many, 254, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  g_assert_true (send_fds (a, "y", many, 253, &error));
  g_assert_no_error (error);
  data = recv_fds (b, 64, 1000, &fds, &error);
  g_assert_no_error (error);
  /* The refused call sent nothing: this is the second message. */
  test_assert_bytes_eq (data, "y");
  g_assert_cmpuint (fds->len, ==, 253);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before + 253);
  for (guint i = 0; i < fds->len; i++)
    g_assert_true (test_fd_is_cloexec (g_array_index (fds, gint, i)));
  assert_same_pipe (g_array_index (fds, gint, 1), g_array_index (fds, gint, 0));
  close_array (fds);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  close_pipe (pipe_fds);
}

static void
test_send_fds_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(SockObject) c = NULL;
  g_autoptr(SockObject) d = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  gint pipe_fds[2];
  guint fds_before;

  g_test_summary ("Without data, descriptors go in a datagram but are EINVAL on a stream "
                  "socket (the system would drop them silently); without descriptors, "
                  "send_fds() sends the data alone");

  test_unix_pair (SOCK_DGRAM, &a, &b);
  test_unix_pair (SOCK_STREAM, &c, &d);
  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();

  g_assert_true (send_fds (a, "", pipe_fds, 2, &error));
  g_assert_no_error (error);
  data = recv_fds (b, 64, 2, &fds, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
  g_assert_cmpuint (fds->len, ==, 2);
  close_array (fds);
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_pointer (&fds, g_array_unref);

  g_assert_false (send_fds (c, "", pipe_fds, 1, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  g_assert_true (send_fds (c, "plain", NULL, 0, &error));
  g_assert_no_error (error);
  data = recv_fds (d, 64, 2, &fds, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "plain");
  g_assert_cmpuint (fds->len, ==, 0);

  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  close_pipe (pipe_fds);
}

static void
test_send_fds_failures (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  gint bad = -1;
  gint pipe_fds[2];
  guint8 byte;

  g_test_summary ("A descriptor that is not open is the system's EBADF, nothing sent; a "
                  "closed socket is EBADF");

  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_false (send_fds (a, "x", &bad, 1, &error));
  test_assert_sock_error (error, EBADF);
  g_assert_nonnull (strstr (error->message, "send_fds: 0 of 1 bytes sent"));
  g_clear_error (&error);
  g_assert_cmpint (recv (sock_object_fileno (b), &byte, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);

  make_pipe (pipe_fds);
  g_assert_true (sock_object_close (a, &error));
  g_assert_false (send_fds (a, "x", pipe_fds, 1, &error));
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);
  g_assert_null (recv_fds (a, 16, 1, NULL, &error));
  test_assert_sock_error (error, EBADF);
  close_pipe (pipe_fds);
}

typedef struct
{
  SockObject *sock;
  gsize size;
  gboolean ok;
  guint n_fds;
} Reader;

/* Receives the descriptors with the first bytes, then the rest, checking
 * every byte against the pattern. */
static gpointer
read_pattern (gpointer data)
{
  Reader *reader = data;
  g_autoptr(GArray) fds = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autofree guint8 *expected = g_malloc (reader->size);
  g_autofree guint8 *got = g_malloc (reader->size);
  gsize received;

  test_fill_pattern (expected, reader->size, 11, 0);
  first = recv_fds (reader->sock, 4096, 4, &fds, NULL);
  if (first == NULL)
    return NULL;
  reader->n_fds = fds->len;
  close_array (fds);
  received = g_bytes_get_size (first);
  memcpy (got, g_bytes_get_data (first, NULL), received);
  while (received < reader->size)
    {
      gssize n = sock_object_recv_into (reader->sock, got + received, reader->size - received,
                                        0, NULL);
      if (n <= 0)
        return NULL;
      received += n;
    }
  reader->ok = memcmp (got, expected, reader->size) == 0;
  return NULL;
}

static void
test_send_fds_partial (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  gsize size = TEST_SCALE (4 * 1024 * 1024, 512 * 1024);
  g_autofree guint8 *data = g_malloc (size);
  Reader reader = { NULL, size, FALSE, 0 };
  GThread *thread;
  guint fds_before;
  gint pipe_fds[2];

  g_test_summary ("On a stream socket send_fds() sends all of its data, as sendall() does, "
                  "the descriptors with the first part");
  test_watchdog_arm (60);

  fds_before = test_count_open_fds ();
  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (sock_object_setsockopt (a, SOL_SOCKET, SO_SNDBUF, 4096, &error));
  make_pipe (pipe_fds);
  test_fill_pattern (data, size, 11, 0);

  reader.sock = b;
  thread = g_thread_new ("reader", read_pattern, &reader);
  g_assert_true (sock_unix_object_send_fds (SOCK_UNIX_OBJECT (a), data, size, pipe_fds, 2,
                                            &error));
  g_assert_no_error (error);
  g_thread_join (thread);

  g_assert_true (reader.ok);
  g_assert_cmpuint (reader.n_fds, ==, 2);
  /* The sockets waited, so each has its wakeup eventfd until it goes. */
  g_clear_object (&a);
  g_clear_object (&b);
  close_pipe (pipe_fds);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  test_watchdog_disarm ();
}

static void
test_send_fds_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  gsize size = 4 * 1024 * 1024;
  g_autofree guint8 *data = g_malloc0 (size);
  g_autofree gchar *rest = NULL;
  guint fds_before;
  gint pipe_fds[2];
  gint64 start;

  g_test_summary ("With nobody reading, send_fds() fails with ETIMEDOUT when the timeout "
                  "expires, saying how much was sent; closing both ends then releases the "
                  "descriptors in flight");

  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();
  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (sock_object_settimeout (a, 0.1, &error));

  start = g_get_monotonic_time ();
  g_assert_false (sock_unix_object_send_fds (SOCK_UNIX_OBJECT (a), data, size, &pipe_fds[1], 1,
                                             &error));
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_true (g_str_has_prefix (error->message, "send_fds: "));
  g_assert_nonnull (strstr (error->message, "timed out"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* The write end went with the first bytes: only when the queue holding
   * it is gone does the pipe see its last writer go. */
  close (pipe_fds[1]);
  g_clear_object (&a);
  g_clear_object (&b);
  rest = read_to_end (pipe_fds[0]);
  g_assert_cmpstr (rest, ==, "");
  close (pipe_fds[0]);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before - 2);
}

static void
test_recv_fds_more_than_max (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autofree gchar *rest = NULL;
  gint pipe_fds[2];
  gint three[3];
  guint fds_before;

  g_test_summary ("More descriptors than max_fds (0, 1, or 2 where CMSG_SPACE's padding "
                  "lets a third arrive) fail with EMSGSIZE, every descriptor of the "
                  "message closed; the socket keeps working");

  test_unix_pair (SOCK_SEQPACKET, &a, &b);
  make_pipe (pipe_fds);
  three[0] = three[1] = three[2] = pipe_fds[1];
  fds_before = test_count_open_fds ();

  for (gsize max = 0; max < 3; max++)
    {
      g_autoptr(GArray) fds = NULL;

      g_assert_true (send_fds (a, "three", three, 3, &error));
      g_assert_null (recv_fds (b, 64, max, &fds, &error));
      test_assert_sock_error (error, EMSGSIZE);
      g_assert_null (fds);
      g_clear_error (&error);
      g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
    }

  {
    g_autoptr(GArray) fds = NULL;
    g_autoptr(GBytes) data = NULL;

    g_assert_true (send_fds (a, "exact", three, 3, &error));
    data = recv_fds (b, 64, 3, &fds, &error);
    g_assert_no_error (error);
    test_assert_bytes_eq (data, "exact");
    g_assert_cmpuint (fds->len, ==, 3);
    close_array (fds);
  }

  /* No out argument: received and closed. */
  {
    g_autoptr(GBytes) data = NULL;

    g_assert_true (send_fds (a, "dropped", three, 2, &error));
    data = recv_fds (b, 64, 3, NULL, &error);
    g_assert_no_error (error);
    test_assert_bytes_eq (data, "dropped");
  }

  /* Writers gone from everywhere: the pipe's end proves no copy survived. */
  close (pipe_fds[1]);
  rest = read_to_end (pipe_fds[0]);
  g_assert_cmpstr (rest, ==, "");
  close (pipe_fds[0]);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before - 2);
}

static void
test_recv_fds_credentials (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  gint pipe_fds[2];

  g_test_summary ("With SO_PASSCRED the system adds SCM_CREDENTIALS to every message; "
                  "recv_fds() leaves room for it, so max_fds descriptors still arrive whole");

  test_unix_pair (SOCK_DGRAM, &a, &b);
  g_assert_true (sock_object_setsockopt (b, SOL_SOCKET, SO_PASSCRED, 1, &error));
  make_pipe (pipe_fds);
  g_assert_true (send_fds (a, "creds", &pipe_fds[0], 1, &error));
  data = recv_fds (b, 64, 1, &fds, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "creds");
  g_assert_cmpuint (fds->len, ==, 1);
  close_array (fds);
  close_pipe (pipe_fds);
}

static void
test_recv_fds_eof (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;

  g_test_summary ("At the end of the stream recv_fds() returns empty data and an empty array");

  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (sock_object_close (a, &error));
  data = recv_fds (b, 64, 4, &fds, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
  g_assert_cmpuint (fds->len, ==, 0);
}

static void
test_recv_fds_closed_receiver (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autofree gchar *rest = NULL;
  gint pipe_fds[2];
  guint fds_before;

  g_test_summary ("Descriptors sent to a socket that is closed before it receives them are "
                  "released: the pipe whose only writer was in flight reaches its end");

  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();
  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (send_fds (a, "never read", &pipe_fds[1], 1, &error));
  g_assert_no_error (error);
  close (pipe_fds[1]);

  g_assert_true (sock_object_close (b, &error));
  rest = read_to_end (pipe_fds[0]);
  g_assert_cmpstr (rest, ==, "");
  g_clear_object (&a);
  g_clear_object (&b);
  close (pipe_fds[0]);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before - 2);
}

static void
test_send_fds_non_unix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(SockObject) wrapped = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  gint pipe_fds[2];
  guint fds_before;

  g_test_summary ("A UnixObject made with fromfd() over a TCP socket: the system drops the "
                  "descriptors send_fds() gives, recv_fds() on the other end gets the data "
                  "alone, and nothing leaks");

  test_tcp_pair (&client, &server);
  wrapped = sock_fromfd (sock_object_fileno (client), AF_UNIX, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_UNIX_OBJECT (wrapped));
  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();

  g_assert_true (send_fds (wrapped, "tcp", pipe_fds, 2, &error));
  g_assert_no_error (error);
  test_assert_recv_string (server, "tcp");
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);

  g_assert_cmpint (sock_object_send (server, (const guint8 *) "back", 4, 0, &error), ==, 4);
  data = recv_fds (wrapped, 64, 4, &fds, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "back");
  g_assert_cmpuint (fds->len, ==, 0);
  close_pipe (pipe_fds);
}

/* Virtual methods -------------------------------------------------------------------- */

typedef struct
{
  SockUnixObject parent_instance;
  guint sendmsg_calls;
  guint recvmsg_into_calls;
  guint send_calls;
} TestFdSocket;

typedef SockUnixObjectClass TestFdSocketClass;

static GType test_fd_socket_get_type (void);
G_DEFINE_TYPE (TestFdSocket, test_fd_socket, SOCK_TYPE_UNIX_OBJECT)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestFdSocket, g_object_unref)

/* Sends at most one byte at a time, so that send_fds() has a rest to send. */
static gssize
test_fd_socket_sendmsg (SockObject  *self,
                        GBytes     **buffers,
                        gsize        n_buffers,
                        GVariant    *ancdata,
                        gint         flags,
                        GVariant    *address,
                        GError     **error)
{
  g_autoptr(GBytes) first = NULL;

  ((TestFdSocket *) self)->sendmsg_calls++;
  g_assert_cmpuint (n_buffers, ==, 1);
  first = g_bytes_new_from_bytes (buffers[0], 0, MIN (g_bytes_get_size (buffers[0]), 1));
  return SOCK_OBJECT_CLASS (test_fd_socket_parent_class)->sendmsg (self, &first, 1, ancdata,
                                                                    flags, address, error);
}

static gssize
test_fd_socket_send (SockObject    *self,
                     const guint8  *data,
                     gsize          size,
                     gint           flags,
                     GError       **error)
{
  ((TestFdSocket *) self)->send_calls++;
  return SOCK_OBJECT_CLASS (test_fd_socket_parent_class)->send (self, data, size, flags, error);
}

static gssize
test_fd_socket_recvmsg_into (SockObject    *self,
                             GInputVector  *buffers,
                             gsize          n_buffers,
                             gsize          ancbufsize,
                             gint           flags,
                             GVariant     **ancdata,
                             gint          *msg_flags,
                             GVariant     **address,
                             GError       **error)
{
  ((TestFdSocket *) self)->recvmsg_into_calls++;
  g_assert_cmpint (flags & MSG_CMSG_CLOEXEC, ==, MSG_CMSG_CLOEXEC);
  return SOCK_OBJECT_CLASS (test_fd_socket_parent_class)->recvmsg_into (self, buffers,
                                                                         n_buffers, ancbufsize,
                                                                         flags, ancdata,
                                                                         msg_flags, address,
                                                                         error);
}

static void
test_fd_socket_class_init (TestFdSocketClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  object_class->sendmsg = test_fd_socket_sendmsg;
  object_class->send = test_fd_socket_send;
  object_class->recvmsg_into = test_fd_socket_recvmsg_into;
}

static void
test_fd_socket_init (TestFdSocket *self)
{
}

static void
test_vfunc_override (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestFdSocket) mine = NULL;
  g_autoptr(GVariant) name = g_variant_ref_sink (test_abstract_address_new ());
  g_autoptr(SockObject) listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  g_autoptr(SockObject) accepted = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  gint pipe_fds[2];
  guint fds_before;

  g_test_summary ("send_fds() goes through an overridden sendmsg, and send for the rest it "
                  "left; recv_fds() through an overridden recvmsg_into, with "
                  "MSG_CMSG_CLOEXEC");

  g_assert_true (sock_object_bind (listener, name, &error));
  g_assert_true (sock_object_listen (listener, 1, &error));
  mine = g_initable_new (test_fd_socket_get_type (), NULL, &error, "family", AF_UNIX, NULL);
  g_assert_no_error (error);
  test_set_io_timeout (SOCK_OBJECT (mine), TEST_IO_TIMEOUT_SECONDS);
  g_assert_true (sock_object_connect (SOCK_OBJECT (mine), name, &error));
  accepted = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();

  g_assert_true (send_fds (SOCK_OBJECT (mine), "override", pipe_fds, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mine->sendmsg_calls, ==, 1);
  g_assert_cmpuint (mine->send_calls, ==, 1);

  data = recv_fds (accepted, 1, 4, &fds, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "o");
  g_assert_cmpuint (fds->len, ==, 2);
  close_array (fds);
  g_clear_pointer (&fds, g_array_unref);
  g_clear_pointer (&data, g_bytes_unref);
  test_assert_recv_string (accepted, "verride");

  g_assert_true (send_fds (accepted, "back", pipe_fds, 1, &error));
  data = recv_fds (SOCK_OBJECT (mine), 16, 4, &fds, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "back");
  g_assert_cmpuint (fds->len, ==, 1);
  g_assert_cmpuint (mine->recvmsg_into_calls, ==, 1);
  close_array (fds);

  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  close_pipe (pipe_fds);
}

/* Between processes -------------------------------------------------------------- */

/* The child: the socket is CHILD_SOCKET_FD. It receives a pipe's write
 * end, writes into it, and sends back the read end of a pipe of its own. */
static int
child_main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  const gchar message[] = "written by the child";
  const gchar piped[] = "from the child's pipe";
  gint own[2];

  sock = sock_fromfd (CHILD_SOCKET_FD, 0, 0, 0, &error);
  if (sock == NULL || !SOCK_IS_UNIX_OBJECT (sock))
    g_error ("child: fromfd: %s", error ? error->message : "not a UnixObject");
  close (CHILD_SOCKET_FD);

  data = recv_fds (sock, 64, 4, &fds, &error);
  if (data == NULL || fds->len != 1 || !test_fd_is_cloexec (g_array_index (fds, gint, 0)))
    g_error ("child: recv_fds: %s", error ? error->message : "not one close-on-exec fd");
  if (write (g_array_index (fds, gint, 0), message, strlen (message)) != (gssize) strlen (message))
    g_error ("child: write: %s", g_strerror (errno));
  close_array (fds);

  if (pipe2 (own, O_CLOEXEC) < 0 ||
      write (own[1], piped, strlen (piped)) != (gssize) strlen (piped))
    g_error ("child: pipe: %s", g_strerror (errno));
  close (own[1]);
  if (!send_fds (sock, "back", &own[0], 1, &error))
    g_error ("child: send_fds: %s", error->message);
  close (own[0]);

  return 0;
}

static guint
count_sockets_and_pipes (void)
{
  g_autoptr(GPtrArray) snapshot = test_fd_snapshot ();
  guint count = 0;

  for (guint i = 0; i < snapshot->len; i++)
    {
      const gchar *line = snapshot->pdata[i];

      if (strstr (line, "socket") != NULL || strstr (line, "pipe:") != NULL)
        count++;
    }
  return count;
}

/* Runs @argv with @child_end as its CHILD_SOCKET_FD; passes it a pipe's
 * write end and reads back what it wrote, then reads the pipe it sends. */
static void
exchange_with_process (const gchar * const *argv,
                       const gchar         *expected_written,
                       const gchar         *expected_piped)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) fds = NULL;
  g_autofree gchar *written = NULL;
  g_autofree gchar *piped = NULL;
  gint pipe_fds[2];
  guint fds_before;

  test_unix_pair (SOCK_STREAM, &a, &b);
  g_subprocess_launcher_take_fd (launcher, sock_object_detach (b), CHILD_SOCKET_FD);
  child = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  /* Sockets and pipes only: GSubprocess and its waits keep eventfds and a
   * pidfd of their own. */
  fds_before = count_sockets_and_pipes ();

  make_pipe (pipe_fds);
  g_assert_true (send_fds (a, "pipe", &pipe_fds[1], 1, &error));
  g_assert_no_error (error);
  close (pipe_fds[1]);
  written = read_to_end (pipe_fds[0]);
  g_assert_cmpstr (written, ==, expected_written);
  close (pipe_fds[0]);

  data = recv_fds (a, 64, 4, &fds, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "back");
  g_assert_cmpuint (fds->len, ==, 1);
  g_assert_true (test_fd_is_cloexec (g_array_index (fds, gint, 0)));
  piped = read_to_end (g_array_index (fds, gint, 0));
  g_assert_cmpstr (piped, ==, expected_piped);
  close_array (fds);

  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&a);
  g_clear_object (&b);
  g_clear_object (&launcher);
  g_assert_cmpuint (count_sockets_and_pipes (), ==, fds_before - 2);
}

static void
test_processes_child (void)
{
  g_autofree gchar *self = g_file_read_link ("/proc/self/exe", NULL);
  const gchar *argv[] = { self, "--fdpass-child", NULL };

  g_test_summary ("Two processes pass descriptors both ways: a child (this program again, "
                  "given the socket as descriptor 3 and finding its family with fromfd) "
                  "writes into a pipe it received and sends back one of its own");
  test_watchdog_arm (30);

  g_assert_nonnull (self);
  exchange_with_process (argv, "written by the child", "from the child's pipe");
  test_watchdog_disarm ();
}

static void
test_processes_python (void)
{
  const gchar *python = g_getenv ("SOCKOBJ_TEST_PYTHON");
  const gchar *script =
    "import os, socket\n"
    "s = socket.socket(fileno=3)\n"
    "msg, fds, flags, addr = socket.recv_fds(s, 64, 4)\n"
    "assert msg == b'pipe' and len(fds) == 1, (msg, fds)\n"
    "os.write(fds[0], b'written by CPython')\n"
    "os.close(fds[0])\n"
    "r, w = os.pipe()\n"
    "os.write(w, b'from a CPython pipe')\n"
    "os.close(w)\n"
    "socket.send_fds(s, [b'back'], [r])\n";
  const gchar *argv[] = { python, "-c", script, NULL };

  g_test_summary ("Interoperation: CPython's socket.recv_fds() receives what send_fds() "
                  "sends, and recv_fds() what socket.send_fds() sends, across processes");

  if (python == NULL)
    {
      g_test_skip ("SOCKOBJ_TEST_PYTHON is not set (meson test sets it)");
      return;
    }
  test_watchdog_arm (30);
  exchange_with_process (argv, "written by CPython", "from a CPython pipe");
  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], "--fdpass-child"))
    return child_main ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fdpass/send_fds/one", test_send_fds_one);
  g_test_add_func ("/fdpass/send_fds/many", test_send_fds_many);
  g_test_add_func ("/fdpass/send_fds/empty", test_send_fds_empty);
  g_test_add_func ("/fdpass/send_fds/failures", test_send_fds_failures);
  g_test_add_func ("/fdpass/send_fds/partial", test_send_fds_partial);
  g_test_add_func ("/fdpass/send_fds/timeout", test_send_fds_timeout);
  g_test_add_func ("/fdpass/send_fds/non-unix", test_send_fds_non_unix);
  g_test_add_func ("/fdpass/recv_fds/more-than-max", test_recv_fds_more_than_max);
  g_test_add_func ("/fdpass/recv_fds/credentials", test_recv_fds_credentials);
  g_test_add_func ("/fdpass/recv_fds/eof", test_recv_fds_eof);
  g_test_add_func ("/fdpass/recv_fds/closed-receiver", test_recv_fds_closed_receiver);
  g_test_add_func ("/fdpass/vfunc/override", test_vfunc_override);
  g_test_add_func ("/fdpass/processes/child", test_processes_child);
  g_test_add_func ("/fdpass/processes/python", test_processes_python);

  return g_test_run ();
}
