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
#include <sys/epoll.h>
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
/* The asynchronous workloads' limit: one level-triggered epoll loop with
 * non-blocking descriptors, what a careful C programmer writes by hand. A
 * server connection echoes what it reads at once; a client sends its next
 * message as soon as the echo of the last is complete. */

typedef enum
{
  RAW_LISTENER,
  RAW_SERVER,
  RAW_CLIENT,
} RawKind;

typedef struct
{
  RawKind kind;
  gint fd;
  gboolean connecting;
  guint round;
  gsize got;
} RawConn;

typedef struct
{
  gint epfd;
  RawConn listener;
  gboolean nodelay;
  gboolean holding;
  guint connections;
  guint rounds;
  guint accepted;
  guint connected;
  guint finished;
  guint server_closed;
  GPtrArray *conns;
  RawConn *clients;
  gint64 start;
} RawEcho;

static void
raw_epoll_add (RawEcho  *echo,
               RawConn  *conn,
               guint32   events)
{
  struct epoll_event event = { .events = events, .data.ptr = conn };

  if (epoll_ctl (echo->epfd, EPOLL_CTL_ADD, conn->fd, &event) < 0)
    bench_fail_errno ("epoll_ctl");
}

static void
raw_send_all_now (gint          fd,
                  const guint8 *data,
                  gsize         size)
{
  while (size > 0)
    {
      gssize n = send (fd, data, size, MSG_NOSIGNAL);

      if (n < 0)
        {
          if (errno == EINTR || errno == EAGAIN)
            continue;
          bench_fail_errno ("send");
        }
      data += n;
      size -= n;
    }
}

static void
raw_start (RawEcho *echo)
{
  static const guint8 message[BENCH_ASYNC_MESSAGE];

  echo->start = g_get_monotonic_time ();
  for (guint i = 0; i < echo->connections; i++)
    raw_send_all_now (echo->clients[i].fd, message, sizeof message);
}

