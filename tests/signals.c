/* signals.c: calls interrupted by signals complete correctly
 *
 * A SIGALRM handler installed without SA_RESTART fires every millisecond
 * (setitimer) and is also sent straight to the threads that are blocked in
 * the library (pthread_kill), so every blocking system call the library makes
 * sees EINTR many times. Every call must still complete with the right
 * result, with no byte lost or duplicated, and the library must never change
 * the process's signal dispositions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sock-interrupt-private.h"
#include "test-util.h"

/* The storm of signals ---------------------------------------------------- */

typedef struct
{
  pthread_t thread;
  gint signals;          /* atomic: signals this thread has handled */
  gint finished;         /* atomic: the thread left the library */
} Target;

static __thread Target *current_target;
static gint total_signals;

static GMutex targets_lock;
static GPtrArray *targets;
static GThread *pinger;
static gint pinger_stop;

static void
on_alarm (int signo)
{
  gint saved_errno = errno;
  Target *target = current_target;

  if (target != NULL)
    g_atomic_int_inc (&target->signals);
  g_atomic_int_inc (&total_signals);
  errno = saved_errno;
}

static void
install_handler (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = on_alarm;
  sigemptyset (&action.sa_mask);
  action.sa_flags = 0;   /* deliberately no SA_RESTART: calls see EINTR */
  g_assert_cmpint (sigaction (SIGALRM, &action, NULL), ==, 0);
}

static gpointer
pinger_thread (gpointer data)
{
  sigset_t set;

  /* Leave the process-directed timer signals to the threads under test. */
  sigemptyset (&set);
  sigaddset (&set, SIGALRM);
  pthread_sigmask (SIG_BLOCK, &set, NULL);

  while (!g_atomic_int_get (&pinger_stop))
    {
      struct timespec interval = { 0, 1000 * 1000 };

      g_mutex_lock (&targets_lock);
      for (guint i = 0; i < targets->len; i++)
        pthread_kill (((Target *) targets->pdata[i])->thread, SIGALRM);
      g_mutex_unlock (&targets_lock);
      nanosleep (&interval, NULL);
    }
  return NULL;
}

static void
storm_start (void)
{
  struct itimerval timer = { { 0, 1000 }, { 0, 1000 } };

  targets = g_ptr_array_new ();
  g_atomic_int_set (&pinger_stop, 0);
  pinger = g_thread_new ("pinger", pinger_thread, NULL);
  g_assert_cmpint (setitimer (ITIMER_REAL, &timer, NULL), ==, 0);
}

static void
storm_stop (void)
{
  struct itimerval off = { { 0, 0 }, { 0, 0 } };

  g_assert_cmpint (setitimer (ITIMER_REAL, &off, NULL), ==, 0);
  g_atomic_int_set (&pinger_stop, 1);
  g_thread_join (pinger);
  pinger = NULL;
  g_clear_pointer (&targets, g_ptr_array_unref);
}

/* Called by a thread about to block in the library. */
static void
target_register (Target *target)
{
  target->thread = pthread_self ();
  current_target = target;
  g_mutex_lock (&targets_lock);
  g_ptr_array_add (targets, target);
  g_mutex_unlock (&targets_lock);
}

static void
target_unregister (Target *target)
{
  g_mutex_lock (&targets_lock);
  g_ptr_array_remove (targets, target);
  g_mutex_unlock (&targets_lock);
  current_target = NULL;
  g_atomic_int_set (&target->finished, 1);
}

/* Waits (bounded) until @target has handled @count signals, which shows
 * that the storm reaches it while it is blocked. A call that returns early
 * ends the wait; the test's checks of its result then tell what went wrong. */
static void
wait_for_signals (Target *target,
                  gint    count)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&target->signals) < count &&
         !g_atomic_int_get (&target->finished))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
}

/* accept ------------------------------------------------------------------ */

typedef struct
{
  Target target;
  SockObject *sock;
  GVariant *address;
  SockObject *result;
  gboolean ok;
  GError *error;
  guint8 *buffer;
  gsize size;
  gsize done;
  TestSum sum;
} Work;

