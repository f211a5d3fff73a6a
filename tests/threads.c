/* threads.c: one socket used from several threads, closed under their feet
 *
 * Covers what the descriptor design promises: close() detaches the
 * descriptor at once, a call already running keeps the number reserved until
 * it returns, so no call ever reads, writes or closes a file that reused the
 * number; a call blocked in the kernel is woken by shutdown(); close() racing
 * with close() or fileno() is safe.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"

/* Helpers ----------------------------------------------------------------- */

/* A connected AF_UNIX stream pair: @sock wraps one end, *@peer_fd is the
 * other end as a plain descriptor. */
static SockObject *
unix_pair (gint *peer_fd)
{
  g_autoptr(GError) error = NULL;
  gint fds[2];
  SockObject *sock;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  sock = sock_fromfd (fds[0], AF_UNIX, SOCK_STREAM, 0, &error);
  g_assert_no_error (error);
  close (fds[0]);
  *peer_fd = fds[1];
  return sock;
}

/* Detects stolen descriptors: a thread that keeps opening pipes, passing a
 * byte through each and checking that nobody closed or used them meanwhile. */
typedef struct
{
  GThread *thread;
  gint stop;
  guint rounds;
  gchar *failure;
} FdGuard;

static gpointer
fd_guard_thread (gpointer data)
{
  FdGuard *guard = data;

  while (!g_atomic_int_get (&guard->stop) && guard->failure == NULL)
    {
      gint fds[2];
      guint8 out = (guint8) guard->rounds, in = 0;

      if (pipe2 (fds, O_CLOEXEC | O_NONBLOCK) < 0)
        {
          g_thread_yield ();
          continue;
        }
      g_thread_yield ();
      if (write (fds[1], &out, 1) != 1)
        guard->failure = g_strdup_printf ("write to pipe %d failed: %s", fds[1],
                                          g_strerror (errno));
      else if (read (fds[0], &in, 1) != 1 || in != out)
        guard->failure = g_strdup_printf ("pipe %d lost its byte", fds[0]);
      else if (read (fds[0], &in, 1) != -1 || errno != EAGAIN)
        guard->failure = g_strdup_printf ("pipe %d has bytes nobody wrote", fds[0]);
      else if (!test_fd_is_open (fds[0]) || !test_fd_is_open (fds[1]))
        guard->failure = g_strdup_printf ("pipe %d/%d was closed by someone else",
                                          fds[0], fds[1]);
      close (fds[0]);
      close (fds[1]);
      guard->rounds++;
    }
  return NULL;
}

static void
fd_guard_start (FdGuard *guard)
{
  memset (guard, 0, sizeof *guard);
  guard->thread = g_thread_new ("fd-guard", fd_guard_thread, guard);
}

static void
fd_guard_stop (FdGuard *guard)
{
  g_atomic_int_set (&guard->stop, 1);
  g_thread_join (guard->thread);
  if (guard->failure != NULL)
    g_error ("descriptor guard: %s", guard->failure);
  g_test_message ("descriptor guard: %u clean rounds", guard->rounds);
}

/* Close while blocked ----------------------------------------------------------- */

typedef struct
{
  SockObject *sock;
  gint started;
  gint64 returned_at;
  GBytes *bytes;
  SockObject *accepted;
  GError *error;
} Blocked;

static gpointer
blocked_recv_thread (gpointer data)
{
  Blocked *blocked = data;

  g_atomic_int_set (&blocked->started, 1);
  blocked->bytes = sock_object_recv (blocked->sock, 1024, 0, &blocked->error);
  blocked->returned_at = g_get_monotonic_time ();
  return NULL;
}

static gpointer
blocked_accept_thread (gpointer data)
{
  Blocked *blocked = data;

  g_atomic_int_set (&blocked->started, 1);
  blocked->accepted = sock_object_accept (blocked->sock, NULL, &blocked->error);
  blocked->returned_at = g_get_monotonic_time ();
  return NULL;
}

