/* test-util.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sockobj.h>

G_BEGIN_DECLS

/* The longest any single blocking call in a test may wait, in seconds. A
 * test that hits it fails with ETIMEDOUT/EAGAIN instead of hanging. */
#define TEST_IO_TIMEOUT_SECONDS 10

/* The longest a helper process may run, in milliseconds. */
#define TEST_PEER_TIMEOUT_MS 20000

/* How heavy the tests may be. SOCKOBJ_TEST_LIGHT=1 (which the valgrind test
 * setup sets; tools/check-hardening's sanitizer run does not) scales the
 * volume tests down; a normal run uses the full sizes. */
gboolean    test_light              (void);

/* Picks the full or the light value of a size or count. */
#define TEST_SCALE(full, light) (test_light () ? (light) : (full))

/* A watchdog: one thread per process that aborts with a message when the
 * current test overruns its deadline, so that a test that would hang fails
 * instead. It uses no signal, so it cannot disturb the signal tests.
 * test_watchdog_arm() sets the deadline @seconds from now (ten times that
 * under SOCKOBJ_TEST_LIGHT, since valgrind or a sanitizer is slowing
 * everything down); test_watchdog_disarm() lifts it. */
void        test_watchdog_arm       (guint        seconds);
void        test_watchdog_disarm    (void);

/* Bounds every blocking receive and send on @sock (SO_RCVTIMEO, SO_SNDTIMEO,
 * which on Linux also bound accept() and connect()), so a lost wake-up is an
 * ETIMEDOUT/EAGAIN failure rather than a hang. 0 lifts the bounds: blocking
 * calls then wait in the kernel, which is a different path through the
 * library's I/O layer than its own poll() on a deadline. */
void        test_set_io_timeout     (SockObject  *sock,
                                     guint        seconds);

/* A blocking socket of @family/@type with the test I/O timeout set. */
SockObject *test_socket_new         (gint         family,
                                     gint         type);

/* The listen() backlog of a test's listener when the test has no reason to
 * choose another. */
#define TEST_BACKLOG 16

/* A TCP socket listening on 127.0.0.1 with @backlog, on a port the kernel
 * chose, with the test I/O timeout set; its address (as getsockname()
 * returns it, `(sq)`) goes to @address unless that is NULL. */
SockObject *test_tcp_listener_new   (gint         backlog,
                                     GVariant   **address);

/* A UDP socket bound to 127.0.0.1 on a port the kernel chose, with the test
 * I/O timeout set; its address (`(sq)`) goes to @address unless that is
 * NULL. */
SockObject *test_udp_socket_new     (GVariant   **address);

/* A connected TCP pair over 127.0.0.1: @client connected, @server the
 * accepted end. Both have the test I/O timeout set. */
void        test_tcp_pair           (SockObject **client,
                                     SockObject **server);

/* A connected AF_UNIX pair of @type from sock_socketpair(), both ends with
 * the test I/O timeout set. */
void        test_unix_pair          (gint         type,
                                     SockObject **first,
                                     SockObject **second);

/* The port of an `(sq)`/`(squu)` address. */
guint16     test_address_port       (GVariant    *address);

/* A fresh temporary directory (for AF_UNIX paths), and its removal with
 * everything inside. */
gchar      *test_tmpdir_new         (void);
void        test_tmpdir_remove      (const gchar *path);

/* A string unique to this process and call, for abstract socket names. */
gchar      *test_unique_name        (const gchar *prefix);

/* An abstract AF_UNIX address (`ay`, leading NUL) no other process or test
 * uses, as a floating reference. */
GVariant   *test_abstract_address_new (void);

/* Iterates the global default main context for @ms milliseconds. */
void        test_spin               (guint        ms);

/* Descriptors. test_fd_is_cloexec() asserts that @fd is open. */
guint       test_count_open_fds     (void);
gboolean    test_fd_is_open         (gint         fd);
gboolean    test_fd_is_cloexec      (gint         fd);

/* The open descriptors of this process, sorted, each as its number and what
 * it names ("socket" for any socket); and the same as one string, one
 * descriptor a line, for comparing the table before and after a test. */
