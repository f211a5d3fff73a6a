/* bench-gio.c: the ecosystem peer, GIO's blocking GSocket
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Written the way a GIO user writes blocking code: GSocket calls with no
 * cancellable, GSocketAddress objects made once, and for streams the
 * GSocketConnection from the connection factory.
 */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bench.h"

struct _BenchStream
{
  GIOStream     *iostream;
  GInputStream  *input;
  GOutputStream *output;
};

static gpointer
gio_addr_new (const BenchAddr *addr)
{
  GSocketAddress *address;

  address = g_socket_address_new_from_native ((gpointer) &addr->native,
                                              addr->native_len);
  if (address == NULL)
    bench_fail ("g_socket_address_new_from_native failed", NULL);

  return address;
}

static void
gio_addr_free (gpointer addr)
{
  g_object_unref (addr);
}

static void
gio_set_nodelay (GSocket *socket)
{
  GError *error = NULL;

  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    bench_fail ("g_socket_set_option(TCP_NODELAY)", error);
}

static GSocket *
gio_new_socket (BenchTransport transport)
{
  GError *error = NULL;
  GSocket *socket;

  socket = g_socket_new (bench_transport_family (transport),
                         bench_transport_type (transport),
                         G_SOCKET_PROTOCOL_DEFAULT, &error);
  if (socket == NULL)
    bench_fail ("g_socket_new", error);

  return socket;
}

static BenchSock
gio_server (BenchTransport transport,
            gpointer       local)
{
  GError *error = NULL;
  GSocket *socket = gio_new_socket (transport);

  if (!g_socket_bind (socket, local, FALSE, &error))
    bench_fail ("g_socket_bind", error);
  if (bench_transport_type (transport) == SOCK_STREAM)
    {
      g_socket_set_listen_backlog (socket, 128);
      if (!g_socket_listen (socket, &error))
        bench_fail ("g_socket_listen", error);
    }

  return socket;
}

static BenchSock
gio_accept (BenchSock listener,
            gboolean  nodelay)
{
  GError *error = NULL;
  GSocket *socket;

  socket = g_socket_accept (listener, NULL, &error);
  if (socket == NULL)
    bench_fail ("g_socket_accept", error);
  if (nodelay)
    gio_set_nodelay (socket);

  return socket;
}

static BenchSock
gio_connect (BenchTransport transport,
             gpointer       remote,
             gpointer       local,
             gboolean       nodelay)
{
  GError *error = NULL;
  GSocket *socket = gio_new_socket (transport);

  if (local != NULL && !g_socket_bind (socket, local, FALSE, &error))
    bench_fail ("g_socket_bind", error);
  if (!g_socket_connect (socket, remote, NULL, &error))
    bench_fail ("g_socket_connect", error);
  if (nodelay)
    gio_set_nodelay (socket);

  return socket;
}

static void
gio_close (BenchSock sock)
{
  GError *error = NULL;

  if (!g_socket_close (sock, &error))
    bench_fail ("g_socket_close", error);
  g_object_unref (sock);
}

static gint
gio_fileno (BenchSock sock)
{
  return g_socket_get_fd (sock);
}

static gssize
gio_send (BenchSock     sock,
          const guint8 *data,
          gsize         size)
{
  GError *error = NULL;
  gssize n;

  n = g_socket_send (sock, (const gchar *) data, size, NULL, &error);
  if (n < 0)
    bench_fail ("g_socket_send", error);

  return n;
}

/* GSocket has no sendall; this is the loop every GIO user writes. */
static void
gio_sendall (BenchSock     sock,
             const guint8 *data,
             gsize         size)
{
  while (size > 0)
    {
      gssize n = gio_send (sock, data, size);

      data += n;
      size -= n;
    }
}

static gssize
gio_recv_into (BenchSock  sock,
               guint8    *buffer,
               gsize      size)
{
  GError *error = NULL;
  gssize n;

  n = g_socket_receive (sock, (gchar *) buffer, size, NULL, &error);
  if (n < 0)
    bench_fail ("g_socket_receive", error);

  return n;
}