/* Starts @func on @blocked and gives it time to block in the kernel. */
static GThread *
start_blocked (GThreadFunc  func,
               Blocked     *blocked)
{
  GThread *thread = g_thread_new ("blocked", func, blocked);

  while (!g_atomic_int_get (&blocked->started))
    g_thread_yield ();
  g_usleep (50 * 1000);
  return thread;
}

static void
blocked_clear (Blocked *blocked)
{
  g_clear_pointer (&blocked->bytes, g_bytes_unref);
  g_clear_object (&blocked->accepted);
  g_clear_error (&blocked->error);
}

static void
check_recv_shutdown_close (SockObject *sock)
{
  g_autoptr(GError) error = NULL;
  Blocked blocked = { sock };
  GThread *thread;
  gint64 closed_at;

  test_set_io_timeout (sock, 30);
  thread = start_blocked (blocked_recv_thread, &blocked);

  g_assert_true (sock_object_shutdown (sock, SHUT_RDWR, &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_close (sock, &error));
  g_assert_no_error (error);
  closed_at = g_get_monotonic_time ();
  g_thread_join (thread);

  /* Promptly, and as the end of the stream (or an error, never a crash). */
  g_assert_cmpint (blocked.returned_at - closed_at, <, 2 * G_USEC_PER_SEC);
  if (blocked.bytes != NULL)
    g_assert_cmpuint (g_bytes_get_size (blocked.bytes), ==, 0);
  else
    g_assert_true (blocked.error->domain == SOCK_ERROR);

  g_assert_cmpint (sock_object_fileno (sock), ==, -1);
  g_assert_null (sock_object_recv (sock, 16, 0, &error));
  g_assert_error (error, SOCK_ERROR, EBADF);
  blocked_clear (&blocked);
}

static void
test_close_blocked_recv (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(SockObject) unix_sock = NULL;
  gint peer_fd;

  g_test_summary ("recv() blocked in one thread returns promptly, with the end of the "
                  "stream, when another thread shuts the socket down and closes it");
  test_watchdog_arm (30);

  test_tcp_pair (&client, &server);
  check_recv_shutdown_close (server);
  unix_sock = unix_pair (&peer_fd);
  check_recv_shutdown_close (unix_sock);
  close (peer_fd);

  test_watchdog_disarm ();
}

static void
test_close_blocked_accept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  Blocked blocked = { 0 };
  GThread *thread;
  gint64 closed_at;

  g_test_summary ("accept() blocked in one thread fails promptly when another thread shuts "
                  "the listener down and closes it");
  test_watchdog_arm (30);

  listener = test_tcp_listener_new (4, &address);
  test_set_io_timeout (listener, 30);
  blocked.sock = listener;
  thread = start_blocked (blocked_accept_thread, &blocked);

  g_assert_true (sock_object_shutdown (listener, SHUT_RDWR, &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_close (listener, &error));
  g_assert_no_error (error);
  closed_at = g_get_monotonic_time ();
  g_thread_join (thread);

  g_assert_cmpint (blocked.returned_at - closed_at, <, 2 * G_USEC_PER_SEC);
  g_assert_null (blocked.accepted);
  g_assert_nonnull (blocked.error);
  g_assert_true (blocked.error->domain == SOCK_ERROR);
  g_test_message ("accept() failed with: %s", blocked.error->message);
  blocked_clear (&blocked);

  test_watchdog_disarm ();
}

static void
test_close_blocked_deferred (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  Blocked blocked = { 0 };
  GThread *thread;
  gint peer_fd, number, pipe_fds[2];

  g_test_summary ("close() without shutdown() while recv() is blocked detaches the socket "
                  "at once but keeps its descriptor number reserved until the blocked call "
                  "returns, and only then closes it");
  test_watchdog_arm (30);

  sock = unix_pair (&peer_fd);
  /* No timeout of any kind: the kernel does the waiting, which close()
   * cannot interrupt (the watchdog bounds the test). */
  test_set_io_timeout (sock, 0);
  number = sock_object_fileno (sock);
  blocked.sock = sock;
  thread = start_blocked (blocked_recv_thread, &blocked);

  g_assert_true (sock_object_close (sock, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_fileno (sock), ==, -1);

  /* Still reserved: a new file cannot get the number. */
  g_assert_true (test_fd_is_open (number));
  g_assert_cmpint (pipe2 (pipe_fds, O_CLOEXEC), ==, 0);
  g_assert_cmpint (pipe_fds[0], !=, number);
  g_assert_cmpint (pipe_fds[1], !=, number);
  close (pipe_fds[0]);
  close (pipe_fds[1]);

  /* New calls already fail. */
  g_assert_cmpint (sock_object_send (sock, (const guint8 *) "x", 1, 0, &error), ==, -1);
  g_assert_error (error, SOCK_ERROR, EBADF);
  g_clear_error (&error);

  /* Wake the blocked call with data; it returns it, then the number goes. */
  g_assert_cmpint (write (peer_fd, "wake", 4), ==, 4);
  g_thread_join (thread);
  g_assert_no_error (blocked.error);
  g_assert_nonnull (blocked.bytes);
  g_assert_cmpmem (g_bytes_get_data (blocked.bytes, NULL), g_bytes_get_size (blocked.bytes),
                   "wake", 4);
  g_assert_false (test_fd_is_open (number));

  close (peer_fd);
  blocked_clear (&blocked);
  test_watchdog_disarm ();
}

static void
test_close_blocked_wakes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  Blocked blocked = { 0 };
  GThread *thread;
  gint peer_fd, number;
  gint64 closed_at;

  g_test_summary ("close() wakes a recv() that waits in the library's own "
                  "poll() (a socket with a timeout): it fails at once with "
                  "EBADF and the descriptor is closed");
  test_watchdog_arm (30);

  sock = unix_pair (&peer_fd);
  g_assert_true (sock_object_settimeout (sock, 30.0, &error));
  g_assert_no_error (error);
  number = sock_object_fileno (sock);
  blocked.sock = sock;
  thread = start_blocked (blocked_recv_thread, &blocked);

  g_assert_true (sock_object_close (sock, &error));
  g_assert_no_error (error);
  closed_at = g_get_monotonic_time ();
  g_thread_join (thread);

  g_assert_cmpint (g_get_monotonic_time () - closed_at, <, 2 * G_USEC_PER_SEC);
  g_assert_null (blocked.bytes);
  g_assert_error (blocked.error, SOCK_ERROR, EBADF);
  g_assert_false (test_fd_is_open (number));

  close (peer_fd);
  blocked_clear (&blocked);
  test_watchdog_disarm ();
}

/* Reused descriptor numbers ---------------------------------------------------- */

#define HAMMERS 3
#define VICTIMS 4

typedef struct
{
  SockObject *sock;
  gint stop;
  guint calls;
  guint ebadf;
  gchar *failure;
} Hammer;

/* Calls one method after another on a socket that another thread closes. */
static gpointer
hammer_thread (gpointer data)
{
  Hammer *hammer = data;
  guint i = 0;

  while (!g_atomic_int_get (&hammer->stop) && hammer->failure == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) name = NULL;
      guint8 byte;
      gint value;

      switch (i++ % 7)
        {
        case 0:
          sock_object_send (hammer->sock, (const guint8 *) "h", 1, MSG_DONTWAIT, &error);
          break;
        case 1:
          sock_object_recv_into (hammer->sock, &byte, 1, MSG_DONTWAIT, &error);
          break;
        case 2:
          sock_object_getsockopt (hammer->sock, SOL_SOCKET, SO_TYPE, &value, &error);
          break;
        case 3:
          name = sock_object_getsockname (hammer->sock, &error);
          break;
        case 4:
          sock_object_setblocking (hammer->sock, FALSE, &error);
          break;
        case 5:
          sock_object_shutdown (hammer->sock, SHUT_RDWR, &error);
          break;
        default:
          value = sock_object_fileno (hammer->sock);
          if (value < -1)
            hammer->failure = g_strdup_printf ("fileno() returned %d", value);
          break;
        }
      hammer->calls++;
      if (error != NULL && error->domain != SOCK_ERROR)
        hammer->failure = g_strdup_printf ("an error outside SOCK_ERROR: %s", error->message);
      if (g_error_matches (error, SOCK_ERROR, EBADF))
        hammer->ebadf++;
    }
  return NULL;
}

