/* source.c: sock_object_create_source() and sock_object_add_watch()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "test-util.h"

#define WATCHDOG_SECONDS 30

typedef struct
{
  guint calls;
  GIOCondition conditions[16];
  SockObject *socket;
  gboolean keep;
  gboolean notified;
} Seen;

static gboolean
on_event (SockObject   *socket,
          GIOCondition  condition,
          gpointer      data)
{
  Seen *seen = data;

  if (seen->calls < G_N_ELEMENTS (seen->conditions))
    seen->conditions[seen->calls] = condition;
  seen->calls++;
  seen->socket = socket;

  return seen->keep;
}

static void
on_notify (gpointer data)
{
  ((Seen *) data)->notified = TRUE;
}

static void
run_until_called (Seen  *seen,
                  guint  calls)
{
  while (seen->calls < calls)
    g_main_context_iteration (NULL, TRUE);
}

static GSource *
attach_source (SockObject   *sock,
               GIOCondition  condition,
               GCancellable *cancellable,
               Seen         *seen)
{
  GSource *source = sock_object_create_source (sock, condition, cancellable);

  g_source_set_callback (source, G_SOURCE_FUNC (on_event), seen, NULL);
  g_source_attach (source, NULL);
  return source;
}

/* Every test's start: the watchdog armed, and a connected TCP pair. */
static void
setup_pair (SockObject **client,
            SockObject **server)
{
  test_watchdog_arm (WATCHDOG_SECONDS);
  test_tcp_pair (client, server);
}

static void
send_byte (SockObject *sock)
{
  g_autoptr(GError) error = NULL;

  test_assert_ok (sock_object_sendall (sock, (const guint8 *) "x", 1, 0, &error), error);
}

/* Asserts that @source dispatches once with @condition, then never again
 * and is destroyed. */
static void
assert_dispatched_once (Seen         *seen,
                        GSource      *source,
                        GIOCondition  condition)
{
  run_until_called (seen, 1);
  g_assert_cmpuint (seen->conditions[0], ==, condition);
  test_spin (20);
  g_assert_cmpuint (seen->calls, ==, 1);
  g_assert_true (g_source_is_destroyed (source));
}

static void
test_create_source_readable (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  Seen seen = { .keep = TRUE };

  g_test_summary ("a source for G_IO_IN dispatches when data arrives, with the socket "
                  "and G_IO_IN, and again while data stays");

  setup_pair (&client, &server);
  source = attach_source (server, G_IO_IN, NULL, &seen);
  test_spin (20);
  g_assert_cmpuint (seen.calls, ==, 0);

  send_byte (client);
  run_until_called (&seen, 2);
  g_assert_true (seen.socket == server);
  g_assert_cmpuint (seen.conditions[0], ==, G_IO_IN);

  g_source_destroy (source);
  test_watchdog_disarm ();
}

static void
test_create_source_writable (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  Seen seen = { .keep = FALSE };

  g_test_summary ("a source for G_IO_OUT on a connected socket dispatches at once; "
                  "returning G_SOURCE_REMOVE removes it");

  setup_pair (&client, &server);
  source = attach_source (client, G_IO_OUT, NULL, &seen);
  assert_dispatched_once (&seen, source, G_IO_OUT);

  test_watchdog_disarm ();
}

static void
test_create_source_hangup (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  Seen seen = { .keep = FALSE };

  g_test_summary ("G_IO_HUP and G_IO_ERR are always watched: a source for G_IO_PRI sees "
                  "the peer's reset");

  setup_pair (&client, &server);
  source = attach_source (server, G_IO_PRI, NULL, &seen);
  /* Unread data at close() sends a reset. */
  send_byte (server);
  test_spin (10);
  g_clear_object (&client);
  run_until_called (&seen, 1);
  g_test_message ("condition 0x%x", seen.conditions[0]);
  g_assert_true (seen.conditions[0] & (G_IO_HUP | G_IO_ERR));
  g_assert_false (seen.conditions[0] & G_IO_IN);

  test_watchdog_disarm ();
}