static gssize
gio_recvfrom_into (BenchSock  sock,
                   guint8    *buffer,
                   gsize      size,
                   gpointer  *peer)
{
  GError *error = NULL;
  GSocketAddress *address = NULL;
  gssize n;

  n = g_socket_receive_from (sock, &address, (gchar *) buffer, size, NULL, &error);
  if (n < 0)
    bench_fail ("g_socket_receive_from", error);
  *peer = address;

  return n;
}

static void
gio_sendto (BenchSock     sock,
            const guint8 *data,
            gsize         size,
            gpointer      peer)
{
  GError *error = NULL;

  if (g_socket_send_to (sock, peer, (const gchar *) data, size, NULL, &error) < 0)
    bench_fail ("g_socket_send_to", error);
}

static void
gio_peer_free (gpointer peer)
{
  g_clear_object (&peer);
}

BenchStream *
bench_gio_stream_new (GIOStream *iostream)
{
  BenchStream *stream = g_new0 (BenchStream, 1);

  stream->iostream = iostream;
  stream->input = g_io_stream_get_input_stream (iostream);
  stream->output = g_io_stream_get_output_stream (iostream);

  return stream;
}

void
bench_gio_stream_write_all (BenchStream  *stream,
                            const guint8 *data,
                            gsize         size)
{
  GError *error = NULL;

  if (!g_output_stream_write_all (stream->output, data, size, NULL, NULL, &error))
    bench_fail ("g_output_stream_write_all", error);
}

gssize
bench_gio_stream_read (BenchStream *stream,
                       guint8      *buffer,
                       gsize        size)
{
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read (stream->input, buffer, size, NULL, &error);
  if (n < 0)
    bench_fail ("g_input_stream_read", error);

  return n;
}

void
bench_gio_stream_close (BenchStream *stream)
{
  GError *error = NULL;

  if (!g_io_stream_close (stream->iostream, NULL, &error))
    bench_fail ("g_io_stream_close", error);
  g_object_unref (stream->iostream);
  g_free (stream);
}

static BenchStream *
gio_stream_open (BenchSock sock)
{
  return bench_gio_stream_new (G_IO_STREAM (g_socket_connection_factory_create_connection (sock)));
}

static BenchSock
gio_wrap_fd (gint fd)
{
  GError *error = NULL;
  GSocket *socket;

  socket = g_socket_new_from_fd (fd, &error);
  if (socket == NULL)
    bench_fail ("g_socket_new_from_fd", error);

  return socket;
}

/* GSocket's timeout is whole seconds; the socket stays in blocking mode. */
static void
gio_settimeout (BenchSock sock,
                gdouble   seconds)
{
  g_socket_set_timeout (sock, (guint) seconds);
}

/* The asynchronous workloads, as a GIO user writes them: a GSocketService
 * whose "incoming" handler starts g_input_stream_read_async() on the
 * connection, whose callback starts g_output_stream_write_all_async() of
 * the echo, whose callback reads again; clients from a GSocketClient. Each
 * connection's state owns its read buffer, as the API requires. */

typedef struct _GioEcho GioEcho;

typedef struct
{
  GioEcho *echo;
  GSocketConnection *conn;
  GInputStream *input;
  GOutputStream *output;
  guint8 buffer[BENCH_ASYNC_BUFSIZE];
} GioServerConn;

typedef struct
{
  GioEcho *echo;
  GSocketConnection *conn;
  GInputStream *input;
  GOutputStream *output;
  guint round;
  gsize got;
  gboolean sent;
  guint8 buffer[BENCH_ASYNC_MESSAGE];
} GioClient;

struct _GioEcho
{
  GSocketService *service;
  GSocketAddress *address;
  gboolean nodelay;
  gboolean holding;
  guint connections;
  guint rounds;
  guint accepted;
  guint connected;
  guint finished;
  guint server_closed;
  GPtrArray *conns;
  GioClient *clients;
  guint8 message[BENCH_ASYNC_MESSAGE];
  gint64 start;
  GCancellable *stop;
  gint listen_fd;
};

static void
gio_server_conn_free (gpointer data)
{
  GioServerConn *sc = data;

  g_object_unref (sc->conn);
  g_free (sc);
}

static void gio_server_read (GObject *source, GAsyncResult *result, gpointer data);

