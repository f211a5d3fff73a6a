/* bench-sockobj.c: the library under test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Written the way the API documents it: addresses are GVariants made once
 * with g_variant_new() and sunk, every call takes a GError, and streams
 * come from sock_object_makefile().
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <sys/socket.h>

#include <sockobj.h>

#include "bench.h"

static gpointer
sockobj_addr_new (const BenchAddr *addr)
{
  GVariant *address;

  if (addr->native.ss_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) &addr->native;
      gchar host[INET_ADDRSTRLEN];

      inet_ntop (AF_INET, &sin->sin_addr, host, sizeof host);
      address = g_variant_new ("(sq)", host, ntohs (sin->sin_port));
    }
  else
    {
      const struct sockaddr_un *sun = (const struct sockaddr_un *) &addr->native;

      address = g_variant_new_string (sun->sun_path);
    }

  return g_variant_ref_sink (address);
}

static void
sockobj_addr_free (gpointer addr)
{
  g_variant_unref (addr);
}

static void
sockobj_set_nodelay (SockObject *self)
{
  GError *error = NULL;

  if (!sock_object_setsockopt (self, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    bench_fail ("sock_object_setsockopt(TCP_NODELAY)", error);
}

static SockObject *
sockobj_new_socket (BenchTransport transport)
{
  GError *error = NULL;
  SockObject *self;

  self = sock_socket (bench_transport_family (transport),
                      bench_transport_type (transport), 0, &error);
  if (self == NULL)
    bench_fail ("sock_socket", error);

  return self;
}

static BenchSock
sockobj_server (BenchTransport transport,
                gpointer       local)
{
  GError *error = NULL;
  SockObject *self = sockobj_new_socket (transport);

  if (!sock_object_bind (self, local, &error))
    bench_fail ("sock_object_bind", error);
  if (bench_transport_type (transport) == SOCK_STREAM
      && !sock_object_listen (self, 128, &error))
    bench_fail ("sock_object_listen", error);

  return self;
}

static BenchSock
sockobj_accept (BenchSock listener,
                gboolean  nodelay)
{
  GError *error = NULL;
  SockObject *self;

  self = sock_object_accept (listener, NULL, &error);
  if (self == NULL)
    bench_fail ("sock_object_accept", error);
  if (nodelay)
    sockobj_set_nodelay (self);

  return self;
}

static BenchSock
sockobj_connect (BenchTransport transport,
                 gpointer       remote,
                 gpointer       local,
                 gboolean       nodelay)
{
  GError *error = NULL;
  SockObject *self = sockobj_new_socket (transport);

  if (local != NULL && !sock_object_bind (self, local, &error))
    bench_fail ("sock_object_bind", error);
  if (!sock_object_connect (self, remote, &error))
    bench_fail ("sock_object_connect", error);
  if (nodelay)
    sockobj_set_nodelay (self);

  return self;
}

static BenchSock
sockobj_create_connection (gpointer remote)
{
  GError *error = NULL;
  SockObject *self = sock_create_connection (remote, -1, &error);

  if (self == NULL)
    bench_fail ("sock_create_connection", error);

  return self;
}

static void
sockobj_close (BenchSock sock)
{
  GError *error = NULL;

  if (!sock_object_close (sock, &error))
    bench_fail ("sock_object_close", error);
  g_object_unref (sock);
}

static gint
sockobj_fileno (BenchSock sock)
{
  return sock_object_fileno (sock);
}

static gssize
sockobj_send (BenchSock     sock,
              const guint8 *data,
              gsize         size)
{
  GError *error = NULL;
  gssize n;

  n = sock_object_send (sock, data, size, 0, &error);
  if (n < 0)
    bench_fail ("sock_object_send", error);

  return n;
}

static void
sockobj_sendall (BenchSock     sock,
                 const guint8 *data,
                 gsize         size)
{
  GError *error = NULL;

  if (!sock_object_sendall (sock, data, size, 0, &error))
    bench_fail ("sock_object_sendall", error);
}

static gssize
sockobj_recv_into (BenchSock  sock,
                   guint8    *buffer,
                   gsize      size)
{
  GError *error = NULL;
  gssize n;

  n = sock_object_recv_into (sock, buffer, size, 0, &error);
  if (n < 0)
    bench_fail ("sock_object_recv_into", error);

  return n;
}

/* The C fast path (1.2): the data goes straight into the caller's buffer,
 * and only the sender's address is allocated. */