static void
work_clear (Work *work)
{
  g_clear_object (&work->result);
  g_clear_pointer (&work->address, g_variant_unref);
  g_clear_error (&work->error);
  g_clear_pointer (&work->buffer, g_free);
}

static gpointer
accept_thread (gpointer data)
{
  Work *work = data;

  target_register (&work->target);
  work->result = sock_object_accept (work->sock, &work->address, &work->error);
  target_unregister (&work->target);
  return NULL;
}

static void
test_accept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Work work = { 0 };
  GThread *thread;

  g_test_summary ("accept() blocked while signals arrive returns the connection");
  test_watchdog_arm (30);

  listener = test_tcp_listener_new (4, &address);
  /* No timeout: this accept() waits in the kernel, and every signal makes it
   * fail with EINTR (the other tests here wait on a deadline, in poll()). */
  test_set_io_timeout (listener, 0);
  storm_start ();
  work.sock = listener;
  thread = g_thread_new ("accept", accept_thread, &work);
  wait_for_signals (&work.target, 50);

  client = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_connect (client, address, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  storm_stop ();

  g_assert_no_error (work.error);
  g_assert_nonnull (work.result);
  g_assert_nonnull (work.address);
  g_assert_cmpstr (g_variant_get_type_string (work.address), ==, "(sq)");

  g_assert_cmpint (sock_object_send (client, (const guint8 *) "ok", 2, 0, &error), ==, 2);
  g_assert_no_error (error);
  bytes = sock_object_recv (work.result, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "ok", 2);

  g_test_message ("%d signals handled, %d by the accepting thread",
                  g_atomic_int_get (&total_signals), work.target.signals);
  work_clear (&work);
  test_watchdog_disarm ();
}

/* recv ---------------------------------------------------------------------- */

#define RECV_ROUNDS 20

static gpointer
recv_thread (gpointer data)
{
  Work *work = data;
  guint round = 0;

  target_register (&work->target);
  while (work->done < work->size && work->error == NULL)
    {
      gsize want = work->size - work->done;
      gssize n;

      /* Take turns through the three receiving calls. */
      switch (round++ % 3)
        {
        case 0:
          n = sock_object_recv_into (work->sock, work->buffer + work->done, want, 0,
                                     &work->error);
          break;
        case 1:
          {
            g_autoptr(GBytes) bytes = sock_object_recv (work->sock, want, 0, &work->error);

            n = bytes ? (gssize) g_bytes_get_size (bytes) : -1;
            if (n > 0)
              memcpy (work->buffer + work->done, g_bytes_get_data (bytes, NULL), n);
          }
          break;
        default:
          {
            g_autoptr(GBytes) bytes = sock_object_recvfrom (work->sock, want, 0, NULL,
                                                            &work->error);

            n = bytes ? (gssize) g_bytes_get_size (bytes) : -1;
            if (n > 0)
              memcpy (work->buffer + work->done, g_bytes_get_data (bytes, NULL), n);
          }
          break;
        }
      if (n == 0)
        break;
      if (n > 0)
        work->done += n;
    }
  target_unregister (&work->target);
  return NULL;
}

static void
test_recv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autofree guint8 *expected = NULL;
  Work work = { 0 };
  GThread *thread;
  gsize sizes[RECV_ROUNDS], total = 0, offset = 0;
  GRand *rand = g_rand_new_with_seed (0x5eed);

  g_test_summary ("recv(), recv_into() and recvfrom() blocked while signals arrive "
                  "receive every byte once, in order");
  test_watchdog_arm (30);

  for (guint i = 0; i < RECV_ROUNDS; i++)
    total += sizes[i] = g_rand_int_range (rand, 1, 4096);
  g_rand_free (rand);
  expected = g_malloc (total);
  test_fill_pattern (expected, total, 1, 0);

  test_tcp_pair (&client, &server);
  test_set_io_timeout (server, 20);
  storm_start ();
  work.sock = server;
  work.buffer = g_malloc0 (total);
  work.size = total;
  thread = g_thread_new ("recv", recv_thread, &work);

  for (guint i = 0; i < RECV_ROUNDS; i++)
    {
      /* Let the receiver block and be interrupted a few times first. */
      wait_for_signals (&work.target, (gint) (i + 1) * 5);
      g_assert_true (sock_object_sendall (client, expected + offset, sizes[i], 0, &error));
      g_assert_no_error (error);
      offset += sizes[i];
    }
  g_thread_join (thread);
  storm_stop ();

  g_assert_no_error (work.error);
  g_assert_cmpuint (work.done, ==, total);
  g_assert_cmpmem (work.buffer, total, expected, total);
  g_test_message ("%d signals handled by the receiving thread", work.target.signals);
  work_clear (&work);
  test_watchdog_disarm ();
}

