/* test-util.c: helpers shared by the test programs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

gboolean
test_light (void)
{
  const gchar *value = g_getenv ("SOCKOBJ_TEST_LIGHT");

  return value != NULL && value[0] != '\0' && g_strcmp0 (value, "0") != 0;
}

/* Watchdog ----------------------------------------------------------------- */

static struct
{
  GMutex mutex;
  GCond cond;
  gint64 deadline;       /* monotonic µs; 0 while disarmed */
  gchar *what;
  gboolean started;
} watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  g_mutex_lock (&watchdog.mutex);
  for (;;)
    {
      gint64 deadline = watchdog.deadline;

      if (deadline == 0)
        g_cond_wait (&watchdog.cond, &watchdog.mutex);
      else if (!g_cond_wait_until (&watchdog.cond, &watchdog.mutex, deadline) &&
               watchdog.deadline == deadline &&
               g_get_monotonic_time () >= deadline)
        {
          g_printerr ("watchdog: %s did not finish in time; aborting\n", watchdog.what);
          abort ();
        }
    }
  return NULL;
}

void
test_watchdog_arm (guint seconds)
{
  g_mutex_lock (&watchdog.mutex);
  if (!watchdog.started)
    {
      g_thread_unref (g_thread_new ("watchdog", watchdog_thread, NULL));
      watchdog.started = TRUE;
    }
  g_free (watchdog.what);
  watchdog.what = g_strdup (g_test_get_path ()[0] ? g_test_get_path () : "the test");
  watchdog.deadline = g_get_monotonic_time () +
                      (gint64) seconds * (test_light () ? 10 : 1) * G_USEC_PER_SEC;
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.mutex);
}

void
test_watchdog_disarm (void)
{
  g_mutex_lock (&watchdog.mutex);
  watchdog.deadline = 0;
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.mutex);
}

/* Sockets ------------------------------------------------------------------ */

void
test_set_io_timeout (SockObject *sock,
                     guint       seconds)
{
  g_autoptr(GError) error = NULL;
  struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };

  g_assert_true (sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_RCVTIMEO,
                                               (const guint8 *) &tv, sizeof tv,
                                               &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_SNDTIMEO,
                                               (const guint8 *) &tv, sizeof tv,
                                               &error));
  g_assert_no_error (error);
}

SockObject *
test_socket_new (gint family,
                 gint type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;

  sock = sock_socket (family, type, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sock);
  test_set_io_timeout (sock, TEST_IO_TIMEOUT_SECONDS);

  return g_steal_pointer (&sock);
}

SockObject *
test_udp_socket_new (GVariant **address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_DGRAM);
  g_autoptr(GVariant) bound = NULL;

  g_assert_true (sock_object_bind (sock, g_variant_new ("(sq)", "127.0.0.1", 0), &error));
  g_assert_no_error (error);
  bound = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bound);

  if (address != NULL)
    *address = g_steal_pointer (&bound);

  return g_steal_pointer (&sock);
}

SockObject *
test_tcp_listener_new (gint       backlog,
                       GVariant **address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(GVariant) bound = NULL;

  listener = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0),
                                   &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_listen (listener, backlog, &error));
  g_assert_no_error (error);

  bound = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bound);
  g_assert_cmpstr (g_variant_get_type_string (bound), ==, "(sq)");
  g_assert_cmpuint (test_address_port (bound), !=, 0);

  if (address != NULL)
    *address = g_steal_pointer (&bound);

  return g_steal_pointer (&listener);
}

void
test_tcp_pair (SockObject **client,
               SockObject **server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) c = NULL;
  g_autoptr(SockObject) s = NULL;

  listener = test_tcp_listener_new (TEST_BACKLOG, &address);
  c = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_connect (c, address, &error));
  g_assert_no_error (error);

  s = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  test_set_io_timeout (s, TEST_IO_TIMEOUT_SECONDS);

  g_assert_true (sock_object_close (listener, &error));
  g_assert_no_error (error);

  *client = g_steal_pointer (&c);
  *server = g_steal_pointer (&s);
}

void
test_unix_pair (gint         type,
                SockObject **first,
                SockObject **second)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sock_socketpair (AF_UNIX, type, 0, first, second, &error));
  g_assert_no_error (error);
  g_assert_nonnull (*first);
  g_assert_nonnull (*second);
  test_set_io_timeout (*first, TEST_IO_TIMEOUT_SECONDS);
  test_set_io_timeout (*second, TEST_IO_TIMEOUT_SECONDS);
}

guint16
test_address_port (GVariant *address)
{
  guint16 port = 0;

  g_assert_nonnull (address);
  g_assert_true (g_variant_is_of_type (address, G_VARIANT_TYPE ("(sq)")) ||
                 g_variant_is_of_type (address, G_VARIANT_TYPE ("(squu)")));
  g_variant_get_child (address, 1, "q", &port);

  return port;
}

gchar *
test_tmpdir_new (void)
{
  g_autoptr(GError) error = NULL;
  gchar *path;

  path = g_dir_make_tmp ("sockobj-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_nonnull (path);

  return path;
}

void
test_tmpdir_remove (const gchar *path)
{
  g_autoptr(GDir) dir = NULL;
  const gchar *name;

  if (path == NULL)
    return;

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree gchar *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            test_tmpdir_remove (child);
          else
            g_unlink (child);
        }
    }

  g_rmdir (path);
}

