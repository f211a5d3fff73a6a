/* bench-raw.c: the limit, straight BSD socket calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This is what a careful C programmer writes without a library: one system
 * call per operation, close-on-exec set in the same call, no allocations in
 * the data path.
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "bench.h"

/* The handle is the descriptor itself, shifted so that 0 is not NULL. */
#define FD_TO_SOCK(fd) (GINT_TO_POINTER ((fd) + 1))
#define SOCK_TO_FD(s)  (GPOINTER_TO_INT (s) - 1)

struct _BenchStream
{
  gint fd;
};

/* A datagram server answers each datagram before it reads the next one,
 * so one peer slot per thread is enough and the data path stays free of
 * allocations. */
static __thread BenchAddr raw_peer;

static gpointer
raw_addr_new (const BenchAddr *addr)
{
  return g_memdup2 (addr, sizeof *addr);
}

static void
raw_addr_free (gpointer addr)
{
  g_free (addr);
}

static void
raw_set_nodelay (gint fd)
{
  gint one = 1;

  if (setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
    bench_fail_errno ("setsockopt(TCP_NODELAY)");
}

static BenchSock
raw_server (BenchTransport transport,
            gpointer       local)
{
  const BenchAddr *addr = local;
  gint fd;

  fd = socket (bench_transport_family (transport),
               bench_transport_type (transport) | SOCK_CLOEXEC, 0);
  if (fd < 0)
    bench_fail_errno ("socket");
  if (bind (fd, (const struct sockaddr *) &addr->native, addr->native_len) < 0)
    bench_fail_errno ("bind");
  if (bench_transport_type (transport) == SOCK_STREAM && listen (fd, 128) < 0)
    bench_fail_errno ("listen");

  return FD_TO_SOCK (fd);
}

static BenchSock
raw_accept (BenchSock listener,
            gboolean  nodelay)
{
  gint fd;

  do
    fd = accept4 (SOCK_TO_FD (listener), NULL, NULL, SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    bench_fail_errno ("accept");
  if (nodelay)
    raw_set_nodelay (fd);

  return FD_TO_SOCK (fd);
}

static BenchSock
raw_connect (BenchTransport transport,
             gpointer       remote,
             gpointer       local,
             gboolean       nodelay)
{
  const BenchAddr *to = remote;
  gint fd;

  fd = socket (bench_transport_family (transport),
               bench_transport_type (transport) | SOCK_CLOEXEC, 0);
  if (fd < 0)
    bench_fail_errno ("socket");
  if (local != NULL)
    {
      const BenchAddr *from = local;

      if (bind (fd, (const struct sockaddr *) &from->native, from->native_len) < 0)
        bench_fail_errno ("bind");
    }
  if (connect (fd, (const struct sockaddr *) &to->native, to->native_len) < 0)
    bench_fail_errno ("connect");
  if (nodelay)
    raw_set_nodelay (fd);

  return FD_TO_SOCK (fd);
}

static void
raw_close (BenchSock sock)
{
  if (close (SOCK_TO_FD (sock)) < 0)
    bench_fail_errno ("close");
}

static gint
raw_fileno (BenchSock sock)
{
  return SOCK_TO_FD (sock);
}

static gssize
raw_send (BenchSock     sock,
          const guint8 *data,
          gsize         size)
{
  gssize n;

  do
    n = send (SOCK_TO_FD (sock), data, size, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    bench_fail_errno ("send");

  return n;
}

static void
raw_sendall (BenchSock     sock,
             const guint8 *data,
             gsize         size)
{
  while (size > 0)
    {
      gssize n = send (SOCK_TO_FD (sock), data, size, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          bench_fail_errno ("send");
        }
      data += n;
      size -= n;
    }
}

static gssize
raw_recv_into (BenchSock  sock,
               guint8    *buffer,
               gsize      size)
{
  gssize n;

  do
    n = recv (SOCK_TO_FD (sock), buffer, size, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    bench_fail_errno ("recv");

  return n;
}

static gssize
raw_recvfrom_into (BenchSock  sock,
                   guint8    *buffer,
                   gsize      size,
                   gpointer  *peer)
{
  gssize n;

  do
    {
      raw_peer.native_len = sizeof raw_peer.native;
      n = recvfrom (SOCK_TO_FD (sock), buffer, size, 0,
                    (struct sockaddr *) &raw_peer.native, &raw_peer.native_len);
    }
  while (n < 0 && errno == EINTR);
  if (n < 0)
    bench_fail_errno ("recvfrom");
  *peer = &raw_peer;

  return n;
}

static void
raw_sendto (BenchSock     sock,
            const guint8 *data,
            gsize         size,
            gpointer      peer)
{
  const BenchAddr *to = peer;
  gssize n;

  do
    n = sendto (SOCK_TO_FD (sock), data, size, 0,
                (const struct sockaddr *) &to->native, to->native_len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    bench_fail_errno ("sendto");
}

static void
raw_peer_free (gpointer peer)
{
}

static BenchStream *
raw_stream_open (BenchSock sock)
{
  BenchStream *stream = g_new0 (BenchStream, 1);

  stream->fd = SOCK_TO_FD (sock);

  return stream;
}

static void
raw_stream_write_all (BenchStream  *stream,
                      const guint8 *data,
                      gsize         size)
{
  while (size > 0)
    {
      gssize n = write (stream->fd, data, size);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          bench_fail_errno ("write");
        }
      data += n;
      size -= n;
    }
}

static gssize
raw_stream_read (BenchStream *stream,
                 guint8      *buffer,
                 gsize        size)
{
  gssize n;

  do
    n = read (stream->fd, buffer, size);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    bench_fail_errno ("read");

  return n;
}

static void
raw_stream_close (BenchStream *stream)
{
  g_free (stream);
}

static BenchSock
raw_wrap_fd (gint fd)
{
  return FD_TO_SOCK (fd);
}

const BenchImpl bench_impl_raw = {
  .name = "raw",
  .addr_new = raw_addr_new,
  .addr_free = raw_addr_free,
  .server = raw_server,
  .accept = raw_accept,
  .connect = raw_connect,
  .close = raw_close,
  .fileno = raw_fileno,
  .send = raw_send,
  .sendall = raw_sendall,
  .recv_into = raw_recv_into,
  .recvfrom_into = raw_recvfrom_into,
  .sendto = raw_sendto,
  .peer_free = raw_peer_free,
  .stream_open = raw_stream_open,
  .stream_write_all = raw_stream_write_all,
  .stream_read = raw_stream_read,
  .stream_close = raw_stream_close,
  .wrap_fd = raw_wrap_fd,
};