/* sendall -------------------------------------------------------------------- */

static gpointer
sendall_thread (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;

  target_register (&work->target);
  work->ok = sock_object_sendall (work->sock, work->buffer, work->size, 0, &work->error);
  target_unregister (&work->target);
  /* Tell the reader that everything is there. */
  if (!sock_object_shutdown (work->sock, SHUT_WR, &error))
    g_printerr ("shutdown failed: %s\n", error->message);
  return NULL;
}

static void
test_sendall (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autofree guint8 *chunk = NULL;
  g_autofree guint8 *expected = NULL;
  const gsize size = TEST_SCALE (32, 4) * 1024 * 1024;
  const gsize chunk_size = 4096;
  Target reader = { 0 };
  Work work = { 0 };
  TestSum sent = { 0 }, received = { 0 };
  gsize offset = 0;
  guint reads = 0;
  GThread *thread;
  gint small = 16 * 1024;

  g_test_summary ("sendall() of a large payload to a slow reader, both interrupted by "
                  "signals all along, delivers every byte exactly once");
  test_watchdog_arm (50);

  test_tcp_pair (&client, &server);
  test_set_io_timeout (client, 30);
  test_set_io_timeout (server, 30);
  /* Small buffers make the sender block again and again. */
  g_assert_true (sock_object_setsockopt (client, SOL_SOCKET, SO_SNDBUF, small, &error));
  g_assert_true (sock_object_setsockopt (server, SOL_SOCKET, SO_RCVBUF, small, &error));
  g_assert_no_error (error);

  work.sock = client;
  work.size = size;
  work.buffer = g_malloc (size);
  test_fill_pattern (work.buffer, size, 2, 0);
  test_sum_update (&sent, work.buffer, size);

  storm_start ();
  target_register (&reader);
  thread = g_thread_new ("sendall", sendall_thread, &work);

  chunk = g_malloc (chunk_size);
  expected = g_malloc (chunk_size);
  for (;;)
    {
      gssize n = sock_object_recv_into (server, chunk, chunk_size, 0, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      g_assert_cmpuint (offset + n, <=, size);
      test_fill_pattern (expected, n, 2, offset);
      if (memcmp (chunk, expected, n) != 0)
        g_error ("received bytes %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT
                 " differ from what was sent", offset, offset + n);
      test_sum_update (&received, chunk, n);
      offset += n;
      /* A slow reader: pause now and then so the sender fills its buffer. */
      if (++reads % 32 == 0)
        g_usleep (200);
    }
  target_unregister (&reader);
  g_thread_join (thread);
  storm_stop ();

  g_assert_no_error (work.error);
  g_assert_true (work.ok);
  g_assert_cmpuint (offset, ==, size);
  g_assert_cmpuint (received.a, ==, sent.a);
  g_assert_cmpuint (received.b, ==, sent.b);
  g_assert_cmpint (work.target.signals, >, 0);
  g_test_message ("%" G_GSIZE_FORMAT " bytes; %d signals to the sender, %d to the reader",
                  size, work.target.signals, reader.signals);
  work_clear (&work);
  test_watchdog_disarm ();
}

/* connect --------------------------------------------------------------------- */

static gpointer
connect_thread (gpointer data)
{
  Work *work = data;
  gint64 start = g_get_monotonic_time ();

  target_register (&work->target);
  work->ok = sock_object_connect (work->sock, work->address, &work->error);
  target_unregister (&work->target);
  work->done = (gsize) (g_get_monotonic_time () - start);
  return NULL;
}

/* Blocks a connect() behind a full accept queue (backlog 0 holds one
 * connection), lets signals hit it, then makes room. */
static void
check_blocked_connect (gint family)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) first = NULL;
  g_autoptr(SockObject) second = NULL;
  g_autoptr(SockObject) accepted = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Work work = { 0 };
  GThread *thread;

  if (family == AF_INET)
    listener = test_tcp_listener_new (0, &address);
  else
    {
      listener = test_socket_new (AF_UNIX, SOCK_STREAM);
      address = g_variant_ref_sink (test_abstract_address_new ());
      g_assert_true (sock_object_bind (listener, address, &error));
      g_assert_no_error (error);
      g_assert_true (sock_object_listen (listener, 0, &error));
      g_assert_no_error (error);
    }

  first = test_socket_new (family, SOCK_STREAM);
  g_assert_true (sock_object_connect (first, address, &error));
  g_assert_no_error (error);

  second = test_socket_new (family, SOCK_STREAM);
  test_set_io_timeout (second, 20);
  work.sock = second;
  work.address = g_variant_ref (address);

  storm_start ();
  thread = g_thread_new ("connect", connect_thread, &work);
  wait_for_signals (&work.target, 50);

  /* Make room in the queue; the blocked connect() can now complete. */
  accepted = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&accepted);
  g_thread_join (thread);
  storm_stop ();

  g_assert_no_error (work.error);
  g_assert_true (work.ok);
  g_test_message ("connect() took %" G_GSIZE_FORMAT " us; %d signals reached it",
                  work.done, work.target.signals);

  /* Connected for real: the peer is known and data flows. */
  peer = sock_object_getpeername (second, &error);
  g_assert_no_error (error);
  g_assert_nonnull (peer);
  accepted = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  test_set_io_timeout (accepted, 10);
  g_assert_true (sock_object_sendall (second, (const guint8 *) "hello", 5, 0, &error));
  g_assert_no_error (error);
  bytes = sock_object_recv (accepted, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello", 5);

  work_clear (&work);
}