static void
raw_accept_all (RawEcho *echo)
{
  for (;;)
    {
      RawConn *conn;
      gint fd = accept4 (echo->listener.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

      if (fd < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            return;
          bench_fail_errno ("accept4");
        }
      if (echo->nodelay)
        raw_set_nodelay (fd);
      conn = g_new0 (RawConn, 1);
      conn->kind = RAW_SERVER;
      conn->fd = fd;
      g_ptr_array_add (echo->conns, conn);
      raw_epoll_add (echo, conn, EPOLLIN);
      echo->accepted++;
    }
}

static void
raw_event (RawEcho  *echo,
           RawConn  *conn)
{
  static const guint8 message[BENCH_ASYNC_MESSAGE];
  guint8 buffer[BENCH_ASYNC_BUFSIZE];
  gssize n;

  switch (conn->kind)
    {
    case RAW_LISTENER:
      raw_accept_all (echo);
      if (!echo->holding && echo->accepted == echo->connections &&
          echo->connected == echo->connections)
        raw_start (echo);
      break;

    case RAW_SERVER:
      n = recv (conn->fd, buffer, sizeof buffer, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        break;
      if (n < 0)
        bench_fail_errno ("recv");
      if (n == 0)
        {
          epoll_ctl (echo->epfd, EPOLL_CTL_DEL, conn->fd, NULL);
          close (conn->fd);
          conn->fd = -1;
          echo->server_closed++;
          break;
        }
      raw_send_all_now (conn->fd, buffer, n);
      break;

    case RAW_CLIENT:
      if (conn->connecting)
        {
          struct epoll_event event = { .events = EPOLLIN, .data.ptr = conn };
          gint err = 0;
          socklen_t len = sizeof err;

          if (getsockopt (conn->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0)
            bench_fail ("a client's connect failed", NULL);
          conn->connecting = FALSE;
          if (epoll_ctl (echo->epfd, EPOLL_CTL_MOD, conn->fd, &event) < 0)
            bench_fail_errno ("epoll_ctl");
          if (echo->nodelay)
            raw_set_nodelay (conn->fd);
          if (++echo->connected == echo->connections && echo->accepted == echo->connections)
            raw_start (echo);
          break;
        }
      n = recv (conn->fd, buffer, BENCH_ASYNC_MESSAGE - conn->got, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        break;
      if (n <= 0)
        bench_fail ("a client lost its echo", NULL);
      conn->got += n;
      if (conn->got < BENCH_ASYNC_MESSAGE)
        break;
      conn->got = 0;
      if (++conn->round == echo->rounds)
        echo->finished++;
      else
        raw_send_all_now (conn->fd, message, sizeof message);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
raw_loop_once (RawEcho *echo)
{
  struct epoll_event events[256];
  gint n = epoll_wait (echo->epfd, events, G_N_ELEMENTS (events), -1);

  if (n < 0 && errno != EINTR)
    bench_fail_errno ("epoll_wait");
  for (gint i = 0; i < n; i++)
    raw_event (echo, events[i].data.ptr);
}

static void
raw_conn_free (gpointer data)
{
  RawConn *conn = data;

  if (conn->fd >= 0)
    close (conn->fd);
  g_free (conn);
}

static RawEcho *
raw_echo_new (BenchTransport  transport,
              gpointer        local,
              guint           connections)
{
  RawEcho *echo = g_new0 (RawEcho, 1);
  const BenchAddr *addr = local;

  echo->connections = connections;
  echo->nodelay = transport == BENCH_TCP;
  echo->conns = g_ptr_array_new_with_free_func (raw_conn_free);
  echo->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (echo->epfd < 0)
    bench_fail_errno ("epoll_create1");

  echo->listener.kind = RAW_LISTENER;
  echo->listener.fd = socket (bench_transport_family (transport),
                              SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (echo->listener.fd < 0)
    bench_fail_errno ("socket");
  if (bind (echo->listener.fd, (const struct sockaddr *) &addr->native, addr->native_len) < 0 ||
      listen (echo->listener.fd, SOMAXCONN) < 0)
    bench_fail_errno ("bind/listen");
  raw_epoll_add (echo, &echo->listener, EPOLLIN);

  return echo;
}

static void
raw_echo_free (RawEcho *echo)
{
  close (echo->listener.fd);
  g_ptr_array_unref (echo->conns);
  close (echo->epfd);
  g_free (echo);
}

static gdouble
raw_async_echo (BenchTransport transport,
                gpointer       local,
                guint          connections,
                guint          rounds)
{
  RawEcho *echo = raw_echo_new (transport, local, connections);
  struct sockaddr_storage bound;
  socklen_t bound_len = sizeof bound;
  gint64 elapsed;

  echo->rounds = rounds;
  echo->clients = g_new0 (RawConn, connections);
  if (getsockname (echo->listener.fd, (struct sockaddr *) &bound, &bound_len) < 0)
    bench_fail_errno ("getsockname");

  for (guint i = 0; i < connections; i++)
    {
      RawConn *client = &echo->clients[i];

      client->kind = RAW_CLIENT;
      client->fd = socket (bench_transport_family (transport),
                           SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (client->fd < 0)
        bench_fail_errno ("socket");
      client->connecting = TRUE;
      if (connect (client->fd, (const struct sockaddr *) &bound, bound_len) < 0 &&
          errno != EINPROGRESS && errno != EAGAIN)
        bench_fail_errno ("connect");
      raw_epoll_add (echo, client, EPOLLOUT);
    }

  while (echo->finished < connections)
    raw_loop_once (echo);
  elapsed = g_get_monotonic_time () - echo->start;

  for (guint i = 0; i < connections; i++)
    {
      epoll_ctl (echo->epfd, EPOLL_CTL_DEL, echo->clients[i].fd, NULL);
      close (echo->clients[i].fd);
    }
  while (echo->server_closed < connections)
    raw_loop_once (echo);

  g_free (echo->clients);
  raw_echo_free (echo);

  return elapsed / 1e6;
}

static gpointer
raw_idle_start (BenchTransport  transport,
                gpointer        local,
                gint           *listen_fd)
{
  RawEcho *echo = raw_echo_new (transport, local, G_MAXUINT);

  echo->holding = TRUE;
  *listen_fd = echo->listener.fd;
  return echo;
}

static guint
raw_idle_iterate (gpointer server)
{
  RawEcho *echo = server;

  raw_loop_once (echo);
  return echo->accepted;
}

static void
raw_idle_stop (gpointer server)
{
  raw_echo_free (server);
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
  .recv_fd = raw_recv_fd

/* The data calls on a blocking descriptor. */
#define RAW_BLOCKING_OPS \
  .close = raw_close, \
  .send = raw_send, \
  .sendall = raw_sendall, \
  .recv_into = raw_recv_into

const BenchImpl bench_impl_raw = {
  .name = "raw",
  .sendfile = raw_sendfile,
  RAW_BLOCKING_OPS,
  RAW_OPS,
  .async_echo = raw_async_echo,
  .idle_start = raw_idle_start,
  .idle_iterate = raw_idle_iterate,
  .idle_stop = raw_idle_stop,
};

static void
raw_read_send_sendfile (BenchSock sock,
                        gint      fd,
                        gsize     count)
{
  bench_send_file_by_reading (sock, fd, count, raw_sendall);
}

const BenchImpl bench_impl_raw_read_send = {
  .name = "raw-read-send",
  .sendfile = raw_read_send_sendfile,
  RAW_BLOCKING_OPS,
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
