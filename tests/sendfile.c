/* sendfile.c: tests of sendfile(): zero-copy sendfile(2) over TCP and
 * AF_UNIX, offsets and counts as CPython's socket.sendfile(), the read +
 * send fallback (a pipe, an overridden send), timeouts and failures
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-util.h"

#define PATTERN_SEED 29

typedef struct
{
  gchar *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = test_tmpdir_new ();
  test_watchdog_arm (60);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_watchdog_disarm ();
  test_tmpdir_remove (fixture->dir);
  g_free (fixture->dir);
}

/* A file of @size pattern bytes in the fixture's directory, open for
 * reading. */
static gint
pattern_file (Fixture *fixture,
              gsize    size)
{
  g_autofree gchar *path = g_build_filename (fixture->dir, "data", NULL);
  g_autofree guint8 *data = g_malloc (MAX (size, 1));
  g_autoptr(GError) error = NULL;
  gint fd;

  test_fill_pattern (data, size, PATTERN_SEED, 0);
  g_assert_true (g_file_set_contents (path, (const gchar *) data, size, &error));
  g_assert_no_error (error);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

/* The connected pair of a transport: TCP, or an AF_UNIX stream. */
static void
stream_pair (gboolean     tcp,
             SockObject **sender,
             SockObject **receiver)
{
  if (tcp)
    test_tcp_pair (sender, receiver);
  else
    test_unix_pair (SOCK_STREAM, sender, receiver);
}

/* A thread that reads a socket to its end and checks every byte against
 * the pattern from @offset. */
typedef struct
{
  SockObject *sock;
  guint64 offset;
  guint64 received;
  gboolean matches;
  GThread *thread;
} Drain;

static gpointer
drain_thread (gpointer data)
{
  Drain *drain = data;
  guint8 buffer[65536];
  guint8 expected[65536];

  drain->matches = TRUE;
  for (;;)
    {
      gssize n = sock_object_recv_into (drain->sock, buffer, sizeof buffer, 0, NULL);

      if (n <= 0)
        break;
      test_fill_pattern (expected, n, PATTERN_SEED, drain->offset + drain->received);
      if (memcmp (buffer, expected, n) != 0)
        drain->matches = FALSE;
      drain->received += n;
    }
  return NULL;
}

static void
drain_start (Drain      *drain,
             SockObject *sock,
             guint64     offset)
{
  drain->sock = sock;
  drain->offset = offset;
  drain->received = 0;
  drain->thread = g_thread_new ("drain", drain_thread, drain);
}

/* Ends the sender's half and waits for the drain to see the end. */
static void
drain_finish (Drain      *drain,
              SockObject *sender)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sock_object_shutdown (sender, SHUT_WR, &error));
  g_assert_no_error (error);
  g_thread_join (drain->thread);
}

static gint64
file_position (gint fd)
{
  return lseek (fd, 0, SEEK_CUR);
}

/* Zero copy -------------------------------------------------------------------- */

static void
check_whole_file (Fixture  *fixture,
                  gboolean  tcp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sender = NULL;
  g_autoptr(SockObject) receiver = NULL;
  gsize size = TEST_SCALE (16 * 1024 * 1024, 1024 * 1024) + 123;
  gint fd = pattern_file (fixture, size);
  Drain drain;

  stream_pair (tcp, &sender, &receiver);
  drain_start (&drain, receiver, 0);
  g_assert_cmpint (sock_object_sendfile (sender, fd, 0, -1, &error), ==, size);
  g_assert_no_error (error);
  drain_finish (&drain, sender);

  g_assert_cmpuint (drain.received, ==, size);
  g_assert_true (drain.matches);
  /* As CPython: the file is left after the data sent. */
  g_assert_cmpint (file_position (fd), ==, size);
  close (fd);
}

static void
test_sendfile_tcp (Fixture       *fixture,
                   gconstpointer  data)
{
  g_test_summary ("sendfile() sends a whole file over TCP, every byte in order, and leaves "
                  "the file position at its end");
  check_whole_file (fixture, TRUE);
}

static void
test_sendfile_unix (Fixture       *fixture,
                    gconstpointer  data)
{
  g_test_summary ("sendfile() sends a whole file over an AF_UNIX stream socket");
  check_whole_file (fixture, FALSE);
}

static void
test_sendfile_offset_count (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sender = NULL;
  g_autoptr(SockObject) receiver = NULL;
  gint fd = pattern_file (fixture, 100000);
  Drain drain;

  g_test_summary ("offset and count select a slice; a count past the end sends up to the "
                  "end; the position is left after the last byte sent, whatever it was");

  stream_pair (TRUE, &sender, &receiver);
  drain_start (&drain, receiver, 1000);
  g_assert_cmpint (lseek (fd, 77, SEEK_SET), ==, 77);
  g_assert_cmpint (sock_object_sendfile (sender, fd, 1000, 5000, &error), ==, 5000);
  g_assert_no_error (error);
  g_assert_cmpint (file_position (fd), ==, 6000);
  g_assert_cmpint (sock_object_sendfile (sender, fd, 6000, 1000000, &error), ==, 94000);
  g_assert_no_error (error);
  g_assert_cmpint (file_position (fd), ==, 100000);
  drain_finish (&drain, sender);

  g_assert_cmpuint (drain.received, ==, 99000);
  g_assert_true (drain.matches);
  close (fd);
}

