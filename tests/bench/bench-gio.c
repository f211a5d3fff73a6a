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
};
