/* dup.c: tests of who owns a socket's descriptor: socketpair, dup,
 * detach (also while another thread is inside a call), fromfd detecting
 * the family, and the inheritable flag
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gfiledescriptorbased.h>

#include "sock-fromfd-private.h"
#include "test-util.h"

static gboolean
fd_is_nonblocking (gint fd)
{
  gint flags = fcntl (fd, F_GETFL);

  g_assert_cmpint (flags, >=, 0);
  return (flags & O_NONBLOCK) != 0;
}

static void
assert_connected (SockObject *a,
                  SockObject *b)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sock_object_send (a, (const guint8 *) "ping", 4, 0, &error), ==, 4);
  g_assert_no_error (error);
  test_assert_recv_string (b, "ping");
}

/* socketpair ----------------------------------------------------------------------- */

static void
test_socketpair_default (void)
{
  g_autoptr(GError) error = NULL;
  SockObject *a = NULL;
  SockObject *b = NULL;
  guint fds_before = test_count_open_fds ();

  g_test_summary ("socketpair (0, 0, 0) gives two connected, close-on-exec, blocking "
                  "AF_UNIX stream sockets, as CPython's socketpair() with its defaults");

  g_assert_true (sock_socketpair (0, 0, 0, &a, &b, &error));
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_UNIX_OBJECT (a));
  g_assert_true (SOCK_IS_UNIX_OBJECT (b));
  for (guint i = 0; i < 2; i++)
    {
      SockObject *sock = i == 0 ? a : b;

      g_assert_cmpint (sock_object_get_family (sock), ==, AF_UNIX);
      g_assert_cmpint (sock_object_get_socket_type (sock), ==, SOCK_STREAM);
      g_assert_cmpint (sock_object_get_proto (sock), ==, 0);
      g_assert_cmpfloat (sock_object_gettimeout (sock), ==, -1.0);
      g_assert_true (test_fd_is_cloexec (sock_object_fileno (sock)));
      g_assert_false (fd_is_nonblocking (sock_object_fileno (sock)));
    }
  test_set_io_timeout (a, TEST_IO_TIMEOUT_SECONDS);
  test_set_io_timeout (b, TEST_IO_TIMEOUT_SECONDS);
  assert_connected (a, b);
  assert_connected (b, a);

  g_object_unref (a);
  g_object_unref (b);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
}

static void
test_socketpair_types (void)
{
  g_test_summary ("Datagram and sequenced-packet pairs keep their message boundaries");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockObject) a = NULL;
      g_autoptr(SockObject) b = NULL;
      g_autoptr(GBytes) first = NULL;
      gint type = i == 0 ? SOCK_DGRAM : SOCK_SEQPACKET;

      test_unix_pair (type, &a, &b);
      g_assert_cmpint (sock_object_get_socket_type (a), ==, type);
      g_assert_cmpint (sock_object_send (a, (const guint8 *) "one", 3, 0, &error), ==, 3);
      g_assert_cmpint (sock_object_send (a, (const guint8 *) "two", 3, 0, &error), ==, 3);
      first = sock_object_recv (b, 100, 0, &error);
      g_assert_no_error (error);
      test_assert_bytes_eq (first, "one");
    }
}

static void
test_socketpair_timeouts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(SockObject) c = NULL;
  g_autoptr(SockObject) d = NULL;

  g_test_summary ("Both ends take the default timeout, as new sockets do; SOCK_NONBLOCK in "
                  "the type makes them non-blocking instead");

  sock_setdefaulttimeout (2.5);
  g_assert_true (sock_socketpair (AF_UNIX, SOCK_STREAM, 0, &a, &b, &error));
  sock_setdefaulttimeout (-1);
  g_assert_no_error (error);
  g_assert_cmpfloat (sock_object_gettimeout (a), ==, 2.5);
  g_assert_cmpfloat (sock_object_gettimeout (b), ==, 2.5);
  g_assert_true (fd_is_nonblocking (sock_object_fileno (a)));

  sock_setdefaulttimeout (2.5);
  g_assert_true (sock_socketpair (AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, &c, &d, &error));
  sock_setdefaulttimeout (-1);
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_get_socket_type (c), ==, SOCK_DGRAM);
  g_assert_cmpfloat (sock_object_gettimeout (c), ==, 0.0);
  g_assert_false (sock_object_get_blocking (d));
  g_assert_true (fd_is_nonblocking (sock_object_fileno (d)));
}