static void
test_sendfile_nothing (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sender = NULL;
  g_autoptr(SockObject) receiver = NULL;
  gint fd = pattern_file (fixture, 4096);
  gint empty;
  Drain drain;

  g_test_summary ("A count of 0, an offset at or past the end and an empty file send "
                  "nothing, return 0 and leave the position where it was");

  stream_pair (FALSE, &sender, &receiver);
  drain_start (&drain, receiver, 0);
  g_assert_cmpint (lseek (fd, 10, SEEK_SET), ==, 10);
  g_assert_cmpint (sock_object_sendfile (sender, fd, 0, 0, &error), ==, 0);
  g_assert_cmpint (sock_object_sendfile (sender, fd, 4096, -1, &error), ==, 0);
  g_assert_cmpint (sock_object_sendfile (sender, fd, 1 << 30, 100, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (file_position (fd), ==, 10);
  close (fd);

  empty = pattern_file (fixture, 0);
  g_assert_cmpint (sock_object_sendfile (sender, empty, 0, -1, &error), ==, 0);
  g_assert_no_error (error);
  close (empty);

  drain_finish (&drain, sender);
  g_assert_cmpuint (drain.received, ==, 0);
}

/* The fallback -------------------------------------------------------------------- */

typedef struct
{
  gint fd;
  gsize size;
} Writer;

static gpointer
write_pattern (gpointer data)
{
  Writer *writer = data;
  guint8 chunk[4096];
  gsize written = 0;

  while (written < writer->size)
    {
      gsize want = MIN (sizeof chunk, writer->size - written);
      gssize n;

      test_fill_pattern (chunk, want, PATTERN_SEED, written);
      n = write (writer->fd, chunk, want);
      if (n <= 0)
        break;
      written += n;
    }
  close (writer->fd);
  return NULL;
}

static void
test_sendfile_pipe (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sender = NULL;
  g_autoptr(SockObject) receiver = NULL;
  gsize size = 300000;
  Writer writer;
  GThread *thread;
  gint pipe_fds[2];
  Drain drain;

  g_test_summary ("From a pipe, which sendfile(2) refuses (EINVAL), the data is read and "
                  "sent instead: all of it up to the pipe's end, or count bytes; a pipe "
                  "cannot start at an offset (ESPIPE)");

  g_assert_cmpint (pipe2 (pipe_fds, O_CLOEXEC), ==, 0);
  writer.fd = pipe_fds[1];
  writer.size = size;
  thread = g_thread_new ("writer", write_pattern, &writer);

  stream_pair (TRUE, &sender, &receiver);
  drain_start (&drain, receiver, 0);
  g_assert_cmpint (sock_object_sendfile (sender, pipe_fds[0], 0, 1000, &error), ==, 1000);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_sendfile (sender, pipe_fds[0], 0, -1, &error), ==, size - 1000);
  g_assert_no_error (error);
  g_thread_join (thread);

  g_assert_cmpint (sock_object_sendfile (sender, pipe_fds[0], 5, -1, &error), ==, -1);
  test_assert_sock_error (error, ESPIPE);
  drain_finish (&drain, sender);

  g_assert_cmpuint (drain.received, ==, size);
  g_assert_true (drain.matches);
  close (pipe_fds[0]);
}

typedef struct
{
  SockInetObject parent_instance;
  guint send_calls;
} TestSendSocket;

typedef SockInetObjectClass TestSendSocketClass;

static GType test_send_socket_get_type (void);
G_DEFINE_TYPE (TestSendSocket, test_send_socket, SOCK_TYPE_INET_OBJECT)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestSendSocket, g_object_unref)

static gssize
test_send_socket_send (SockObject    *self,
                       const guint8  *data,
                       gsize          size,
                       gint           flags,
                       GError       **error)
{
  ((TestSendSocket *) self)->send_calls++;
  /* At most 1000 bytes a call: the loop must send the rest. */
  return SOCK_OBJECT_CLASS (test_send_socket_parent_class)->send (self, data, MIN (size, 1000),
                                                                   flags, error);
}

static void
test_send_socket_class_init (TestSendSocketClass *klass)
{
  SOCK_OBJECT_CLASS (klass)->send = test_send_socket_send;
}

static void
test_send_socket_init (TestSendSocket *self)
{
}

