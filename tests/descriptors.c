/* descriptors.c: the library's descriptor hygiene
 *
 * Thousands of create/connect/accept/makefile/close cycles leave the
 * process's descriptor table as it was; every descriptor the library makes is
 * close-on-exec; a constructor or call that fails leaks nothing; running out
 * of descriptors (RLIMIT_NOFILE) is an EMFILE error the library recovers from.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"

/* The descriptor numbers open now. */
static GArray *
open_fds (void)
{
  g_autoptr(GPtrArray) snapshot = test_fd_snapshot ();
  GArray *fds = g_array_new (FALSE, FALSE, sizeof (gint));

  for (guint i = 0; i < snapshot->len; i++)
    {
      gint fd = atoi (snapshot->pdata[i]);
      g_array_append_val (fds, fd);
    }
  return fds;
}

static gboolean
fd_in (GArray *fds,
       gint    fd)
{
  for (guint i = 0; i < fds->len; i++)
    if (g_array_index (fds, gint, i) == fd)
      return TRUE;
  return FALSE;
}

/* Asserts that every descriptor opened since @before is close-on-exec, and
 * that there are @expected of them; returns how many there were. */
static guint
assert_new_fds_cloexec (GArray      *before,
                        guint        expected,
                        const gchar *what)
{
  g_autoptr(GArray) after = open_fds ();
  guint count = 0;

  for (guint i = 0; i < after->len; i++)
    {
      gint fd = g_array_index (after, gint, i);

      if (fd_in (before, fd))
        continue;
      count++;
      if (!test_fd_is_cloexec (fd))
        g_error ("%s: descriptor %d is not close-on-exec", what, fd);
    }
  if (count != expected)
    g_error ("%s: %u new descriptors, expected %u", what, count, expected);
  return count;
}

/* Whether makefile() is implemented in this build; a placeholder fails
 * with ENOSYS. */
static gboolean
have_makefile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GIOStream) stream = sock_object_makefile (sock, "rwb", -1, &error);

  if (g_error_matches (error, SOCK_ERROR, ENOSYS))
    return FALSE;
  g_assert_no_error (error);
  return TRUE;
}

/* Cycles ------------------------------------------------------------------- */

static void
one_cycle (SockObject *listener,
           GVariant   *address,
           gint        family,
           guint       round,
           gboolean    makefile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = test_socket_new (family, SOCK_STREAM);
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GVariant) peer = NULL;

  g_assert_true (sock_object_connect (client, address, &error));
  g_assert_no_error (error);
  server = sock_object_accept (listener, &peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);

  if (makefile)
    {
      stream = sock_object_makefile (server, round % 2 ? "rwb" : "r", -1, &error);
      g_assert_no_error (error);
      /* Half the streams are closed, half only dropped. */
      if (round % 4 < 2)
        {
          g_assert_true (g_io_stream_close (stream, NULL, &error));
          g_assert_no_error (error);
        }
    }

  /* Half the sockets are closed, half only dropped. */
  if (round % 3 == 0)
    {
      g_assert_true (sock_object_close (client, &error));
      g_assert_no_error (error);
      g_assert_true (sock_object_close (server, &error));
      g_assert_no_error (error);
    }
}

static void
test_cycles (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) inet_address = NULL;
  g_autoptr(GVariant) unix_address = g_variant_ref_sink (test_abstract_address_new ());
  g_autoptr(SockObject) inet_listener = NULL;
  g_autoptr(SockObject) unix_listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  const guint cycles = TEST_SCALE (10000, 1000);
  gboolean makefile = have_makefile ();
  gint64 deadline = g_get_monotonic_time () + 45 * G_USEC_PER_SEC;
  guint done;

  g_test_summary ("10 000 create/connect/accept/makefile/close cycles over TCP and AF_UNIX "
                  "leave /proc/self/fd as it was");
  test_watchdog_arm (55);

  inet_listener = test_tcp_listener_new (64, &inet_address);
  g_assert_true (sock_object_bind (unix_listener, unix_address, &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_listen (unix_listener, 64, &error));
  g_assert_no_error (error);
  if (!makefile)
    g_test_message ("makefile() is not implemented in this build; cycles without it");

  /* One cycle first, so that one-time set-up (GIO's types, the resolver)
   * does not count. */
  one_cycle (inet_listener, inet_address, AF_INET, 0, makefile);
  before = test_fd_snapshot_string ();

  for (done = 0; done < cycles && g_get_monotonic_time () < deadline; done++)
    {
      if (done % 2)
        one_cycle (inet_listener, inet_address, AF_INET, done, makefile);
      else
        one_cycle (unix_listener, unix_address, AF_UNIX, done, makefile);
    }

  after = test_fd_snapshot_string ();
  g_assert_cmpstr (after, ==, before);
  g_test_message ("%u cycles", done);
  if (!test_light ())
    g_assert_cmpuint (done, ==, cycles);
  test_watchdog_disarm ();
}

