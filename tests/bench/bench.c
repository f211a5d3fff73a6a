/* bench.c: raw BSD sockets, GIO and sockobj through the same workloads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every workload is written once against the BenchImpl table (bench.h).
 * One run interleaves the implementations: each repetition visits every
 * case and, within a case, makes one round or more (DATA_ROUNDS for the
 * workloads on a connection made beforehand), each visiting the
 * implementations in an order rotated by the round's number, so drift in
 * the machine's speed spreads over all of them. The figure reported is the
 * median over the rounds, a ratio the median of the rounds' ratios.
 *
 * Usage: sockobj-bench [--quick] [--reps N] [--filter WORD,...] [--no-pin] [--tsv FILE]
 *        sockobj-bench --callgrind IMPL [--calls N] [--timeout SECONDS]
 *        sockobj-bench --idle IMPL [--idle-transport tcp|unix] [--idle-connections N]
 *        sockobj-bench --loop-costs [--calls N] [--tsv FILE]
 * tools/bench runs it and writes doc/performance.md.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bench.h"

#define PING_SIZE      64
#define CHUNK_SIZE     (64 * 1024)
#define MAX_IMPLS      4
#define MAX_REPS       101
/* Samples per repetition, for the workloads on one established connection. */
#define DATA_ROUNDS    3
#define MAX_SAMPLES    (MAX_REPS * DATA_ROUNDS)
/* The timeout workloads' timeout: long enough never to expire. */
#define BENCH_TIMEOUT  30.0
/* Longest any single measurement may take before the run is abandoned. */
#define WATCHDOG_SECS  120

typedef struct
{
  guint  reps;
  guint  pingpong_rounds;
  gsize  bulk_bytes;
  gsize  sendfile_bytes;
  guint  connect_cycles;
  guint  dgram_rounds;
  guint  fdpass_rounds;
  guint  async_round_trips;
  guint  idle_connections;
} BenchParams;

typedef struct _BenchWorkload BenchWorkload;

struct _BenchWorkload
{
  const gchar     *name;
  const gchar     *unit;
  gboolean         higher_is_better;
  BenchTransport   transports[2];
  const BenchImpl *impls[MAX_IMPLS];
  /* Runs one measurement at @scale (1.0 = full size) and returns it in
   * the workload's unit. */
  gdouble        (*run) (const BenchImpl   *impl,
                         BenchTransport     transport,
                         const BenchParams *params,
                         gdouble            scale);
  /* Targets for sockobj's rows: a ratio to raw (a ceiling for times, a
   * floor for rates; 0 for none) and whether it must beat the peer. */
  gdouble          raw_target;
  gboolean         peer_target;
  /* The second baseline, beside raw: an implementation's name, NULL for
   * GIO, "" for none. */
  const gchar     *peer;
  /* Samples per repetition, each visiting the implementations in a newly
   * rotated order; 0 means 1. The workloads that run on one connection
   * or pair made beforehand take DATA_ROUNDS: their samples are short and
   * cheap, and the extra samples narrow the median of their ratios. The
   * others take one: connect-accept-close and create-connection leave
   * thousands of TCP connections in TIME_WAIT per sample, which slow the
   * connects of the next, and the asynchronous and idle workloads open up
   * to 10,000 connections per sample. */
  guint            rounds;
};

static gchar    *tmp_dir;
static guint     path_serial;
/* Both sides of every workload run on one CPU (see pin_self()). */
static gboolean  pin = TRUE;
static cpu_set_t allowed_cpus;
static gint      bench_cpu = -1;

/* Failure handling. */

void
bench_fail (const gchar *what,
            GError      *error)
{
  if (error != NULL)
    g_printerr ("sockobj-bench: %s failed: %s\n", what, error->message);
  else
    g_printerr ("sockobj-bench: %s\n", what);
  exit (EXIT_FAILURE);
}

void
bench_fail_errno (const gchar *what)
{
  g_printerr ("sockobj-bench: %s failed: %s\n", what, g_strerror (errno));
  exit (EXIT_FAILURE);
}

void
bench_send_file_by_reading (BenchSock   sock,
                            gint        fd,
                            gsize       count,
                            void      (*sendall) (BenchSock     sock,
                                                  const guint8 *data,
                                                  gsize         size))
{
  static __thread guint8 buffer[CHUNK_SIZE];
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
      sendall (sock, buffer, n);
      sent += n;
    }
}

static void
watchdog_fired (int signum)
{
  static const char message[] = "sockobj-bench: a measurement took longer than "
                                G_STRINGIFY (WATCHDOG_SECS) " s; giving up\n";

  /* Only async-signal-safe calls here. */
  if (write (STDERR_FILENO, message, sizeof message - 1) < 0)
    _exit (3);
  _exit (3);
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);

  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Up to the hard limit: the async workloads hold thousands of sockets. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static void
cpus_init (void)
{
  if (sched_getaffinity (0, sizeof allowed_cpus, &allowed_cpus) < 0)
    bench_fail_errno ("sched_getaffinity");
  for (gint i = 0; i < CPU_SETSIZE && bench_cpu < 0; i++)
    if (CPU_ISSET (i, &allowed_cpus))
      bench_cpu = i;
}

/* Puts the calling thread on the benchmark CPU, or gives it back every
 * allowed CPU when @on is FALSE.
 *
 * Both sides of a workload share one CPU. On a virtual machine a wakeup
 * across CPUs costs tens of microseconds, and whether one happens depends
 * on where the scheduler last left each thread: measured that way a
 * 64-byte round trip here is either 8 or 50 us from one repetition to the
 * next, and a transfer's rate swings by 2x. On one CPU a round trip and a
 * transfer measure the code: system calls, context switches and whatever
 * the implementation adds, which is what the comparison is about. */
static void
pin_self (gboolean on)
{
  cpu_set_t set = allowed_cpus;

  if (!pin)
    return;
  if (on)
    {
      CPU_ZERO (&set);
      CPU_SET (bench_cpu, &set);
    }
  if (sched_setaffinity (0, sizeof set, &set) < 0)
    bench_fail_errno ("sched_setaffinity");
}

/* Transports and addresses. */

static const gchar *transport_names[BENCH_N_TRANSPORTS] = {
  [BENCH_TCP] = "tcp",
  [BENCH_UNIX] = "unix",
  [BENCH_UDP] = "udp",
  [BENCH_UNIX_DGRAM] = "unix-dgram",
};

gint
bench_transport_family (BenchTransport transport)
{
  return transport == BENCH_TCP || transport == BENCH_UDP ? AF_INET : AF_UNIX;
}

gint
bench_transport_type (BenchTransport transport)
{
  return transport == BENCH_TCP || transport == BENCH_UNIX ? SOCK_STREAM : SOCK_DGRAM;
}

/* 127.0.0.1 port 0, or a fresh path in the temporary directory. */
static void
bench_addr_init_local (BenchAddr      *addr,
                       BenchTransport  transport)
{
  memset (addr, 0, sizeof *addr);
  addr->transport = transport;

  if (bench_transport_family (transport) == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &addr->native;

      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      sin->sin_port = 0;
      addr->native_len = sizeof *sin;
    }
  else
    {
      struct sockaddr_un *sun = (struct sockaddr_un *) &addr->native;
      gint len;

      sun->sun_family = AF_UNIX;
      len = g_snprintf (sun->sun_path, sizeof sun->sun_path, "%s/s%u.sock",
                        tmp_dir, ++path_serial);
      if (len < 0 || (gsize) len >= sizeof sun->sun_path)
        bench_fail ("the temporary directory is too deep for an AF_UNIX path", NULL);
      addr->native_len = G_STRUCT_OFFSET (struct sockaddr_un, sun_path) + len + 1;
    }
}

