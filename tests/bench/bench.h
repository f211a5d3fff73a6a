/* bench.h: the operations table every benchmarked implementation fills in
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The workloads in bench.c are written once against BenchImpl; raw BSD
 * calls, GIO's GSocket and sockobj each provide one table, and raw a second
 * one, raw-poll, for the timeout workloads (a timeout done by hand). A BenchSock is
 * whatever handle the implementation uses (an fd, a GSocket, a SockObject),
 * a "peer" is the address object a datagram server gets from recvfrom and
 * hands back to sendto, and a BenchStream is the stream pair of a connected
 * socket (GIOStream halves, or plain read/write on the fd for raw).
 */

#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

G_BEGIN_DECLS

typedef enum
{
  BENCH_TCP,        /* AF_INET SOCK_STREAM on 127.0.0.1 */
  BENCH_UNIX,       /* AF_UNIX SOCK_STREAM in a temporary directory */
  BENCH_UDP,        /* AF_INET SOCK_DGRAM on 127.0.0.1 */
  BENCH_UNIX_DGRAM, /* AF_UNIX SOCK_DGRAM in a temporary directory */
  BENCH_N_TRANSPORTS
} BenchTransport;

/* An address in neutral form; each implementation turns it into its own
 * address object once, outside the timed loops. */
typedef struct
{
  BenchTransport          transport;
  struct sockaddr_storage native;
  socklen_t               native_len;
} BenchAddr;

typedef gpointer BenchSock;
typedef struct _BenchStream BenchStream;

typedef struct
{
  const gchar *name;

  /* Address objects: GVariant, GSocketAddress or a copy of the sockaddr. */
  gpointer     (*addr_new)         (const BenchAddr *addr);
  void         (*addr_free)        (gpointer         addr);

  /* A socket bound to @local; listening too for stream transports. */
  BenchSock    (*server)           (BenchTransport   transport,
                                    gpointer         local);
  BenchSock    (*accept)           (BenchSock        listener,
                                    gboolean         nodelay);
  /* A socket connected to @remote, bound first to @local when non-NULL
   * (an AF_UNIX datagram client needs a name to be answered at). */
  BenchSock    (*connect)          (BenchTransport   transport,
                                    gpointer         remote,
                                    gpointer         local,
                                    gboolean         nodelay);
  /* CPython's create_connection() to a numeric TCP host (NULL where the
   * implementation has none); raw's is socket + connect. */
  BenchSock    (*create_connection) (gpointer        remote);
  void         (*close)            (BenchSock        sock);
  gint         (*fileno)           (BenchSock        sock);

  gssize       (*send)             (BenchSock        sock,
                                    const guint8    *data,
                                    gsize            size);
  void         (*sendall)          (BenchSock        sock,
                                    const guint8    *data,
                                    gsize            size);
  gssize       (*recv_into)        (BenchSock        sock,
                                    guint8          *buffer,
                                    gsize            size);

  /* Datagram server side: the peer is owned by the caller. */
  gssize       (*recvfrom_into)    (BenchSock        sock,
                                    guint8          *buffer,
                                    gsize            size,
                                    gpointer        *peer);
  void         (*sendto)           (BenchSock        sock,
                                    const guint8    *data,
                                    gsize            size,
                                    gpointer         peer);
  void         (*peer_free)        (gpointer         peer);

  /* Streams on a connected socket. Closing the stream flushes it and may
   * close the socket as well (a GSocketConnection does); the caller still
   * closes @sock afterwards. */
  BenchStream *(*stream_open)      (BenchSock        sock);
  void         (*stream_write_all) (BenchStream     *stream,
                                    const guint8    *data,
                                    gsize            size);
  gssize       (*stream_read)      (BenchStream     *stream,
                                    guint8          *buffer,
                                    gsize            size);
  void         (*stream_close)     (BenchStream     *stream);

  /* For the callgrind mode: adopt one end of a socketpair. */
  BenchSock    (*wrap_fd)          (gint             fd);

  /* For the timeout workloads: gives @sock a timeout of @seconds, the
   * implementation's way. NULL for raw, which stays a blocking descriptor:
   * the baseline those workloads are judged against. */
  void         (*settimeout)       (BenchSock        sock,
                                    gdouble          seconds);

  /* Descriptors and messages (1.2), NULL where an implementation has no
   * such call. A connected AF_UNIX pair of @type; one descriptor sent with
   * one byte of data, and received (the caller closes what it returns);
   * @count bytes of the file @fd from its start sent on a connected
   * socket. */
  void         (*unix_pair)        (gint             type,
                                    BenchSock       *first,
                                    BenchSock       *second);
  void         (*send_fd)          (BenchSock        sock,
                                    gint             fd);
  gint         (*recv_fd)          (BenchSock        sock);
  void         (*sendfile)         (BenchSock        sock,
                                    gint             fd,
                                    gsize            count);

  /* The asynchronous workloads, each in one thread and one loop: the
   * thread-default GMainContext for GIO and sockobj, epoll for raw.
   *
   * async_echo: an echo server bound to @local and @connections clients,
   * all on that loop; once every connection is open, each client makes
   * @rounds round trips of BENCH_ASYNC_MESSAGE bytes, one at a time.
   * Returns the seconds from then to the last echo. */
  gdouble      (*async_echo)       (BenchTransport   transport,
                                    gpointer         local,
                                    guint            connections,
                                    guint            rounds);
  /* idle: an echo server bound to @local, whose listening descriptor goes
   * to @listen_fd, that keeps a read of BENCH_ASYNC_BUFSIZE bytes pending
   * on every connection it accepts. idle_iterate runs its loop once
   * (waiting) and returns how many connections it holds. */
  gpointer     (*idle_start)       (BenchTransport   transport,
                                    gpointer         local,
                                    gint            *listen_fd);
  guint        (*idle_iterate)     (gpointer         server);
  void         (*idle_stop)        (gpointer         server);
} BenchImpl;