/* Close-on-exec ------------------------------------------------------------- */

static void
test_cloexec (void)
{
  g_autoptr(GError) error = NULL;
  static const gint families[] = { AF_INET, AF_INET6, AF_UNIX };
  static const gint types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM | SOCK_NONBLOCK };

  g_test_summary ("Every descriptor the library creates (socket, accept, fromfd, "
                  "makefile) is close-on-exec");
  test_watchdog_arm (30);

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (guint t = 0; t < G_N_ELEMENTS (types); t++)
      {
        g_autoptr(GArray) before = open_fds ();
        g_autoptr(SockObject) sock = sock_socket (families[f], types[t], 0, &error);

        if (families[f] == AF_INET6 && sock == NULL)
          {
            g_clear_error (&error);
            continue;
          }
        g_assert_no_error (error);
        assert_new_fds_cloexec (before, 1, "sock_socket");
      }

  {
    g_autoptr(GArray) before = open_fds ();
    g_autoptr(SockInetObject) inet = sock_inet_object_new (AF_INET, SOCK_DGRAM, 0, &error);
    g_autoptr(SockUnixObject) unix_sock = sock_unix_object_new (SOCK_DGRAM, 0, &error);
    g_autoptr(SockObject) object = g_initable_new (SOCK_TYPE_INET_OBJECT, NULL, &error,
                                                   "family", AF_INET, NULL);

    g_assert_no_error (error);
    assert_new_fds_cloexec (before, 3, "the family constructors");
  }

  {
    g_autoptr(GVariant) address = NULL;
    g_autoptr(SockObject) listener = test_tcp_listener_new (4, &address);
    g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_STREAM);
    g_autoptr(SockObject) server = NULL;
    g_autoptr(GArray) before = NULL;

    g_assert_true (sock_object_connect (client, address, &error));
    g_assert_no_error (error);
    before = open_fds ();
    server = sock_object_accept (listener, NULL, &error);
    g_assert_no_error (error);
    assert_new_fds_cloexec (before, 1, "accept");

    if (have_makefile ())
      {
        g_autoptr(GArray) before_stream = open_fds ();
        g_autoptr(GIOStream) stream = sock_object_makefile (server, "rwb", -1, &error);

        g_assert_no_error (error);
        assert_new_fds_cloexec (before_stream, 1, "makefile");
      }
    else
      g_test_message ("makefile() is not implemented in this build");
  }

  {
    /* A descriptor the caller made without close-on-exec. */
    gint fd = socket (AF_INET, SOCK_STREAM, 0);
    g_autoptr(GArray) before = NULL;
    g_autoptr(SockObject) adopted = NULL;

    g_assert_cmpint (fd, >=, 0);
    g_assert_false (test_fd_is_cloexec (fd));
    before = open_fds ();
    adopted = sock_fromfd (fd, AF_INET, SOCK_STREAM, 0, &error);
    g_assert_no_error (error);
    assert_new_fds_cloexec (before, 1, "fromfd");
    /* The caller's descriptor is left as it was. */
    g_assert_false (test_fd_is_cloexec (fd));
    close (fd);
  }

  test_watchdog_disarm ();
}

/* Failures leak nothing ------------------------------------------------------ */

typedef struct
{
  const gchar *what;
  gint family, type, proto;
  gint code;
} BadSocket;