gchar *
test_unique_name (const gchar *prefix)
{
  static gint counter = 0;

  return g_strdup_printf ("%s-%ld-%d-%" G_GINT64_FORMAT "-%08x",
                          prefix, (long) getpid (),
                          g_atomic_int_add (&counter, 1),
                          g_get_monotonic_time (),
                          g_random_int ());
}

GVariant *
test_abstract_address_new (void)
{
  g_autofree gchar *suffix = test_unique_name ("sockobj-test");
  gsize length = 1 + strlen (suffix);
  g_autofree gchar *name = g_malloc (length);

  name[0] = '\0';
  memcpy (name + 1, suffix, length - 1);

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, name, length, 1);
}

/* Main loop ---------------------------------------------------------------- */

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Descriptors -------------------------------------------------------------- */

guint
test_count_open_fds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint count = 0;

  dir = g_dir_open ("/proc/self/fd", 0, &error);
  g_assert_no_error (error);

  while (g_dir_read_name (dir) != NULL)
    count++;

  /* The directory being read is itself one open descriptor. */
  return count - 1;
}

gboolean
test_fd_is_open (gint fd)
{
  return fcntl (fd, F_GETFD) >= 0 || errno != EBADF;
}

gboolean
test_fd_is_cloexec (gint fd)
{
  gint flags = fcntl (fd, F_GETFD);

  g_assert_cmpint (flags, >=, 0);

  return (flags & FD_CLOEXEC) != 0;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

GPtrArray *
test_fd_snapshot (void)
{
  GPtrArray *fds = g_ptr_array_new_with_free_func (g_free);
  DIR *dir = opendir ("/proc/self/fd");
  gint dir_fd;
  struct dirent *entry;

  g_assert_nonnull (dir);
  dir_fd = dirfd (dir);
  while ((entry = readdir (dir)) != NULL)
    {
      gchar target[256] = "";
      gchar *end;
      glong fd = strtol (entry->d_name, &end, 10);
      gssize n;

      if (entry->d_name[0] == '.' || *end != '\0' || fd == dir_fd)
        continue;
      n = readlinkat (dir_fd, entry->d_name, target, sizeof target - 1);
      if (n >= 0)
        target[n] = '\0';
      /* A socket's inode differs between runs of the same cycle; only its
       * being a socket matters. */
      if (g_str_has_prefix (target, "socket:"))
        strcpy (target, "socket");
      g_ptr_array_add (fds, g_strdup_printf ("%6ld %s", fd, target));
    }
  closedir (dir);
  g_ptr_array_sort (fds, compare_strings);
  return fds;
}

gchar *
test_fd_snapshot_string (void)
{
  g_autoptr(GPtrArray) fds = test_fd_snapshot ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < fds->len; i++)
    g_string_append_printf (text, "%s\n", (const gchar *) fds->pdata[i]);
  return g_string_free (text, FALSE);
}

gboolean
test_raise_fd_limit (guint needed)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed)
        return FALSE;
      limit.rlim_cur = needed;
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    }

  return TRUE;
}

gboolean
test_have_ipv6 (void)
{
  struct sockaddr_in6 sin6 = { 0 };
  gboolean ok;
  gint fd;

  fd = socket (AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;

  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = in6addr_loopback;
  ok = bind (fd, (struct sockaddr *) &sin6, sizeof sin6) == 0;
  close (fd);

  return ok;
}

/* Data --------------------------------------------------------------------- */

void
test_fill_pattern (guint8  *buffer,
                   gsize    size,
                   guint64  seed,
                   guint64  offset)
{
  /* Each 8-byte word is a 64-bit mix of the seed and the word's position,
   * so any slice can be made on its own. */
  while (size > 0)
    {
      guint64 block = offset / 8;
      guint64 x = (seed ^ 0x9e3779b97f4a7c15ull) + block * 0xbf58476d1ce4e5b9ull;
      guint skip = offset % 8;
      guint take = MIN ((gsize) (8 - skip), size);

      x ^= x >> 31;
      x *= 0x94d049bb133111ebull;
      x ^= x >> 29;
      memcpy (buffer, ((const guint8 *) &x) + skip, take);
      buffer += take;
      offset += take;
      size -= take;
    }
}

void
test_sum_update (TestSum      *sum,
                 const guint8 *data,
                 gsize         size)
{
  guint64 a = sum->a, b = sum->b;

  for (gsize i = 0; i < size; i++)
    {
      a += data[i] + 1;
      b += a;
    }
  sum->a = a;
  sum->b = b;
}

/* Received data and echo --------------------------------------------------- */

void
test_assert_bytes_eq (GBytes      *bytes,
                      const gchar *expected)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
}

void
test_assert_recv_eof (SockObject *sock)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) eof = sock_object_recv (sock, 1024, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (eof);
  g_assert_cmpuint (g_bytes_get_size (eof), ==, 0);
}

