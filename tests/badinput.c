/* badinput.c: every public function fed the inputs it must refuse
 *
 * Two tables: addresses of every wrong shape for each family, tried with
 * every method that takes an address; and calls with wrong values or on
 * sockets in the wrong state, each with the GError it must give. A mismatch is
 * collected, not fatal at once, so one run lists all of them. Nothing may
 * crash, abort, warn or leak (the sanitizer and valgrind runs check the last).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "test-util.h"

/* Under AddressSanitizer, let a failing malloc() return NULL as the C
 * library's does, so that a recv() size too large to allocate gives the
 * EINVAL the contract promises instead of an ASan report. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "allocator_may_return_null=1";
}

static GPtrArray *mismatches;

static void
mismatch (const gchar *format,
          ...) G_GNUC_PRINTF (1, 2);

static void
mismatch (const gchar *format,
          ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (mismatches, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
report_mismatches (void)
{
  for (guint i = 0; i < mismatches->len; i++)
    g_test_message ("MISMATCH: %s", (const gchar *) mismatches->pdata[i]);
  if (mismatches->len > 0)
    g_error ("%u calls did not fail as the contract says; see the MISMATCH lines",
             mismatches->len);
}

/* What a call must give. */
typedef enum
{
  EXPECT_SOCK,          /* SOCK_ERROR with the code */
  EXPECT_SOCK_ANY,      /* SOCK_ERROR, any code */
  EXPECT_RESOLVER,      /* SOCK_RESOLVER_ERROR, any code */
  EXPECT_OK,            /* success */
  EXPECT_OK_OR_SOCK,    /* success, or a SOCK_ERROR */
} Expect;

static void
check_outcome (const gchar  *what,
               gboolean      ok,
               const GError *error,
               Expect        expect,
               gint          code)
{
  if (ok && error != NULL)
    {
      mismatch ("%s: succeeded but set an error: %s", what, error->message);
      return;
    }
  if (!ok && error == NULL)
    {
      mismatch ("%s: failed without an error", what);
      return;
    }
  if (!ok && (error->message == NULL || error->message[0] == '\0'))
    mismatch ("%s: an error without a message", what);

  switch (expect)
    {
    case EXPECT_SOCK:
      if (ok || !g_error_matches (error, SOCK_ERROR, code))
        mismatch ("%s: expected SOCK_ERROR %d (%s), got %s", what, code, g_strerror (code),
                  ok ? "success" : error->message);
      break;
    case EXPECT_SOCK_ANY:
      if (ok || error->domain != SOCK_ERROR)
        mismatch ("%s: expected a SOCK_ERROR, got %s", what, ok ? "success" : error->message);
      break;
    case EXPECT_RESOLVER:
      if (ok || error->domain != SOCK_RESOLVER_ERROR)
        mismatch ("%s: expected a SOCK_RESOLVER_ERROR, got %s", what,
                  ok ? "success" : error->message);
      break;
    case EXPECT_OK:
      if (!ok)
        mismatch ("%s: expected success, got %s", what, error->message);
      break;
    case EXPECT_OK_OR_SOCK:
      if (!ok && error->domain != SOCK_ERROR)
        mismatch ("%s: expected success or a SOCK_ERROR, got %s", what, error->message);
      break;
    }
}

/* Addresses ------------------------------------------------------------------- */

/* Each address is a full (not floating) reference, which the methods leave
 * to the caller. */

typedef struct
{
  gint family;
  const gchar *text;      /* GVariant text format; NULL for a NULL address */
  Expect expect;
  gint code;
} BadAddress;

static gchar *long_host;      /* 2 000 characters */
static gchar *long_path;      /* 108 characters: no room for the NUL */
static gchar *long_abstract;  /* 109 bytes with the leading NUL */

static GVariant *
make_address (const BadAddress *bad)
{
  g_autoptr(GError) error = NULL;
  GVariant *address;

  if (bad->text == NULL)
    return NULL;
  if (g_str_equal (bad->text, "LONG_HOST"))
    return g_variant_ref_sink (g_variant_new ("(sq)", long_host, 80));
  if (g_str_equal (bad->text, "LONG_PATH"))
    return g_variant_ref_sink (g_variant_new_string (long_path));
  if (g_str_equal (bad->text, "LONG_ABSTRACT"))
    return g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, long_abstract,
                                                          109, 1));

  /* Not floating, unlike g_variant_new(). */
  address = g_variant_parse (NULL, bad->text, NULL, NULL, &error);
  g_assert_no_error (error);
  return address;
}