static void
bench_addr_unlink (const BenchAddr *addr)
{
  if (addr->native.ss_family == AF_UNIX)
    unlink (((const struct sockaddr_un *) &addr->native)->sun_path);
}

/* A bound (and, for streams, listening) socket of one implementation,
 * with its address as that implementation's address object. */
typedef struct
{
  const BenchImpl *impl;
  BenchTransport   transport;
  BenchAddr        bound;
  gpointer         remote;
  BenchSock        sock;
} Endpoint;

static void
endpoint_open (Endpoint        *ep,
               const BenchImpl *impl,
               BenchTransport   transport)
{
  BenchAddr local;
  gpointer local_obj;

  bench_addr_init_local (&local, transport);
  local_obj = impl->addr_new (&local);

  ep->impl = impl;
  ep->transport = transport;
  ep->sock = impl->server (transport, local_obj);
  impl->addr_free (local_obj);

  /* Setup only: read the port the kernel picked with a plain call. */
  ep->bound.transport = transport;
  ep->bound.native_len = sizeof ep->bound.native;
  if (getsockname (impl->fileno (ep->sock),
                   (struct sockaddr *) &ep->bound.native, &ep->bound.native_len) < 0)
    bench_fail_errno ("getsockname");
  ep->remote = impl->addr_new (&ep->bound);
}

static void
endpoint_close (Endpoint *ep)
{
  ep->impl->close (ep->sock);
  ep->impl->addr_free (ep->remote);
  bench_addr_unlink (&ep->bound);
}

/* Exact-size helpers over the table, used by the workloads. */

static void
send_exact (const BenchImpl *impl,
            BenchSock        sock,
            const guint8    *data,
            gsize            size)
{
  while (size > 0)
    {
      gssize n = impl->send (sock, data, size);

      data += n;
      size -= n;
    }
}

/* FALSE at a clean end of stream before the first byte. */
static gboolean
recv_exact (const BenchImpl *impl,
            BenchSock        sock,
            guint8          *buffer,
            gsize            size)
{
  gsize got = 0;

  while (got < size)
    {
      gssize n = impl->recv_into (sock, buffer + got, size - got);

      if (n == 0)
        {
          if (got == 0)
            return FALSE;
          bench_fail ("the stream ended inside a message", NULL);
        }
      got += n;
    }

  return TRUE;
}

static guint
scaled (guint   count,
        gdouble scale)
{
  return MAX (1, (guint) (count * scale));
}

/* A server side running in its own thread, on the benchmark CPU. */
typedef struct _ServerArgs ServerArgs;

struct _ServerArgs
{
  const BenchImpl *impl;
  BenchSock        sock;
  BenchStream     *stream;
  guint64          count;
  GThreadFunc      func;
};

static gpointer
server_main (gpointer data)
{
  ServerArgs *args = data;

  pin_self (TRUE);

  return args->func (args);
}

static GThread *
server_start (const gchar *name,
              GThreadFunc  func,
              ServerArgs  *args)
{
  args->func = func;

  return g_thread_new (name, server_main, args);
}

/* The timeout workloads give both ends of the connection a timeout that
 * never expires, once connected and before the peer thread starts. */
static void
set_timeouts (const BenchImpl *impl,
              BenchSock        a,
              BenchSock        b,
              gdouble          timeout)
{
  if (timeout <= 0 || impl->settimeout == NULL)
    return;
  impl->settimeout (a, timeout);
  impl->settimeout (b, timeout);
}

/* Workload: ping-pong of 64-byte messages, in microseconds per round trip.
 * The server is the seed's echo loop. */

static gpointer
pingpong_server (gpointer data)
{
  ServerArgs *args = data;
  guint8 buffer[PING_SIZE];

  while (recv_exact (args->impl, args->sock, buffer, sizeof buffer))
    send_exact (args->impl, args->sock, buffer, sizeof buffer);

  return NULL;
}

static gdouble
pingpong (const BenchImpl   *impl,
          BenchTransport     transport,
          const BenchParams *params,
          gdouble            scale,
          gdouble            timeout)
{
  guint rounds = scaled (params->pingpong_rounds, scale);
  guint8 message[PING_SIZE];
  guint8 reply[PING_SIZE];
  ServerArgs args = { impl, NULL, NULL, 0, NULL };
  Endpoint ep;
  BenchSock client;
  GThread *thread;
  gint64 start, elapsed;

  memset (message, 'p', sizeof message);
  endpoint_open (&ep, impl, transport);
  client = impl->connect (transport, ep.remote, NULL, transport == BENCH_TCP);
  args.sock = impl->accept (ep.sock, transport == BENCH_TCP);
  set_timeouts (impl, client, args.sock, timeout);
  thread = server_start ("echo", pingpong_server, &args);

  start = now_ns ();
  for (guint i = 0; i < rounds; i++)
    {
      send_exact (impl, client, message, sizeof message);
      if (!recv_exact (impl, client, reply, sizeof reply))
        bench_fail ("ping-pong: the server closed early", NULL);
    }
  elapsed = now_ns () - start;

  impl->close (client);
  g_thread_join (thread);
  impl->close (args.sock);
  endpoint_close (&ep);

  return elapsed / 1e3 / rounds;
}

static gdouble
run_pingpong (const BenchImpl   *impl,
              BenchTransport     transport,
              const BenchParams *params,
              gdouble            scale)
{
  return pingpong (impl, transport, params, scale, -1);
}

/* Workload: ping-pong with a timeout set on both ends (raw: blocking). */
static gdouble
run_pingpong_timeout (const BenchImpl   *impl,
                      BenchTransport     transport,
                      const BenchParams *params,
                      gdouble            scale)
{
  return pingpong (impl, transport, params, scale, BENCH_TIMEOUT);
}

/* Workload: bulk transfer with sendall and recv_into, in MiB/s. */

static gpointer
bulk_receiver (gpointer data)
{
  ServerArgs *args = data;
  static __thread guint8 buffer[CHUNK_SIZE];
  guint64 got = 0;

  while (got < args->count)
    {
      gssize n = args->impl->recv_into (args->sock, buffer, sizeof buffer);

      if (n == 0)
        bench_fail ("bulk: the sender closed early", NULL);
      got += n;
    }

  return NULL;
}

/* @bytes at @scale, in whole chunks. */
static gsize
chunked_size (gsize   bytes,
              gdouble scale)
{
  gsize total = bytes * scale;

  return MAX (CHUNK_SIZE, total - total % CHUNK_SIZE);
}

static gsize
bulk_size (const BenchParams *params,
           gdouble            scale)
{
  return chunked_size (params->bulk_bytes, scale);
}

/* Sends @total bytes on @sender, the connected end of a transfer. */
typedef void (*SendFunc) (const BenchImpl *impl,
                          BenchSock        sender,
                          gsize            total,
                          gpointer         data);

/* One timed transfer of @total bytes to a receiver thread reading with
 * recv_into, each end with @timeout (< 0: none): what @send does, in MiB/s. */
