/* bench-raw.c: the limit, straight BSD socket calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This is what a careful C programmer writes without a library: one system
 * call per operation, close-on-exec set in the same call, no allocations in
 * the data path.
 *
 * Two tables: raw, blocking descriptors throughout (it has no settimeout,
 * so in the timeout workloads it is the blocking baseline), and raw-poll,
 * the same calls on a descriptor with a timeout done by hand: O_NONBLOCK,
 * the call tried first, and on EAGAIN poll() for what is left of a
 * deadline read from the clock when the call started.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/sendfile.h>
#include <time.h>
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

/* raw-poll: a timeout by hand. ------------------------------------------- */

/* Each descriptor's timeout in microseconds, 0 for none (blocking). Set
 * before the peer thread starts and cleared after it is joined, so plain
 * reads are enough. */
#define RAW_POLL_MAX_FD 1024
static gint64 raw_poll_timeout[RAW_POLL_MAX_FD];

static gint
raw_poll_fd (BenchSock sock)
{
  gint fd = SOCK_TO_FD (sock);

  if (fd < 0 || fd >= RAW_POLL_MAX_FD)
    bench_fail ("raw-poll: descriptor number out of range", NULL);

  return fd;
}

static gint64
raw_poll_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The deadline of a call starting now, -1 for a blocking descriptor. */
static gint64
raw_poll_deadline (gint fd)
{
  gint64 timeout = raw_poll_timeout[fd];

  return timeout > 0 ? raw_poll_now () + timeout : -1;
}

/* After EAGAIN (or EINTR): waits for @events until @deadline. */
static void
raw_poll_wait (gint         fd,
               gshort       events,
               gint64       deadline,
               const gchar *what)
{
  for (;;)
    {
      struct pollfd pfd = { fd, events, 0 };
      gint64 remaining = deadline - raw_poll_now ();
      gint result;

      if (remaining <= 0)
        bench_fail (what, NULL);
      result = poll (&pfd, 1, (gint) MIN ((remaining + 999) / 1000, G_MAXINT));
      if (result > 0)
        return;
      if (result < 0 && errno != EINTR)
        bench_fail_errno ("poll");
    }
}

static gssize
raw_poll_send (BenchSock     sock,
               const guint8 *data,
               gsize         size)
{
  gint fd = raw_poll_fd (sock);
  gint64 deadline = raw_poll_deadline (fd);

  for (;;)
    {
      gssize n = send (fd, data, size, 0);

      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN || deadline < 0)
        bench_fail_errno ("send");
      raw_poll_wait (fd, POLLOUT, deadline, "send: timed out");
    }
}

/* One deadline for the whole call, as CPython's sendall() has. */
static void
raw_poll_sendall (BenchSock     sock,
                  const guint8 *data,
                  gsize         size)
{
  gint fd = raw_poll_fd (sock);
  gint64 deadline = raw_poll_deadline (fd);

  while (size > 0)
    {
      gssize n = send (fd, data, size, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN || deadline < 0)
            bench_fail_errno ("send");
          raw_poll_wait (fd, POLLOUT, deadline, "sendall: timed out");
          continue;
        }
      data += n;
      size -= n;
    }
}

static gssize
raw_poll_recv_into (BenchSock  sock,
                    guint8    *buffer,
                    gsize      size)
{
  gint fd = raw_poll_fd (sock);
  gint64 deadline = raw_poll_deadline (fd);

  for (;;)
    {
      gssize n = recv (fd, buffer, size, 0);

      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN || deadline < 0)
        bench_fail_errno ("recv");
      raw_poll_wait (fd, POLLIN, deadline, "recv: timed out");
    }
}