static void
gio_server_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  GioServerConn *sc = data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (sc->output, result, NULL, &error))
    bench_fail ("g_output_stream_write_all_async", error);
  g_input_stream_read_async (sc->input, sc->buffer, sizeof sc->buffer, G_PRIORITY_DEFAULT,
                             sc->echo->stop, gio_server_read, sc);
}

static void
gio_server_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GioServerConn *sc = data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (sc->input, result, &error);

  if (n < 0)
    {
      if (sc->echo->holding && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_error_free (error);
          return;
        }
      bench_fail ("g_input_stream_read_async", error);
    }
  if (n == 0)
    {
      sc->echo->server_closed++;
      g_io_stream_close (G_IO_STREAM (sc->conn), NULL, NULL);
      return;
    }
  g_output_stream_write_all_async (sc->output, sc->buffer, n, G_PRIORITY_DEFAULT, NULL,
                                   gio_server_written, sc);
}

static void gio_start (GioEcho *echo);

static gboolean
gio_incoming (GSocketService    *service,
              GSocketConnection *conn,
              GObject           *source_object,
              gpointer           data)
{
  GioEcho *echo = data;
  GioServerConn *sc = g_new0 (GioServerConn, 1);

  sc->echo = echo;
  sc->conn = g_object_ref (conn);
  sc->input = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  sc->output = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (echo->nodelay)
    gio_set_nodelay (g_socket_connection_get_socket (conn));
  g_ptr_array_add (echo->conns, sc);
  echo->accepted++;
  g_input_stream_read_async (sc->input, sc->buffer, sizeof sc->buffer, G_PRIORITY_DEFAULT,
                             echo->stop, gio_server_read, sc);
  if (!echo->holding && echo->accepted == echo->connections &&
      echo->connected == echo->connections)
    gio_start (echo);

  return TRUE;
}

static void gio_client_round (GioClient *client);

static void
gio_client_next (GioClient *client)
{
  if (!client->sent || client->got < BENCH_ASYNC_MESSAGE)
    return;
  if (++client->round == client->echo->rounds)
    client->echo->finished++;
  else
    gio_client_round (client);
}

static void
gio_client_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GioClient *client = data;
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (client->output, result, NULL, &error))
    bench_fail ("g_output_stream_write_all_async", error);
  client->sent = TRUE;
  gio_client_next (client);
}

static void
gio_client_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GioClient *client = data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (client->input, result, &error);

  if (n <= 0)
    bench_fail ("g_input_stream_read_async (the echo)", error);
  client->got += n;
  if (client->got < BENCH_ASYNC_MESSAGE)
    g_input_stream_read_async (client->input, client->buffer + client->got,
                               BENCH_ASYNC_MESSAGE - client->got, G_PRIORITY_DEFAULT, NULL,
                               gio_client_read, client);
  else
    gio_client_next (client);
}

static void
gio_client_round (GioClient *client)
{
  client->got = 0;
  client->sent = FALSE;
  g_output_stream_write_all_async (client->output, client->echo->message,
                                   BENCH_ASYNC_MESSAGE, G_PRIORITY_DEFAULT, NULL,
                                   gio_client_sent, client);
  g_input_stream_read_async (client->input, client->buffer, BENCH_ASYNC_MESSAGE,
                             G_PRIORITY_DEFAULT, NULL, gio_client_read, client);
}

static void
gio_start (GioEcho *echo)
{
  echo->start = g_get_monotonic_time ();
  for (guint i = 0; i < echo->connections; i++)
    gio_client_round (&echo->clients[i]);
}

static void
gio_connected (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  GioClient *client = data;
  GioEcho *echo = client->echo;
  GError *error = NULL;

  client->conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (client->conn == NULL)
    bench_fail ("g_socket_client_connect_async", error);
  client->input = g_io_stream_get_input_stream (G_IO_STREAM (client->conn));
  client->output = g_io_stream_get_output_stream (G_IO_STREAM (client->conn));
  if (echo->nodelay)
    gio_set_nodelay (g_socket_connection_get_socket (client->conn));
  echo->connected++;
  if (echo->accepted == echo->connections && echo->connected == echo->connections)
    gio_start (echo);
}

/* GSocketListener keeps its GSocket to itself but announces it. */
static void
gio_listener_event (GSocketListener      *listener,
                    GSocketListenerEvent  event,
                    GSocket              *socket,
                    gpointer              data)
{
  GioEcho *echo = data;

  if (event == G_SOCKET_LISTENER_LISTENED)
    echo->listen_fd = g_socket_get_fd (socket);
}