static void
test_failed_constructors (void)
{
  static const BadSocket bad[] = {
    { "unknown family", 12345, SOCK_STREAM, 0, EAFNOSUPPORT },
    { "AF_PACKET is not a sockobj family", 17, SOCK_RAW, 0, EAFNOSUPPORT },
    { "unknown type", AF_INET, 12345, 0, EINVAL },
    { "unknown AF_UNIX type", AF_UNIX, 999, 0, EINVAL },
    { "TCP over datagrams", AF_INET, SOCK_DGRAM, IPPROTO_TCP, EPROTONOSUPPORT },
    { "UDP over streams", AF_INET6, SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT },
    { "unknown protocol", AF_INET, SOCK_STREAM, 200, EPROTONOSUPPORT },
    { "protocol out of range", AF_INET, SOCK_STREAM, 1000, EINVAL },
    { "AF_UNIX with a protocol", AF_UNIX, SOCK_STREAM, 6, EPROTONOSUPPORT },
  };
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;

  g_test_summary ("A constructor or call that fails leaves no descriptor behind");
  test_watchdog_arm (30);

  /* Warm up the types first. */
  g_object_unref (test_socket_new (AF_INET, SOCK_STREAM));
  before = test_fd_snapshot_string ();

  for (guint round = 0; round < 100; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(SockObject) sock = sock_socket (bad[i].family, bad[i].type, bad[i].proto,
                                                    &error);

          if (sock != NULL || !g_error_matches (error, SOCK_ERROR, bad[i].code))
            g_error ("%s: expected SOCK_ERROR %d, got %s", bad[i].what, bad[i].code,
                     error ? error->message : "a socket");
        }

      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SockInetObject) inet = sock_inet_object_new (AF_UNIX, SOCK_STREAM, 0, &error);

        g_assert_null (inet);
        g_assert_error (error, SOCK_ERROR, EAFNOSUPPORT);
      }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SockObject) object = g_initable_new (SOCK_TYPE_UNIX_OBJECT, NULL, &error,
                                                       "family", AF_INET, NULL);

        g_assert_null (object);
        g_assert_error (error, SOCK_ERROR, EAFNOSUPPORT);
      }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SockObject) sock = sock_fromfd (-1, AF_INET, SOCK_STREAM, 0, &error);

        g_assert_null (sock);
        g_assert_error (error, SOCK_ERROR, EBADF);
      }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SockObject) sock = sock_fromfd (G_MAXINT, AF_INET, SOCK_STREAM, 0, &error);

        g_assert_null (sock);
        g_assert_error (error, SOCK_ERROR, EBADF);
      }
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SockObject) sock = sock_fromfd (0, 12345, SOCK_STREAM, 0, &error);

        g_assert_null (sock);
        g_assert_error (error, SOCK_ERROR, EAFNOSUPPORT);
      }
      {
        /* Failing calls on a working socket. */
        g_autoptr(GError) error = NULL;
        g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_STREAM);

        g_assert_null (sock_object_accept (sock, NULL, &error));
        g_assert_error (error, SOCK_ERROR, EINVAL);
        g_clear_error (&error);
        g_assert_false (sock_object_connect (sock, g_variant_new ("(sq)", "127.0.0.1", 1),
                                             &error));
        g_assert_error (error, SOCK_ERROR, ECONNREFUSED);
        g_clear_error (&error);
        g_assert_null (sock_object_makefile (sock, "bad mode", -1, &error));
        g_assert_nonnull (error);
      }
    }

  after = test_fd_snapshot_string ();
  g_assert_cmpstr (after, ==, before);
  test_watchdog_disarm ();
}

/* Running out of descriptors ------------------------------------------------- */

/* Fills the descriptor table with pipes; returns them. */
static GArray *
exhaust_fds (void)
{
  GArray *pipes = g_array_new (FALSE, FALSE, sizeof (gint));

  for (guint i = 0; i < 100000; i++)
    {
      gint fds[2];

      if (pipe2 (fds, O_CLOEXEC) < 0)
        {
          gint fd;

          g_assert_cmpint (errno, ==, EMFILE);
          /* A last odd slot a pipe could not take. */
          if ((fd = fcntl (0, F_DUPFD_CLOEXEC, 0)) >= 0)
            g_array_append_val (pipes, fd);
          return pipes;
        }
      g_array_append_vals (pipes, fds, 2);
    }
  g_error ("RLIMIT_NOFILE did not stop the pipes");
}