static gdouble
transfer (const BenchImpl *impl,
          BenchTransport   transport,
          gsize            total,
          gdouble          timeout,
          SendFunc         send,
          gpointer         data)
{
  ServerArgs args = { impl, NULL, NULL, total, NULL };
  Endpoint ep;
  BenchSock sender;
  GThread *thread;
  gint64 start, elapsed;

  endpoint_open (&ep, impl, transport);
  sender = impl->connect (transport, ep.remote, NULL, transport == BENCH_TCP);
  args.sock = impl->accept (ep.sock, transport == BENCH_TCP);
  set_timeouts (impl, sender, args.sock, timeout);
  thread = server_start ("receiver", bulk_receiver, &args);

  start = now_ns ();
  send (impl, sender, total, data);
  g_thread_join (thread);
  elapsed = now_ns () - start;

  impl->close (sender);
  impl->close (args.sock);
  endpoint_close (&ep);

  return total / (1024.0 * 1024.0) / (elapsed / 1e9);
}

/* @data is the chunk, filled before the transfer is timed. */
static void
send_chunks (const BenchImpl *impl,
             BenchSock        sender,
             gsize            total,
             gpointer         data)
{
  for (gsize sent = 0; sent < total; sent += CHUNK_SIZE)
    impl->sendall (sender, data, CHUNK_SIZE);
}

static gdouble
bulk (const BenchImpl   *impl,
      BenchTransport     transport,
      const BenchParams *params,
      gdouble            scale,
      gdouble            timeout)
{
  static guint8 chunk[CHUNK_SIZE];

  memset (chunk, 'b', sizeof chunk);
  return transfer (impl, transport, bulk_size (params, scale), timeout, send_chunks, chunk);
}

static gdouble
run_bulk (const BenchImpl   *impl,
          BenchTransport     transport,
          const BenchParams *params,
          gdouble            scale)
{
  return bulk (impl, transport, params, scale, -1);
}

/* Workload: bulk with a timeout set on both ends (raw: blocking). */
static gdouble
run_bulk_timeout (const BenchImpl   *impl,
                  BenchTransport     transport,
                  const BenchParams *params,
                  gdouble            scale)
{
  return bulk (impl, transport, params, scale, BENCH_TIMEOUT);
}

/* Workload: bulk transfer through stream objects, in MiB/s. The sender's
 * close is timed because it is where a buffered stream flushes. */

static gpointer
stream_receiver (gpointer data)
{
  ServerArgs *args = data;
  static __thread guint8 buffer[CHUNK_SIZE];
  guint64 got = 0;

  while (got < args->count)
    {
      gssize n = args->impl->stream_read (args->stream, buffer, sizeof buffer);

      if (n == 0)
        bench_fail ("makefile-stream: the sender closed early", NULL);
      got += n;
    }

  return NULL;
}

static gdouble
run_stream (const BenchImpl   *impl,
            BenchTransport     transport,
            const BenchParams *params,
            gdouble            scale)
{
  static guint8 chunk[CHUNK_SIZE];
  gsize total = bulk_size (params, scale);
  ServerArgs args = { impl, NULL, NULL, total, NULL };
  Endpoint ep;
  BenchSock sender;
  BenchStream *output;
  GThread *thread;
  gint64 start, elapsed;

  memset (chunk, 's', sizeof chunk);
  endpoint_open (&ep, impl, transport);
  sender = impl->connect (transport, ep.remote, NULL, transport == BENCH_TCP);
  args.sock = impl->accept (ep.sock, transport == BENCH_TCP);
  output = impl->stream_open (sender);
  args.stream = impl->stream_open (args.sock);
  thread = server_start ("receiver", stream_receiver, &args);

  start = now_ns ();
  for (gsize sent = 0; sent < total; sent += sizeof chunk)
    impl->stream_write_all (output, chunk, sizeof chunk);
  impl->stream_close (output);
  g_thread_join (thread);
  elapsed = now_ns () - start;

  impl->stream_close (args.stream);
  impl->close (sender);
  impl->close (args.sock);
  endpoint_close (&ep);

  return total / (1024.0 * 1024.0) / (elapsed / 1e9);
}

/* Workload: connect, accept, close, in microseconds per connection. The
 * client waits for the server's close (end of stream) before the next
 * connect, so each cycle is complete and the backlog never overflows.
 * No data moves, so TCP_NODELAY is left alone here. */

static gpointer
connect_server (gpointer data)
{
  ServerArgs *args = data;

  for (guint64 i = 0; i < args->count; i++)
    args->impl->close (args->impl->accept (args->sock, FALSE));

  return NULL;
}

static gdouble
run_connect (const BenchImpl   *impl,
             BenchTransport     transport,
             const BenchParams *params,
             gdouble            scale)
{
  guint cycles = scaled (params->connect_cycles, scale);
  ServerArgs args = { impl, NULL, NULL, cycles, NULL };
  Endpoint ep;
  GThread *thread;
  gint64 start, elapsed;

  endpoint_open (&ep, impl, transport);
  args.sock = ep.sock;
  thread = server_start ("acceptor", connect_server, &args);

  start = now_ns ();
  for (guint i = 0; i < cycles; i++)
    {
      BenchSock client = impl->connect (transport, ep.remote, NULL, FALSE);
      guint8 byte;

      if (impl->recv_into (client, &byte, 1) != 0)
        bench_fail ("connect-accept-close: expected the end of the stream", NULL);
      impl->close (client);
    }
  g_thread_join (thread);
  elapsed = now_ns () - start;

  endpoint_close (&ep);

  return elapsed / 1e3 / cycles;
}

/* Workload: create_connection() to a numeric host (raw: socket + connect)
 * against a listener that accepts and closes, in microseconds per
 * connection. */
static gdouble
run_create_connection (const BenchImpl   *impl,
                       BenchTransport     transport,
                       const BenchParams *params,
                       gdouble            scale)
{
  guint cycles = scaled (params->connect_cycles, scale);
  ServerArgs args = { impl, NULL, NULL, cycles, NULL };
  Endpoint ep;
  GThread *thread;
  gint64 start, elapsed;

  endpoint_open (&ep, impl, transport);
  args.sock = ep.sock;
  thread = server_start ("acceptor", connect_server, &args);

  start = now_ns ();
  for (guint i = 0; i < cycles; i++)
    {
      BenchSock client = impl->create_connection (ep.remote);
      guint8 byte;

      if (impl->recv_into (client, &byte, 1) != 0)
        bench_fail ("create-connection: expected the end of the stream", NULL);
      impl->close (client);
    }
  g_thread_join (thread);
  elapsed = now_ns () - start;

  endpoint_close (&ep);

  return elapsed / 1e3 / cycles;
}

/* Workload: 64-byte datagram round trips, in microseconds. The client is
 * connected; the server answers whoever recvfrom says sent it. */

static gpointer
dgram_server (gpointer data)
{
  ServerArgs *args = data;
  guint8 buffer[2048];

  for (guint64 i = 0; i < args->count; i++)
    {
      gpointer peer = NULL;
      gssize n;

      n = args->impl->recvfrom_into (args->sock, buffer, sizeof buffer, &peer);
      args->impl->sendto (args->sock, buffer, n, peer);
      args->impl->peer_free (peer);
    }

  return NULL;
}