static void
test_connect_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) first = NULL;
  g_autoptr(SockObject) second = NULL;
  g_autoptr(GVariant) address = NULL;
  struct timeval tv = { .tv_sec = 0, .tv_usec = 300 * 1000 };
  Work work = { 0 };
  GThread *thread;

  g_test_summary ("A TCP connect() interrupted by signals still gives up when the "
                  "socket's SO_SNDTIMEO runs out, as an uninterrupted one does "
                  "(EINPROGRESS), instead of waiting without bound");
  test_watchdog_arm (30);

  listener = test_tcp_listener_new (0, &address);
  first = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_connect (first, address, &error));
  g_assert_no_error (error);

  /* The queue is full, so this connect() waits for a SYN-ACK that never
   * comes; only its 300 ms send timeout can end it. */
  second = test_socket_new (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_setsockopt_bytes (second, SOL_SOCKET, SO_SNDTIMEO,
                                               (const guint8 *) &tv, sizeof tv, &error));
  g_assert_no_error (error);
  work.sock = second;
  work.address = g_variant_ref (address);

  storm_start ();
  thread = g_thread_new ("connect", connect_thread, &work);
  g_thread_join (thread);
  storm_stop ();

  g_assert_false (work.ok);
  g_assert_error (work.error, SOCK_ERROR, EINPROGRESS);
  g_assert_cmpint (work.target.signals, >, 0);
  g_assert_cmpuint (work.done, <, 10 * G_USEC_PER_SEC);
  g_test_message ("connect() gave up after %" G_GSIZE_FORMAT " us; %d signals reached it",
                  work.done, work.target.signals);

  work_clear (&work);
  test_watchdog_disarm ();
}