typedef struct
{
  gint sock[2];     /* a connected pair */
  gint pipe[2];
} Victim;

static void
victim_open (Victim *victim)
{
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
                               victim->sock), ==, 0);
  g_assert_cmpint (pipe2 (victim->pipe, O_CLOEXEC | O_NONBLOCK), ==, 0);
  g_assert_cmpint (send (victim->sock[0], "AB", 2, MSG_NOSIGNAL), ==, 2);
  g_assert_cmpint (send (victim->sock[1], "CD", 2, MSG_NOSIGNAL), ==, 2);
  g_assert_cmpint (write (victim->pipe[1], "EF", 2), ==, 2);
}

static gboolean
victim_has (gint         fd,
            const gchar *expected)
{
  gchar buffer[16];
  gssize n = read (fd, buffer, sizeof buffer);

  return n == 2 && memcmp (buffer, expected, 2) == 0;
}

/* Every victim still open, holding exactly what was written to it, and its
 * socket pair still working in both directions. */
static void
victim_check_and_close (Victim *victim,
                        gint    number)
{
  for (guint i = 0; i < 2; i++)
    {
      if (!test_fd_is_open (victim->sock[i]) || !test_fd_is_open (victim->pipe[i]))
        g_error ("a file that reused descriptor %d was closed by the library", number);
    }
  if (!victim_has (victim->sock[1], "AB") || !victim_has (victim->sock[0], "CD") ||
      !victim_has (victim->pipe[0], "EF"))
    g_error ("a file that reused descriptor %d was read or written by the library", number);
  if (send (victim->sock[0], "x", 1, MSG_NOSIGNAL) != 1 ||
      send (victim->sock[1], "y", 1, MSG_NOSIGNAL) != 1)
    g_error ("a socket that reused descriptor %d was shut down by the library", number);
  for (guint i = 0; i < 2; i++)
    {
      close (victim->sock[i]);
      close (victim->pipe[i]);
    }
}