static gssize
sockobj_recvfrom_into (BenchSock  sock,
                       guint8    *buffer,
                       gsize      size,
                       gpointer  *peer)
{
  GError *error = NULL;
  GVariant *address = NULL;
  gssize n;

  n = sock_object_recvfrom_into (sock, buffer, size, 0, &address, &error);
  if (n < 0)
    bench_fail ("sock_object_recvfrom_into", error);
  *peer = address;

  return n;
}

static void
sockobj_sendto (BenchSock     sock,
                const guint8 *data,
                gsize         size,
                gpointer      peer)
{
  GError *error = NULL;

  if (sock_object_sendto (sock, data, size, 0, peer, &error) < 0)
    bench_fail ("sock_object_sendto", error);
}

static void
sockobj_peer_free (gpointer peer)
{
  g_clear_pointer (&peer, g_variant_unref);
}

static BenchStream *
sockobj_makefile (BenchSock sock,
                  gint      bufsize)
{
  GError *error = NULL;
  GIOStream *iostream;

  iostream = sock_object_makefile (sock, "rwb", bufsize, &error);
  if (iostream == NULL)
    bench_fail ("sock_object_makefile", error);

  return bench_gio_stream_new (iostream);
}

static BenchStream *
sockobj_stream_open (BenchSock sock)
{
  return sockobj_makefile (sock, 0);
}

static BenchStream *
sockobj_stream_open_buffered (BenchSock sock)
{
  return sockobj_makefile (sock, -1);
}

static BenchSock
sockobj_wrap_fd (gint fd)
{
  GError *error = NULL;
  SockObject *self;

  self = sock_fromfd (fd, AF_UNIX, SOCK_STREAM, 0, &error);
  if (self == NULL)
    bench_fail ("sock_fromfd", error);

  return self;
}

static void
sockobj_settimeout (BenchSock sock,
                    gdouble   seconds)
{
  GError *error = NULL;

  if (!sock_object_settimeout (sock, seconds, &error))
    bench_fail ("sock_object_settimeout", error);
}

static void
sockobj_unix_pair (gint       type,
                   BenchSock *first,
                   BenchSock *second)
{
  GError *error = NULL;
  SockObject *a, *b;

  if (!sock_socketpair (AF_UNIX, type, 0, &a, &b, &error))
    bench_fail ("sock_socketpair", error);
  *first = a;
  *second = b;
}

static void
sockobj_send_fd (BenchSock sock,
                 gint      fd)
{
  GError *error = NULL;

  if (!sock_unix_object_send_fds (sock, (const guint8 *) "f", 1, &fd, 1, &error))
    bench_fail ("sock_unix_object_send_fds", error);
}

static gint
sockobj_recv_fd (BenchSock sock)
{
  GError *error = NULL;
  GArray *fds = NULL;
  GBytes *data;
  gint fd;

  data = sock_unix_object_recv_fds (sock, 1, 1, &fds, &error);
  if (data == NULL)
    bench_fail ("sock_unix_object_recv_fds", error);
  if (g_bytes_get_size (data) != 1 || fds->len != 1)
    bench_fail ("sock_unix_object_recv_fds: no descriptor arrived", NULL);
  fd = g_array_index (fds, gint, 0);
  g_array_unref (fds);
  g_bytes_unref (data);

  return fd;
}

static void
sockobj_sendfile (BenchSock sock,
                  gint      fd,
                  gsize     count)
{
  GError *error = NULL;

  if (sock_object_sendfile (sock, fd, 0, count, &error) != (gint64) count)
    bench_fail ("sock_object_sendfile", error);
}

static void
read_sendall_sendfile (BenchSock sock,
                       gint      fd,
                       gsize     count)
{
  bench_send_file_by_reading (sock, fd, count, sockobj_sendall);
}

/* The asynchronous workloads, written as the reference documents the
 * calls: an accept_async() loop, and per connection a recv_async() whose
 * callback starts the sendall_async() of the echo, whose callback starts
 * the next recv_async(). */

typedef struct _SoEcho SoEcho;

typedef struct
{
  SoEcho *echo;
  SockObject *sock;
  guint round;
  gsize got;
  gboolean sent;
} SoClient;

struct _SoEcho
{
  SockObject *listener;
  gboolean nodelay;
  guint connections;
  guint rounds;
  guint accepted;
  guint connected;
  guint finished;
  guint server_closed;
  gboolean holding;          /* idle: keep connections, echo nothing */
  GPtrArray *conns;
  SoClient *clients;
  GBytes *message;
  gint64 start;
};

static void so_server_read (GObject *source, GAsyncResult *result, gpointer data);