static void
test_socketpair_failures (void)
{
  g_autoptr(GError) error = NULL;
  SockObject *a = (SockObject *) 0x1;
  SockObject *b = (SockObject *) 0x1;
  guint fds_before = test_count_open_fds ();

  g_test_summary ("An internet pair is the system's EOPNOTSUPP, a family the library has no "
                  "class for EAFNOSUPPORT, a bad type EINVAL-like; the out arguments are "
                  "NULL and nothing leaks");

  g_assert_false (sock_socketpair (AF_INET, SOCK_STREAM, 0, &a, &b, &error));
  test_assert_sock_error (error, EOPNOTSUPP);
  g_assert_null (a);
  g_assert_null (b);
  g_clear_error (&error);

  g_assert_false (sock_socketpair (AF_NETLINK, SOCK_DGRAM, 0, &a, &b, &error));
  test_assert_sock_error (error, EAFNOSUPPORT);
  g_clear_error (&error);

  g_assert_false (sock_socketpair (AF_UNIX, 12345, 0, &a, &b, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
  g_assert_null (a);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
}

/* dup ------------------------------------------------------------------------------- */

static void
test_dup_independent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(SockObject) copy = NULL;

  g_test_summary ("dup() gives an object of the same class, family, type and protocol over "
                  "a new close-on-exec descriptor of the same socket; closing one leaves "
                  "the other working");

  test_tcp_pair (&a, &b);
  copy = sock_object_dup (a, &error);
  g_assert_no_error (error);
  g_assert_true (G_OBJECT_TYPE (copy) == G_OBJECT_TYPE (a));
  g_assert_cmpint (sock_object_get_family (copy), ==, AF_INET);
  g_assert_cmpint (sock_object_get_socket_type (copy), ==, SOCK_STREAM);
  g_assert_cmpint (sock_object_get_proto (copy), ==, sock_object_get_proto (a));
  g_assert_cmpint (sock_object_fileno (copy), !=, sock_object_fileno (a));
  g_assert_true (test_fd_is_cloexec (sock_object_fileno (copy)));

  g_assert_true (sock_object_close (a, &error));
  assert_connected (copy, b);
  assert_connected (b, copy);

  g_assert_null (sock_object_dup (a, &error));
  test_assert_sock_error (error, EBADF);
}

static void
test_dup_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(SockObject) timed = NULL;
  g_autoptr(SockObject) blocking = NULL;

  g_test_summary ("The duplicate keeps the original's timeout, not the default one, and "
                  "making it leaves the shared O_NONBLOCK flag alone");

  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (sock_object_settimeout (a, 1.5, &error));
  timed = sock_object_dup (a, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sock_object_gettimeout (timed), ==, 1.5);

  /* A blocking original, with a default timeout set: it stays blocking. */
  sock_setdefaulttimeout (3.0);
  blocking = sock_object_dup (b, &error);
  sock_setdefaulttimeout (-1);
  g_assert_no_error (error);
  g_assert_cmpfloat (sock_object_gettimeout (blocking), ==, -1.0);
  g_assert_false (fd_is_nonblocking (sock_object_fileno (b)));
  assert_connected (a, b);
}

/* detach ------------------------------------------------------------------------ */