static void
raw_poll_settimeout (BenchSock sock,
                     gdouble   seconds)
{
  gint fd = raw_poll_fd (sock);
  gint flags = fcntl (fd, F_GETFL);

  if (flags < 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    bench_fail_errno ("fcntl(O_NONBLOCK)");
  raw_poll_timeout[fd] = (gint64) (seconds * G_USEC_PER_SEC);
}

static void
raw_poll_close (BenchSock sock)
{
  raw_poll_timeout[raw_poll_fd (sock)] = 0;
  raw_close (sock);
}

static BenchSock
raw_create_connection (gpointer remote)
{
  return raw_connect (BENCH_TCP, remote, NULL, FALSE);
}

static void
raw_unix_pair (gint       type,
               BenchSock *first,
               BenchSock *second)
{
  gint fds[2];

  if (socketpair (AF_UNIX, type | SOCK_CLOEXEC, 0, fds) < 0)
    bench_fail_errno ("socketpair");
  *first = FD_TO_SOCK (fds[0]);
  *second = FD_TO_SOCK (fds[1]);
}

/* What a careful C programmer writes for SCM_RIGHTS: one sendmsg() with the
 * control message on the stack. */
static void
raw_send_fd (BenchSock sock,
             gint      fd)
{
  union
  {
    struct cmsghdr header;
    guint8 bytes[CMSG_SPACE (sizeof (gint))];
  } control;
  struct iovec iov = { (gpointer) "f", 1 };
  struct msghdr msg = { 0 };
  struct cmsghdr *header;
  gssize n;

  memset (&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = &control;
  msg.msg_controllen = sizeof control;
  header = CMSG_FIRSTHDR (&msg);
  header->cmsg_len = CMSG_LEN (sizeof (gint));
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  memcpy (CMSG_DATA (header), &fd, sizeof fd);

  do
    n = sendmsg (SOCK_TO_FD (sock), &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    bench_fail_errno ("sendmsg");
}

static gint
raw_recv_fd (BenchSock sock)
{
  union
  {
    struct cmsghdr header;
    guint8 bytes[CMSG_SPACE (sizeof (gint))];
  } control;
  guint8 byte;
  struct iovec iov = { &byte, 1 };
  struct msghdr msg = { 0 };
  struct cmsghdr *header;
  gssize n;
  gint fd;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = &control;
  do
    {
      msg.msg_controllen = sizeof control;
      n = recvmsg (SOCK_TO_FD (sock), &msg, MSG_CMSG_CLOEXEC);
    }
  while (n < 0 && errno == EINTR);
  if (n != 1)
    bench_fail_errno ("recvmsg");
  header = CMSG_FIRSTHDR (&msg);
  if (header == NULL || header->cmsg_type != SCM_RIGHTS || (msg.msg_flags & MSG_CTRUNC))
    bench_fail ("recvmsg: no descriptor arrived", NULL);
  memcpy (&fd, CMSG_DATA (header), sizeof fd);

  return fd;
}

static void
raw_sendfile (BenchSock sock,
              gint      fd,
              gsize     count)
{
  off_t offset = 0;

  while ((gsize) offset < count)
    {
      gssize n = sendfile (SOCK_TO_FD (sock), fd, &offset, count - offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        bench_fail_errno ("sendfile");
    }
}

#define RAW_OPS \
  .addr_new = raw_addr_new, \
  .addr_free = raw_addr_free, \
  .server = raw_server, \
  .accept = raw_accept, \
  .connect = raw_connect, \
  .create_connection = raw_create_connection, \
  .fileno = raw_fileno, \
  .recvfrom_into = raw_recvfrom_into, \
  .sendto = raw_sendto, \
  .peer_free = raw_peer_free, \
  .stream_open = raw_stream_open, \
  .stream_write_all = raw_stream_write_all, \
  .stream_read = raw_stream_read, \
  .stream_close = raw_stream_close, \
  .wrap_fd = raw_wrap_fd, \
  .unix_pair = raw_unix_pair, \
  .send_fd = raw_send_fd, \
  .recv_fd = raw_recv_fd, \
  .sendfile = raw_sendfile

const BenchImpl bench_impl_raw = {
  .name = "raw",
  .close = raw_close,
  .send = raw_send,
  .sendall = raw_sendall,
  .recv_into = raw_recv_into,
  RAW_OPS,
};

/* Only the calls the timeout workloads make wait on the deadline. */
const BenchImpl bench_impl_raw_poll = {
  .name = "raw-poll",
  .close = raw_poll_close,
  .send = raw_poll_send,
  .sendall = raw_poll_sendall,
  .recv_into = raw_poll_recv_into,
  .settimeout = raw_poll_settimeout,
  RAW_OPS,
};