static void
release_fds (GArray *pipes,
             guint   count)
{
  for (guint i = 0; i < count && pipes->len > 0; i++)
    {
      close (g_array_index (pipes, gint, pipes->len - 1));
      g_array_set_size (pipes, pipes->len - 1);
    }
}

static void
emfile_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GArray) pipes = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean makefile = have_makefile ();
  struct rlimit limit;
  guint count;
  gint highest = 0;

  /* A connection waiting to be accepted, made while there is room. */
  listener = test_tcp_listener_new (4, &address);
  client = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_connect (client, address, &error));
  g_assert_no_error (error);
  test_set_io_timeout (listener, 10);

  /* Room for a few more descriptors than are open now, then none. */
  {
    g_autoptr(GArray) fds = open_fds ();

    for (guint i = 0; i < fds->len; i++)
      highest = MAX (highest, g_array_index (fds, gint, i));
  }
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  limit.rlim_cur = highest + 1 + 16;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  pipes = exhaust_fds ();
  /* Counting needs a descriptor for /proc/self/fd: count with one slot
   * free, then fill it again. */
  release_fds (pipes, 1);
  count = test_count_open_fds ();
  {
    gint fd = fcntl (0, F_DUPFD_CLOEXEC, 0);
    g_assert_cmpint (fd, >=, 0);
    g_array_append_val (pipes, fd);
  }

  for (guint round = 0; round < 3; round++)
    {
      g_assert_null (sock_socket (AF_INET, SOCK_STREAM, 0, &error));
      g_assert_error (error, SOCK_ERROR, EMFILE);
      g_clear_error (&error);
      g_assert_null (sock_socket (AF_UNIX, SOCK_DGRAM, 0, &error));
      g_assert_error (error, SOCK_ERROR, EMFILE);
      g_clear_error (&error);
      g_assert_null (sock_fromfd (sock_object_fileno (client), AF_INET, SOCK_STREAM, 0, &error));
      g_assert_error (error, SOCK_ERROR, EMFILE);
      g_clear_error (&error);
      g_assert_null (sock_object_accept (listener, NULL, &error));
      g_assert_error (error, SOCK_ERROR, EMFILE);
      g_clear_error (&error);
      if (makefile)
        {
          g_assert_null (sock_object_makefile (client, "rwb", -1, &error));
          g_assert_true (g_error_matches (error, SOCK_ERROR, EMFILE) ||
                         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES));
          g_clear_error (&error);
        }
    }

  /* Nothing leaked by the failures. */
  release_fds (pipes, 1);
  g_assert_cmpuint (test_count_open_fds (), ==, count);

  /* Recovery: with room again, everything works, and the connection that
   * waited is there. */
  release_fds (pipes, 8);
  sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sock);
  server = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
  test_set_io_timeout (server, 10);
  g_assert_true (sock_object_sendall (client, (const guint8 *) "back", 4, 0, &error));
  g_assert_no_error (error);
  bytes = sock_object_recv (server, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "back", 4);
  if (makefile)
    {
      g_autoptr(GIOStream) stream = sock_object_makefile (client, "rwb", -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (stream);
    }

  release_fds (pipes, pipes->len);
}

static void
test_emfile (void)
{
  g_test_summary ("With RLIMIT_NOFILE exhausted, socket creation, accept, fromfd and "
                  "makefile fail with EMFILE, leak nothing, and work again once "
                  "descriptors are freed");

  if (g_test_subprocess ())
    {
      emfile_subprocess ();
      return;
    }

  test_watchdog_arm (40);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/descriptors/close/cycles", test_cycles);
  g_test_add_func ("/descriptors/cloexec/every-constructor", test_cloexec);
  g_test_add_func ("/descriptors/failures/leak-nothing", test_failed_constructors);
  g_test_add_func ("/descriptors/emfile/recovery", test_emfile);

  return g_test_run ();
}