GPtrArray  *test_fd_snapshot        (void);
gchar      *test_fd_snapshot_string (void);

/* Raises the soft RLIMIT_NOFILE to at least @needed descriptors when the
 * hard limit allows; returns whether the soft limit is now that high. */
gboolean    test_raise_fd_limit     (guint        needed);

/* Whether the kernel can bind an AF_INET6 socket to ::1. */
gboolean    test_have_ipv6          (void);

/* Fills @buffer with bytes @offset to @offset + @size of the deterministic
 * byte stream @seed, for checking bulk transfers byte by byte: any slice can
 * be made again on its own, and different offsets give different 8-byte
 * words, so a lost, duplicated or reordered chunk never compares equal. */
void        test_fill_pattern       (guint8      *buffer,
                                     gsize        size,
                                     guint64      seed,
                                     guint64      offset);

/* A position-dependent running checksum (Fletcher-style over 64 bits) of a
 * byte stream; zero-initialise it, then feed it the stream in order. */
typedef struct
{
  guint64 a, b;
} TestSum;

void        test_sum_update         (TestSum      *sum,
                                     const guint8 *data,
                                     gsize         size);

/* Asserts that @bytes holds exactly the characters of @expected (without its
 * terminator). Shared because several suites check received data this way. */
void        test_assert_bytes_eq    (GBytes      *bytes,
                                     const gchar *expected);

/* Asserts that the next recv() on @sock is end of stream: an empty GBytes
 * and no error. Shared by every suite that checks a peer's shutdown. */
void        test_assert_recv_eof    (SockObject  *sock);

/* The two halves of the echo tests of the inet and unix suites, shared so
 * that both families are exercised the same way.
 *
 * test_echo_until_eof() sends back whatever arrives on @conn until end of
 * stream (at most 10000 rounds) and returns the number of rounds.
 * test_assert_recv_string() receives from @sock until strlen (@expected)
 * bytes have arrived (at most 100 reads, none of them empty) and asserts
 * that they are @expected. */
guint       test_echo_until_eof     (SockObject  *conn);
void        test_assert_recv_string (SockObject  *sock,
                                     const gchar *expected);

/* Sends @message (without its terminator) from @sender to @to with sendto(),
 * receives it on @receiver with recvfrom() and asserts that it came whole;
 * returns the sender's address as recvfrom() reported it. Shared by the
 * datagram tests of the inet and unix suites. */
GVariant   *test_datagram_exchange  (SockObject  *sender,
                                     GVariant    *to,
                                     SockObject  *receiver,
                                     const gchar *message);

/* A helper process with a pipe on its stdout, bounded in time. */
typedef struct _TestPeer TestPeer;

TestPeer   *test_peer_spawn         (const gchar * const *argv,
                                     GError     **error);
/* Reads one line of the peer's stdout, waiting at most @timeout_ms; NULL
 * with an error on timeout or end of stream. The newline is stripped. */
gchar      *test_peer_read_line     (TestPeer    *peer,
                                     guint        timeout_ms,
                                     GError     **error);
/* Waits at most @timeout_ms for the peer to exit, killing it if it does not;
 * returns whether it exited by itself with status 0. The peer's stderr is
 * the test's own. */
gboolean    test_peer_wait          (TestPeer    *peer,
                                     guint        timeout_ms);
void        test_peer_free          (TestPeer    *peer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPeer, test_peer_free)

/* Evaluates @call once and asserts that it succeeded, reporting @error's
 * message (rather than just "should be TRUE") when it did not. */
#define test_assert_ok(call, error)                                     \
  G_STMT_START {                                                        \
    gboolean test_ok_ = (call) ? TRUE : FALSE;                          \
    g_assert_no_error (error);                                          \
    g_assert_true (test_ok_);                                           \
  } G_STMT_END

/* Asserts that @error is SOCK_ERROR/@code and that its message is not empty. */
#define test_assert_sock_error(error, code)                             \
  G_STMT_START {                                                        \
    g_assert_error ((error), SOCK_ERROR, (code));                       \
    g_assert_nonnull ((error)->message);                                \
    g_assert_cmpstr ((error)->message, !=, "");                         \
  } G_STMT_END

G_END_DECLS