guint
test_echo_until_eof (SockObject *conn)
{
  g_autoptr(GError) error = NULL;
  guint rounds;

  /* Bounded in rounds as well as by the receive timeout. */
  for (rounds = 0; rounds < 10000; rounds++)
    {
      g_autoptr(GBytes) in = sock_object_recv (conn, 1024, 0, &error);
      gconstpointer bytes;
      gsize size;

      g_assert_no_error (error);
      bytes = g_bytes_get_data (in, &size);
      if (size == 0)
        break;
      test_assert_ok (sock_object_sendall (conn, bytes, size, 0, &error), error);
    }

  return rounds;
}

void
test_assert_recv_string (SockObject  *sock,
                         const gchar *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) got = g_string_new (NULL);
  gsize len = strlen (expected);
  guint reads;

  /* TCP may split the data; gather until all of it is here. */
  for (reads = 0; got->len < len && reads < 100; reads++)
    {
      g_autoptr(GBytes) chunk = sock_object_recv (sock, 1024, 0, &error);
      gconstpointer data;
      gsize size;

      g_assert_no_error (error);
      data = g_bytes_get_data (chunk, &size);
      g_assert_cmpuint (size, >, 0);
      g_string_append_len (got, data, size);
    }
  g_assert_cmpstr (got->str, ==, expected);
}

GVariant *
test_datagram_exchange (SockObject  *sender,
                        GVariant    *to,
                        SockObject  *receiver,
                        const gchar *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;
  GVariant *from = NULL;
  gsize len = strlen (message);

  g_assert_cmpint (sock_object_sendto (sender, (const guint8 *) message, len, 0, to, &error),
                   ==, (gssize) len);
  g_assert_no_error (error);
  got = sock_object_recvfrom (receiver, 1024, 0, &from, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (got, message);

  return from;
}

/* Peer processes ----------------------------------------------------------- */

struct _TestPeer
{
  GSubprocess *process;
  gint stdout_fd;
};

TestPeer *
test_peer_spawn (const gchar * const  *argv,
                 GError              **error)
{
  g_autoptr(GSubprocess) process = NULL;
  GInputStream *out;
  TestPeer *peer;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  if (process == NULL)
    return NULL;

  out = g_subprocess_get_stdout_pipe (process);
  g_assert_true (G_IS_UNIX_INPUT_STREAM (out));

  peer = g_new0 (TestPeer, 1);
  peer->process = g_steal_pointer (&process);
  peer->stdout_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (out));

  return peer;
}

gchar *
test_peer_read_line (TestPeer  *peer,
                     guint      timeout_ms,
                     GError   **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  /* Byte by byte, so nothing past the newline is consumed. */
  while (line->len < 4096)
    {
      struct pollfd pfd = { .fd = peer->stdout_fd, .events = POLLIN };
      gint64 remaining = deadline - g_get_monotonic_time ();
      gchar c;
      gssize n;
      gint ret;

      if (remaining <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "No line from the peer within %u ms (got “%s”)",
                       timeout_ms, line->str);
          return NULL;
        }

      ret = poll (&pfd, 1, (gint) MAX (1, remaining / 1000));
      if (ret < 0 && errno == EINTR)
        continue;
      if (ret < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "poll: %s", g_strerror (errno));
          return NULL;
        }
      if (ret == 0)
        continue;

      n = read (peer->stdout_fd, &c, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       "read: %s", g_strerror (errno));
          return NULL;
        }
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                       "The peer closed its output (got “%s”)", line->str);
          return NULL;
        }
      if (c == '\n')
        return g_string_free (g_steal_pointer (&line), FALSE);

      g_string_append_c (line, c);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Line from the peer too long");
  return NULL;
}

static void
peer_wait_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
peer_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
test_peer_wait (TestPeer *peer,
                guint     timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = NULL;
  gboolean done = FALSE;
  gboolean timed_out = FALSE;

  g_main_context_push_thread_default (context);

  timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timeout, peer_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);

  g_subprocess_wait_async (peer->process, NULL, peer_wait_cb, &done);
  while (!done && !timed_out)
    g_main_context_iteration (context, TRUE);

  if (!done)
    {
      g_test_message ("Peer did not exit within %u ms; killing it", timeout_ms);
      g_subprocess_force_exit (peer->process);
      while (!done)
        g_main_context_iteration (context, TRUE);
    }

  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (timed_out)
    return FALSE;

  if (!g_subprocess_get_if_exited (peer->process))
    {
      g_test_message ("Peer was killed by a signal");
      return FALSE;
    }

  if (g_subprocess_get_exit_status (peer->process) != 0)
    {
      g_test_message ("Peer exited with status %d",
                      g_subprocess_get_exit_status (peer->process));
      return FALSE;
    }

  return TRUE;
}

void
test_peer_free (TestPeer *peer)
{
  if (peer == NULL)
    return;

  /* A peer nobody waited for must not outlive the test. */
  if (g_subprocess_get_identifier (peer->process) != NULL)
    {
      g_subprocess_force_exit (peer->process);
      g_subprocess_wait (peer->process, NULL, NULL);
    }

  g_clear_object (&peer->process);
  g_free (peer);
}
