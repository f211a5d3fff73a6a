/* load.c: a threaded echo server built on the library, under load
 *
 * 64 clients at once each send 1 000 messages of random sizes from 1 byte to
 * 64 KiB through a thread-per-connection echo server, all over loopback on a
 * port the kernel chose. Each client sends from one thread and reads the echo
 * from another, and checks every byte it gets back against what it sent, in
 * order, plus a running checksum of the whole stream.
 *
 * SOCKOBJ_TEST_LIGHT=1 (valgrind, sanitizers) scales this down to 16
 * clients of 100 messages of at most 16 KiB.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <sys/socket.h>

#include "test-util.h"

#define PATTERN_SIZE (128 * 1024)

typedef struct
{
  guint clients;
  guint messages;
  gsize max_size;
  guint8 *pattern;       /* read-only once made; messages are slices of it */
  GVariant *address;
  SockObject *listener;
  gint failures;         /* atomic */
} Load;

static void
load_fail (Load        *load,
           const gchar *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
load_fail (Load        *load,
           const gchar *format,
           ...)
{
  va_list args;
  g_autofree gchar *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("load: %s\n", message);
  g_atomic_int_inc (&load->failures);
}

/* The size and pattern offset of message @index of a client: both sides
 * draw them from the same seeded generator. */
static void
next_message (GRand *rand,
              Load  *load,
              gsize *size,
              gsize *offset)
{
  *size = g_rand_int_range (rand, 1, (gint32) load->max_size + 1);
  *offset = g_rand_int_range (rand, 0, PATTERN_SIZE - (gint32) load->max_size + 1);
}

/* Server ------------------------------------------------------------------- */

typedef struct
{
  Load *load;
  SockObject *conn;
} Echo;

static gpointer
echo_thread (gpointer data)
{
  Echo *echo = data;
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      gssize n = sock_object_recv_into (echo->conn, buffer, 64 * 1024, 0, &error);

      if (n < 0)
        {
          load_fail (echo->load, "echo recv: %s", error->message);
          break;
        }
      if (n == 0)
        break;
      if (!sock_object_sendall (echo->conn, buffer, n, 0, &error))
        {
          load_fail (echo->load, "echo sendall: %s", error->message);
          break;
        }
    }
  if (!sock_object_close (echo->conn, &error))
    load_fail (echo->load, "echo close: %s", error->message);
  g_object_unref (echo->conn);
  g_free (echo);
  return NULL;
}

static gpointer
acceptor_thread (gpointer data)
{
  Load *load = data;
  GPtrArray *threads = g_ptr_array_new ();

  for (guint i = 0; i < load->clients; i++)
    {
      g_autoptr(GError) error = NULL;
      Echo *echo = g_new0 (Echo, 1);

      echo->load = load;
      echo->conn = sock_object_accept (load->listener, NULL, &error);
      if (echo->conn == NULL)
        {
          load_fail (load, "accept: %s", error->message);
          g_free (echo);
          break;
        }
      test_set_io_timeout (echo->conn, 30);
      g_ptr_array_add (threads, g_thread_new ("echo", echo_thread, echo));
    }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  g_ptr_array_unref (threads);
  return NULL;
}

/* Clients ---------------------------------------------------------------- */

typedef struct
{
  Load *load;
  guint id;
  SockObject *sock;
  TestSum sent, received;
  guint64 bytes_sent, bytes_received;
} Client;