static void
so_server_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  SockObject *conn = SOCK_OBJECT (source);
  GError *error = NULL;

  if (!sock_object_sendall_finish (conn, result, &error))
    bench_fail ("sock_object_sendall_async", error);
  sock_object_recv_async (conn, BENCH_ASYNC_BUFSIZE, 0, NULL, so_server_read, data);
}

static void
so_server_read (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SockObject *conn = SOCK_OBJECT (source);
  SoEcho *echo = data;
  GError *error = NULL;
  GBytes *bytes = sock_object_recv_finish (conn, result, &error);

  if (bytes == NULL)
    {
      /* The idle server's own close at the end. */
      if (echo->holding && g_error_matches (error, SOCK_ERROR, EBADF))
        {
          g_error_free (error);
          return;
        }
      bench_fail ("sock_object_recv_async", error);
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      echo->server_closed++;
      sock_object_close (conn, NULL);
    }
  else
    sock_object_sendall_async (conn, bytes, 0, NULL, so_server_written, echo);
  g_bytes_unref (bytes);
}

static void so_start (SoEcho *echo);

static void
so_accepted (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  SoEcho *echo = data;
  GError *error = NULL;
  SockObject *conn = sock_object_accept_finish (echo->listener, result, NULL, &error);

  if (conn == NULL && echo->holding && g_error_matches (error, SOCK_ERROR, EBADF))
    {
      g_error_free (error);
      return;
    }
  if (conn == NULL)
    bench_fail ("sock_object_accept_async", error);
  if (echo->nodelay)
    sockobj_set_nodelay (conn);
  g_ptr_array_add (echo->conns, conn);
  echo->accepted++;
  sock_object_recv_async (conn, BENCH_ASYNC_BUFSIZE, 0, NULL, so_server_read, echo);
  if (echo->holding || echo->accepted < echo->connections)
    sock_object_accept_async (echo->listener, NULL, so_accepted, echo);
  if (!echo->holding && echo->accepted == echo->connections &&
      echo->connected == echo->connections)
    so_start (echo);
}

static void so_client_round (SoClient *client);

static void
so_client_next (SoClient *client)
{
  if (!client->sent || client->got < BENCH_ASYNC_MESSAGE)
    return;
  if (++client->round == client->echo->rounds)
    client->echo->finished++;
  else
    so_client_round (client);
}

static void
so_client_sent (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SoClient *client = data;
  GError *error = NULL;

  if (sock_object_send_finish (client->sock, result, &error) != BENCH_ASYNC_MESSAGE)
    bench_fail ("sock_object_send_async", error);
  client->sent = TRUE;
  so_client_next (client);
}

static void
so_client_read (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SoClient *client = data;
  GError *error = NULL;
  GBytes *bytes = sock_object_recv_finish (client->sock, result, &error);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    bench_fail ("sock_object_recv_async (the echo)", error);
  client->got += g_bytes_get_size (bytes);
  g_bytes_unref (bytes);
  if (client->got < BENCH_ASYNC_MESSAGE)
    sock_object_recv_async (client->sock, BENCH_ASYNC_MESSAGE - client->got, 0, NULL,
                            so_client_read, client);
  else
    so_client_next (client);
}

static void
so_client_round (SoClient *client)
{
  client->got = 0;
  client->sent = FALSE;
  sock_object_send_async (client->sock, client->echo->message, 0, NULL, so_client_sent, client);
  sock_object_recv_async (client->sock, BENCH_ASYNC_MESSAGE, 0, NULL, so_client_read, client);
}

static void
so_start (SoEcho *echo)
{
  echo->start = g_get_monotonic_time ();
  for (guint i = 0; i < echo->connections; i++)
    so_client_round (&echo->clients[i]);
}

static void
so_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  SoClient *client = data;
  SoEcho *echo = client->echo;
  GError *error = NULL;

  if (!sock_object_connect_finish (client->sock, result, &error))
    bench_fail ("sock_object_connect_async", error);
  if (echo->nodelay)
    sockobj_set_nodelay (client->sock);
  echo->connected++;
  if (echo->accepted == echo->connections && echo->connected == echo->connections)
    so_start (echo);
}

static SoEcho *
so_echo_new (BenchTransport transport,
             gpointer       local,
             guint          connections)
{
  SoEcho *echo = g_new0 (SoEcho, 1);
  GError *error = NULL;

  echo->connections = connections;
  echo->nodelay = transport == BENCH_TCP;
  echo->conns = g_ptr_array_new_with_free_func (g_object_unref);
  echo->listener = sockobj_new_socket (transport);
  if (!sock_object_bind (echo->listener, local, &error) ||
      !sock_object_listen (echo->listener, SOMAXCONN, &error))
    bench_fail ("sock_object_bind/listen", error);
  sock_object_accept_async (echo->listener, NULL, so_accepted, echo);

  return echo;
}

