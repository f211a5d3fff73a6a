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

/* The loop sendfile() saves a program from writing. */
static void
read_sendall_sendfile (BenchSock sock,
                       gint      fd,
                       gsize     count)
{
  static __thread guint8 buffer[64 * 1024];
  GError *error = NULL;
  gsize sent = 0;

  if (lseek (fd, 0, SEEK_SET) != 0)
    bench_fail_errno ("lseek");
  while (sent < count)
    {
      gssize n = read (fd, buffer, MIN (sizeof buffer, count - sent));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        bench_fail_errno ("read");
      if (!sock_object_sendall (sock, buffer, n, 0, &error))
        bench_fail ("sock_object_sendall", error);
      sent += n;
    }
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
  .recv_fd = sockobj_recv_fd

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