static void
test_sendfile_override (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestSendSocket) sender = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) receiver = NULL;
  g_autoptr(GVariant) address = NULL;
  gint fd = pattern_file (fixture, 50000);
  Drain drain;

  g_test_summary ("A subclass that overrides send sees every byte: sendfile() reads the "
                  "file and sends through it, as sendall() does, rather than bypass it");

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  sender = g_initable_new (test_send_socket_get_type (), NULL, &error,
                           "family", AF_INET, NULL);
  g_assert_no_error (error);
  test_set_io_timeout (SOCK_OBJECT (sender), TEST_IO_TIMEOUT_SECONDS);
  g_assert_true (sock_object_connect (SOCK_OBJECT (sender), address, &error));
  receiver = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);

  drain_start (&drain, receiver, 100);
  g_assert_cmpint (sock_object_sendfile (SOCK_OBJECT (sender), fd, 100, -1, &error), ==, 49900);
  g_assert_no_error (error);
  g_assert_cmpuint (sender->send_calls, >=, 50);
  g_assert_cmpint (file_position (fd), ==, 50000);
  drain_finish (&drain, SOCK_OBJECT (sender));

  g_assert_cmpuint (drain.received, ==, 49900);
  g_assert_true (drain.matches);
  close (fd);
}

/* Timeouts and failures ------------------------------------------------------------ */

static void
test_sendfile_timeout (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sender = NULL;
  g_autoptr(SockObject) receiver = NULL;
  gsize size = 32 * 1024 * 1024;
  gint fd = pattern_file (fixture, size);
  guint64 sent;
  gint64 start, position;
  Drain drain;

  g_test_summary ("With nobody reading, the timeout covers the whole call: ETIMEDOUT, the "
                  "message saying how many bytes went, the position after them; what went "
                  "arrives intact");

  stream_pair (FALSE, &sender, &receiver);
  g_assert_true (sock_object_settimeout (sender, 0.2, &error));

  start = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_sendfile (sender, fd, 0, -1, &error), ==, -1);
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_true (g_str_has_prefix (error->message, "sendfile: "));
  g_assert_nonnull (strstr (error->message, "timed out"));
  sent = g_ascii_strtoull (error->message + strlen ("sendfile: "), NULL, 10);
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (sent, <, size);
  position = file_position (fd);
  g_assert_cmpint (position, ==, sent);

  drain_start (&drain, receiver, 0);
  drain_finish (&drain, sender);
  g_assert_cmpuint (drain.received, ==, sent);
  g_assert_true (drain.matches);
  close (fd);
}

static void
test_sendfile_failures (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sender = NULL;
  g_autoptr(SockObject) receiver = NULL;
  g_autofree gchar *path = g_build_filename (fixture->dir, "write-only", NULL);
  gint fd = pattern_file (fixture, 1000);
  gint write_only;

  g_test_summary ("A descriptor that is not open or not readable is EBADF, a negative "
                  "offset EINVAL, a non-blocking socket EINVAL (as CPython), a peer gone "
                  "EPIPE, a closed socket EBADF");

  stream_pair (FALSE, &sender, &receiver);

  g_assert_cmpint (sock_object_sendfile (sender, -1, 0, -1, &error), ==, -1);
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);

  write_only = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (write_only, >=, 0);
  g_assert_cmpint (sock_object_sendfile (sender, write_only, 0, -1, &error), ==, -1);
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);
  close (write_only);

  g_assert_cmpint (sock_object_sendfile (sender, fd, -1, -1, &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  g_assert_true (sock_object_settimeout (sender, 0, &error));
  g_assert_cmpint (sock_object_sendfile (sender, fd, 0, -1, &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_true (sock_object_settimeout (sender, -1, &error));

  g_assert_true (sock_object_close (receiver, &error));
  g_assert_cmpint (sock_object_sendfile (sender, fd, 0, -1, &error), ==, -1);
  test_assert_sock_error (error, EPIPE);
  g_clear_error (&error);

  g_assert_true (sock_object_close (sender, &error));
  g_assert_cmpint (sock_object_sendfile (sender, fd, 0, -1, &error), ==, -1);
  test_assert_sock_error (error, EBADF);
  close (fd);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sendfile/sendfile/tcp", test_sendfile_tcp);
  ADD ("/sendfile/sendfile/unix", test_sendfile_unix);
  ADD ("/sendfile/sendfile/offset-count", test_sendfile_offset_count);
  ADD ("/sendfile/sendfile/nothing", test_sendfile_nothing);
  ADD ("/sendfile/sendfile/pipe", test_sendfile_pipe);
  ADD ("/sendfile/sendfile/override", test_sendfile_override);
  ADD ("/sendfile/sendfile/timeout", test_sendfile_timeout);
  ADD ("/sendfile/sendfile/failures", test_sendfile_failures);

#undef ADD

  return g_test_run ();
}