static void
so_echo_free (SoEcho *echo)
{
  sock_object_close (echo->listener, NULL);
  g_object_unref (echo->listener);
  g_ptr_array_unref (echo->conns);
  g_free (echo);
}

static gdouble
sockobj_async_echo (BenchTransport transport,
                    gpointer       local,
                    guint          connections,
                    guint          rounds)
{
  SoEcho *echo = so_echo_new (transport, local, connections);
  g_autoptr(GVariant) address = NULL;
  GError *error = NULL;
  gint64 elapsed;

  echo->rounds = rounds;
  echo->message = g_bytes_new_take (g_malloc0 (BENCH_ASYNC_MESSAGE), BENCH_ASYNC_MESSAGE);
  echo->clients = g_new0 (SoClient, connections);
  address = sock_object_getsockname (echo->listener, &error);
  if (address == NULL)
    bench_fail ("sock_object_getsockname", error);

  for (guint i = 0; i < connections; i++)
    {
      SoClient *client = &echo->clients[i];

      client->echo = echo;
      client->sock = sockobj_new_socket (transport);
      sock_object_connect_async (client->sock, address, NULL, so_connected, client);
    }

  while (echo->finished < connections)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - echo->start;

  /* The server sees each client's end of the stream and closes. */
  for (guint i = 0; i < connections; i++)
    {
      sock_object_close (echo->clients[i].sock, NULL);
      g_object_unref (echo->clients[i].sock);
    }
  while (echo->server_closed < connections)
    g_main_context_iteration (NULL, TRUE);

  g_free (echo->clients);
  g_bytes_unref (echo->message);
  so_echo_free (echo);

  return elapsed / 1e6;
}

static gpointer
sockobj_idle_start (BenchTransport  transport,
                    gpointer        local,
                    gint           *listen_fd)
{
  SoEcho *echo = so_echo_new (transport, local, G_MAXUINT);

  echo->holding = TRUE;
  *listen_fd = sock_object_fileno (echo->listener);
  return echo;
}

static guint
sockobj_idle_iterate (gpointer server)
{
  SoEcho *echo = server;

  g_main_context_iteration (NULL, TRUE);
  return echo->accepted;
}

static void
sockobj_idle_stop (gpointer server)
{
  SoEcho *echo = server;

  /* Closing fails each pending read; let their callbacks run. */
  for (guint i = 0; i < echo->conns->len; i++)
    sock_object_close (g_ptr_array_index (echo->conns, i), NULL);
  sock_object_close (echo->listener, NULL);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  so_echo_free (echo);
}

#define SOCKOBJ_OPS \
  .addr_new = sockobj_addr_new, \
  .addr_free = sockobj_addr_free, \
  .server = sockobj_server, \
  .accept = sockobj_accept, \
  .connect = sockobj_connect, \
  .create_connection = sockobj_create_connection, \
  .close = sockobj_close, \
  .fileno = sockobj_fileno, \
  .send = sockobj_send, \
  .sendall = sockobj_sendall, \
  .recv_into = sockobj_recv_into, \
  .recvfrom_into = sockobj_recvfrom_into, \
  .sendto = sockobj_sendto, \
  .peer_free = sockobj_peer_free, \
  .stream_write_all = bench_gio_stream_write_all, \
  .stream_read = bench_gio_stream_read, \
  .stream_close = bench_gio_stream_close, \
  .wrap_fd = sockobj_wrap_fd, \
  .settimeout = sockobj_settimeout, \
  .unix_pair = sockobj_unix_pair, \
  .send_fd = sockobj_send_fd, \
  .recv_fd = sockobj_recv_fd, \
  .async_echo = sockobj_async_echo, \
  .idle_start = sockobj_idle_start, \
  .idle_iterate = sockobj_idle_iterate, \
  .idle_stop = sockobj_idle_stop

const BenchImpl bench_impl_sockobj = {
  .name = "sockobj",
  .stream_open = sockobj_stream_open,
  .sendfile = sockobj_sendfile,
  SOCKOBJ_OPS,
};

const BenchImpl bench_impl_read_sendall = {
  .name = "read-sendall",
  .stream_open = sockobj_stream_open,
  .sendfile = read_sendall_sendfile,
  SOCKOBJ_OPS,
};

/* makefile() with the default buffer, as Python's makefile('rwb') is. */
const BenchImpl bench_impl_sockobj_buffered = {
  .name = "sockobj-buffered",
  .stream_open = sockobj_stream_open_buffered,
  SOCKOBJ_OPS,
};