static gdouble
run_dgram (const BenchImpl   *impl,
           BenchTransport     transport,
           const BenchParams *params,
           gdouble            scale)
{
  guint rounds = scaled (params->dgram_rounds, scale);
  guint8 message[PING_SIZE];
  guint8 reply[2048];
  ServerArgs args = { impl, NULL, NULL, rounds, NULL };
  Endpoint ep;
  BenchAddr local;
  gpointer local_obj = NULL;
  BenchSock client;
  GThread *thread;
  gint64 start, elapsed;

  memset (message, 'd', sizeof message);
  endpoint_open (&ep, impl, transport);
  args.sock = ep.sock;

  /* An AF_UNIX datagram client must have a name to be answered at. */
  if (transport == BENCH_UNIX_DGRAM)
    {
      bench_addr_init_local (&local, transport);
      local_obj = impl->addr_new (&local);
    }
  client = impl->connect (transport, ep.remote, local_obj, FALSE);
  if (local_obj != NULL)
    impl->addr_free (local_obj);
  thread = server_start ("dgram-echo", dgram_server, &args);

  start = now_ns ();
  for (guint i = 0; i < rounds; i++)
    {
      impl->send (client, message, sizeof message);
      if (impl->recv_into (client, reply, sizeof reply) != sizeof message)
        bench_fail ("datagram: a short reply", NULL);
    }
  elapsed = now_ns () - start;

  g_thread_join (thread);
  impl->close (client);
  if (transport == BENCH_UNIX_DGRAM)
    bench_addr_unlink (&local);
  endpoint_close (&ep);

  return elapsed / 1e3 / rounds;
}

/* Workload: a file sent whole over a stream socket with sendfile (and, for
 * comparison, read + sendall), in MiB/s. The file is made once, of
 * sendfile_bytes, and stays in the page cache. */

static gint bench_file_fd = -1;

static gint
bench_file (const BenchParams *params)
{
  static guint8 chunk[CHUNK_SIZE];
  g_autofree gchar *path = NULL;

  if (bench_file_fd >= 0)
    return bench_file_fd;

  path = g_build_filename (tmp_dir, "sendfile.data", NULL);
  bench_file_fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (bench_file_fd < 0)
    bench_fail_errno ("open");
  /* Open is enough from now on; nothing is left behind. */
  g_unlink (path);
  memset (chunk, 'f', sizeof chunk);
  for (gsize written = 0; written < params->sendfile_bytes; written += sizeof chunk)
    if (write (bench_file_fd, chunk, sizeof chunk) != sizeof chunk)
      bench_fail_errno ("write");

  return bench_file_fd;
}

static void
send_file (const BenchImpl *impl,
           BenchSock        sender,
           gsize            total,
           gpointer         data)
{
  impl->sendfile (sender, GPOINTER_TO_INT (data), total);
}

static gdouble
run_sendfile (const BenchImpl   *impl,
              BenchTransport     transport,
              const BenchParams *params,
              gdouble            scale)
{
  gint fd = bench_file (params);

  return transfer (impl, transport, chunked_size (params->sendfile_bytes, scale), -1,
                   send_file, GINT_TO_POINTER (fd));
}

/* Workload: one descriptor passed over an AF_UNIX pair and received, then
 * closed, in microseconds per send + receive. One thread: the pair's
 * buffer holds the message in flight, so no call waits. */

static gdouble
run_fdpass (const BenchImpl   *impl,
            BenchTransport     transport,
            const BenchParams *params,
            gdouble            scale)
{
  guint rounds = scaled (params->fdpass_rounds, scale);
  BenchSock a, b;
  gint64 start, elapsed;
  gint passed[2];

  if (pipe2 (passed, O_CLOEXEC) < 0)
    bench_fail_errno ("pipe2");
  impl->unix_pair (bench_transport_type (transport), &a, &b);

  start = now_ns ();
  for (guint i = 0; i < rounds; i++)
    {
      impl->send_fd (a, passed[0]);
      if (close (impl->recv_fd (b)) < 0)
        bench_fail_errno ("close");
    }
  elapsed = now_ns () - start;

  impl->close (a);
  impl->close (b);
  close (passed[0]);
  close (passed[1]);

  return elapsed / 1e3 / rounds;
}

/* Workload: the async echo, in microseconds per round trip: N clients and
 * the echo server on one loop (BenchImpl.async_echo), each client making
 * its round trips one at a time; the figure is the time from every
 * connection being open to the last echo, over all the round trips made.
 * At N = 1 that is a round trip's latency; beyond, the loop's cost per
 * message. */

static gdouble
run_async_echo (const BenchImpl   *impl,
                BenchTransport     transport,
                const BenchParams *params,
                gdouble            scale,
                guint              connections)
{
  guint rounds = MAX (1, scaled (params->async_round_trips, scale) / connections);
  BenchAddr local;
  gpointer local_obj;
  gdouble seconds;

  bench_addr_init_local (&local, transport);
  local_obj = impl->addr_new (&local);
  seconds = impl->async_echo (transport, local_obj, connections, rounds);
  impl->addr_free (local_obj);
  bench_addr_unlink (&local);

  return seconds * 1e6 / ((gdouble) connections * rounds);
}

static gdouble
run_async_echo_1 (const BenchImpl   *impl,
                  BenchTransport     transport,
                  const BenchParams *params,
                  gdouble            scale)
{
  return run_async_echo (impl, transport, params, scale, 1);
}

static gdouble
run_async_echo_100 (const BenchImpl   *impl,
                    BenchTransport     transport,
                    const BenchParams *params,
                    gdouble            scale)
{
  return run_async_echo (impl, transport, params, scale, 100);
}

static gdouble
run_async_echo_1000 (const BenchImpl   *impl,
                     BenchTransport     transport,
                     const BenchParams *params,
                     gdouble            scale)
{
  return run_async_echo (impl, transport, params, scale, 1000);
}

/* Workload: idle connections held by an async echo server, in bytes of
 * resident memory per connection. Each measurement runs in a fresh
 * process (sockobj-bench --idle), so that no heap freed by an earlier
 * workload hides what the connections take: the server is started, its
 * RSS read, a forked child opens the connections (raw, blocking), the
 * server accepts them all and keeps a read pending on each, and its RSS is
 * read again. */

static gchar *self_path;