static void
test_detach_basic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  guint8 buffer[8];
  guint notified = 0;
  gint fd, number;

  g_test_summary ("detach() returns the descriptor open and the object closed: calls are "
                  "EBADF, fileno -1 (notified), dropping the object leaves the descriptor "
                  "open; a second detach() and one on a closed socket return -1");

  test_unix_pair (SOCK_STREAM, &a, &b);
  number = sock_object_fileno (a);
  g_signal_connect_swapped (a, "notify::fileno", G_CALLBACK (g_atomic_int_inc), &notified);
  fd = sock_object_detach (a);
  g_assert_cmpint (fd, ==, number);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (sock_object_fileno (a), ==, -1);
  g_assert_cmpint (sock_object_detach (a), ==, -1);
  g_assert_cmpint (sock_object_send (a, (const guint8 *) "x", 1, 0, &error), ==, -1);
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);

  g_clear_object (&a);
  g_assert_true (test_fd_is_open (fd));
  g_assert_cmpint (send (fd, "raw", 3, 0), ==, 3);
  test_assert_recv_string (b, "raw");
  g_assert_cmpint (sock_object_send (b, (const guint8 *) "back", 4, 0, &error), ==, 4);
  g_assert_cmpint (recv (fd, buffer, sizeof buffer, 0), ==, 4);
  g_assert_cmpint (close (fd), ==, 0);

  g_assert_true (sock_object_close (b, &error));
  g_assert_cmpint (sock_object_detach (b), ==, -1);
}

typedef struct
{
  SockObject *sock;
  gint64 returned_at;
  gssize result;
  GError *error;
  gchar data[8];
} Call;

static gpointer
recv_in_thread (gpointer user_data)
{
  Call *call = user_data;

  call->result = sock_object_recv_into (call->sock, (guint8 *) call->data, sizeof call->data,
                                        0, &call->error);
  call->returned_at = g_get_monotonic_time ();
  return NULL;
}

static void
test_detach_racing_wait (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  Call call = { NULL, 0, 0, NULL, { 0 } };
  GThread *thread;
  gint64 start;
  gint fd;

  g_test_summary ("detach() while another thread waits in recv() on a timeout: the wait is "
                  "woken at once and fails with EBADF, detach() returns the descriptor "
                  "open, and nothing was read from it");
  test_watchdog_arm (30);

  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (sock_object_settimeout (a, 10, &error));
  call.sock = a;
  thread = g_thread_new ("recv", recv_in_thread, &call);
  g_usleep (100000);

  start = g_get_monotonic_time ();
  fd = sock_object_detach (a);
  g_thread_join (thread);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (call.result, ==, -1);
  g_assert_error (call.error, SOCK_ERROR, EBADF);
  g_clear_error (&call.error);
  g_assert_cmpint (call.returned_at - start, <, 5 * G_USEC_PER_SEC);

  g_assert_cmpint (sock_object_send (b, (const guint8 *) "kept", 4, 0, &error), ==, 4);
  g_assert_cmpint (recv (fd, call.data, sizeof call.data, 0), ==, 4);
  g_assert_cmpmem (call.data, 4, "kept", 4);
  close (fd);
  test_watchdog_disarm ();
}

typedef struct
{
  SockObject *sock;
  gint fd;
  gint64 returned_at;
} Detach;

static gpointer
detach_in_thread (gpointer user_data)
{
  Detach *detach = user_data;

  detach->fd = sock_object_detach (detach->sock);
  detach->returned_at = g_get_monotonic_time ();
  return NULL;
}

static void
test_detach_racing_kernel_call (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  Call call = { NULL, 0, 0, NULL, { 0 } };
  Detach detach = { NULL, -1, 0 };
  GThread *receiver, *detacher;
  gint64 sent_at;

  g_test_summary ("detach() while another thread is blocked inside recv(2) (no timeout): "
                  "detach() waits until that call returns, which gets the data sent, and "
                  "then returns the descriptor");
  test_watchdog_arm (30);

  g_assert_true (sock_socketpair (AF_UNIX, SOCK_STREAM, 0, &a, &b, &error));
  g_assert_no_error (error);
  call.sock = a;
  receiver = g_thread_new ("recv", recv_in_thread, &call);
  g_usleep (100000);

  detach.sock = a;
  detacher = g_thread_new ("detach", detach_in_thread, &detach);
  g_usleep (200000);
  g_assert_cmpint (g_atomic_int_get (&detach.fd), ==, -1);

  sent_at = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_send (b, (const guint8 *) "late", 4, 0, &error), ==, 4);
  g_thread_join (receiver);
  g_thread_join (detacher);

  g_assert_no_error (call.error);
  g_assert_cmpint (call.result, ==, 4);
  g_assert_cmpmem (call.data, 4, "late", 4);
  g_assert_cmpint (detach.fd, >=, 0);
  g_assert_cmpint (detach.returned_at, >=, sent_at);
  g_assert_true (test_fd_is_open (detach.fd));
  close (detach.fd);
  test_watchdog_disarm ();
}