static void
test_connect_tcp (void)
{
  g_test_summary ("A TCP connect() interrupted by signals while the listener's queue is "
                  "full completes, connected");
  test_watchdog_arm (30);
  check_blocked_connect (AF_INET);
  test_watchdog_disarm ();
}

static void
test_connect_unix (void)
{
  g_test_summary ("An AF_UNIX connect() interrupted by signals while the listener's queue "
                  "is full completes, connected (Linux abandons an interrupted AF_UNIX "
                  "connect, so it has to be made again)");
  test_watchdog_arm (30);
  check_blocked_connect (AF_UNIX);
  test_watchdog_disarm ();
}

/* Signal dispositions ------------------------------------------------------------ */

typedef struct
{
  struct sigaction actions[NSIG];
  sigset_t mask;
} Dispositions;

static void
dispositions_get (Dispositions *d)
{
  memset (d, 0, sizeof *d);
  for (gint signo = 1; signo < NSIG; signo++)
    sigaction (signo, NULL, &d->actions[signo]);
  pthread_sigmask (SIG_BLOCK, NULL, &d->mask);
}

static void
dispositions_assert_equal (const Dispositions *a,
                           const Dispositions *b)
{
  for (gint signo = 1; signo < NSIG; signo++)
    {
      const struct sigaction *x = &a->actions[signo], *y = &b->actions[signo];

      if (x->sa_handler != y->sa_handler || x->sa_flags != y->sa_flags)
        g_error ("the disposition of signal %d (%s) changed", signo, g_strsignal (signo));
      for (gint other = 1; other < NSIG; other++)
        g_assert_cmpint (sigismember (&x->sa_mask, other), ==, sigismember (&y->sa_mask, other));
    }
  for (gint signo = 1; signo < NSIG; signo++)
    g_assert_cmpint (sigismember (&a->mask, signo), ==, sigismember (&b->mask, signo));
}

/* Writes to peers that are gone, through every sending call; with SIGPIPE at
 * its default action, one raised SIGPIPE kills the process. */
static void
provoke_broken_pipes (void)
{
  g_autoptr(GError) error = NULL;
  static const guint8 data[65536];

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SockObject) client = NULL;
      g_autoptr(SockObject) server = NULL;
      g_autoptr(GIOStream) stream = NULL;
      gboolean failed = FALSE;

      test_tcp_pair (&client, &server);
      test_set_io_timeout (client, 10);
      /* RST on close, so the next writes fail at once. */
      {
        struct linger linger = { 1, 0 };
        g_assert_true (sock_object_setsockopt_bytes (server, SOL_SOCKET, SO_LINGER,
                                                     (const guint8 *) &linger,
                                                     sizeof linger, &error));
        g_assert_no_error (error);
      }
      g_assert_true (sock_object_close (server, &error));
      g_assert_no_error (error);
      g_usleep (10 * 1000);

      for (guint j = 0; j < 8 && !failed; j++)
        {
          switch (i)
            {
            case 0:
              failed = sock_object_send (client, data, sizeof data, 0, &error) < 0;
              break;
            case 1:
              failed = !sock_object_sendall (client, data, sizeof data, 0, &error);
              break;
            default:
              failed = sock_object_sendto (client, data, sizeof data, 0,
                                           g_variant_new ("(sq)", "127.0.0.1", 9), &error) < 0;
              break;
            }
          if (!failed)
            g_clear_error (&error);
        }
      g_assert_true (failed);
      g_assert_true (g_error_matches (error, SOCK_ERROR, EPIPE) ||
                     g_error_matches (error, SOCK_ERROR, ECONNRESET) ||
                     g_error_matches (error, SOCK_ERROR, EISCONN));
      g_clear_error (&error);

      /* The same through a makefile() stream, when that is available. */
      stream = sock_object_makefile (client, "wb", 0, &error);
      if (stream == NULL)
        {
          g_assert_error (error, SOCK_ERROR, ENOSYS);
          g_clear_error (&error);
          continue;
        }
      failed = FALSE;
      for (guint j = 0; j < 8 && !failed; j++)
        {
          gsize written = 0;

          failed = !g_output_stream_write_all (g_io_stream_get_output_stream (stream),
                                               data, sizeof data, &written, NULL, &error);
        }
      g_assert_true (failed);
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_io_stream_close (stream, NULL, NULL);
    }
}