static void
test_reused_number (void)
{
  const guint iterations = TEST_SCALE (300, 60);
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  guint done = 0, reused = 0, calls = 0, ebadf = 0;
  FdGuard guard;

  g_test_summary ("Threads calling methods on a socket while another thread closes it and "
                  "new files take its descriptor number never read, write, shut down or "
                  "close those files");
  test_watchdog_arm (40);
  fd_guard_start (&guard);

  for (; done < iterations && g_get_monotonic_time () < deadline; done++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockObject) sock = NULL;
      Hammer hammers[HAMMERS] = { 0 };
      GThread *threads[HAMMERS];
      Victim victims[VICTIMS];
      gint peer_fd, number;

      sock = unix_pair (&peer_fd);
      number = sock_object_fileno (sock);
      for (guint i = 0; i < HAMMERS; i++)
        {
          hammers[i].sock = sock;
          threads[i] = g_thread_new ("hammer", hammer_thread, &hammers[i]);
        }
      g_usleep (g_random_int_range (0, 500));

      g_assert_true (sock_object_close (sock, &error));
      g_assert_no_error (error);
      /* Take the freed numbers (ours among them, as soon as no call holds
       * it) while the hammers go on. */
      for (guint i = 0; i < VICTIMS; i++)
        {
          victim_open (&victims[i]);
          if (victims[i].sock[0] == number || victims[i].sock[1] == number ||
              victims[i].pipe[0] == number || victims[i].pipe[1] == number)
            reused++;
        }
      g_usleep (200);

      for (guint i = 0; i < HAMMERS; i++)
        {
          g_atomic_int_set (&hammers[i].stop, 1);
          g_thread_join (threads[i]);
          if (hammers[i].failure != NULL)
            g_error ("hammer: %s", hammers[i].failure);
          calls += hammers[i].calls;
          ebadf += hammers[i].ebadf;
        }
      for (guint i = 0; i < VICTIMS; i++)
        victim_check_and_close (&victims[i], number);
      close (peer_fd);
    }

  fd_guard_stop (&guard);
  g_test_message ("%u iterations, %u with the number reused while calls ran; %u calls, "
                  "%u of them EBADF", done, reused, calls, ebadf);
  g_assert_cmpuint (done, >, 0);
  g_assert_cmpuint (ebadf, >, 0);
  test_watchdog_disarm ();
}