static GioEcho *
gio_echo_new (BenchTransport transport,
              gpointer       local,
              guint          connections)
{
  GioEcho *echo = g_new0 (GioEcho, 1);
  GError *error = NULL;

  echo->connections = connections;
  echo->nodelay = transport == BENCH_TCP;
  echo->conns = g_ptr_array_new_with_free_func (gio_server_conn_free);
  echo->stop = g_cancellable_new ();
  echo->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (echo->service), SOMAXCONN);
  g_signal_connect (echo->service, "event", G_CALLBACK (gio_listener_event), echo);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (echo->service), local,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL,
                                      &echo->address, &error))
    bench_fail ("g_socket_listener_add_address", error);
  g_signal_connect (echo->service, "incoming", G_CALLBACK (gio_incoming), echo);
  g_socket_service_start (echo->service);

  return echo;
}

static void
gio_echo_free (GioEcho *echo)
{
  g_socket_service_stop (echo->service);
  g_socket_listener_close (G_SOCKET_LISTENER (echo->service));
  g_object_unref (echo->service);
  g_object_unref (echo->address);
  g_ptr_array_unref (echo->conns);
  g_object_unref (echo->stop);
  g_free (echo);
}

static gdouble
gio_async_echo (BenchTransport transport,
                gpointer       local,
                guint          connections,
                guint          rounds)
{
  GioEcho *echo = gio_echo_new (transport, local, connections);
  GSocketClient *socket_client = g_socket_client_new ();
  gint64 elapsed;

  echo->rounds = rounds;
  echo->clients = g_new0 (GioClient, connections);
  g_socket_client_set_enable_proxy (socket_client, FALSE);

  for (guint i = 0; i < connections; i++)
    {
      echo->clients[i].echo = echo;
      g_socket_client_connect_async (socket_client, G_SOCKET_CONNECTABLE (echo->address),
                                     NULL, gio_connected, &echo->clients[i]);
    }

  while (echo->finished < connections)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - echo->start;

  for (guint i = 0; i < connections; i++)
    {
      g_io_stream_close (G_IO_STREAM (echo->clients[i].conn), NULL, NULL);
      g_object_unref (echo->clients[i].conn);
    }
  while (echo->server_closed < connections)
    g_main_context_iteration (NULL, TRUE);

  g_object_unref (socket_client);
  g_free (echo->clients);
  gio_echo_free (echo);

  return elapsed / 1e6;
}

static gpointer
gio_idle_start (BenchTransport  transport,
                gpointer        local,
                gint           *listen_fd)
{
  GioEcho *echo = gio_echo_new (transport, local, G_MAXUINT);
  gint fd;

  echo->holding = TRUE;
  fd = echo->listen_fd;
  *listen_fd = fd;

  return echo;
}

static guint
gio_idle_iterate (gpointer server)
{
  GioEcho *echo = server;

  g_main_context_iteration (NULL, TRUE);
  return echo->accepted;
}

static void
gio_idle_stop (gpointer server)
{
  GioEcho *echo = server;

  g_cancellable_cancel (echo->stop);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  gio_echo_free (echo);
}

const BenchImpl bench_impl_gio = {
  .name = "gio",
  .addr_new = gio_addr_new,
  .addr_free = gio_addr_free,
  .server = gio_server,
  .accept = gio_accept,
  .connect = gio_connect,
  .close = gio_close,
  .fileno = gio_fileno,
  .send = gio_send,
  .sendall = gio_sendall,
  .recv_into = gio_recv_into,
  .recvfrom_into = gio_recvfrom_into,
  .sendto = gio_sendto,
  .peer_free = gio_peer_free,
  .stream_open = gio_stream_open,
  .stream_write_all = bench_gio_stream_write_all,
  .stream_read = bench_gio_stream_read,
  .stream_close = bench_gio_stream_close,
  .wrap_fd = gio_wrap_fd,
  .settimeout = gio_settimeout,
  .async_echo = gio_async_echo,
  .idle_start = gio_idle_start,
  .idle_iterate = gio_idle_iterate,
  .idle_stop = gio_idle_stop,
};