static void
test_dispositions (void)
{
  g_test_summary ("No call changes any signal disposition or the signal mask, and with "
                  "SIGPIPE at its default action writing to a vanished peer is an error, "
                  "never a SIGPIPE");

  if (g_test_subprocess ())
    {
      Dispositions before, after;
      struct sigaction dfl = { 0 };

      dfl.sa_handler = SIG_DFL;
      g_assert_cmpint (sigaction (SIGPIPE, &dfl, NULL), ==, 0);
      install_handler ();
      dispositions_get (&before);

      {
        g_autoptr(SockObject) inet = test_socket_new (AF_INET, SOCK_STREAM);
        g_autoptr(SockObject) udp = test_socket_new (AF_INET, SOCK_DGRAM);
        g_autoptr(SockObject) unix_sock = test_socket_new (AF_UNIX, SOCK_STREAM);
        g_autoptr(SockObject) inet6 = sock_socket (AF_INET6, SOCK_STREAM, 0, NULL);
      }
      provoke_broken_pipes ();

      dispositions_get (&after);
      dispositions_assert_equal (&before, &after);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A binding's interrupt check (sock-interrupt-private.h) --------------------- */

static gint check_calls;
static gint check_ends_calls;

static SockObject *check_closes;     /* closed (or detached) by the next check */
static gboolean check_detaches;

static gboolean
interrupt_check (void)
{
  SockObject *target = g_atomic_pointer_exchange (&check_closes, NULL);

  g_atomic_int_inc (&check_calls);
  /* A handler that closes the socket it interrupted (SIGTERM handlers do),
   * or detaches it, which waits for the calls in progress. */
  if (target != NULL && check_detaches)
    close (sock_object_detach (target));
  else if (target != NULL)
    sock_object_close (target, NULL);
  return g_atomic_int_get (&check_ends_calls);
}

static gpointer
interrupted_recv_thread (gpointer data)
{
  Work *work = data;
  guint8 byte;

  target_register (&work->target);
  work->ok = sock_object_recv_into (work->sock, &byte, 1, 0, &work->error) == 1;
  target_unregister (&work->target);
  return NULL;
}

static gpointer
interrupted_sendall_thread (gpointer data)
{
  Work *work = data;

  target_register (&work->target);
  work->ok = sock_object_sendall (work->sock, work->buffer, work->size, 0, &work->error);
  target_unregister (&work->target);
  return NULL;
}

/* Runs @func on @sock in a thread under the storm of signals; the check
 * says @end. Without end, the peer's byte (or reads) let the call finish. */
static void
run_checked (GThreadFunc  func,
             SockObject  *sock,
             SockObject  *peer,
             gboolean     end,
             Work        *work)
{
  GThread *thread;

  g_atomic_int_set (&check_calls, 0);
  g_atomic_int_set (&check_ends_calls, end);
  work->sock = sock;
  storm_start ();
  thread = g_thread_new ("checked", func, work);
  wait_for_signals (&work->target, 20);
  if (!end)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) drained = NULL;

      if (func == interrupted_recv_thread)
        g_assert_true (sock_object_sendall (peer, (const guint8 *) "x", 1, 0, &error));
      else
        {
          /* Drained until the sender is done, waiting briefly each time. */
          g_assert_true (sock_object_settimeout (peer, 0.05, &error));
          while (!g_atomic_int_get (&work->target.finished))
            {
              g_clear_pointer (&drained, g_bytes_unref);
              drained = sock_object_recv (peer, 1 << 16, 0, NULL);
            }
        }
      g_assert_no_error (error);
    }
  g_thread_join (thread);
  storm_stop ();
}