/* close() against close() and fileno() ----------------------------------------- */

typedef struct
{
  SockObject *sock;
  gint *go;
  gboolean ok;
  GError *error;
  gint seen_fd;
  gint seen_closed;
  gint bad_value;
} Racer;

static void
wait_go (gint *go)
{
  while (!g_atomic_int_get (go))
    ;
}

static gpointer
close_racer (gpointer data)
{
  Racer *racer = data;

  wait_go (racer->go);
  racer->ok = sock_object_close (racer->sock, &racer->error);
  return NULL;
}

static gpointer
fileno_racer (gpointer data)
{
  Racer *racer = data;
  gint number = racer->seen_fd;

  racer->seen_fd = 0;
  g_atomic_int_set (racer->go, 1);
  /* Read until the close shows, and a little after. */
  for (guint i = 0; i < 1000000 && racer->seen_closed < 100; i++)
    {
      gint fd = sock_object_fileno (racer->sock);

      if (fd == -1)
        racer->seen_closed++;
      else if (fd == number && racer->seen_closed == 0)
        racer->seen_fd++;
      else
        racer->bad_value = fd;   /* another number, or back after -1 */
    }
  return NULL;
}

static void
test_close_close (void)
{
  const guint iterations = TEST_SCALE (2000, 200);
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  guint done;
  guint before = test_count_open_fds ();
  FdGuard guard;

  g_test_summary ("Two threads closing the same socket at once both succeed and the "
                  "descriptor is closed exactly once");
  test_watchdog_arm (40);
  fd_guard_start (&guard);

  for (done = 0; done < iterations && g_get_monotonic_time () < deadline; done++)
    {
      g_autoptr(SockObject) sock = test_socket_new (done % 2 ? AF_UNIX : AF_INET, SOCK_STREAM);
      gint go = 0;
      Racer racers[2] = { { sock, &go }, { sock, &go } };
      GThread *threads[2];

      for (guint i = 0; i < 2; i++)
        threads[i] = g_thread_new ("close", close_racer, &racers[i]);
      g_atomic_int_set (&go, 1);
      for (guint i = 0; i < 2; i++)
        {
          g_thread_join (threads[i]);
          g_assert_no_error (racers[i].error);
          g_assert_true (racers[i].ok);
        }
      g_assert_cmpint (sock_object_fileno (sock), ==, -1);
    }

  fd_guard_stop (&guard);
  g_assert_cmpuint (test_count_open_fds (), ==, before);
  g_test_message ("%u iterations", done);
  test_watchdog_disarm ();
}

static void
test_close_fileno (void)
{
  const guint iterations = TEST_SCALE (2000, 200);
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  guint done, saw_both = 0;
  FdGuard guard;

  g_test_summary ("fileno() racing with close() sees the descriptor, then -1, and never "
                  "any other number");
  test_watchdog_arm (40);
  fd_guard_start (&guard);

  for (done = 0; done < iterations && g_get_monotonic_time () < deadline; done++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_DGRAM);
      gint go = 0;
      Racer reader = { sock, &go };
      GThread *thread;

      reader.seen_fd = sock_object_fileno (sock);
      reader.bad_value = -2;
      thread = g_thread_new ("fileno", fileno_racer, &reader);
      wait_go (&go);
      for (guint spin = g_random_int_range (0, 2000); spin > 0; spin--)
        g_atomic_int_get (&go);
      g_assert_true (sock_object_close (sock, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sock_object_fileno (sock), ==, -1);
      g_thread_join (thread);

      g_assert_cmpint (reader.bad_value, ==, -2);
      if (reader.seen_fd > 0 && reader.seen_closed > 0)
        saw_both++;
    }

  fd_guard_stop (&guard);
  g_test_message ("%u iterations, %u saw the close happen", done, saw_both);
  test_watchdog_disarm ();
}