static void
test_detach_racing_last_release (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  Call calls[2] = { { NULL, 0, 0, NULL, { 0 } }, { NULL, 0, 0, NULL, { 0 } } };
  Detach detach = { NULL, -1, 0 };
  GThread *receivers[2], *detacher;
  gint64 last_at;
  guint i;

  g_test_summary ("detach() while two threads are blocked inside recv(2): the first call "
                  "to return does not end the wait, the last one does, and detach() then "
                  "returns at once (not at a later poll)");
  test_watchdog_arm (30);

  g_assert_true (sock_socketpair (AF_UNIX, SOCK_STREAM, 0, &a, &b, &error));
  g_assert_no_error (error);
  for (i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      calls[i].sock = a;
      receivers[i] = g_thread_new ("recv", recv_in_thread, &calls[i]);
    }
  g_usleep (100000);

  detach.sock = a;
  detacher = g_thread_new ("detach", detach_in_thread, &detach);
  g_usleep (200000);
  g_assert_cmpint (g_atomic_int_get (&detach.fd), ==, -1);

  /* One message wakes one receiver; the other still pins the descriptor. */
  g_assert_cmpint (sock_object_send (b, (const guint8 *) "one", 3, 0, &error), ==, 3);
  g_assert_no_error (error);
  g_usleep (300000);
  g_assert_cmpint (g_atomic_int_get (&detach.fd), ==, -1);

  /* Before the last pin can go: a receiver stamps its return only after
   * letting go, so detach() may return before that stamp. */
  last_at = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_send (b, (const guint8 *) "two", 3, 0, &error), ==, 3);
  g_assert_no_error (error);
  for (i = 0; i < G_N_ELEMENTS (receivers); i++)
    g_thread_join (receivers[i]);
  g_thread_join (detacher);

  for (i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_cmpint (calls[i].result, ==, 3);
    }
  g_assert_true ((memcmp (calls[0].data, "one", 3) == 0 && memcmp (calls[1].data, "two", 3) == 0) ||
                 (memcmp (calls[0].data, "two", 3) == 0 && memcmp (calls[1].data, "one", 3) == 0));
  g_assert_cmpint (detach.fd, >=, 0);
  g_assert_cmpint (detach.returned_at, >=, last_at);
  g_assert_cmpint (detach.returned_at - last_at, <, 5 * G_USEC_PER_SEC);
  g_assert_true (test_fd_is_open (detach.fd));
  close (detach.fd);
  test_watchdog_disarm ();
}

typedef struct
{
  SockObject *sock;
  gint64 until;
  GError *error;
} Pinning;

static gpointer
pin_until_closed (gpointer user_data)
{
  Pinning *pinning = user_data;
  gint value;

  /* Each call pins the descriptor for a moment, until one fails: detach()
   * has taken the descriptor. A time bound, not a count: how many calls
   * fit before detach() depends on the scheduler (under valgrind, about
   * a million once). */
  while (g_get_monotonic_time () < pinning->until &&
         sock_object_getsockopt (pinning->sock, SOL_SOCKET, SO_TYPE, &value, &pinning->error))
    ;

  return NULL;
}