/* The message of the async echo, and the read size of its servers. */
#define BENCH_ASYNC_MESSAGE 64
#define BENCH_ASYNC_BUFSIZE 1024

extern const BenchImpl bench_impl_raw;
extern const BenchImpl bench_impl_raw_poll;
extern const BenchImpl bench_impl_gio;
extern const BenchImpl bench_impl_sockobj;
extern const BenchImpl bench_impl_sockobj_buffered;
/* sockobj sending a file the way one would without sendfile(): read() into
 * a buffer, sock_object_sendall() it. */
extern const BenchImpl bench_impl_read_sendall;
/* The same with raw send(): what the kernel gives read + send against
 * sendfile(2), with no library involved. */
extern const BenchImpl bench_impl_raw_read_send;

/* Shared by the GIO and sockobj tables, whose streams are both GIOStreams. */
BenchStream *bench_gio_stream_new        (GIOStream    *iostream);
void         bench_gio_stream_write_all  (BenchStream  *stream,
                                          const guint8 *data,
                                          gsize         size);
gssize       bench_gio_stream_read       (BenchStream  *stream,
                                          guint8       *buffer,
                                          gsize         size);
void         bench_gio_stream_close      (BenchStream  *stream);

/* End the run: a benchmark has no use for a half-failed measurement.
 * @what names the failed call, or says what went wrong when @error is NULL. */
G_NORETURN void bench_fail (const gchar *what,
                            GError      *error);
G_NORETURN void bench_fail_errno (const gchar *what);

gint bench_transport_family (BenchTransport transport);

/* The loop sendfile() saves a program from writing: @count bytes of @fd
 * from its start, read() 64 KiB at a time and each block given to
 * @sendall. */
void bench_send_file_by_reading (BenchSock   sock,
                                 gint        fd,
                                 gsize       count,
                                 void      (*sendall) (BenchSock     sock,
                                                       const guint8 *data,
                                                       gsize         size));
gint bench_transport_type   (BenchTransport transport);

G_END_DECLS