static gdouble
run_idle (const BenchImpl   *impl,
          BenchTransport     transport,
          const BenchParams *params,
          gdouble            scale)
{
  g_autofree gchar *count = g_strdup_printf ("%u", scaled (params->idle_connections, scale));
  const gchar *argv[] = { self_path, "--idle", impl->name, "--idle-transport",
                          transport_names[transport], "--idle-connections", count, NULL };
  g_autofree gchar *out = NULL;
  g_autoptr(GError) error = NULL;
  gint status;

  if (!g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    bench_fail ("sockobj-bench --idle", error);

  return g_ascii_strtod (out, NULL);
}

static gint64
resident_bytes (void)
{
  g_autofree gchar *statm = NULL;
  gchar **fields;
  gint64 pages;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    bench_fail ("reading /proc/self/statm failed", NULL);
  fields = g_strsplit (statm, " ", 3);
  pages = g_ascii_strtoll (fields[1], NULL, 10);
  g_strfreev (fields);

  return pages * sysconf (_SC_PAGESIZE);
}

/* The clients of --idle, in a child process: @count connections, then
 * wait until the parent closes @stop. */
G_NORETURN static void
idle_clients (const BenchAddr *bound,
              guint            count,
              gint             ready,
              gint             stop)
{
  gchar byte = 0;

  for (guint i = 0; i < count; i++)
    {
      gint fd = socket (bound->native.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

      if (fd < 0 || connect (fd, (const struct sockaddr *) &bound->native, bound->native_len) < 0)
        {
          perror ("sockobj-bench --idle: client");
          _exit (1);
        }
    }
  if (write (ready, &byte, 1) != 1 || read (stop, &byte, 1) < 0)
    _exit (1);
  _exit (0);
}

static int
idle_main (const gchar *impl_name,
           const gchar *transport_name,
           guint        count)
{
  const BenchImpl *impls[] = { &bench_impl_raw, &bench_impl_gio, &bench_impl_sockobj };
  const BenchImpl *impl = NULL;
  BenchTransport transport = BENCH_TCP;
  g_autoptr(GError) error = NULL;
  BenchAddr local, bound;
  gpointer local_obj, server;
  gint listen_fd, ready[2], stop[2], status;
  gint64 before, after;
  gchar byte;
  pid_t pid;

  for (guint i = 0; i < G_N_ELEMENTS (impls); i++)
    if (g_str_equal (impls[i]->name, impl_name))
      impl = impls[i];
  if (impl == NULL)
    bench_fail ("--idle takes raw, gio or sockobj", NULL);
  if (g_strcmp0 (transport_name, "unix") == 0)
    transport = BENCH_UNIX;

  tmp_dir = g_dir_make_tmp ("sockobj-bench-XXXXXX", &error);
  if (tmp_dir == NULL)
    bench_fail ("g_dir_make_tmp", error);

  bench_addr_init_local (&local, transport);
  local_obj = impl->addr_new (&local);
  server = impl->idle_start (transport, local_obj, &listen_fd);
  impl->addr_free (local_obj);
  bound.transport = transport;
  bound.native_len = sizeof bound.native;
  if (getsockname (listen_fd, (struct sockaddr *) &bound.native, &bound.native_len) < 0)
    bench_fail_errno ("getsockname");

  before = resident_bytes ();
  if (pipe2 (ready, O_CLOEXEC) < 0 || pipe2 (stop, O_CLOEXEC) < 0)
    bench_fail_errno ("pipe2");
  pid = fork ();
  if (pid < 0)
    bench_fail_errno ("fork");
  if (pid == 0)
    {
      close (ready[0]);
      close (stop[1]);
      idle_clients (&bound, count, ready[1], stop[0]);
    }
  close (ready[1]);
  close (stop[0]);

  while (impl->idle_iterate (server) < count)
    ;
  after = resident_bytes ();

  /* The clients are all connected by now; let them go. */
  if (read (ready[0], &byte, 1) != 1)
    bench_fail ("the idle clients failed", NULL);
  close (stop[1]);
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    bench_fail ("the idle clients did not exit cleanly", NULL);
  close (ready[0]);
  impl->idle_stop (server);

  bench_addr_unlink (&local);
  g_rmdir (tmp_dir);
  g_print ("%.1f\n", (gdouble) (after - before) / count);

  return EXIT_SUCCESS;
}

/* The --loop-costs mode: what a GMainContext iteration and a GTask cost by
 * themselves, against an epoll_wait(), to explain the async workloads'
 * distance to raw. One thread, no socket: an eventfd that stays readable. */

static gboolean
loop_cost_dispatch (GSource     *source,
                    GSourceFunc  callback,
                    gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs loop_cost_funcs = { NULL, NULL, loop_cost_dispatch, NULL, NULL, NULL };

static gboolean
count_iteration (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  GTask *pending;
  guint completed;
} TaskChain;

static void
task_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  TaskChain *chain = data;

  g_task_propagate_pointer (G_TASK (result), NULL);
  chain->completed++;
}

/* Each dispatch completes the task made in the previous iteration (so GTask
 * calls back at once, as it does for the async calls) and makes the next. */
static gboolean
chain_task (gpointer data)
{
  TaskChain *chain = data;

  if (chain->pending != NULL)
    {
      g_task_return_pointer (chain->pending, NULL, NULL);
      g_clear_object (&chain->pending);
    }
  chain->pending = g_task_new (NULL, NULL, task_done, chain);
  return G_SOURCE_CONTINUE;
}

#define LOOP_COST_ROUNDS 7

static gdouble
loop_iterations_ns (GMainContext *context,
                    gint          fd,
                    GSourceFunc   func,
                    gpointer      data,
                    guint         iterations)
{
  GSource *source = g_source_new (&loop_cost_funcs, sizeof (GSource));
  gint64 start, elapsed;

  g_source_add_unix_fd (source, fd, G_IO_IN);
  /* As sockobj's drivers: GLib then leaves the descriptor in its poll list
   * during the dispatch, which otherwise costs three system calls. */
  g_source_set_can_recurse (source, TRUE);
  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, context);
  for (guint i = 0; i < 1000; i++)
    g_main_context_iteration (context, FALSE);

  start = now_ns ();
  for (guint i = 0; i < iterations; i++)
    g_main_context_iteration (context, FALSE);
  elapsed = now_ns () - start;

  g_source_destroy (source);
  g_source_unref (source);
  return (gdouble) elapsed / iterations;
}

static void
run_loop_costs (guint        iterations,
                const gchar *tsv_path)
{
  GMainContext *context = g_main_context_new ();
  gint fd = eventfd (1, EFD_CLOEXEC | EFD_NONBLOCK);
  gint epfd = epoll_create1 (EPOLL_CLOEXEC);
  struct epoll_event event = { .events = EPOLLIN };
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  TaskChain chain = { NULL, 0 };
  guint count = 0;
  gdouble epoll_ns, poll_ns, iteration_ns, task_ns;
  gint64 start;

  if (fd < 0 || epfd < 0 || epoll_ctl (epfd, EPOLL_CTL_ADD, fd, &event) < 0)
    bench_fail_errno ("eventfd/epoll");
  g_main_context_push_thread_default (context);

  /* The least of several rounds: other processes only ever add time. */
  epoll_ns = poll_ns = iteration_ns = task_ns = G_MAXDOUBLE;
  for (guint round = 0; round < LOOP_COST_ROUNDS; round++)
    {
      guint n = MAX (iterations / LOOP_COST_ROUNDS, 1);
      gdouble chained;

      start = now_ns ();
      for (guint i = 0; i < n; i++)
        if (epoll_wait (epfd, &event, 1, 0) != 1)
          bench_fail ("epoll_wait saw nothing", NULL);
      epoll_ns = MIN (epoll_ns, (gdouble) (now_ns () - start) / n);

      start = now_ns ();
      for (guint i = 0; i < n; i++)
        if (poll (&pfd, 1, 0) != 1)
          bench_fail ("poll saw nothing", NULL);
      poll_ns = MIN (poll_ns, (gdouble) (now_ns () - start) / n);

      iteration_ns = MIN (iteration_ns, loop_iterations_ns (context, fd, count_iteration,
                                                            &count, n));
      chained = loop_iterations_ns (context, fd, chain_task, &chain, n);
      g_clear_object (&chain.pending);
      task_ns = MIN (task_ns, chained - iteration_ns);
    }

  g_print ("epoll_wait, one ready descriptor:                  %7.0f ns\n", epoll_ns);
  g_print ("poll, one ready descriptor:                        %7.0f ns\n", poll_ns);
  g_print ("g_main_context_iteration, one ready fd source:     %7.0f ns "
           "(%.0f ns more than epoll_wait)\n", iteration_ns, iteration_ns - epoll_ns);
  g_print ("GTask: new, return from a dispatch, callback, free: %7.0f ns\n", task_ns);

  if (tsv_path != NULL)
    {
      g_autofree gchar *tsv = g_strdup_printf ("cost\tns\nepoll_wait\t%.1f\npoll\t%.1f\n"
                                               "iteration\t%.1f\ngtask\t%.1f\n",
                                               epoll_ns, poll_ns, iteration_ns, task_ns);
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (tsv_path, tsv, -1, &error))
        bench_fail ("writing the --loop-costs results", error);
    }

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  close (fd);
  close (epfd);
}