static void
test_detach_racing_calls (void)
{
  guint rounds = TEST_SCALE (200, 20), round;
  gint64 deadline;

  g_test_summary ("detach() while another thread makes short calls on the socket without "
                  "pause, many times over: the last release always wakes detach(), which "
                  "returns the descriptor open, and the calls then fail with EBADF");
  test_watchdog_arm (60);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (round = 0; round < rounds && g_get_monotonic_time () < deadline; round++)
    {
      g_autoptr(SockObject) a = NULL;
      g_autoptr(SockObject) b = NULL;
      Pinning pinning = { NULL, 0, NULL };
      GThread *thread;
      gint fd;

      test_unix_pair (SOCK_STREAM, &a, &b);
      pinning.sock = a;
      pinning.until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      thread = g_thread_new ("pin", pin_until_closed, &pinning);
      /* Sometimes before the first call, sometimes amid them. */
      if (round % 2)
        g_usleep (round % 7 * 100);

      fd = sock_object_detach (a);
      g_thread_join (thread);

      g_assert_cmpint (fd, >=, 0);
      g_assert_true (test_fd_is_open (fd));
      test_assert_sock_error (pinning.error, EBADF);
      g_clear_error (&pinning.error);
      g_assert_cmpint (close (fd), ==, 0);
    }
  g_assert_cmpuint (round, >, 0);
  test_watchdog_disarm ();
}

/* fromfd ------------------------------------------------------------------------------- */

typedef struct
{
  gint family;
  gint type;
  gint proto;          /* what SO_PROTOCOL reports */
  gboolean inet;
} Detected;

static void
test_fromfd_detect (void)
{
  static const Detected cases[] = {
    { AF_INET, SOCK_STREAM, IPPROTO_TCP, TRUE },
    { AF_INET, SOCK_DGRAM, IPPROTO_UDP, TRUE },
    { AF_INET6, SOCK_STREAM, IPPROTO_TCP, TRUE },
    { AF_UNIX, SOCK_STREAM, 0, FALSE },
    { AF_UNIX, SOCK_DGRAM, 0, FALSE },
    { AF_UNIX, SOCK_SEQPACKET, 0, FALSE },
  };

  g_test_summary ("fromfd (fd, 0, 0, 0) reads the family, type and protocol from the "
                  "descriptor and makes the family's class, as socket(fileno=fd)");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockObject) made = NULL;
      gint fd;

      fd = socket (cases[i].family, cases[i].type | SOCK_CLOEXEC, 0);
      if (fd < 0 && cases[i].family == AF_INET6)
        continue;
      g_assert_cmpint (fd, >=, 0);

      made = sock_fromfd (fd, 0, 0, 0, &error);
      g_assert_no_error (error);
      g_assert_true (cases[i].inet ? SOCK_IS_INET_OBJECT (made) : SOCK_IS_UNIX_OBJECT (made));
      g_assert_cmpint (sock_object_get_family (made), ==, cases[i].family);
      g_assert_cmpint (sock_object_get_socket_type (made), ==, cases[i].type);
      g_assert_cmpint (sock_object_get_proto (made), ==, cases[i].proto);
      /* A duplicate, as always. */
      g_assert_cmpint (sock_object_fileno (made), !=, fd);
      g_clear_object (&made);

      /* Given a family, only a type of 0 is read; the protocol stays. */
      made = sock_fromfd (fd, cases[i].family, 0, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sock_object_get_socket_type (made), ==, cases[i].type);
      g_assert_cmpint (sock_object_get_proto (made), ==, 0);
      close (fd);
    }
}

static void
test_fromfd_detect_failures (void)
{
  g_autoptr(GError) error = NULL;
  guint fds_before = test_count_open_fds ();
  gint pipe_fds[2];
  gint netlink;

  g_test_summary ("Detection on a descriptor that is not a socket is ENOTSOCK, on a family "
                  "the library has no class for EAFNOSUPPORT, on one that is not open EBADF; "
                  "the duplicate is closed each time");

  g_assert_cmpint (pipe2 (pipe_fds, O_CLOEXEC), ==, 0);
  g_assert_null (sock_fromfd (pipe_fds[0], 0, 0, 0, &error));
  test_assert_sock_error (error, ENOTSOCK);
  g_clear_error (&error);
  close (pipe_fds[0]);
  close (pipe_fds[1]);

  netlink = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (netlink >= 0)
    {
      g_assert_null (sock_fromfd (netlink, 0, 0, 0, &error));
      test_assert_sock_error (error, EAFNOSUPPORT);
      g_clear_error (&error);
      close (netlink);
    }

  g_assert_null (sock_fromfd (G_MAXINT, 0, 0, 0, &error));
  test_assert_sock_error (error, EBADF);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
}