static gpointer
client_receiver (gpointer data)
{
  Client *client = data;
  Load *load = client->load;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = g_malloc (load->max_size);
  GRand *rand = g_rand_new_with_seed (client->id + 1);
  guint8 byte;

  for (guint m = 0; m < load->messages; m++)
    {
      gsize size, offset, got = 0;

      next_message (rand, load, &size, &offset);
      while (got < size)
        {
          gssize n = sock_object_recv_into (client->sock, buffer + got, size - got, 0, &error);

          if (n <= 0)
            {
              load_fail (load, "client %u message %u: %s after %" G_GSIZE_FORMAT " of %"
                         G_GSIZE_FORMAT " bytes", client->id, m,
                         n == 0 ? "end of stream" : error->message, got, size);
              goto out;
            }
          got += n;
        }
      if (memcmp (buffer, load->pattern + offset, size) != 0)
        {
          load_fail (load, "client %u message %u came back different", client->id, m);
          goto out;
        }
      test_sum_update (&client->received, buffer, size);
      client->bytes_received += size;
    }

  /* And nothing more: the server closes after echoing everything. */
  if (sock_object_recv_into (client->sock, &byte, 1, 0, &error) != 0)
    load_fail (load, "client %u: more bytes than were sent came back", client->id);

out:
  g_rand_free (rand);
  return NULL;
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  Load *load = client->load;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (client->id + 1);
  GThread *receiver;

  client->sock = sock_socket (AF_INET, SOCK_STREAM, 0, &error);
  if (client->sock == NULL)
    {
      load_fail (load, "client %u socket: %s", client->id, error->message);
      g_rand_free (rand);
      return NULL;
    }
  test_set_io_timeout (client->sock, 30);
  if (!sock_object_connect (client->sock, load->address, &error))
    {
      load_fail (load, "client %u connect: %s", client->id, error->message);
      g_rand_free (rand);
      return NULL;
    }

  receiver = g_thread_new ("receiver", client_receiver, client);
  for (guint m = 0; m < load->messages; m++)
    {
      gsize size, offset;

      next_message (rand, load, &size, &offset);
      if (!sock_object_sendall (client->sock, load->pattern + offset, size, 0, &error))
        {
          load_fail (load, "client %u sendall: %s", client->id, error->message);
          break;
        }
      test_sum_update (&client->sent, load->pattern + offset, size);
      client->bytes_sent += size;
    }
  if (!sock_object_shutdown (client->sock, SHUT_WR, &error))
    load_fail (load, "client %u shutdown: %s", client->id, error->message);
  g_thread_join (receiver);
  g_rand_free (rand);
  return NULL;
}

static void
test_echo (void)
{
  Load load = { 0 };
  g_autofree Client *clients = NULL;
  GThread **threads;
  GThread *acceptor;
  gint64 start;
  guint64 total = 0;
  gdouble seconds;

  g_test_summary ("64 concurrent clients x 1 000 messages of 1 B to 64 KiB through a "
                  "threaded echo server: every byte comes back, in order");
  test_watchdog_arm (55);

  load.clients = TEST_SCALE (64, 16);
  load.messages = TEST_SCALE (1000, 100);
  load.max_size = TEST_SCALE (64, 16) * 1024;
  load.pattern = g_malloc (PATTERN_SIZE);
  test_fill_pattern (load.pattern, PATTERN_SIZE, 42, 0);
  load.listener = test_tcp_listener_new (128, &load.address);

  start = g_get_monotonic_time ();
  acceptor = g_thread_new ("acceptor", acceptor_thread, &load);
  clients = g_new0 (Client, load.clients);
  threads = g_new0 (GThread *, load.clients);
  for (guint i = 0; i < load.clients; i++)
    {
      clients[i].load = &load;
      clients[i].id = i;
      threads[i] = g_thread_new ("client", client_thread, &clients[i]);
    }
  for (guint i = 0; i < load.clients; i++)
    g_thread_join (threads[i]);
  g_thread_join (acceptor);
  seconds = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;

  g_assert_cmpint (g_atomic_int_get (&load.failures), ==, 0);
  for (guint i = 0; i < load.clients; i++)
    {
      g_assert_cmpuint (clients[i].bytes_received, ==, clients[i].bytes_sent);
      g_assert_cmpuint (clients[i].received.a, ==, clients[i].sent.a);
      g_assert_cmpuint (clients[i].received.b, ==, clients[i].sent.b);
      total += clients[i].bytes_sent;
      g_clear_object (&clients[i].sock);
    }
  g_test_message ("%u clients x %u messages, %" G_GUINT64_FORMAT " bytes echoed in %.1f s "
                  "(%.0f MiB/s each way)", load.clients, load.messages, total, seconds,
                  total / seconds / (1024 * 1024));

  g_free (threads);
  g_free (load.pattern);
  g_variant_unref (load.address);
  g_object_unref (load.listener);
  test_watchdog_disarm ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/load/echo/threaded-server", test_echo);

  return g_test_run ();
}