/* The table of workloads. */

#define THREE_IMPLS { &bench_impl_raw, &bench_impl_gio, &bench_impl_sockobj, NULL }
/* With a timeout: raw stays blocking, as the targets are stated against
 * blocking calls; raw-poll is the same timeout done by hand, shown to
 * separate what the mechanism costs from what the library adds. */
#define TIMEOUT_IMPLS { &bench_impl_raw, &bench_impl_raw_poll, &bench_impl_gio, &bench_impl_sockobj }

static const BenchWorkload workloads[] = {
  { "ping-pong", "us/round-trip", FALSE, { BENCH_TCP, BENCH_UNIX },
    THREE_IMPLS, run_pingpong, 1.03, TRUE, NULL, DATA_ROUNDS },
  { "bulk", "MiB/s", TRUE, { BENCH_TCP, BENCH_UNIX },
    THREE_IMPLS, run_bulk, 0.98, FALSE, NULL, DATA_ROUNDS },
  { "ping-pong-timeout", "us/round-trip", FALSE, { BENCH_TCP, BENCH_UNIX },
    TIMEOUT_IMPLS, run_pingpong_timeout, 1.10, FALSE, NULL, DATA_ROUNDS },
  { "bulk-timeout", "MiB/s", TRUE, { BENCH_TCP, BENCH_UNIX },
    TIMEOUT_IMPLS, run_bulk_timeout, 0.97, FALSE, NULL, DATA_ROUNDS },
  { "makefile-stream", "MiB/s", TRUE, { BENCH_TCP, BENCH_UNIX },
    { &bench_impl_raw, &bench_impl_gio, &bench_impl_sockobj, &bench_impl_sockobj_buffered },
    run_stream, 0.95, TRUE, NULL, DATA_ROUNDS },
  { "connect-accept-close", "us/connection", FALSE, { BENCH_TCP, BENCH_UNIX },
    THREE_IMPLS, run_connect, 1.2, FALSE },
  { "create-connection", "us/connection", FALSE, { BENCH_TCP, BENCH_N_TRANSPORTS },
    { &bench_impl_raw, &bench_impl_sockobj, NULL, NULL }, run_create_connection, 1.2, FALSE },
  { "datagram", "us/round-trip", FALSE, { BENCH_UDP, BENCH_UNIX_DGRAM },
    THREE_IMPLS, run_dgram, 1.03, FALSE, NULL, DATA_ROUNDS },
  /* Descriptors and messages (1.2). */
  /* Its ratio to read + sendall is recorded, not a target: the issue
   * expects it above 1, which over TCP loopback the kernel decides, as
   * raw-read-send's ratio to raw shows. */
  { "sendfile", "MiB/s", TRUE, { BENCH_TCP, BENCH_UNIX },
    { &bench_impl_raw, &bench_impl_raw_read_send, &bench_impl_read_sendall, &bench_impl_sockobj },
    run_sendfile, 0.98, FALSE, "read-sendall", DATA_ROUNDS },
  { "fd-passing", "us/send+recv", FALSE, { BENCH_UNIX, BENCH_UNIX_DGRAM },
    { &bench_impl_raw, &bench_impl_sockobj, NULL }, run_fdpass, 1.10, FALSE, "", DATA_ROUNDS },
  { "async-echo-1", "us/round-trip", FALSE, { BENCH_TCP, BENCH_UNIX },
    THREE_IMPLS, run_async_echo_1, 1.25, TRUE },
  { "async-echo-100", "us/round-trip", FALSE, { BENCH_TCP, BENCH_UNIX },
    THREE_IMPLS, run_async_echo_100, 1.25, TRUE },
  { "async-echo-1000", "us/round-trip", FALSE, { BENCH_TCP, BENCH_UNIX },
    THREE_IMPLS, run_async_echo_1000, 0.0, TRUE },
  /* TCP only: holding 10,000 connections takes half a minute per
   * measurement, since the servers accept one connection per iteration of
   * a loop that polls every connection held so far. */
  { "idle-connections", "bytes/connection", FALSE, { BENCH_TCP, BENCH_TCP },
    THREE_IMPLS, run_idle, 0.0, TRUE },
};

/* One (workload, transport) pair and its samples. */
typedef struct
{
  const BenchWorkload *workload;
  BenchTransport       transport;
  guint                n_impls;
  /* rounds samples per repetition, in order of measurement. */
  guint                rounds;
  gdouble              samples[MAX_IMPLS][MAX_SAMPLES];
  gdouble              median[MAX_IMPLS];
} BenchCase;

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a;
  gdouble y = *(const gdouble *) b;

  return (x > y) - (x < y);
}