static void
test_create_source_closed (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) end = NULL;
  Seen seen = { .keep = TRUE };

  g_test_summary ("a source on a closed socket dispatches once with G_IO_NVAL and is "
                  "removed, whatever the callback returns");

  setup_pair (&client, &server);
  test_assert_ok (sock_object_close (server, &error), error);
  source = attach_source (server, G_IO_IN, NULL, &seen);
  assert_dispatched_once (&seen, source, G_IO_NVAL);

  test_watchdog_disarm ();
}

static void
test_create_source_close_wakes (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) end = NULL;
  Seen seen = { .keep = TRUE };
  guint fds;

  g_test_summary ("closing a socket wakes its source, which dispatches once with "
                  "G_IO_NVAL and lets go of the descriptor: the peer sees the end of the "
                  "stream while the source still exists; making a source opens no "
                  "descriptor");

  setup_pair (&client, &server);
  fds = test_count_open_fds ();
  source = attach_source (server, G_IO_IN, NULL, &seen);
  g_assert_cmpuint (test_count_open_fds (), ==, fds);
  test_spin (10);
  g_assert_cmpuint (seen.calls, ==, 0);

  test_assert_ok (sock_object_close (server, &error), error);
  /* The source still pins the descriptor until it has dispatched. */
  run_until_called (&seen, 1);
  g_assert_cmpuint (seen.conditions[0], ==, G_IO_NVAL);
  g_assert_true (g_source_is_destroyed (source));

  end = sock_object_recv (client, 16, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (end), ==, 0);

  test_watchdog_disarm ();
}

static gpointer
close_later (gpointer data)
{
  g_usleep (20000);
  sock_object_close (data, NULL);
  return NULL;
}

static void
test_create_source_close_from_thread (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  Seen seen = { .keep = TRUE };
  GThread *thread;

  g_test_summary ("a close from another thread wakes a main loop blocked in poll()");

  setup_pair (&client, &server);
  source = attach_source (server, G_IO_IN, NULL, &seen);
  thread = g_thread_new ("close", close_later, server);
  run_until_called (&seen, 1);
  g_thread_join (thread);
  g_assert_cmpuint (seen.conditions[0], ==, G_IO_NVAL);

  test_watchdog_disarm ();
}

static void
test_create_source_cancel (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Seen seen = { .keep = FALSE };

  g_test_summary ("cancelling the source's cancellable dispatches it with no condition");

  setup_pair (&client, &server);
  source = attach_source (server, G_IO_IN, cancellable, &seen);
  test_spin (10);
  g_assert_cmpuint (seen.calls, ==, 0);
  g_cancellable_cancel (cancellable);
  run_until_called (&seen, 1);
  g_assert_cmpuint (seen.conditions[0], ==, 0);

  test_watchdog_disarm ();
}

static void
test_create_source_timeout (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { .keep = TRUE };
  gint64 start, elapsed;

  g_test_summary ("with a timeout on the socket, the source fires with no condition when "
                  "it expires, and counts again after each dispatch; without one it never "
                  "fires by itself");

  setup_pair (&client, &server);
  test_assert_ok (sock_object_settimeout (server, 0.1, &error), error);
  start = g_get_monotonic_time ();
  source = attach_source (server, G_IO_IN, NULL, &seen);
  run_until_called (&seen, 2);
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (seen.conditions[0], ==, 0);
  g_assert_cmpuint (seen.conditions[1], ==, 0);
  g_assert_cmpint (elapsed, >=, 199000);
  g_source_destroy (source);
  g_clear_pointer (&source, g_source_unref);

  seen.calls = 0;
  test_assert_ok (sock_object_settimeout (server, -1, &error), error);
  source = attach_source (server, G_IO_IN, NULL, &seen);
  test_spin (150);
  g_assert_cmpuint (seen.calls, ==, 0);
  g_source_destroy (source);

  test_watchdog_disarm ();
}