static void
test_fromfd_take (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) taken = NULL;
  guint fds_before = test_count_open_fds ();
  gint fds[2], pipe_fds[2];
  gchar byte = 'x';

  g_test_summary ("_sock_fromfd_take(), the override's socket(fileno=fd): the object owns "
                  "fd itself, under its number, and its close closes fd; a failure leaves "
                  "fd open, the caller's");

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  taken = _sock_fromfd_take (fds[0], -1, -1, -1, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_UNIX_OBJECT (taken));
  g_assert_cmpint (sock_object_fileno (taken), ==, fds[0]);
  g_assert_cmpint (sock_object_get_socket_type (taken), ==, SOCK_STREAM);
  g_assert_cmpint (sock_object_send (taken, (const guint8 *) &byte, 1, 0, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (read (fds[1], &byte, 1), ==, 1);
  g_assert_true (sock_object_close (taken, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fcntl (fds[0], F_GETFD), ==, -1);
  g_assert_cmpint (errno, ==, EBADF);
  g_clear_object (&taken);

  /* Only what is -1 is read, as in CPython: a given protocol stays. */
  for (gint read_proto = 0; read_proto < 2; read_proto++)
    {
      gint fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

      g_assert_cmpint (fd, >=, 0);
      taken = _sock_fromfd_take (fd, AF_INET, -1, read_proto ? -1 : 0, &error);
      g_assert_no_error (error);
      g_assert_true (SOCK_IS_INET_OBJECT (taken));
      g_assert_cmpint (sock_object_fileno (taken), ==, fd);
      g_assert_cmpint (sock_object_get_socket_type (taken), ==, SOCK_STREAM);
      g_assert_cmpint (sock_object_get_proto (taken), ==, read_proto ? IPPROTO_TCP : 0);
      g_clear_object (&taken);
      g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
    }

  /* Each failure leaves the descriptor as it was. */
  g_assert_null (_sock_fromfd_take (fds[1], 12345, SOCK_STREAM, 0, &error));
  test_assert_sock_error (error, EAFNOSUPPORT);
  g_clear_error (&error);
  g_assert_cmpint (fcntl (fds[1], F_GETFD), ==, FD_CLOEXEC);
  close (fds[1]);

  g_assert_cmpint (pipe2 (pipe_fds, O_CLOEXEC), ==, 0);
  g_assert_null (_sock_fromfd_take (pipe_fds[0], -1, -1, -1, &error));
  test_assert_sock_error (error, ENOTSOCK);
  g_clear_error (&error);
  g_assert_cmpint (fcntl (pipe_fds[0], F_GETFD), ==, FD_CLOEXEC);
  /* Checked even when nothing is to be read, and not made non-blocking
   * under a default timeout. */
  sock_setdefaulttimeout (5.0);
  g_assert_null (_sock_fromfd_take (pipe_fds[0], AF_UNIX, SOCK_STREAM, 0, &error));
  sock_setdefaulttimeout (-1);
  test_assert_sock_error (error, ENOTSOCK);
  g_clear_error (&error);
  g_assert_cmpint (fcntl (pipe_fds[0], F_GETFL) & O_NONBLOCK, ==, 0);
  close (pipe_fds[0]);
  close (pipe_fds[1]);

  g_assert_null (_sock_fromfd_take (-1, -1, -1, -1, &error));
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);
  g_assert_null (_sock_fromfd_take (pipe_fds[1], -1, -1, -1, &error));
  test_assert_sock_error (error, EBADF);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
}

/* The inheritable flag --------------------------------------------------------------- */

static void
test_inheritable_flag (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GIOStream) stream = NULL;
  gint fd;

  g_test_summary ("Sockets start not inheritable; set_inheritable() clears and sets "
                  "FD_CLOEXEC on the socket's own descriptor only; on a closed socket get is "
                  "FALSE and set EBADF");

  test_unix_pair (SOCK_STREAM, &a, &b);
  fd = sock_object_fileno (a);
  g_assert_false (sock_object_get_inheritable (a));

  g_assert_true (sock_object_set_inheritable (a, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_get_inheritable (a));
  g_assert_false (test_fd_is_cloexec (fd));
  stream = sock_object_makefile (a, "rwb", 0, &error);
  g_assert_no_error (error);
  g_assert_true (test_fd_is_cloexec (g_file_descriptor_based_get_fd (
                   G_FILE_DESCRIPTOR_BASED (g_io_stream_get_input_stream (stream)))));

  g_assert_true (sock_object_set_inheritable (a, FALSE, &error));
  g_assert_false (sock_object_get_inheritable (a));
  g_assert_true (test_fd_is_cloexec (fd));

  g_assert_true (sock_object_close (a, &error));
  g_assert_false (sock_object_get_inheritable (a));
  g_assert_false (sock_object_set_inheritable (a, TRUE, &error));
  test_assert_sock_error (error, EBADF);
}

static void
test_inheritable_exec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;

  g_test_summary ("A program executed with descriptors left open writes into an inheritable "
                  "socket; a socket that is not inheritable never reaches it");

  for (guint round = 0; round < 2; round++)
    {
      g_autofree gchar *command = NULL;
      gboolean inheritable = round == 0;
      gchar *argv[] = { "/bin/sh", "-c", NULL, NULL };
      guint8 buffer[16];
      gint status = 0;

      test_unix_pair (SOCK_STREAM, &a, &b);
      g_assert_true (sock_object_set_inheritable (a, inheritable, &error));
      command = g_strdup_printf ("printf inherited >&%d", sock_object_fileno (a));
      argv[2] = command;
      g_assert_true (g_spawn_sync (NULL, argv, NULL,
                                   G_SPAWN_LEAVE_DESCRIPTORS_OPEN | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (sock_object_close (a, &error));

      if (inheritable)
        test_assert_recv_string (b, "inherited");
      else
        g_assert_cmpint (sock_object_recv_into (b, buffer, sizeof buffer, 0, &error), ==, 0);
      g_assert_no_error (error);
      g_clear_object (&a);
      g_clear_object (&b);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dup/socketpair/default", test_socketpair_default);
  g_test_add_func ("/dup/socketpair/types", test_socketpair_types);
  g_test_add_func ("/dup/socketpair/timeouts", test_socketpair_timeouts);
  g_test_add_func ("/dup/socketpair/failures", test_socketpair_failures);
  g_test_add_func ("/dup/dup/independent", test_dup_independent);
  g_test_add_func ("/dup/dup/timeout", test_dup_timeout);
  g_test_add_func ("/dup/detach/basic", test_detach_basic);
  g_test_add_func ("/dup/detach/racing-wait", test_detach_racing_wait);
  g_test_add_func ("/dup/detach/racing-kernel-call", test_detach_racing_kernel_call);
  g_test_add_func ("/dup/detach/racing-last-release", test_detach_racing_last_release);
  g_test_add_func ("/dup/detach/racing-calls", test_detach_racing_calls);
  g_test_add_func ("/dup/fromfd/detect", test_fromfd_detect);
  g_test_add_func ("/dup/fromfd/detect-failures", test_fromfd_detect_failures);
  g_test_add_func ("/dup/fromfd/take", test_fromfd_take);
  g_test_add_func ("/dup/get_inheritable/flag", test_inheritable_flag);
  g_test_add_func ("/dup/set_inheritable/exec", test_inheritable_exec);

  return g_test_run ();
}