static gdouble
median_of (const gdouble *values,
           guint          n)
{
  gdouble sorted[MAX_SAMPLES];

  memcpy (sorted, values, n * sizeof *values);
  qsort (sorted, n, sizeof *sorted, compare_doubles);

  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/* The ratio of implementation @i to @base as the median of the ratios of
 * each round's two samples, which were measured one right after the
 * other: drift of the machine between rounds cancels out, which it does
 * not in a ratio of the two medians. The per-round ratios go to @ratios
 * (@n of them) for the spread. */
static gdouble
paired_ratio (const BenchCase *c,
              guint            i,
              guint            base,
              guint            n,
              gdouble         *ratios)
{
  for (guint r = 0; r < n; r++)
    ratios[r] = c->samples[i][r] / c->samples[base][r];

  return median_of (ratios, n);
}

static gint
impl_index (const BenchCase *c,
            const gchar     *name)
{
  for (guint i = 0; i < c->n_impls; i++)
    if (g_str_equal (c->workload->impls[i]->name, name))
      return i;

  return -1;
}

static gboolean
is_sockobj (const BenchImpl *impl)
{
  return g_str_has_prefix (impl->name, "sockobj");
}

/* Writes the target and verdict for row @i; both empty when the row has
 * no target. The ratios are in the unit's own sense: a time ratio above
 * 1 is slower, a rate ratio above 1 is faster. */
/* The name of @w's second baseline, or NULL for none. */
static const gchar *
peer_name (const BenchWorkload *w)
{
  if (w->peer == NULL)
    return "gio";
  return w->peer[0] != '\0' ? w->peer : NULL;
}

static void
judge (const BenchCase *c,
       guint            i,
       gdouble          ratio_raw,
       gdouble          ratio_gio,
       GString         *target,
       GString         *verdict)
{
  const BenchWorkload *w = c->workload;
  const gchar *cmp = w->higher_is_better ? ">=" : "<=";
  gboolean raw_ok, gio_ok;

  if (!is_sockobj (w->impls[i]) || (w->raw_target == 0 && !w->peer_target))
    return;

  if (w->raw_target > 0)
    {
      raw_ok = w->higher_is_better ? ratio_raw >= w->raw_target : ratio_raw <= w->raw_target;
      g_string_append_printf (target, "%s %.2fx raw", cmp, w->raw_target);
      g_string_append (verdict, raw_ok ? "pass" : "FAIL");
    }
  if (w->peer_target)
    {
      gio_ok = w->higher_is_better ? ratio_gio >= 1.0 : ratio_gio <= 1.0;
      g_string_append_printf (target, "%s%s %s", target->len > 0 ? ", " : "", cmp,
                              peer_name (w));
      g_string_append_printf (verdict, "%s%s", verdict->len > 0 ? "/" : "",
                              gio_ok ? "pass" : "FAIL");
    }
}

static void
report (BenchCase   *cases,
        guint        n_cases,
        guint        reps,
        const gchar *tsv_path)
{
  FILE *tsv = NULL;

  if (tsv_path != NULL)
    {
      tsv = fopen (tsv_path, "w");
      if (tsv == NULL)
        bench_fail_errno (tsv_path);
      fprintf (tsv, "workload\ttransport\timplementation\tmedian\tunit\tbetter\t"
                    "ratio_raw\tratio_gio\tpeer\ttarget\tverdict\tsamples\tratio_samples\n");
    }

  g_print ("\n%-21s %-10s %-17s %11s %-14s %9s %9s  %-28s %s\n",
           "workload", "transport", "implementation", "median", "unit",
           "vs raw", "vs peer", "target", "verdict");

  for (guint k = 0; k < n_cases; k++)
    {
      BenchCase *c = &cases[k];
      gint raw = impl_index (c, "raw");
      const gchar *peer = peer_name (c->workload);
      gint gio = peer != NULL ? impl_index (c, peer) : -1;
      guint n = reps * c->rounds;

      for (guint i = 0; i < c->n_impls; i++)
        c->median[i] = median_of (c->samples[i], n);

      for (guint i = 0; i < c->n_impls; i++)
        {
          const BenchImpl *impl = c->workload->impls[i];
          gdouble raw_ratios[MAX_SAMPLES];
          gdouble gio_ratios[MAX_SAMPLES];
          gdouble ratio_raw = paired_ratio (c, i, raw, n, raw_ratios);
          /* Not every workload has a GIO row. */
          gdouble ratio_gio = gio >= 0 ? paired_ratio (c, i, gio, n, gio_ratios) : NAN;
          g_autoptr(GString) target = g_string_new (NULL);
          g_autoptr(GString) verdict = g_string_new (NULL);
          g_autofree gchar *gio_text = NULL;

          judge (c, i, ratio_raw, ratio_gio, target, verdict);
          gio_text = is_sockobj (impl) && gio >= 0 ? g_strdup_printf ("%.3f", ratio_gio)
                                                   : g_strdup ("");

          g_print ("%-21s %-10s %-17s %11.2f %-14s %9.3f %9s  %-28s %s\n",
                   c->workload->name, transport_names[c->transport], impl->name,
                   c->median[i], c->workload->unit, ratio_raw, gio_text,
                   target->str, verdict->str);

          if (tsv != NULL)
            {
              fprintf (tsv, "%s\t%s\t%s\t%.4f\t%s\t%s\t%.4f\t%s\t%s\t%s\t%s\t",
                       c->workload->name, transport_names[c->transport], impl->name,
                       c->median[i], c->workload->unit,
                       c->workload->higher_is_better ? "higher" : "lower",
                       ratio_raw, gio_text, peer != NULL ? peer : "", target->str,
                       verdict->str);
              for (guint r = 0; r < n; r++)
                fprintf (tsv, "%s%.4f", r > 0 ? "," : "", c->samples[i][r]);
              fputc ('\t', tsv);
              for (guint r = 0; r < n; r++)
                fprintf (tsv, "%s%.4f", r > 0 ? "," : "", raw_ratios[r]);
              fputc ('\n', tsv);
            }
        }
    }

  if (tsv != NULL && fclose (tsv) != 0)
    bench_fail_errno (tsv_path);
}

static gdouble
measure (const BenchCase   *c,
         guint              i,
         const BenchParams *params,
         gdouble            scale)
{
  gdouble value;

  pin_self (TRUE);
  alarm (WATCHDOG_SECS);
  value = c->workload->run (c->workload->impls[i], c->transport, params, scale);
  alarm (0);
  pin_self (FALSE);

  return value;
}

/* Whether a comma-separated @filter has a word that is in the workload's
 * name or is the transport's. */
static gboolean
filter_matches (const gchar         *filter,
                const BenchWorkload *workload,
                BenchTransport       transport)
{
  g_auto(GStrv) words = g_strsplit (filter, ",", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' &&
        (strstr (workload->name, words[i]) != NULL ||
         g_str_equal (transport_names[transport], words[i])))
      return TRUE;
  return FALSE;
}

static void
run_all (const BenchParams *params,
         const gchar       *filter,
         const gchar       *tsv_path)
{
  g_autofree BenchCase *cases = g_new0 (BenchCase, G_N_ELEMENTS (workloads) * 2);
  guint n_cases = 0;
  gint64 start = now_ns ();

  for (guint w = 0; w < G_N_ELEMENTS (workloads); w++)
    for (guint t = 0; t < 2; t++)
      {
        BenchCase *c = &cases[n_cases];

        /* A workload with one transport leaves the second unset, or names
         * the first twice. */
        if (workloads[w].transports[t] == BENCH_N_TRANSPORTS ||
            (t == 1 && workloads[w].transports[1] == workloads[w].transports[0]))
          continue;
        if (filter != NULL && !filter_matches (filter, &workloads[w], workloads[w].transports[t]))
          continue;
        c->workload = &workloads[w];
        c->transport = workloads[w].transports[t];
        while (c->n_impls < MAX_IMPLS && c->workload->impls[c->n_impls] != NULL)
          c->n_impls++;
        c->rounds = MAX (c->workload->rounds, 1);
        n_cases++;
      }

  if (n_cases == 0)
    bench_fail ("--filter matches no workload or transport", NULL);

  /* One unrecorded pass at a quarter of the size: code paths, page faults,
   * socket buffers and the thread stacks all warm up. */
  g_print ("warm-up\n");
  for (guint k = 0; k < n_cases; k++)
    for (guint i = 0; i < cases[k].n_impls; i++)
      measure (&cases[k], i, params, 0.25);

  for (guint r = 0; r < params->reps; r++)
    {
      g_print ("repetition %u/%u\n", r + 1, params->reps);
      for (guint k = 0; k < n_cases; k++)
        {
          BenchCase *c = &cases[k];

          for (guint round = 0; round < c->rounds; round++)
            {
              guint s = r * c->rounds + round;

              for (guint j = 0; j < c->n_impls; j++)
                {
                  guint i = (j + s) % c->n_impls;

                  c->samples[i][s] = measure (c, i, params, 1.0);
                }
            }
        }
    }

  report (cases, n_cases, params->reps, tsv_path);
  g_print ("\n%u repetitions of 1 or %u rounds, implementations rotated each round; "
           "median shown; %.1f s\n", params->reps, DATA_ROUNDS, (now_ns () - start) / 1e9);
}

/* The callgrind mode: @calls sends and @calls receives of 64 bytes over an
 * AF_UNIX socketpair, one thread, in a function of its own so that
 * valgrind --tool=callgrind --toggle-collect=bench_callgrind_loop counts
 * exactly the loop. The socketpair holds the one message in flight, so no
 * call ever blocks. With --timeout both ends get that timeout first, so the
 * loop counts the calls' path with a deadline that never expires. */

__attribute__ ((noinline, noipa)) static void
bench_callgrind_loop (const BenchImpl *impl,
                      BenchSock        a,
                      BenchSock        b,
                      guint            calls)
{
  guint8 buffer[PING_SIZE] = { 0 };

  for (guint i = 0; i < calls; i++)
    {
      if (impl->send (a, buffer, sizeof buffer) != sizeof buffer
          || impl->recv_into (b, buffer, sizeof buffer) != sizeof buffer)
        bench_fail ("callgrind loop: a short transfer", NULL);
    }
}

static void
run_callgrind (const gchar *impl_name,
               guint        calls,
               gdouble      timeout)
{
  const BenchImpl *impls[] = {
    &bench_impl_raw, &bench_impl_raw_poll, &bench_impl_gio, &bench_impl_sockobj
  };
  const BenchImpl *impl = NULL;
  gint fds[2];
  BenchSock a, b;

  for (guint i = 0; i < G_N_ELEMENTS (impls); i++)
    if (g_str_equal (impls[i]->name, impl_name))
      impl = impls[i];
  if (impl == NULL)
    bench_fail ("--callgrind takes raw, raw-poll, gio or sockobj", NULL);
  if (timeout > 0 && impl->settimeout == NULL)
    bench_fail ("--timeout: this implementation has no timeout (use raw-poll)", NULL);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    bench_fail_errno ("socketpair");
  a = impl->wrap_fd (fds[0]);
  b = impl->wrap_fd (fds[1]);
  set_timeouts (impl, a, b, timeout);

  /* First calls outside the counted function: lazy type and class setup,
   * the dynamic linker's symbol binding. */
  bench_callgrind_loop (impl, a, b, 0);
  for (guint i = 0; i < 16; i++)
    {
      guint8 buffer[PING_SIZE] = { 0 };

      impl->send (a, buffer, sizeof buffer);
      impl->recv_into (b, buffer, sizeof buffer);
    }

  bench_callgrind_loop (impl, a, b, calls);
  g_print ("%s: %u send + %u recv_into calls of %d bytes", impl->name, calls, calls, PING_SIZE);
  if (timeout > 0)
    g_print (", timeout %g s", timeout);
  g_print ("\n");
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = FALSE;
  gint reps = 5;
  gchar *filter = NULL;
  gchar *tsv_path = NULL;
  gchar *callgrind = NULL;
  gchar *idle = NULL;
  gboolean loop_costs = FALSE;
  gchar *idle_transport = NULL;
  gint idle_connections = 10000;
  gint calls = 10000;
  gdouble timeout = -1;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick,
      "A smoke run: one repetition of small workloads", NULL },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps,
      "Repetitions (default 5)", "N" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter,
      "Only workloads whose name contains a WORD, or those transports (WORD,WORD...)",
      "WORD" },
    { "no-pin", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &pin,
      "Let the scheduler place both sides instead of sharing one CPU", NULL },
    { "tsv", 0, 0, G_OPTION_ARG_FILENAME, &tsv_path,
      "Also write the results as tab-separated values", "FILE" },
    { "callgrind", 0, 0, G_OPTION_ARG_STRING, &callgrind,
      "Only run the send/recv loop for valgrind (raw, raw-poll, gio or sockobj)", "IMPL" },
    { "calls", 0, 0, G_OPTION_ARG_INT, &calls,
      "Loop count for --callgrind (default 10000)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
      "For --callgrind: give both ends this timeout first", "SECONDS" },
    { "loop-costs", 0, 0, G_OPTION_ARG_NONE, &loop_costs,
      "Only measure a GMainContext iteration and a GTask against epoll_wait (--calls times)",
      NULL },
    { "idle", 0, 0, G_OPTION_ARG_STRING, &idle,
      "Only measure the memory of idle connections (raw, gio or sockobj)", "IMPL" },
    { "idle-transport", 0, 0, G_OPTION_ARG_STRING, &idle_transport,
      "Transport for --idle: tcp (default) or unix", "NAME" },
    { "idle-connections", 0, 0, G_OPTION_ARG_INT, &idle_connections,
      "Connections for --idle (default 10000)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  BenchParams params = {
    .pingpong_rounds = 20000,
    /* Short samples, and many repetitions (tools/bench): the median of
     * the paired ratios is then closer to the truth than with fewer, longer
     * samples, whose spread is no smaller on this machine. */
    .bulk_bytes = 64 * 1024 * 1024,
    .sendfile_bytes = 256 * 1024 * 1024,
    .connect_cycles = 2000,
    .dgram_rounds = 20000,
    .fdpass_rounds = 100000,
    .async_round_trips = 20000,
    .idle_connections = 10000,
  };

  context = g_option_context_new ("- raw sockets, GIO and sockobj side by side");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("sockobj-bench: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (reps < 1 || reps > MAX_REPS || calls < 1)
    {
      g_printerr ("sockobj-bench: --reps must be 1..%d and --calls positive\n", MAX_REPS);
      return EXIT_FAILURE;
    }

  /* Peers close mid-benchmark only on failure; report that, don't die. */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGALRM, watchdog_fired);
  raise_fd_limit ();
  self_path = g_file_read_link ("/proc/self/exe", NULL);

  if (loop_costs)
    {
      run_loop_costs (calls, tsv_path);
      return EXIT_SUCCESS;
    }

  if (idle != NULL)
    {
      alarm (WATCHDOG_SECS);
      return idle_main (idle, idle_transport, MAX (idle_connections, 1));
    }
  cpus_init ();

  if (callgrind != NULL)
    {
      run_callgrind (callgrind, calls, timeout);
      return EXIT_SUCCESS;
    }

  params.reps = reps;
  if (quick)
    {
      params.reps = 1;
      params.pingpong_rounds = 300;
      params.bulk_bytes = 4 * 1024 * 1024;
      params.sendfile_bytes = 4 * 1024 * 1024;
      params.connect_cycles = 50;
      params.dgram_rounds = 300;
      params.fdpass_rounds = 300;
      params.async_round_trips = 1000;
      params.idle_connections = 200;
    }

  tmp_dir = g_dir_make_tmp ("sockobj-bench-XXXXXX", &error);
  if (tmp_dir == NULL)
    bench_fail ("g_dir_make_tmp", error);

  run_all (&params, filter, tsv_path);

  if (g_rmdir (tmp_dir) < 0)
    g_printerr ("sockobj-bench: could not remove %s: %s\n", tmp_dir, g_strerror (errno));
  g_free (tmp_dir);
  g_free (filter);
  g_free (tsv_path);
  g_free (callgrind);

  return EXIT_SUCCESS;
}