static gboolean
closure_func (SockObject   *socket,
              GIOCondition  condition,
              gpointer      data)
{
  return on_event (socket, condition, data);
}

static void
test_create_source_closure (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  g_autoptr(GSource) source = NULL;
  Seen seen = { .keep = FALSE };
  GClosure *closure;

  g_test_summary ("g_source_set_closure() works: the closure gets the socket and the "
                  "condition");

  setup_pair (&client, &server);
  source = sock_object_create_source (server, G_IO_IN, NULL);
  closure = g_cclosure_new (G_CALLBACK (closure_func), &seen, NULL);
  g_closure_set_marshal (closure, g_cclosure_marshal_generic);
  g_source_set_closure (source, closure);
  g_source_attach (source, NULL);
  send_byte (client);
  run_until_called (&seen, 1);
  g_assert_true (seen.socket == server);
  g_assert_cmpuint (seen.conditions[0], ==, G_IO_IN);

  test_watchdog_disarm ();
}

static void
test_add_watch_basic (void)
{
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) server = NULL;
  Seen seen = { .keep = FALSE };
  guint id;

  g_test_summary ("add_watch() attaches to the global default context and calls the "
                  "notify function when the source goes");

  setup_pair (&client, &server);
  id = sock_object_add_watch (server, G_IO_IN, G_PRIORITY_HIGH, on_event, &seen, on_notify);
  g_assert_cmpuint (id, >, 0);
  g_assert_cmpint (g_source_get_priority (g_main_context_find_source_by_id (NULL, id)), ==,
                   G_PRIORITY_HIGH);
  send_byte (client);
  run_until_called (&seen, 1);
  g_assert_cmpuint (seen.conditions[0], ==, G_IO_IN);
  g_assert_true (seen.notified);
  g_assert_null (g_main_context_find_source_by_id (NULL, id));

  /* g_source_remove() works too. */
  seen.notified = FALSE;
  id = sock_object_add_watch (server, G_IO_IN, G_PRIORITY_DEFAULT, on_event, &seen, on_notify);
  g_assert_true (g_source_remove (id));
  g_assert_true (seen.notified);

  test_watchdog_disarm ();
}

static void
test_create_source_holds_socket (void)
{
  g_autoptr(SockObject) client = NULL;
  SockObject *server = NULL;
  GSource *source;
  Seen seen = { .keep = FALSE };

  g_test_summary ("the source holds a reference to the socket");

  setup_pair (&client, &server);
  source = attach_source (server, G_IO_IN, NULL, &seen);
  g_object_add_weak_pointer (G_OBJECT (server), (gpointer *) &server);
  g_object_unref (server);
  g_assert_nonnull (server);
  send_byte (client);
  run_until_called (&seen, 1);
  g_source_unref (source);
  g_assert_null (server);

  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/source/create_source/readable", test_create_source_readable);
  g_test_add_func ("/source/create_source/writable", test_create_source_writable);
  g_test_add_func ("/source/create_source/hangup", test_create_source_hangup);
  g_test_add_func ("/source/create_source/closed", test_create_source_closed);
  g_test_add_func ("/source/create_source/close-wakes", test_create_source_close_wakes);
  g_test_add_func ("/source/create_source/close-from-thread",
                   test_create_source_close_from_thread);
  g_test_add_func ("/source/create_source/cancel", test_create_source_cancel);
  g_test_add_func ("/source/create_source/timeout", test_create_source_timeout);
  g_test_add_func ("/source/create_source/closure", test_create_source_closure);
  g_test_add_func ("/source/create_source/holds-socket", test_create_source_holds_socket);
  g_test_add_func ("/source/add_watch/basic", test_add_watch_basic);

  return g_test_run ();
}