static const BadAddress bad_addresses[] = {
  /* Shapes no family takes. */
  { AF_INET, NULL, EXPECT_SOCK, EINVAL },
  { AF_INET, "'127.0.0.1'", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1',)", EXPECT_SOCK, EINVAL },
  { AF_INET, "()", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', uint16 1, uint16 2)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', uint16 1, uint32 0, uint32 0)", EXPECT_SOCK, EINVAL },
  { AF_INET, "(int32 1, uint16 1)", EXPECT_SOCK, EINVAL },
  { AF_INET, "(b'127.0.0.1', uint16 1)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', 1.5)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', true)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', '80')", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', <uint16 80>)", EXPECT_SOCK, EINVAL },
  { AF_INET, "<('127.0.0.1', uint16 80)>", EXPECT_SOCK, EINVAL },
  { AF_INET, "{'host': <'127.0.0.1'>}", EXPECT_SOCK, EINVAL },
  { AF_INET, "[('127.0.0.1', uint16 80)]", EXPECT_SOCK, EINVAL },
  { AF_INET, "just ('127.0.0.1', uint16 80)", EXPECT_SOCK, EINVAL },
  /* Ports out of range, in every integer type. */
  { AF_INET, "('127.0.0.1', -1)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', 65536)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', uint32 65536)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', int16 -1)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', int64 -9223372036854775808)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', int64 9223372036854775807)", EXPECT_SOCK, EINVAL },
  { AF_INET, "('127.0.0.1', uint64 18446744073709551615)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', -1)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', uint32 4294967295)", EXPECT_SOCK, EINVAL },
  /* IPv6's extra fields. */
  { AF_INET6, "('::1', uint16 1, uint32 0)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', uint16 1, uint32 1048576, uint32 0)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', uint16 1, uint32 0, int64 -1)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', uint16 1, uint32 0, uint64 4294967296)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', uint16 1, 'x', uint32 0)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('::1', uint16 1, uint32 0, uint32 0, uint32 0)", EXPECT_SOCK, EINVAL },
  { AF_INET6, "('<broadcast>', uint16 1)", EXPECT_SOCK, EINVAL },
  /* AF_UNIX. */
  { AF_UNIX, NULL, EXPECT_SOCK, EINVAL },
  { AF_UNIX, "('/nonexistent-sockobj-dir/x', uint16 1)", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "int32 1", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "['/nonexistent-sockobj-dir/x']", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "<'/nonexistent-sockobj-dir/x'>", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "[byte 0x2f, 0x61, 0x00, 0x62, 0x00]", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "[byte 0x6e, 0x6f, 0x00, 0x70]", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "LONG_PATH", EXPECT_SOCK, EINVAL },
  { AF_UNIX, "LONG_ABSTRACT", EXPECT_SOCK, EINVAL },
};

/* Hosts that cannot be resolved (they fail inside getaddrinfo() without any
 * traffic); bind() only, which never sends anything even if one did. */
static const BadAddress bad_hosts[] = {
  { AF_INET, "('1.2.3.4.5', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET, "('a b', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET, "('-1', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET, "('..', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET, "('\\n', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET, "LONG_HOST", EXPECT_RESOLVER, 0 },
  { AF_INET6, "('::1%no-such-interface', uint16 0)", EXPECT_RESOLVER, 0 },
  /* Scopes the library reads itself (1.2): none of them is looked up. */
  { AF_INET6, "('::1%', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET6, "('::1%4294967296', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET6, "('::1%99999999999999999999999', uint16 0)", EXPECT_RESOLVER, 0 },
  { AF_INET6, "('fe80::1%no-such-interface', uint16 0, uint32 0, uint32 0)",
    EXPECT_RESOLVER, 0 },
  { AF_INET6, "('fe80::1%a-name-longer-than-any-interface-name', uint16 0)",
    EXPECT_RESOLVER, 0 },
  { AF_INET6, "('1.2.3.4.5', uint16 0)", EXPECT_RESOLVER, 0 },
};

typedef enum { ADDR_BIND, ADDR_CONNECT, ADDR_CONNECT_EX, ADDR_SENDTO, N_ADDR_OPS } AddrOp;
static const gchar * const addr_op_names[] = { "bind", "connect", "connect_ex", "sendto" };

static void
try_address (const BadAddress *bad,
             AddrOp            op,
             gboolean          closed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) address = make_address (bad);
  g_autofree gchar *what = NULL;
  gboolean ok = FALSE;
  gint ret;

  sock = sock_socket (bad->family, bad->family == AF_UNIX ? SOCK_DGRAM : SOCK_STREAM, 0,
                      &error);
  if (sock == NULL && bad->family == AF_INET6)
    return;   /* no IPv6 here */
  g_assert_no_error (error);
  if (closed)
    sock_object_close (sock, NULL);

  what = g_strdup_printf ("%s%s (%s) on %s", closed ? "closed socket: " : "",
                          addr_op_names[op], bad->text ? bad->text : "NULL",
                          bad->family == AF_INET ? "AF_INET" :
                          bad->family == AF_INET6 ? "AF_INET6" : "AF_UNIX");

  switch (op)
    {
    case ADDR_BIND:
      ok = sock_object_bind (sock, address, &error);
      break;
    case ADDR_CONNECT:
      ok = sock_object_connect (sock, address, &error);
      break;
    case ADDR_CONNECT_EX:
      ret = sock_object_connect_ex (sock, address, &error);
      if (ret != -1 && error == NULL)
        {
          mismatch ("%s: returned %d and no error", what, ret);
          return;
        }
      ok = FALSE;
      break;
    case ADDR_SENDTO:
      ret = sock_object_sendto (sock, (const guint8 *) "x", 1, 0, address, &error);
      ok = ret >= 0;
      if (ok)
        {
          mismatch ("%s: sent %d bytes", what, ret);
          return;
        }
      break;
    default:
      g_assert_not_reached ();
    }

  /* The address is checked before the descriptor: a closed socket refuses a
   * bad address as bad. */
  check_outcome (what, ok, error, bad->expect, bad->code);
}

static void
test_addresses (void)
{
  g_autofree gchar *fds_before = test_fd_snapshot_string ();
  g_autofree gchar *fds_after = NULL;

  g_test_summary ("Addresses of the wrong shape, type or range are SOCK_ERROR/EINVAL for "
                  "bind, connect, connect_ex and sendto on every family, open or closed; "
                  "hosts that cannot be resolved are SOCK_RESOLVER_ERROR");
  test_watchdog_arm (30);

  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    for (AddrOp op = 0; op < N_ADDR_OPS; op++)
      {
        try_address (&bad_addresses[i], op, FALSE);
        try_address (&bad_addresses[i], op, TRUE);
      }
  for (guint i = 0; i < G_N_ELEMENTS (bad_hosts); i++)
    try_address (&bad_hosts[i], ADDR_BIND, FALSE);

  report_mismatches ();
  fds_after = test_fd_snapshot_string ();
  g_assert_cmpstr (fds_after, ==, fds_before);
  test_watchdog_disarm ();
}

/* Calls --------------------------------------------------------------------------- */

typedef enum
{
  FRESH,          /* just created */
  BOUND,          /* bound to loopback or an abstract name */
  LISTENING,      /* bound and listening */
  NONBLOCKING_LISTENER,
  CONNECTED,      /* connected to a peer that stays open */
  CLOSED,         /* closed */
  NOT_A_SOCKET,   /* fromfd() of a pipe */
} State;

typedef enum
{
  OP_ACCEPT,
  OP_RECV,
  OP_RECV_INTO,
  OP_RECVFROM,
  OP_SEND,
  OP_SENDALL,
  OP_GETSOCKOPT,
  OP_GETSOCKOPT_BYTES,
  OP_SETSOCKOPT,
  OP_SETSOCKOPT_BYTES,
  OP_LISTEN,
  OP_SHUTDOWN,
  OP_GETPEERNAME,
  OP_GETSOCKNAME,
  OP_SETBLOCKING,
  OP_CLOSE,
  OP_MAKEFILE,
  OP_SOCKET,
  OP_FROMFD,
  OP_INET_ATON,
  OP_INET_NTOA,
  OP_INET_PTON,
  OP_INET_NTOP,
  OP_GETPROTOBYNAME,
  OP_GETSERVBYNAME,
  OP_GETHOSTBYADDR,
  OP_GETADDRINFO,
  OP_GETNAMEINFO,
  OP_IF_NAMETOINDEX,
  OP_IF_INDEXTONAME,
  OP_CREATE_SERVER,
  /* Descriptors and messages (1.2). */
  OP_RECVFROM_INTO,
  OP_SENDMSG,
  OP_RECVMSG,
  OP_RECVMSG_INTO,
  OP_SEND_FDS,
  OP_RECV_FDS,
  OP_SENDFILE,
  OP_SOCKETPAIR,
  OP_DUP,
  OP_SET_INHERITABLE,
} Op;

typedef struct
{
  const gchar *name;
  Op op;
  gint family;
  gint type;
  State state;
  gint64 a, b;           /* level/optname, how, backlog, fd, family, ... */
  guint64 size;          /* sizes, buffer lengths, type for socket() */
  const gchar *text;     /* modes, strings */
  Expect expect;
  gint code;
  const gchar *port;     /* getaddrinfo()'s port */
  const gchar *address;  /* sendmsg()'s address (GVariant text) */
} BadCall;

/* The descriptors the send_fds rows pass: one more than a message carries. */
#define SOCK_FDS_ROWS_MAX 254

#define HUGE_SIZE G_MAXSIZE
#define SSIZE_OVER ((guint64) G_MAXSSIZE + 1)

static const BadCall bad_calls[] = {
  /* accept */
  { "accept on a socket that is not listening", OP_ACCEPT, AF_INET, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "accept on a datagram socket", OP_ACCEPT, AF_INET, SOCK_DGRAM, BOUND,
    .expect = EXPECT_SOCK, .code = EOPNOTSUPP },
  { "accept with nothing pending, non-blocking", OP_ACCEPT, AF_UNIX, SOCK_STREAM,
    NONBLOCKING_LISTENER, .expect = EXPECT_SOCK, .code = EAGAIN },
  { "accept on a closed socket", OP_ACCEPT, AF_INET, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "accept on a pipe", OP_ACCEPT, AF_INET, SOCK_STREAM, NOT_A_SOCKET,
    .expect = EXPECT_SOCK, .code = ENOTSOCK },

  /* recv, recv_into, recvfrom */
  { "recv of G_MAXSIZE bytes", OP_RECV, AF_INET, SOCK_STREAM, CONNECTED,
    .size = HUGE_SIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv of G_MAXSSIZE + 1 bytes", OP_RECV, AF_INET, SOCK_STREAM, CONNECTED,
    .size = SSIZE_OVER, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv of G_MAXSSIZE bytes (cannot be allocated)", OP_RECV, AF_UNIX, SOCK_STREAM,
    CONNECTED, .size = G_MAXSSIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv on an unconnected stream socket", OP_RECV, AF_INET, SOCK_STREAM, FRESH,
    .size = 16, .expect = EXPECT_SOCK, .code = ENOTCONN },
  { "recv on a closed socket", OP_RECV, AF_INET, SOCK_STREAM, CLOSED,
    .size = 16, .expect = EXPECT_SOCK, .code = EBADF },
  { "recv on a pipe", OP_RECV, AF_UNIX, SOCK_STREAM, NOT_A_SOCKET,
    .size = 16, .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "recv with nothing there, non-blocking", OP_RECV, AF_UNIX, SOCK_DGRAM, BOUND,
    .a = MSG_DONTWAIT, .size = 16, .expect = EXPECT_SOCK, .code = EAGAIN },
  { "recv_into of G_MAXSIZE bytes", OP_RECV_INTO, AF_INET, SOCK_STREAM, CONNECTED,
    .size = HUGE_SIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv_into of G_MAXSSIZE + 1 bytes", OP_RECV_INTO, AF_INET, SOCK_STREAM, CONNECTED,
    .size = SSIZE_OVER, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv_into on a closed socket", OP_RECV_INTO, AF_INET, SOCK_STREAM, CLOSED,
    .size = 16, .expect = EXPECT_SOCK, .code = EBADF },
  { "recvfrom of G_MAXSIZE bytes", OP_RECVFROM, AF_INET, SOCK_DGRAM, BOUND,
    .size = HUGE_SIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvfrom of G_MAXSSIZE + 1 bytes", OP_RECVFROM, AF_UNIX, SOCK_DGRAM, BOUND,
    .size = SSIZE_OVER, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvfrom on a closed socket", OP_RECVFROM, AF_UNIX, SOCK_DGRAM, CLOSED,
    .size = 16, .expect = EXPECT_SOCK, .code = EBADF },
  { "recvfrom with MSG_OOB on AF_UNIX", OP_RECVFROM, AF_UNIX, SOCK_DGRAM, BOUND,
    .a = MSG_OOB, .size = 16, .expect = EXPECT_SOCK, .code = EOPNOTSUPP },

  /* send, sendall */
  { "send on an unconnected stream socket", OP_SEND, AF_INET, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EPIPE },
  { "send on an unconnected datagram socket", OP_SEND, AF_INET, SOCK_DGRAM, FRESH,
    .expect = EXPECT_SOCK, .code = EDESTADDRREQ },
  { "send on a closed socket", OP_SEND, AF_UNIX, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "send on a pipe", OP_SEND, AF_INET, SOCK_STREAM, NOT_A_SOCKET,
    .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "send with MSG_OOB on AF_UNIX", OP_SEND, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .a = MSG_OOB, .expect = EXPECT_SOCK, .code = EOPNOTSUPP },
  { "sendall on an unconnected stream socket", OP_SENDALL, AF_INET, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EPIPE },
  { "sendall on a closed socket", OP_SENDALL, AF_INET, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },

  /* getsockopt, setsockopt */
  /* Which errno depends on the kernel's version (EOPNOTSUPP or ENOPROTOOPT). */
  { "getsockopt at an unknown level", OP_GETSOCKOPT, AF_INET, SOCK_STREAM, FRESH,
    .a = 12345, .b = 1, .expect = EXPECT_SOCK_ANY },
  { "getsockopt of an unknown option", OP_GETSOCKOPT, AF_INET, SOCK_STREAM, FRESH,
    .a = SOL_SOCKET, .b = 9999, .expect = EXPECT_SOCK, .code = ENOPROTOOPT },
  { "getsockopt of TCP_NODELAY on AF_UNIX", OP_GETSOCKOPT, AF_UNIX, SOCK_STREAM, FRESH,
    .a = IPPROTO_TCP, .b = TCP_NODELAY, .expect = EXPECT_SOCK, .code = EOPNOTSUPP },
  { "getsockopt on a closed socket", OP_GETSOCKOPT, AF_INET, SOCK_STREAM, CLOSED,
    .a = SOL_SOCKET, .b = SO_TYPE, .expect = EXPECT_SOCK, .code = EBADF },
  { "getsockopt_bytes with buflen 0", OP_GETSOCKOPT_BYTES, AF_INET, SOCK_STREAM, FRESH,
    .a = SOL_SOCKET, .b = SO_LINGER, .size = 0, .expect = EXPECT_SOCK, .code = EINVAL },
  { "getsockopt_bytes with buflen 1025", OP_GETSOCKOPT_BYTES, AF_INET, SOCK_STREAM, FRESH,
    .a = SOL_SOCKET, .b = SO_LINGER, .size = 1025, .expect = EXPECT_SOCK, .code = EINVAL },
  { "getsockopt_bytes with buflen G_MAXSIZE", OP_GETSOCKOPT_BYTES, AF_INET, SOCK_STREAM,
    FRESH, .a = SOL_SOCKET, .b = SO_LINGER, .size = HUGE_SIZE, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "getsockopt_bytes with buflen 1 << 32", OP_GETSOCKOPT_BYTES, AF_INET, SOCK_STREAM,
    FRESH, .a = SOL_SOCKET, .b = SO_LINGER, .size = G_GUINT64_CONSTANT (1) << 32,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "getsockopt_bytes with buflen 1024", OP_GETSOCKOPT_BYTES, AF_INET, SOCK_STREAM, FRESH,
    .a = SOL_SOCKET, .b = SO_LINGER, .size = 1024, .expect = EXPECT_OK },
  { "getsockopt_bytes with buflen 1 for an int", OP_GETSOCKOPT_BYTES, AF_INET,
    SOCK_STREAM, FRESH, .a = SOL_SOCKET, .b = SO_TYPE, .size = 1, .expect = EXPECT_OK },
  { "getsockopt_bytes of an unknown option", OP_GETSOCKOPT_BYTES, AF_INET6, SOCK_DGRAM,
    FRESH, .a = IPPROTO_IPV6, .b = 9999, .size = 16, .expect = EXPECT_SOCK,
    .code = ENOPROTOOPT },
  { "getsockopt_bytes on a closed socket", OP_GETSOCKOPT_BYTES, AF_UNIX, SOCK_STREAM,
    CLOSED, .a = SOL_SOCKET, .b = SO_TYPE, .size = 4, .expect = EXPECT_SOCK, .code = EBADF },
  { "setsockopt at an unknown level", OP_SETSOCKOPT, AF_INET, SOCK_DGRAM, FRESH,
    .a = 12345, .b = 1, .expect = EXPECT_SOCK, .code = ENOPROTOOPT },
  { "setsockopt of a read-only option", OP_SETSOCKOPT, AF_INET, SOCK_STREAM, FRESH,
    .a = SOL_SOCKET, .b = SO_TYPE, .expect = EXPECT_SOCK, .code = ENOPROTOOPT },
  { "setsockopt SO_RCVBUF -1 (clamped by the kernel)", OP_SETSOCKOPT, AF_INET, SOCK_STREAM,
    FRESH, .a = SOL_SOCKET, .b = SO_RCVBUF, .size = (guint64) -1, .expect = EXPECT_OK },
  { "setsockopt on a closed socket", OP_SETSOCKOPT, AF_INET, SOCK_STREAM, CLOSED,
    .a = SOL_SOCKET, .b = SO_REUSEADDR, .expect = EXPECT_SOCK, .code = EBADF },
  { "setsockopt_bytes of G_MAXUINT32 + 1 bytes", OP_SETSOCKOPT_BYTES, AF_INET,
    SOCK_STREAM, FRESH, .a = SOL_SOCKET, .b = SO_LINGER,
    .size = (guint64) G_MAXUINT32 + 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "setsockopt_bytes of G_MAXSIZE bytes", OP_SETSOCKOPT_BYTES, AF_INET, SOCK_STREAM,
    FRESH, .a = SOL_SOCKET, .b = SO_LINGER, .size = HUGE_SIZE, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "setsockopt_bytes of 0 bytes for an int", OP_SETSOCKOPT_BYTES, AF_INET, SOCK_STREAM,
    FRESH, .a = SOL_SOCKET, .b = SO_REUSEADDR, .size = 0, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "setsockopt_bytes of 1 byte for SO_LINGER", OP_SETSOCKOPT_BYTES, AF_INET, SOCK_STREAM,
    FRESH, .a = SOL_SOCKET, .b = SO_LINGER, .size = 1, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "setsockopt_bytes on a pipe", OP_SETSOCKOPT_BYTES, AF_UNIX, SOCK_STREAM, NOT_A_SOCKET,
    .a = SOL_SOCKET, .b = SO_REUSEADDR, .size = 4, .expect = EXPECT_SOCK, .code = ENOTSOCK },

  /* listen */
  { "listen with backlog -5 (as CPython: the smallest queue)", OP_LISTEN, AF_INET,
    SOCK_STREAM, BOUND, .a = -5, .expect = EXPECT_OK },
  { "listen with backlog G_MININT", OP_LISTEN, AF_UNIX, SOCK_STREAM, BOUND,
    .a = G_MININT, .expect = EXPECT_OK },
  { "listen with backlog G_MAXINT", OP_LISTEN, AF_INET, SOCK_STREAM, BOUND,
    .a = G_MAXINT, .expect = EXPECT_OK },
  { "listen on a datagram socket", OP_LISTEN, AF_INET, SOCK_DGRAM, BOUND,
    .a = 1, .expect = EXPECT_SOCK, .code = EOPNOTSUPP },
  { "listen on a closed socket", OP_LISTEN, AF_INET, SOCK_STREAM, CLOSED,
    .a = 1, .expect = EXPECT_SOCK, .code = EBADF },

  /* shutdown */
  { "shutdown -1", OP_SHUTDOWN, AF_INET, SOCK_STREAM, CONNECTED,
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "shutdown 3", OP_SHUTDOWN, AF_INET, SOCK_STREAM, CONNECTED,
    .a = 3, .expect = EXPECT_SOCK, .code = EINVAL },
  { "shutdown G_MAXINT", OP_SHUTDOWN, AF_UNIX, SOCK_STREAM, CONNECTED,
    .a = G_MAXINT, .expect = EXPECT_SOCK, .code = EINVAL },
  { "shutdown of an unconnected socket", OP_SHUTDOWN, AF_INET, SOCK_STREAM, FRESH,
    .a = SHUT_RDWR, .expect = EXPECT_SOCK, .code = ENOTCONN },
  { "shutdown on a closed socket", OP_SHUTDOWN, AF_INET, SOCK_STREAM, CLOSED,
    .a = SHUT_RD, .expect = EXPECT_SOCK, .code = EBADF },

  /* getpeername, getsockname, setblocking, close */
  { "getpeername of an unconnected socket", OP_GETPEERNAME, AF_INET, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = ENOTCONN },
  { "getpeername on a closed socket", OP_GETPEERNAME, AF_UNIX, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "getsockname on a closed socket", OP_GETSOCKNAME, AF_INET6, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "getsockname on a pipe", OP_GETSOCKNAME, AF_INET, SOCK_STREAM, NOT_A_SOCKET,
    .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "setblocking on a closed socket", OP_SETBLOCKING, AF_INET, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "close of a closed socket", OP_CLOSE, AF_INET, SOCK_STREAM, CLOSED,
    .expect = EXPECT_OK },

  /* makefile */
  { "makefile mode \"\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"x\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "x",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"a\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "a",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"b\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "b",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"rwx\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "rwx",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"r++\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "r++",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"rbb\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "rbb",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"+\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "+",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"r \"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "r ",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"rw\\n\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED, .text = "rw\n",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode \"wwwwwwwwwwwwwwwwwwww\"", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED,
    .text = "wwwwwwwwwwwwwwwwwwww", .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "makefile mode NULL (\"r\")", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED,
    .text = NULL, .a = -1, .expect = EXPECT_OK },
  { "makefile bufsize G_MININT (the default)", OP_MAKEFILE, AF_INET, SOCK_STREAM,
    CONNECTED, .text = "rwb", .a = G_MININT, .expect = EXPECT_OK },
  { "makefile bufsize G_MAXINT", OP_MAKEFILE, AF_INET, SOCK_STREAM, CONNECTED,
    .text = "rwb", .a = G_MAXINT, .expect = EXPECT_OK_OR_SOCK },
  { "makefile on a closed socket", OP_MAKEFILE, AF_INET, SOCK_STREAM, CLOSED,
    .text = "r", .a = -1, .expect = EXPECT_SOCK, .code = EBADF },

  /* socket, fromfd */
  { "socket of an unknown family", OP_SOCKET, 12345, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "socket of family -1", OP_SOCKET, -1, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "socket of an unknown type", OP_SOCKET, AF_INET, 12345, FRESH,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "socket of type -1", OP_SOCKET, AF_INET, -1, FRESH,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "socket of type G_MININT", OP_SOCKET, AF_UNIX, G_MININT, FRESH,
    .expect = EXPECT_SOCK_ANY },
  { "socket with protocol -1", OP_SOCKET, AF_INET, SOCK_STREAM, FRESH,
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "socket with protocol G_MAXINT", OP_SOCKET, AF_INET6, SOCK_DGRAM, FRESH,
    .a = G_MAXINT, .expect = EXPECT_SOCK_ANY },
  { "fromfd -1", OP_FROMFD, AF_INET, SOCK_STREAM, FRESH,
    .a = -1, .expect = EXPECT_SOCK, .code = EBADF },
  { "fromfd G_MININT", OP_FROMFD, AF_INET, SOCK_STREAM, FRESH,
    .a = G_MININT, .expect = EXPECT_SOCK, .code = EBADF },
  { "fromfd of a descriptor that is not open", OP_FROMFD, AF_UNIX, SOCK_STREAM, FRESH,
    .a = G_MAXINT, .expect = EXPECT_SOCK, .code = EBADF },
  { "fromfd of an unknown family", OP_FROMFD, 12345, SOCK_STREAM, FRESH,
    .a = 0, .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "fromfd of type -1", OP_FROMFD, AF_INET, -1, FRESH,
    .a = 0, .expect = EXPECT_OK_OR_SOCK },

  /* inet_aton, inet_ntoa */
  { "inet_aton \"\"", OP_INET_ATON, .text = "", .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_aton \"1.2.3.4.5\"", OP_INET_ATON, .text = "1.2.3.4.5", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_aton \"256.0.0.1\"", OP_INET_ATON, .text = "256.0.0.1", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_aton \"1..2\"", OP_INET_ATON, .text = "1..2", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_aton \"0x100000000\"", OP_INET_ATON, .text = "0x100000000",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_aton \"::1\"", OP_INET_ATON, .text = "::1", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_aton of 10 000 characters", OP_INET_ATON, .text = "LONG", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_ntoa of 0 bytes", OP_INET_NTOA, .size = 0, .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntoa of 3 bytes", OP_INET_NTOA, .size = 3, .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntoa of 5 bytes", OP_INET_NTOA, .size = 5, .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntoa of 16 bytes", OP_INET_NTOA, .size = 16, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_ntoa of G_MAXSIZE bytes", OP_INET_NTOA, .size = HUGE_SIZE, .expect = EXPECT_SOCK,
    .code = EINVAL },

  /* inet_pton, inet_ntop (1.2): the family in .family. */
  { "inet_pton AF_INET \"\"", OP_INET_PTON, AF_INET, .text = "", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_pton AF_INET \"127.1\"", OP_INET_PTON, AF_INET, .text = "127.1",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_pton AF_INET \"::1\"", OP_INET_PTON, AF_INET, .text = "::1",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_pton AF_INET6 \"1.2.3.4\"", OP_INET_PTON, AF_INET6, .text = "1.2.3.4",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_pton AF_INET6 \"fe80::1%lo\"", OP_INET_PTON, AF_INET6, .text = "fe80::1%lo",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_pton AF_INET6 of 10 000 characters", OP_INET_PTON, AF_INET6, .text = "LONG",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_pton AF_UNIX", OP_INET_PTON, AF_UNIX, .text = "1.2.3.4", .expect = EXPECT_SOCK,
    .code = EAFNOSUPPORT },
  { "inet_pton family -1", OP_INET_PTON, -1, .text = "::1", .expect = EXPECT_SOCK,
    .code = EAFNOSUPPORT },
  { "inet_pton family G_MAXINT", OP_INET_PTON, G_MAXINT, .text = "::1",
    .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "inet_ntop AF_INET of 0 bytes", OP_INET_NTOP, AF_INET, .size = 0, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_ntop AF_INET of 16 bytes", OP_INET_NTOP, AF_INET, .size = 16,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntop AF_INET6 of 4 bytes", OP_INET_NTOP, AF_INET6, .size = 4,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntop AF_INET6 of 17 bytes", OP_INET_NTOP, AF_INET6, .size = 17,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntop AF_INET6 of G_MAXSIZE bytes", OP_INET_NTOP, AF_INET6, .size = HUGE_SIZE,
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "inet_ntop AF_UNIX", OP_INET_NTOP, AF_UNIX, .size = 4, .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "inet_ntop family -1", OP_INET_NTOP, -1, .size = 16, .expect = EXPECT_SOCK,
    .code = EINVAL },

  /* The resolver's lookups that need no network. */
  { "getprotobyname of an unknown protocol", OP_GETPROTOBYNAME, .text = "no-such-protocol",
    .expect = EXPECT_RESOLVER },
  { "getprotobyname \"\"", OP_GETPROTOBYNAME, .text = "", .expect = EXPECT_RESOLVER },
  { "getservbyname of an unknown service", OP_GETSERVBYNAME, .text = "no-such-service",
    .expect = EXPECT_RESOLVER },
  { "getservbyname of an unknown protocol", OP_GETSERVBYNAME, .text = "http",
    .a = 1, .expect = EXPECT_RESOLVER },
  { "gethostbyaddr \"\"", OP_GETHOSTBYADDR, .text = "", .expect = EXPECT_RESOLVER },

  /* getaddrinfo (1.2): host in .text, port in .port, family, type, proto in .a, flags in
   * .b. Names only under .invalid or with AI_NUMERICHOST: nothing is looked up. */
  { "getaddrinfo of NULL and NULL", OP_GETADDRINFO, .expect = EXPECT_RESOLVER },
  { "getaddrinfo of an unresolvable name", OP_GETADDRINFO, .text = "nonexistent.invalid",
    .port = "80", .expect = EXPECT_RESOLVER },
  { "getaddrinfo of 10 000 characters, numeric", OP_GETADDRINFO, .text = "LONG",
    .port = "80", .b = AI_NUMERICHOST, .expect = EXPECT_RESOLVER },
  { "getaddrinfo of \"\", numeric", OP_GETADDRINFO, .text = "", .b = AI_NUMERICHOST,
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of port 65536", OP_GETADDRINFO, .text = "127.0.0.1", .port = "65536",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "getaddrinfo of port 18446744073709551616", OP_GETADDRINFO, .text = "127.0.0.1",
    .port = "18446744073709551616", .expect = EXPECT_SOCK, .code = EINVAL },
  { "getaddrinfo of port \"-1\"", OP_GETADDRINFO, .text = "127.0.0.1", .port = "-1",
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of port \"\" (as CPython: port 0)", OP_GETADDRINFO, .text = "127.0.0.1",
    .port = "", .expect = EXPECT_OK },
  { "getaddrinfo of an unknown service", OP_GETADDRINFO, .text = "127.0.0.1",
    .port = "no-such-service", .expect = EXPECT_RESOLVER },
  { "getaddrinfo of family 12345", OP_GETADDRINFO, 12345, .text = "127.0.0.1",
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of family -1", OP_GETADDRINFO, -1, .text = "127.0.0.1",
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of type -1", OP_GETADDRINFO, 0, -1, .text = "127.0.0.1",
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of proto -1", OP_GETADDRINFO, 0, SOCK_STREAM, .a = -1,
    .text = "127.0.0.1", .expect = EXPECT_RESOLVER },
  { "getaddrinfo of flags -1", OP_GETADDRINFO, .text = "127.0.0.1", .b = -1,
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of flags G_MININT", OP_GETADDRINFO, .text = "127.0.0.1", .b = G_MININT,
    .expect = EXPECT_RESOLVER },
  { "getaddrinfo of a bad scope", OP_GETADDRINFO, .text = "fe80::1%no-such-interface",
    .b = AI_NUMERICHOST, .expect = EXPECT_RESOLVER },

  /* getnameinfo (1.2): the address in .text (GVariant text), flags in .b. */
  { "getnameinfo of a name", OP_GETNAMEINFO, .text = "('localhost', uint16 80)",
    .expect = EXPECT_RESOLVER },
  { "getnameinfo of 10 000 characters", OP_GETNAMEINFO, .text = "LONG",
    .expect = EXPECT_RESOLVER },
  { "getnameinfo with flags -1", OP_GETNAMEINFO, .text = "('127.0.0.1', uint16 80)",
    .b = -1, .expect = EXPECT_RESOLVER },
  { "getnameinfo of an IPv4 (squu)", OP_GETNAMEINFO,
    .text = "('127.0.0.1', uint16 80, uint32 0, uint32 0)", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "getnameinfo of flowinfo 1048576", OP_GETNAMEINFO,
    .text = "('::1', uint16 80, uint32 1048576, uint32 0)", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "getnameinfo of port 65536", OP_GETNAMEINFO, .text = "('::1', 65536)",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "getnameinfo of a string", OP_GETNAMEINFO, .text = "'127.0.0.1'",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "getnameinfo of ()", OP_GETNAMEINFO, .text = "()", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "getnameinfo of (sqq)", OP_GETNAMEINFO, .text = "('::1', uint16 1, uint16 2)",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "getnameinfo of a bad scope", OP_GETNAMEINFO, .text = "('::1%', uint16 1)",
    .expect = EXPECT_RESOLVER },

  /* if_nametoindex, if_indextoname (1.2). */
  { "if_nametoindex \"\"", OP_IF_NAMETOINDEX, .text = "", .expect = EXPECT_SOCK,
    .code = ENODEV },
  { "if_nametoindex of an unknown name", OP_IF_NAMETOINDEX, .text = "no-such-interface",
    .expect = EXPECT_SOCK, .code = ENODEV },
  { "if_nametoindex of 10 000 characters", OP_IF_NAMETOINDEX, .text = "LONG",
    .expect = EXPECT_SOCK, .code = ENODEV },
  { "if_nametoindex of a name with a '/'", OP_IF_NAMETOINDEX, .text = "lo/../lo",
    .expect = EXPECT_SOCK, .code = ENODEV },
  { "if_indextoname 0", OP_IF_INDEXTONAME, .a = 0, .expect = EXPECT_SOCK, .code = ENXIO },
  { "if_indextoname G_MAXUINT32", OP_IF_INDEXTONAME, .a = G_MAXUINT32,
    .expect = EXPECT_SOCK, .code = ENXIO },
  { "if_indextoname G_MAXINT32 + 1", OP_IF_INDEXTONAME, .a = (gint64) G_MAXINT32 + 1,
    .expect = EXPECT_SOCK, .code = ENXIO },

  /* create_server (1.2): the address in .text (GVariant text), the family, backlog in .a,
   * reuse_port in .b. Loopback only. */
  { "create_server of a string address", OP_CREATE_SERVER, AF_INET, .text = "'127.0.0.1'",
    .expect = EXPECT_SOCK, .code = EINVAL },
  { "create_server of port 65536", OP_CREATE_SERVER, AF_INET,
    .text = "('127.0.0.1', 65536)", .expect = EXPECT_SOCK, .code = EINVAL },
  { "create_server of an AF_INET (squu)", OP_CREATE_SERVER, AF_INET,
    .text = "('127.0.0.1', uint16 0, uint32 0, uint32 0)", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "create_server of flowinfo 1048576", OP_CREATE_SERVER, AF_INET6,
    .text = "('::1', uint16 0, uint32 1048576, uint32 0)", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "create_server of an IPv4 host for AF_INET6", OP_CREATE_SERVER, AF_INET6,
    .text = "('127.0.0.1', uint16 0)", .expect = EXPECT_RESOLVER },
  { "create_server of an unresolvable host", OP_CREATE_SERVER, AF_INET,
    .text = "('nonexistent.invalid', uint16 0)", .expect = EXPECT_RESOLVER },
  { "create_server of a bad scope", OP_CREATE_SERVER, AF_INET6,
    .text = "('::1%no-such-interface', uint16 0)", .expect = EXPECT_RESOLVER },
  { "create_server of an unknown family", OP_CREATE_SERVER, 12345,
    .text = "('127.0.0.1', uint16 0)", .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "create_server of family -1", OP_CREATE_SERVER, -1,
    .text = "('127.0.0.1', uint16 0)", .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "create_server of an AF_UNIX path in a missing directory", OP_CREATE_SERVER, AF_UNIX,
    .text = "'/nonexistent-sockobj-dir/x'", .expect = EXPECT_SOCK, .code = ENOENT },
  { "create_server with backlog G_MININT", OP_CREATE_SERVER, AF_INET,
    .text = "('127.0.0.1', uint16 0)", .a = G_MININT, .expect = EXPECT_OK },
  { "create_server with backlog G_MAXINT", OP_CREATE_SERVER, AF_INET6,
    .text = "('::1', uint16 0)", .a = G_MAXINT, .expect = EXPECT_OK },
  { "create_server with reuse_port 2", OP_CREATE_SERVER, AF_INET,
    .text = "('127.0.0.1', uint16 0)", .b = 2, .expect = EXPECT_OK },

  /* recvfrom_into (1.2): size in .size, flags in .a; refused before anything is read. */
  { "recvfrom_into of G_MAXSIZE bytes", OP_RECVFROM_INTO, AF_INET, SOCK_DGRAM, BOUND,
    .size = HUGE_SIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvfrom_into of G_MAXSSIZE + 1 bytes", OP_RECVFROM_INTO, AF_UNIX, SOCK_DGRAM, BOUND,
    .size = SSIZE_OVER, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvfrom_into on a closed socket", OP_RECVFROM_INTO, AF_INET, SOCK_DGRAM, CLOSED,
    .size = 16, .expect = EXPECT_SOCK, .code = EBADF },
  { "recvfrom_into on a pipe", OP_RECVFROM_INTO, AF_INET, SOCK_DGRAM, NOT_A_SOCKET,
    .size = 16, .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "recvfrom_into with MSG_OOB on AF_UNIX", OP_RECVFROM_INTO, AF_UNIX, SOCK_DGRAM, BOUND,
    .a = MSG_OOB, .size = 16, .expect = EXPECT_SOCK, .code = EOPNOTSUPP },

  /* sendmsg (1.2): ancillary data in .text (GVariant text; MANY_FDS for 254
   * descriptors), the address in .address, the number of one-byte buffers in
   * .size (.b = 1 puts a NULL among them), flags in .a. Bad data is refused
   * before the descriptor is looked at, so also on a closed socket. */
  { "sendmsg of ancdata 's'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "'rights'", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata '(iiay)', not in an array", OP_SENDMSG, AF_UNIX, SOCK_STREAM,
    CONNECTED, .size = 1, .text = "(1, 1, [byte 0, 0, 0, 0])", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "sendmsg of ancdata 'a(iay)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[(1, [byte 0, 0, 0, 0])]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'a(iiy)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[(1, 1, byte 0)]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'a(iiayay)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = 1, .text = "[(1, 1, [byte 0], [byte 0])]", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "sendmsg of ancdata 'a(uuay)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[(uint32 1, uint32 1, [byte 0, 0, 0, 0])]", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "sendmsg of ancdata 'a(xxay)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[(int64 1, int64 1, [byte 0, 0, 0, 0])]", .expect = EXPECT_SOCK,
    .code = EINVAL },
  { "sendmsg of ancdata 'a(iis)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[(1, 1, 'data')]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'a(iiv)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[(1, 1, <[byte 0, 0, 0, 0]>)]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'aay'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[[byte 0, 0, 0, 0]]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'av'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "[<(1, 1, [byte 0, 0, 0, 0])>]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'v'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "<[(1, 1, [byte 0, 0, 0, 0])]>", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'ma(iiay)'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "just [(1, 1, [byte 0, 0, 0, 0])]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of ancdata 'a{iv}'", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "{1: <1>}", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of bad ancdata on a closed socket", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CLOSED,
    .size = 1, .text = "[(1, [byte 0])]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of empty ancdata", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .text = "@a(iiay) []", .expect = EXPECT_OK },
  { "sendmsg of an item with no data", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = 1, .text = "[(1, 1, @ay [])]", .expect = EXPECT_OK },
  { "sendmsg of SCM_RIGHTS with 3 bytes (no whole descriptor: none passed)", OP_SENDMSG,
    AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1, .text = "[(1, 1, [byte 1, 0, 0])]",
    .expect = EXPECT_OK },
  { "sendmsg of SCM_RIGHTS with descriptor -1", OP_SENDMSG, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = 1, .text = "[(1, 1, [byte 0xff, 0xff, 0xff, 0xff])]", .expect = EXPECT_SOCK,
    .code = EBADF },
  { "sendmsg of SCM_RIGHTS with 254 descriptors", OP_SENDMSG, AF_UNIX, SOCK_STREAM,
    CONNECTED, .size = 1, .text = "MANY_FDS", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of an unknown SOL_SOCKET type", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = 1, .text = "[(1, 4242, [byte 0])]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of level -1 on AF_UNIX (ignored by the system)", OP_SENDMSG, AF_UNIX,
    SOCK_STREAM, CONNECTED, .size = 1, .text = "[(-1, -1, [byte 0])]",
    .expect = EXPECT_OK_OR_SOCK },
  { "sendmsg of SCM_CREDENTIALS of 2 bytes", OP_SENDMSG, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = 1, .text = "[(1, 2, [byte 1, 2])]", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg with a NULL buffer", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 3,
    .b = 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of G_MAXINT + 1 buffers", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = (guint64) G_MAXINT + 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of G_MAXSIZE buffers", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CLOSED,
    .size = HUGE_SIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of 1025 buffers (past IOV_MAX)", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = 1025, .expect = EXPECT_SOCK, .code = EMSGSIZE },
  { "sendmsg of an (sq) address on AF_UNIX", OP_SENDMSG, AF_UNIX, SOCK_DGRAM, FRESH,
    .size = 1, .address = "('127.0.0.1', uint16 9)", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of a path address on AF_INET", OP_SENDMSG, AF_INET, SOCK_DGRAM, CLOSED,
    .size = 1, .address = "'/tmp/x'", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg of port 65536", OP_SENDMSG, AF_INET, SOCK_DGRAM, FRESH, .size = 1,
    .address = "('127.0.0.1', 65536)", .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendmsg without an address, unconnected", OP_SENDMSG, AF_INET, SOCK_DGRAM, FRESH,
    .size = 1, .expect = EXPECT_SOCK, .code = EDESTADDRREQ },
  { "sendmsg on a closed socket", OP_SENDMSG, AF_UNIX, SOCK_STREAM, CLOSED, .size = 1,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "sendmsg on a pipe", OP_SENDMSG, AF_UNIX, SOCK_STREAM, NOT_A_SOCKET, .size = 1,
    .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "sendmsg with MSG_OOB on AF_UNIX", OP_SENDMSG, AF_UNIX, SOCK_DGRAM, CONNECTED, .size = 1,
    .a = MSG_OOB, .expect = EXPECT_SOCK, .code = EOPNOTSUPP },

  /* recvmsg (1.2): bufsize in .size, ancbufsize in .b, flags in .a. */
  { "recvmsg of G_MAXSIZE bytes", OP_RECVMSG, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = HUGE_SIZE, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg of G_MAXSSIZE + 1 bytes", OP_RECVMSG, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = SSIZE_OVER, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg with ancbufsize G_MAXINT + 1", OP_RECVMSG, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = 16, .b = (gint64) G_MAXINT + 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg with ancbufsize G_MAXINT64", OP_RECVMSG, AF_UNIX, SOCK_DGRAM, CLOSED,
    .size = 16, .b = G_MAXINT64, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg on a closed socket", OP_RECVMSG, AF_UNIX, SOCK_DGRAM, CLOSED,
    .size = 16, .b = 64, .expect = EXPECT_SOCK, .code = EBADF },
  { "recvmsg on a pipe", OP_RECVMSG, AF_INET, SOCK_STREAM, NOT_A_SOCKET,
    .size = 16, .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "recvmsg on an unconnected stream socket", OP_RECVMSG, AF_INET, SOCK_STREAM, FRESH,
    .size = 16, .expect = EXPECT_SOCK, .code = ENOTCONN },

  /* recvmsg_into (1.2): the first buffer's size in .size, the second's in .b (NULL
   * when .text is "NULL"); .text "MANY" claims G_MAXINT + 1 buffers. */
  { "recvmsg_into with a NULL buffer of 16 bytes", OP_RECVMSG_INTO, AF_UNIX, SOCK_DGRAM,
    CONNECTED, .size = 16, .b = 16, .text = "NULL", .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg_into of buffers past G_MAXSSIZE", OP_RECVMSG_INTO, AF_UNIX, SOCK_DGRAM,
    CONNECTED, .size = G_MAXSSIZE, .b = 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg_into of 2 G_MAXSIZE buffers", OP_RECVMSG_INTO, AF_UNIX, SOCK_DGRAM, CLOSED,
    .size = HUGE_SIZE, .b = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg_into of G_MAXINT + 1 buffers", OP_RECVMSG_INTO, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = 1, .text = "MANY", .expect = EXPECT_SOCK, .code = EINVAL },
  { "recvmsg_into on a closed socket", OP_RECVMSG_INTO, AF_UNIX, SOCK_DGRAM, CLOSED,
    .size = 16, .expect = EXPECT_SOCK, .code = EBADF },

  /* send_fds (1.2): data size in .size, the number of descriptors in .b, their value
   * from .text: "BAD" -1, "NOTOPEN" G_MAXINT, else 1 (stdout). */
  { "send_fds of 254 descriptors", OP_SEND_FDS, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .b = 254, .expect = EXPECT_SOCK, .code = EINVAL },
  { "send_fds of G_MAXSIZE descriptors", OP_SEND_FDS, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = 1, .b = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "send_fds of descriptor -1", OP_SEND_FDS, AF_UNIX, SOCK_STREAM, CONNECTED, .size = 1,
    .b = 1, .text = "BAD", .expect = EXPECT_SOCK, .code = EBADF },
  { "send_fds of a descriptor that is not open", OP_SEND_FDS, AF_UNIX, SOCK_DGRAM,
    CONNECTED, .size = 1, .b = 1, .text = "NOTOPEN", .expect = EXPECT_SOCK, .code = EBADF },
  { "send_fds without data on a stream socket", OP_SEND_FDS, AF_UNIX, SOCK_STREAM,
    CONNECTED, .size = 0, .b = 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "send_fds without data on a datagram socket", OP_SEND_FDS, AF_UNIX, SOCK_DGRAM,
    CONNECTED, .size = 0, .b = 1, .expect = EXPECT_OK },
  { "send_fds unconnected", OP_SEND_FDS, AF_UNIX, SOCK_DGRAM, FRESH, .size = 1, .b = 1,
    .expect = EXPECT_SOCK, .code = ENOTCONN },
  { "send_fds on a closed socket", OP_SEND_FDS, AF_UNIX, SOCK_STREAM, CLOSED, .size = 1,
    .b = 1, .expect = EXPECT_SOCK, .code = EBADF },
  { "send_fds on a pipe", OP_SEND_FDS, AF_UNIX, SOCK_STREAM, NOT_A_SOCKET, .size = 1,
    .b = 1, .expect = EXPECT_SOCK, .code = ENOTSOCK },

  /* recv_fds (1.2): bufsize in .size, max_fds in .b; a row expected to succeed finds
   * one byte sent by the peer. */
  { "recv_fds of G_MAXSIZE bytes", OP_RECV_FDS, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = HUGE_SIZE, .b = 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv_fds of G_MAXSSIZE + 1 bytes", OP_RECV_FDS, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = SSIZE_OVER, .b = 1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "recv_fds with max_fds G_MAXSIZE", OP_RECV_FDS, AF_UNIX, SOCK_STREAM, CONNECTED,
    .size = 16, .b = -1, .expect = EXPECT_OK },
  { "recv_fds with max_fds 0", OP_RECV_FDS, AF_UNIX, SOCK_DGRAM, CONNECTED,
    .size = 16, .b = 0, .expect = EXPECT_OK },
  { "recv_fds on a closed socket", OP_RECV_FDS, AF_UNIX, SOCK_STREAM, CLOSED,
    .size = 16, .b = 1, .expect = EXPECT_SOCK, .code = EBADF },
  { "recv_fds on a pipe", OP_RECV_FDS, AF_UNIX, SOCK_STREAM, NOT_A_SOCKET,
    .size = 16, .b = 1, .expect = EXPECT_SOCK, .code = ENOTSOCK },

  /* sendfile (1.2): the file from .text ("FILE" a small regular file, "DIR" a
   * directory, "WRONLY" /dev/null for writing) or else the number in .b; the offset in
   * .a; the count in .size minus 1 (0: -1, to the end). */
  { "sendfile of descriptor -1", OP_SENDFILE, AF_UNIX, SOCK_STREAM, CONNECTED, .b = -1,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "sendfile of a descriptor that is not open", OP_SENDFILE, AF_UNIX, SOCK_STREAM,
    CONNECTED, .b = G_MAXINT, .expect = EXPECT_SOCK, .code = EBADF },
  { "sendfile of a descriptor open for writing", OP_SENDFILE, AF_UNIX, SOCK_STREAM,
    CONNECTED, .text = "WRONLY", .expect = EXPECT_SOCK, .code = EBADF },
  { "sendfile of a directory", OP_SENDFILE, AF_UNIX, SOCK_STREAM, CONNECTED, .text = "DIR",
    .expect = EXPECT_SOCK, .code = EISDIR },
  { "sendfile at offset -1", OP_SENDFILE, AF_UNIX, SOCK_STREAM, CONNECTED, .text = "FILE",
    .a = -1, .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendfile at offset G_MININT64", OP_SENDFILE, AF_INET, SOCK_STREAM, CONNECTED,
    .text = "FILE", .a = G_MININT64, .expect = EXPECT_SOCK, .code = EINVAL },
  { "sendfile at offset G_MAXINT64", OP_SENDFILE, AF_UNIX, SOCK_STREAM, CONNECTED,
    .text = "FILE", .a = G_MAXINT64, .expect = EXPECT_OK_OR_SOCK },
  { "sendfile of count G_MININT64 (to the end)", OP_SENDFILE, AF_UNIX, SOCK_STREAM,
    CONNECTED, .text = "FILE", .size = (guint64) G_MININT64 + 1, .expect = EXPECT_OK },
  { "sendfile of count 0 on a closed socket (nothing to do)", OP_SENDFILE, AF_UNIX,
    SOCK_STREAM, CLOSED, .text = "FILE", .size = 1, .expect = EXPECT_OK },
  { "sendfile on a closed socket", OP_SENDFILE, AF_UNIX, SOCK_STREAM, CLOSED,
    .text = "FILE", .expect = EXPECT_SOCK, .code = EBADF },
  { "sendfile on an unconnected stream socket", OP_SENDFILE, AF_INET, SOCK_STREAM, FRESH,
    .text = "FILE", .expect = EXPECT_SOCK_ANY },

  /* socketpair (1.2): the family, type, and protocol in .a. */
  { "socketpair of AF_INET", OP_SOCKETPAIR, AF_INET, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EOPNOTSUPP },
  { "socketpair of an unknown family", OP_SOCKETPAIR, 12345, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "socketpair of family -1", OP_SOCKETPAIR, -1, SOCK_STREAM, FRESH,
    .expect = EXPECT_SOCK, .code = EAFNOSUPPORT },
  { "socketpair of an unknown type", OP_SOCKETPAIR, AF_UNIX, 12345, FRESH,
    .expect = EXPECT_SOCK_ANY },
  { "socketpair of type -1", OP_SOCKETPAIR, AF_UNIX, -1, FRESH,
    .expect = EXPECT_SOCK_ANY },
  { "socketpair with protocol 2 (AF_UNIX takes 0 and PF_UNIX)", OP_SOCKETPAIR, AF_UNIX,
    SOCK_STREAM, FRESH, .a = 2, .expect = EXPECT_SOCK, .code = EPROTONOSUPPORT },
  { "socketpair with protocol -1", OP_SOCKETPAIR, AF_UNIX, SOCK_DGRAM, FRESH,
    .a = -1, .expect = EXPECT_SOCK_ANY },

  /* fromfd detecting the family (1.2): .text "PIPE" makes a pipe. */
  { "fromfd (0, 0, 0) of a pipe", OP_FROMFD, 0, 0, FRESH, .text = "PIPE",
    .expect = EXPECT_SOCK, .code = ENOTSOCK },
  { "fromfd (0, 0, 0) of -1", OP_FROMFD, 0, 0, FRESH, .a = -1,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "fromfd (0, 0, 0) of a descriptor that is not open", OP_FROMFD, 0, 0, FRESH,
    .a = G_MAXINT, .expect = EXPECT_SOCK, .code = EBADF },
  { "fromfd (AF_INET, 0, 0) of a pipe", OP_FROMFD, AF_INET, 0, FRESH, .text = "PIPE",
    .expect = EXPECT_SOCK, .code = ENOTSOCK },

  /* dup, set_inheritable (1.2). */
  { "dup on a closed socket", OP_DUP, AF_INET, SOCK_STREAM, CLOSED,
    .expect = EXPECT_SOCK, .code = EBADF },
  { "set_inheritable on a closed socket", OP_SET_INHERITABLE, AF_UNIX, SOCK_STREAM, CLOSED,
    .a = TRUE, .expect = EXPECT_SOCK, .code = EBADF },
  { "set_inheritable 2 (any true value)", OP_SET_INHERITABLE, AF_UNIX, SOCK_STREAM, FRESH,
    .a = 2, .expect = EXPECT_OK },
};

/* Brings a socket of @family/@type to @state; *@keep holds what must stay
 * open meanwhile (the peer). */
static SockObject *
make_socket (const BadCall  *bad,
             SockObject    **keep)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  gint fds[2];

  if (bad->state == NOT_A_SOCKET)
    {
      g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
      sock = sock_fromfd (fds[0], bad->family, bad->type, 0, &error);
      g_assert_no_error (error);
      close (fds[0]);
      close (fds[1]);
      return g_steal_pointer (&sock);
    }

  if (bad->state == CONNECTED)
    {
      if (bad->family == AF_INET && bad->type == SOCK_STREAM)
        {
          test_tcp_pair (&sock, keep);
          test_set_io_timeout (sock, 2);
          return g_steal_pointer (&sock);
        }
      g_assert_cmpint (socketpair (AF_UNIX, bad->type | SOCK_CLOEXEC, 0, fds), ==, 0);
      g_assert_cmpint (bad->family, ==, AF_UNIX);
      sock = sock_fromfd (fds[0], AF_UNIX, bad->type, 0, &error);
      g_assert_no_error (error);
      *keep = sock_fromfd (fds[1], AF_UNIX, bad->type, 0, &error);
      g_assert_no_error (error);
      close (fds[0]);
      close (fds[1]);
      test_set_io_timeout (sock, 2);
      return g_steal_pointer (&sock);
    }

  sock = sock_socket (bad->family, bad->type, 0, &error);
  if (sock == NULL && bad->family == AF_INET6)
    return NULL;
  g_assert_no_error (error);
  /* A wrong expectation shows as EAGAIN, never as a hang. */
  test_set_io_timeout (sock, 2);

  if (bad->state == BOUND || bad->state == LISTENING || bad->state == NONBLOCKING_LISTENER)
    {
      GVariant *address = bad->family == AF_UNIX ? test_abstract_address_new ()
                        : bad->family == AF_INET ? g_variant_new ("(sq)", "127.0.0.1", 0)
                        : g_variant_new ("(sq)", "::1", 0);

      g_assert_true (sock_object_bind (sock, address, &error));
      g_assert_no_error (error);
    }
  if (bad->state == LISTENING || bad->state == NONBLOCKING_LISTENER)
    {
      g_assert_true (sock_object_listen (sock, 4, &error));
      g_assert_no_error (error);
    }
  if (bad->state == NONBLOCKING_LISTENER)
    {
      g_assert_true (sock_object_setblocking (sock, FALSE, &error));
      g_assert_no_error (error);
    }
  if (bad->state == CLOSED)
    {
      g_assert_true (sock_object_close (sock, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&sock);
}

static gboolean
have_makefile (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GIOStream) stream = sock_object_makefile (sock, "rwb", -1, &error);

  return !g_error_matches (error, SOCK_ERROR, ENOSYS);
}

/* sendmsg() with the ancillary data, address and buffers of @bad. */
static gboolean
try_sendmsg (const BadCall  *bad,
             SockObject     *sock,
             GError        **error)
{
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(GBytes) one = g_bytes_new_static ("x", 1);
  g_autofree GBytes **buffers = NULL;
  gsize n_buffers = bad->size;
  gsize filled = MIN (n_buffers, 2048);

  if (g_strcmp0 (bad->text, "MANY_FDS") == 0)
    {
      gint fds[254];

      for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
        fds[i] = STDOUT_FILENO;
      ancdata = g_variant_ref_sink (
        g_variant_new_parsed ("[(%i, %i, %@ay)]", SOL_SOCKET, SCM_RIGHTS,
                              g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, fds,
                                                         sizeof fds, 1)));
    }
  else if (bad->text != NULL)
    {
      ancdata = g_variant_parse (NULL, bad->text, NULL, NULL, NULL);
      g_assert_nonnull (ancdata);
    }
  if (bad->address != NULL)
    {
      address = g_variant_parse (NULL, bad->address, NULL, NULL, NULL);
      g_assert_nonnull (address);
    }

  /* Counts past what is filled in are refused before the array is read. */
  buffers = g_new0 (GBytes *, MAX (filled, 1));
  for (gsize i = 0; i < filled; i++)
    buffers[i] = bad->b == 1 && i == filled / 2 ? NULL : one;

  return sock_object_sendmsg (sock, buffers, n_buffers, ancdata, (gint) bad->a, address,
                              error) >= 0;
}

/* sendfile() of the file @bad names, at its offset and count. */
static gboolean
try_sendfile (const BadCall  *bad,
              SockObject     *sock,
              GError        **error)
{
  g_autofree gchar *path = NULL;
  gint64 count = (gint64) (bad->size - 1);
  gint fd = (gint) bad->b;
  gboolean ok;

  if (g_strcmp0 (bad->text, "FILE") == 0)
    {
      fd = g_file_open_tmp ("sockobj-badinput-XXXXXX", &path, NULL);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (write (fd, "file contents", 13), ==, 13);
      g_unlink (path);
    }
  else if (g_strcmp0 (bad->text, "DIR") == 0)
    fd = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  else if (g_strcmp0 (bad->text, "WRONLY") == 0)
    fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);

  ok = sock_object_sendfile (sock, fd, bad->a, count, error) >= 0;

  if (bad->text != NULL)
    close (fd);
  return ok;
}

static void
try_call (const BadCall *bad,
          gboolean       makefile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) keep = NULL;
  g_autoptr(SockObject) sock = NULL;
  gboolean ok = FALSE;
  guint8 small[64] = { 0 };

  switch (bad->op)
    {
    case OP_SOCKET:
      {
        g_autoptr(SockObject) made = sock_socket (bad->family, bad->type, (gint) bad->a,
                                                  &error);
        ok = made != NULL;
      }
      goto check;
    case OP_FROMFD:
      {
        g_autoptr(SockObject) made = NULL;
        gint fds[2] = { (gint) bad->a, -1 };

        if (g_strcmp0 (bad->text, "PIPE") == 0)
          g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
        made = sock_fromfd (fds[0], bad->family, bad->type, 0, &error);
        ok = made != NULL;
        if (fds[1] >= 0)
          {
            close (fds[0]);
            close (fds[1]);
          }
      }
      goto check;
    case OP_SOCKETPAIR:
      {
        SockObject *first = NULL;
        SockObject *second = NULL;

        ok = sock_socketpair (bad->family, bad->type, (gint) bad->a, &first, &second, &error);
        if (!ok && (first != NULL || second != NULL))
          mismatch ("%s: failed but returned sockets", bad->name);
        g_clear_object (&first);
        g_clear_object (&second);
      }
      goto check;
    case OP_INET_ATON:
      {
        g_autofree gchar *long_text = g_strnfill (10000, '1');
        g_autoptr(GBytes) packed = sock_inet_aton (g_str_equal (bad->text, "LONG")
                                                   ? long_text : bad->text, &error);
        ok = packed != NULL;
      }
      goto check;
    case OP_INET_NTOA:
      {
        g_autofree gchar *text = sock_inet_ntoa (bad->size ? small : NULL, bad->size, &error);
        ok = text != NULL;
      }
      goto check;
    case OP_INET_PTON:
      {
        g_autofree gchar *long_text = g_strnfill (10000, ':');
        g_autoptr(GBytes) packed = sock_inet_pton (bad->family,
                                                   g_str_equal (bad->text, "LONG")
                                                   ? long_text : bad->text, &error);
        ok = packed != NULL;
      }
      goto check;
    case OP_INET_NTOP:
      {
        /* Lengths past the buffer are refused before it is read. */
        g_autofree gchar *text = sock_inet_ntop (bad->family, bad->size ? small : NULL,
                                                 bad->size, &error);
        ok = text != NULL;
      }
      goto check;
    case OP_GETPROTOBYNAME:
      ok = sock_getprotobyname (bad->text, &error) >= 0;
      goto check;
    case OP_GETSERVBYNAME:
      ok = sock_getservbyname (bad->text, bad->a ? "no-such-protocol" : NULL, &error) >= 0;
      goto check;
    case OP_GETHOSTBYADDR:
      {
        g_autofree gchar *name = NULL;
        ok = sock_gethostbyaddr (bad->text, &name, NULL, NULL, &error);
      }
      goto check;
    case OP_GETADDRINFO:
      {
        g_autofree gchar *long_text = g_strnfill (10000, '1');
        g_autoptr(GVariant) infos = NULL;

        infos = sock_getaddrinfo (g_strcmp0 (bad->text, "LONG") == 0 ? long_text : bad->text,
                                  bad->port, bad->family, bad->type, (gint) bad->a,
                                  (gint) bad->b, &error);
        ok = infos != NULL;
      }
      goto check;
    case OP_IF_NAMETOINDEX:
      {
        g_autofree gchar *long_text = g_strnfill (10000, 'n');
        guint index = sock_if_nametoindex (g_str_equal (bad->text, "LONG") ? long_text
                                           : bad->text, &error);

        ok = index != 0;
      }
      goto check;
    case OP_IF_INDEXTONAME:
      {
        g_autofree gchar *name = sock_if_indextoname ((guint) bad->a, &error);

        ok = name != NULL;
      }
      goto check;
    case OP_CREATE_SERVER:
      {
        g_autoptr(GVariant) address = g_variant_parse (NULL, bad->text, NULL, NULL, NULL);
        g_autoptr(SockObject) server = NULL;

        /* No IPv6 here: nothing to check. */
        if (bad->family == AF_INET6 && !sock_has_ipv6 ())
          return;
        g_assert_nonnull (address);
        server = sock_create_server (address, bad->family, (gint) bad->a, (gboolean) bad->b,
                                     &error);
        ok = server != NULL;
        if (ok && sock_object_get_socket_type (server) != SOCK_STREAM)
          mismatch ("%s: not a SOCK_STREAM socket", bad->name);
      }
      goto check;
    case OP_GETNAMEINFO:
      {
        g_autofree gchar *long_text = g_strnfill (10000, '1');
        g_autoptr(GVariant) address = NULL;
        g_autofree gchar *host = NULL;
        g_autofree gchar *port = NULL;

        if (g_str_equal (bad->text, "LONG"))
          address = g_variant_ref_sink (g_variant_new ("(sq)", long_text, 80));
        else
          address = g_variant_parse (NULL, bad->text, NULL, NULL, NULL);
        g_assert_nonnull (address);
        ok = sock_getnameinfo (address, (gint) bad->b, &host, &port, &error);
        if (!ok && (host != NULL || port != NULL))
          mismatch ("%s: failed but returned a host or port", bad->name);
      }
      goto check;
    default:
      break;
    }

  if (bad->op == OP_MAKEFILE && !makefile)
    return;
  if ((sock = make_socket (bad, &keep)) == NULL)
    return;

  switch (bad->op)
    {
    case OP_ACCEPT:
      {
        g_autoptr(GVariant) address = NULL;
        g_autoptr(SockObject) conn = sock_object_accept (sock, &address, &error);
        ok = conn != NULL;
        if (!ok && address != NULL)
          mismatch ("%s: failed but returned an address", bad->name);
      }
      break;
    case OP_RECV:
      {
        g_autoptr(GBytes) bytes = sock_object_recv (sock, bad->size, (gint) bad->a, &error);
        ok = bytes != NULL;
      }
      break;
    case OP_RECV_INTO:
      /* The size is checked before anything is written to the buffer. */
      ok = sock_object_recv_into (sock, small, bad->size, (gint) bad->a, &error) >= 0;
      break;
    case OP_RECVFROM:
      {
        g_autoptr(GVariant) address = NULL;
        g_autoptr(GBytes) bytes = sock_object_recvfrom (sock, bad->size, (gint) bad->a,
                                                        &address, &error);
        ok = bytes != NULL;
      }
      break;
    case OP_SEND:
      ok = sock_object_send (sock, small, 1, (gint) bad->a, &error) >= 0;
      break;
    case OP_SENDALL:
      ok = sock_object_sendall (sock, small, sizeof small, (gint) bad->a, &error);
      break;
    case OP_GETSOCKOPT:
      {
        gint value = 0;
        ok = sock_object_getsockopt (sock, (gint) bad->a, (gint) bad->b, &value, &error);
      }
      break;
    case OP_GETSOCKOPT_BYTES:
      {
        g_autoptr(GBytes) bytes = sock_object_getsockopt_bytes (sock, (gint) bad->a,
                                                                (gint) bad->b, bad->size,
                                                                &error);
        ok = bytes != NULL;
        if (ok && g_bytes_get_size (bytes) > bad->size)
          mismatch ("%s: returned more than buflen", bad->name);
      }
      break;
    case OP_SETSOCKOPT:
      ok = sock_object_setsockopt (sock, (gint) bad->a, (gint) bad->b, (gint) bad->size,
                                   &error);
      break;
    case OP_SETSOCKOPT_BYTES:
      /* The size is checked before the buffer is read. */
      ok = sock_object_setsockopt_bytes (sock, (gint) bad->a, (gint) bad->b, small,
                                         bad->size, &error);
      break;
    case OP_LISTEN:
      ok = sock_object_listen (sock, (gint) bad->a, &error);
      break;
    case OP_SHUTDOWN:
      ok = sock_object_shutdown (sock, (gint) bad->a, &error);
      break;
    case OP_GETPEERNAME:
      {
        g_autoptr(GVariant) address = sock_object_getpeername (sock, &error);
        ok = address != NULL;
      }
      break;
    case OP_GETSOCKNAME:
      {
        g_autoptr(GVariant) address = sock_object_getsockname (sock, &error);
        ok = address != NULL;
      }
      break;
    case OP_SETBLOCKING:
      ok = sock_object_setblocking (sock, FALSE, &error);
      break;
    case OP_CLOSE:
      ok = sock_object_close (sock, &error);
      break;
    case OP_MAKEFILE:
      {
        g_autoptr(GIOStream) stream = sock_object_makefile (sock, bad->text, (gint) bad->a,
                                                            &error);
        ok = stream != NULL;
      }
      break;
    case OP_RECVFROM_INTO:
      {
        g_autoptr(GVariant) address = NULL;

        /* The size is checked before anything is written to the buffer. */
        ok = sock_object_recvfrom_into (sock, small, bad->size, (gint) bad->a, &address,
                                        &error) >= 0;
        if (!ok && address != NULL)
          mismatch ("%s: failed but returned an address", bad->name);
      }
      break;
    case OP_SENDMSG:
      ok = try_sendmsg (bad, sock, &error);
      break;
    case OP_RECVMSG:
      {
        g_autoptr(GVariant) ancdata = NULL;
        g_autoptr(GVariant) address = NULL;
        g_autoptr(GBytes) bytes = NULL;
        gint msg_flags = 0;

        bytes = sock_object_recvmsg (sock, bad->size, (gsize) bad->b, (gint) bad->a, &ancdata,
                                     &msg_flags, &address, &error);
        ok = bytes != NULL;
        if (!ok && (ancdata != NULL || address != NULL || msg_flags != 0))
          mismatch ("%s: failed but returned ancillary data, flags or an address", bad->name);
      }
      break;
    case OP_RECVMSG_INTO:
      {
        /* Sizes are checked before anything is written to the buffers. */
        GInputVector vectors[2] = {
          { small, bad->size },
          { g_strcmp0 (bad->text, "NULL") == 0 ? NULL : small + 32, (gsize) bad->b },
        };
        gsize n_vectors = g_strcmp0 (bad->text, "MANY") == 0 ? (gsize) G_MAXINT + 1 : 2;

        ok = sock_object_recvmsg_into (sock, vectors, n_vectors, 0, (gint) bad->a, NULL, NULL,
                                       NULL, &error) >= 0;
      }
      break;
    case OP_SEND_FDS:
      {
        gint fds[SOCK_FDS_ROWS_MAX];
        gint value = g_strcmp0 (bad->text, "BAD") == 0 ? -1
                   : g_strcmp0 (bad->text, "NOTOPEN") == 0 ? G_MAXINT : STDOUT_FILENO;

        for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
          fds[i] = value;
        /* Counts past the array are refused before it is read. */
        ok = sock_unix_object_send_fds (SOCK_UNIX_OBJECT (sock), small, bad->size, fds,
                                        (gsize) bad->b, &error);
      }
      break;
    case OP_RECV_FDS:
      {
        g_autoptr(GArray) fds = NULL;
        g_autoptr(GBytes) bytes = NULL;

        if (bad->expect == EXPECT_OK && keep != NULL)
          g_assert_cmpint (sock_object_send (keep, (const guint8 *) "x", 1, 0, NULL), ==, 1);
        bytes = sock_unix_object_recv_fds (SOCK_UNIX_OBJECT (sock), bad->size, (gsize) bad->b,
                                           &fds, &error);
        ok = bytes != NULL;
        if (!ok && fds != NULL)
          mismatch ("%s: failed but returned descriptors", bad->name);
        if (ok && fds->len != 0)
          mismatch ("%s: descriptors arrived from nowhere", bad->name);
      }
      break;
    case OP_SENDFILE:
      ok = try_sendfile (bad, sock, &error);
      break;
    case OP_DUP:
      {
        g_autoptr(SockObject) copy = sock_object_dup (sock, &error);

        ok = copy != NULL;
      }
      break;
    case OP_SET_INHERITABLE:
      ok = sock_object_set_inheritable (sock, (gboolean) bad->a, &error);
      break;
    default:
      g_assert_not_reached ();
    }

check:
  check_outcome (bad->name, ok, error, bad->expect, bad->code);
}

static void
test_calls (void)
{
  g_autofree gchar *fds_before = NULL;
  g_autofree gchar *fds_after = NULL;
  gboolean makefile = have_makefile ();

  g_test_summary ("Calls with invalid values (huge or negative sizes, unknown levels, "
                  "modes, families and descriptors) or on sockets in the wrong state fail "
                  "with the documented SOCK_ERROR code and leak nothing");
  test_watchdog_arm (30);

  if (!makefile)
    g_test_message ("makefile() is not implemented in this build; its cases are skipped");
  fds_before = test_fd_snapshot_string ();

  for (guint i = 0; i < G_N_ELEMENTS (bad_calls); i++)
    try_call (&bad_calls[i], makefile);

  report_mismatches ();
  fds_after = test_fd_snapshot_string ();
  g_assert_cmpstr (fds_after, ==, fds_before);
  test_watchdog_disarm ();
}

/* Edges --------------------------------------------------------------------------- */

static void
test_empty_unix_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(SockObject) other = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(GVariant) name = NULL;
  GVariant *empty = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, NULL, 0, 1);

  g_test_summary ("An empty 'ay' AF_UNIX address (no data at all) autobinds, as an empty "
                  "path does, and is refused as a destination without touching memory");

  g_assert_true (sock_object_bind (sock, empty, &error));
  g_assert_no_error (error);
  name = sock_object_getsockname (sock, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (name, G_VARIANT_TYPE_BYTESTRING));
  g_assert_cmpuint (g_variant_n_children (name), >, 1);

  g_assert_cmpint (sock_object_sendto (other, (const guint8 *) "x", 1, 0,
                                       g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                  NULL, 0, 1),
                                       &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SOCK_ERROR);
}

/* Programmer errors ------------------------------------------------------------ */

static void
test_programmer_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) set = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "already set");
  g_autoptr(SockObject) sock = test_socket_new (AF_INET, SOCK_STREAM);
  g_autoptr(GCancellable) not_a_socket = g_cancellable_new ();
  GError *preset = set;

  g_test_summary ("NULL self, a non-socket object, a GError already set and NULL buffers "
                  "are g_return_val_if_fail() criticals that return the failure value");

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*sock_is_object*");
  g_assert_null (sock_object_recv (NULL, 16, 0, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*sock_is_object*");
  g_assert_cmpint (sock_object_fileno ((SockObject *) not_a_socket), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*error == NULL*");
  g_assert_false (sock_object_listen (sock, 1, &preset));
  g_test_assert_expected_messages ();
  g_assert_true (preset == set);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*buffer != NULL*");
  g_assert_cmpint (sock_object_recv_into (sock, NULL, 16, 0, &error), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*ip_string != NULL*");
  g_assert_null (sock_inet_aton (NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*error != NULL*");
  g_assert_cmpint (sock_resolver_error_get_eai_code (NULL), ==, 0);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*address != NULL*");
  g_assert_null (sock_create_server (NULL, AF_INET, -1, FALSE, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*name != NULL*");
  g_assert_cmpuint (sock_if_nametoindex (NULL, &error), ==, 0);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*address != NULL*");
  g_assert_false (sock_getnameinfo (NULL, 0, NULL, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*ip_string != NULL*");
  g_assert_null (sock_inet_pton (AF_INET6, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*packed != NULL*");
  g_assert_null (sock_inet_ntop (AF_INET6, NULL, 16, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  /* Descriptors and messages (1.2). */
  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*sock_is_object*");
  g_assert_cmpint (sock_object_sendmsg (NULL, NULL, 0, NULL, 0, NULL, &error), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*buffers != NULL*");
  g_assert_cmpint (sock_object_sendmsg (sock, NULL, 2, NULL, 0, NULL, &error), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*buffers != NULL*");
  g_assert_cmpint (sock_object_recvmsg_into (sock, NULL, 1, 0, 0, NULL, NULL, NULL, &error),
                   ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*buffer != NULL*");
  g_assert_cmpint (sock_object_recvfrom_into (sock, NULL, 16, 0, NULL, &error), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*SOCK_IS_UNIX_OBJECT*");
  g_assert_false (sock_unix_object_send_fds ((SockUnixObject *) sock, NULL, 0, NULL, 0,
                                             &error));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*SOCK_IS_UNIX_OBJECT*");
  g_assert_null (sock_unix_object_recv_fds ((SockUnixObject *) sock, 16, 1, NULL, &error));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*first != NULL*");
  g_assert_false (sock_socketpair (AF_UNIX, SOCK_STREAM, 0, NULL, NULL, &error));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*sock_is_object*");
  g_assert_cmpint (sock_object_detach (NULL), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Sock", G_LOG_LEVEL_CRITICAL, "*sock_is_object*");
  g_assert_cmpint (sock_object_sendfile (NULL, 0, 0, -1, &error), ==, -1);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
}

static void
test_programmer_error_fatal (void)
{
  g_test_summary ("With fatal criticals, as under G_DEBUG=fatal-criticals, a NULL self "
                  "stops the program with the precondition's message");

  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
      sock_object_bind (NULL, g_variant_new ("(sq)", "", 0), NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*sock_object_bind*sock_is_object*");
}

int
main (int   argc,
      char *argv[])
{
  gint ret;

  g_test_init (&argc, &argv, NULL);

  mismatches = g_ptr_array_new_with_free_func (g_free);
  long_host = g_strnfill (2000, 'a');
  long_path = g_strnfill (108, 'p');
  long_abstract = g_malloc0 (109);
  memset (long_abstract + 1, 'n', 108);

  g_test_add_func ("/badinput/address/every-method", test_addresses);
  g_test_add_func ("/badinput/calls/every-method", test_calls);
  g_test_add_func ("/badinput/bind/empty-unix-address", test_empty_unix_address);
  g_test_add_func ("/badinput/precondition/criticals", test_programmer_errors);
  g_test_add_func ("/badinput/precondition/fatal-criticals", test_programmer_error_fatal);

  ret = g_test_run ();

  g_ptr_array_unref (mismatches);
  g_free (long_host);
  g_free (long_path);
  g_free (long_abstract);
  return ret;
}