/* Concurrent use ---------------------------------------------------------------- */

#define SENDERS 4
#define DATAGRAMS 500

typedef struct
{
  SockObject *sock;
  GVariant *address;
  guint id;
  GError *error;
} Sender;

static gpointer
datagram_sender (gpointer data)
{
  Sender *sender = data;

  for (guint i = 0; i < DATAGRAMS && sender->error == NULL; i++)
    {
      guint8 datagram[512];
      gsize size = 16 + (i * 37 + sender->id * 11) % (sizeof datagram - 16);

      test_fill_pattern (datagram, size, sender->id * 100000 + i, 0);
      datagram[0] = sender->id;
      memcpy (datagram + 1, &i, sizeof i);
      if (sock_object_sendto (sender->sock, datagram, size, 0,
                              sender->address, &sender->error) != (gssize) size &&
          sender->error == NULL)
        g_error ("sendto sent part of a datagram");
      /* Keep well inside the receiver's buffer. */
      if (i % 32 == 31)
        g_usleep (1000);
    }
  return NULL;
}

static void
test_shared_datagram (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) receiver = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(SockObject) shared = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(GVariant) address = g_variant_ref_sink (test_abstract_address_new ());
  Sender senders[SENDERS];
  GThread *threads[SENDERS];
  guint received[SENDERS] = { 0 };

  g_test_summary ("Several threads sending datagrams through one socket at once: every "
                  "datagram arrives whole and in each sender's order");
  test_watchdog_arm (30);

  g_assert_true (sock_object_bind (receiver, address, &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_setsockopt (receiver, SOL_SOCKET, SO_RCVBUF, 1 << 20, &error));
  g_assert_no_error (error);
  test_set_io_timeout (receiver, 10);
  /* No timeout on the shared socket: a sendto() that finds the receiver's
   * queue full waits in the kernel, with the other senders. */
  test_set_io_timeout (shared, 0);

  for (guint i = 0; i < SENDERS; i++)
    {
      senders[i] = (Sender) { shared, address, i, NULL };
      threads[i] = g_thread_new ("sender", datagram_sender, &senders[i]);
    }

  for (guint n = 0; n < SENDERS * DATAGRAMS; n++)
    {
      guint8 datagram[1024], expected[512];
      gssize size = sock_object_recv_into (receiver, datagram, sizeof datagram, 0, &error);
      guint id, index;

      g_assert_no_error (error);
      g_assert_cmpint (size, >=, 16);
      id = datagram[0];
      memcpy (&index, datagram + 1, sizeof index);
      g_assert_cmpuint (id, <, SENDERS);
      g_assert_cmpuint (index, ==, received[id]);
      test_fill_pattern (expected, size, id * 100000 + index, 0);
      g_assert_cmpmem (datagram + 1 + sizeof index, size - 1 - sizeof index,
                       expected + 1 + sizeof index, size - 1 - sizeof index);
      received[id]++;
    }

  for (guint i = 0; i < SENDERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (senders[i].error);
      g_assert_cmpuint (received[i], ==, DATAGRAMS);
    }
  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/threads/close/blocked-recv", test_close_blocked_recv);
  g_test_add_func ("/threads/close/blocked-accept", test_close_blocked_accept);
  g_test_add_func ("/threads/close/deferred", test_close_blocked_deferred);
  g_test_add_func ("/threads/close/wakes-poll", test_close_blocked_wakes);
  g_test_add_func ("/threads/close/reused-number", test_reused_number);
  g_test_add_func ("/threads/close/concurrent-close", test_close_close);
  g_test_add_func ("/threads/fileno/racing-close", test_close_fileno);
  g_test_add_func ("/threads/sendto/shared-socket", test_shared_datagram);

  return g_test_run ();
}