static void
test_interrupt_check (void)
{
  const gdouble timeouts[] = { -1, 20 };

  g_test_summary ("A binding's interrupt check runs at each EINTR: FALSE retries the "
                  "call, TRUE ends it with SOCK_ERROR/EINTR, blocking in the kernel or "
                  "polling on a timeout; sendall() asks it after a send cut short; a "
                  "check that closes or detaches the socket ends the call with EBADF");
  test_watchdog_arm (60);
  _sock_set_interrupt_check (interrupt_check);

  for (guint t = 0; t < G_N_ELEMENTS (timeouts); t++)
    for (gint end = 0; end <= 1; end++)
      {
        g_autoptr(SockObject) a = NULL;
        g_autoptr(SockObject) b = NULL;
        Work work = { 0 };

        test_unix_pair (SOCK_STREAM, &a, &b);
        /* No timeout of any kind: the kernel waits; or settimeout()'s poll. */
        test_set_io_timeout (b, 0);
        if (timeouts[t] > 0)
          {
            g_autoptr(GError) error = NULL;

            g_assert_true (sock_object_settimeout (b, timeouts[t], &error));
            g_assert_no_error (error);
          }
        run_checked (interrupted_recv_thread, b, a, end, &work);
        g_assert_cmpint (g_atomic_int_get (&check_calls), >, 0);
        if (end)
          {
            g_assert_false (work.ok);
            g_assert_error (work.error, SOCK_ERROR, EINTR);
          }
        else
          {
            g_assert_no_error (work.error);
            g_assert_true (work.ok);
          }
        work_clear (&work);
      }

  for (gint end = 0; end <= 1; end++)
    {
      g_autoptr(SockObject) a = NULL;
      g_autoptr(SockObject) b = NULL;
      Work work = { 0 };

      /* Far more than the socket buffers hold: the send blocks. */
      test_unix_pair (SOCK_STREAM, &a, &b);
      test_set_io_timeout (a, 0);
      work.size = 8 << 20;
      work.buffer = g_malloc0 (work.size);
      run_checked (interrupted_sendall_thread, a, b, end, &work);
      g_assert_cmpint (g_atomic_int_get (&check_calls), >, 0);
      if (end)
        g_assert_error (work.error, SOCK_ERROR, EINTR);
      else
        g_assert_no_error (work.error);
      g_assert_true (work.ok == !end);
      work_clear (&work);
    }

  /* The handler closes or detaches the socket and lets the call go on:
   * the call ends with EBADF, at once, and never uses the old number. */
  for (gint detach = 0; detach <= 1; detach++)
    {
      g_autoptr(SockObject) a = NULL;
      g_autoptr(SockObject) b = NULL;
      Work work = { 0 };
      GThread *thread;

      test_unix_pair (SOCK_STREAM, &a, &b);
      test_set_io_timeout (b, 0);
      g_atomic_int_set (&check_ends_calls, FALSE);
      check_detaches = detach;
      work.sock = b;
      storm_start ();
      thread = g_thread_new ("checked", interrupted_recv_thread, &work);
      wait_for_signals (&work.target, 5);
      g_atomic_pointer_set (&check_closes, b);
      g_thread_join (thread);
      storm_stop ();
      g_assert_false (work.ok);
      g_assert_error (work.error, SOCK_ERROR, EBADF);
      g_assert_null (g_atomic_pointer_get (&check_closes));
      work_clear (&work);
    }

  _sock_set_interrupt_check (NULL);
  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  install_handler ();

  g_test_add_func ("/signals/accept/blocked", test_accept);
  g_test_add_func ("/signals/recv/blocked", test_recv);
  g_test_add_func ("/signals/sendall/slow-reader", test_sendall);
  g_test_add_func ("/signals/connect/tcp", test_connect_tcp);
  g_test_add_func ("/signals/connect/unix", test_connect_unix);
  g_test_add_func ("/signals/connect/timeout", test_connect_timeout);
  g_test_add_func ("/signals/dispositions/unchanged", test_dispositions);
  g_test_add_func ("/signals/interrupt-check/binding", test_interrupt_check);

  return g_test_run ();
}
