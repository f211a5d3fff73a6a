/* msg.c: tests of the message calls: sendmsg, recvmsg, recvmsg_into, the
 * CMSG helpers, and recvfrom_into, the allocation-free recvfrom
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"

/* Helpers ------------------------------------------------------------------------ */

static void
make_pipe (gint fds[2])
{
  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
}

/* One SCM_RIGHTS item carrying @n_fds descriptors, floating. */
static GVariant *
rights_ancdata (const gint *fds,
                gsize       n_fds)
{
  return g_variant_new_parsed ("[(%i, %i, %@ay)]", SOL_SOCKET, SCM_RIGHTS,
                               g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, fds,
                                                          n_fds * sizeof (gint), 1));
}

/* The descriptors of every SCM_RIGHTS item of @ancdata. */
static GArray *
ancdata_fds (GVariant *ancdata)
{
  GArray *fds = g_array_new (FALSE, FALSE, sizeof (gint));
  GVariantIter iter;
  GVariant *data;
  gint32 level, type;

  g_assert_true (g_variant_is_of_type (ancdata, G_VARIANT_TYPE ("a(iiay)")));
  g_variant_iter_init (&iter, ancdata);
  while (g_variant_iter_next (&iter, "(ii@ay)", &level, &type, &data))
    {
      gsize size;
      const gint *values = g_variant_get_fixed_array (data, &size, 1);

      if (level == SOL_SOCKET && type == SCM_RIGHTS)
        {
          g_assert_cmpuint (size % sizeof (gint), ==, 0);
          g_array_append_vals (fds, values, size / sizeof (gint));
        }
      g_variant_unref (data);
    }
  return fds;
}

static void
close_all (GArray *fds)
{
  for (guint i = 0; i < fds->len; i++)
    g_assert_cmpint (close (g_array_index (fds, gint, i)), ==, 0);
}

/* Asserts that @received names the same pipe as @write_end: what goes in
 * one comes out of @read_end. */
static void
assert_same_pipe (gint received,
                  gint read_end)
{
  gchar buffer[8] = { 0 };

  g_assert_cmpint (write (received, "pipe", 4), ==, 4);
  g_assert_cmpint (read (read_end, buffer, sizeof buffer), ==, 4);
  g_assert_cmpstr (buffer, ==, "pipe");
}

static GBytes *
bytes_of (const gchar *text)
{
  return g_bytes_new_static (text, strlen (text));
}

/* On the descriptor itself: the test sockets' SO_RCVTIMEO makes the
 * library wait even with MSG_DONTWAIT. */
static void
assert_nothing_waiting (SockObject *sock)
{
  guint8 byte;

  g_assert_cmpint (recv (sock_object_fileno (sock), &byte, 1, MSG_DONTWAIT), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
}

/* Two UDP sockets bound to 127.0.0.1 on ports the kernel chose, and their
 * addresses. */
typedef struct
{
  SockObject *server;
  SockObject *client;
  GVariant *server_address;
  GVariant *client_address;
} UdpPair;

static void
udp_pair_init (UdpPair *udp)
{
  udp->server = test_udp_socket_new (&udp->server_address);
  udp->client = test_udp_socket_new (&udp->client_address);
}

static void
udp_pair_clear (UdpPair *udp)
{
  g_clear_object (&udp->server);
  g_clear_object (&udp->client);
  g_clear_pointer (&udp->server_address, g_variant_unref);
  g_clear_pointer (&udp->client_address, g_variant_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UdpPair, udp_pair_clear)

/* recvfrom_into --------------------------------------------------------------- */

static void
test_recvfrom_into_udp (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(UdpPair) udp = { 0 };
  g_autoptr(GVariant) from = NULL;
  guint8 buffer[32];
  gssize n;

  g_test_summary ("recvfrom_into() fills the caller's buffer, writes nothing past the size "
                  "given, and reports the sender's (sq) address");

  udp_pair_init (&udp);

  g_assert_cmpint (sock_object_sendto (udp.client, (const guint8 *) "datagram", 8, 0,
                                       udp.server_address, &error), ==, 8);
  g_assert_no_error (error);

  memset (buffer, 0xAA, sizeof buffer);
  n = sock_object_recvfrom_into (udp.server, buffer, 16, 0, &from, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 8);
  g_assert_cmpmem (buffer, 8, "datagram", 8);
  for (guint i = 8; i < sizeof buffer; i++)
    g_assert_cmpuint (buffer[i], ==, 0xAA);
  g_assert_true (g_variant_equal (from, udp.client_address));

  /* Without an address, nothing but the data. */
  g_assert_cmpint (sock_object_sendto (udp.client, (const guint8 *) "again", 5, 0,
                                       udp.server_address, &error), ==, 5);
  g_assert_cmpint (sock_object_recvfrom_into (udp.server, buffer, sizeof buffer, 0, NULL, &error),
                   ==, 5);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, 5, "again", 5);
}

static void
test_recvfrom_into_truncated (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(UdpPair) udp = { 0 };
  guint8 message[100];
  guint8 buffer[20];

  g_test_summary ("A datagram longer than the size is cut to it, nothing written past it; "
                  "with MSG_TRUNC the full length is returned, as recv_into() does; a size "
                  "of 0 still consumes the datagram, as CPython's recvfrom_into does");

  udp_pair_init (&udp);

  memset (message, 'm', sizeof message);
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GVariant) from = NULL;
      gssize n;

      g_assert_cmpint (sock_object_sendto (udp.client, message, sizeof message, 0,
                                           udp.server_address, &error), ==, sizeof message);
      memset (buffer, 0, sizeof buffer);
      n = sock_object_recvfrom_into (udp.server, buffer, round == 2 ? 0 : 10,
                                     round == 1 ? MSG_TRUNC : 0, &from, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, ==, round == 0 ? 10 : round == 1 ? 100 : 0);
      for (guint i = 0; i < sizeof buffer; i++)
        g_assert_cmpuint (buffer[i], ==, i < 10 && round < 2 ? 'm' : 0);
      g_assert_true (g_variant_equal (from, udp.client_address));
    }
  assert_nothing_waiting (udp.server);
}

static void
test_recvfrom_into_address_shape (void)
{
  static const gchar * const hosts[] = {
    "127.0.0.1", "127.1.2.3", "127.10.100.255", "127.255.255.254", "127.0.99.9",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) server_address = NULL;
  g_autoptr(SockObject) server = test_udp_socket_new (&server_address);
  guint8 buffer[8];

  g_test_summary ("The sender's (sq) is the same value, in normal form, as g_variant_new() "
                  "makes, for hosts of every digit count; a repeated sender gives it again, "
                  "another sender its own; sendto() to it reaches the sender");

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    for (guint round = 0; round < 2; round++)
      {
        g_autoptr(SockObject) client = test_socket_new (AF_INET, SOCK_DGRAM);
        g_autoptr(GVariant) bound = NULL;
        g_autoptr(GVariant) from = NULL;
        g_autoptr(GVariant) expected = NULL;
        g_autoptr(GVariant) again = NULL;

        if (!sock_object_bind (client, g_variant_new ("(sq)", hosts[i], 0), &error))
          {
            /* 127/8 beyond 127.0.0.1 may be missing in a container. */
            g_test_message ("cannot bind %s: %s", hosts[i], error->message);
            g_clear_error (&error);
            continue;
          }
        bound = sock_object_getsockname (client, &error);
        expected = g_variant_ref_sink (g_variant_new ("(sq)", hosts[i],
                                                      test_address_port (bound)));

        g_assert_cmpint (sock_object_sendto (client, (const guint8 *) "ab", 2, 0,
                                             server_address, &error), ==, 2);
        g_assert_cmpint (sock_object_recvfrom_into (server, buffer, sizeof buffer, 0, &from,
                                                    &error), ==, 2);
        g_assert_no_error (error);
        g_assert_cmpstr (g_variant_get_type_string (from), ==, "(sq)");
        g_assert_true (g_variant_is_normal_form (from));
        g_assert_true (g_variant_equal (from, expected));
        g_assert_true (g_variant_equal (from, bound));

        g_assert_cmpint (sock_object_sendto (client, (const guint8 *) "cd", 2, 0,
                                             server_address, &error), ==, 2);
        g_assert_cmpint (sock_object_recvfrom_into (server, buffer, sizeof buffer, 0, &again,
                                                    &error), ==, 2);
        g_assert_true (g_variant_equal (again, expected));

        /* The answer goes back to the sender. */
        g_assert_cmpint (sock_object_sendto (server, (const guint8 *) "ok", 2, 0, again,
                                             &error), ==, 2);
        g_assert_cmpint (sock_object_recv_into (client, buffer, sizeof buffer, 0, &error), ==,
                         2);
        g_assert_no_error (error);
        g_assert_cmpmem (buffer, 2, "ok", 2);
      }
}

static void
test_recvfrom_into_unix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) name = g_variant_ref_sink (test_abstract_address_new ());
  g_autoptr(SockObject) bound = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(SockObject) receiver = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(GVariant) receiver_name = g_variant_ref_sink (test_abstract_address_new ());
  guint8 buffer[16];

  g_test_summary ("On AF_UNIX datagram sockets the address is the sender's name, an 'ay' "
                  "for an abstract one, and \"\" for an unbound sender");

  test_unix_pair (SOCK_DGRAM, &a, &b);
  g_assert_cmpint (sock_object_send (a, (const guint8 *) "x", 1, 0, &error), ==, 1);
  g_assert_cmpint (sock_object_recvfrom_into (b, buffer, sizeof buffer, 0, &from, &error),
                   ==, 1);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_get_string (from, NULL), ==, "");
  g_clear_pointer (&from, g_variant_unref);

  g_assert_true (sock_object_bind (bound, name, &error));
  g_assert_true (sock_object_bind (receiver, receiver_name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sock_object_sendto (bound, (const guint8 *) "yz", 2, 0, receiver_name,
                                       &error), ==, 2);
  g_assert_cmpint (sock_object_recvfrom_into (receiver, buffer, sizeof buffer, 0, &from,
                                              &error), ==, 2);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (from, name));
}

static void
test_recvfrom_into_failures (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(UdpPair) udp = { 0 };
  g_autoptr(GVariant) from = NULL;
  guint8 buffer[8];
  gint64 start;

  g_test_summary ("A size past G_MAXSSIZE is EINVAL before anything is read (the datagram "
                  "stays queued); an expired timeout is ETIMEDOUT; a closed socket EBADF");

  udp_pair_init (&udp);

  g_assert_cmpint (sock_object_sendto (udp.client, (const guint8 *) "kept", 4, 0,
                                       udp.server_address, &error), ==, 4);
  g_assert_cmpint (sock_object_recvfrom_into (udp.server, buffer, (gsize) G_MAXSSIZE + 1, 0,
                                              &from, &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_assert_null (from);
  g_clear_error (&error);
  g_assert_cmpint (sock_object_recvfrom_into (udp.server, buffer, sizeof buffer, 0, NULL, &error),
                   ==, 4);
  g_assert_no_error (error);

  g_assert_true (sock_object_settimeout (udp.server, 0.05, &error));
  start = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_recvfrom_into (udp.server, buffer, sizeof buffer, 0, &from, &error),
                   ==, -1);
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50000);
  g_assert_null (from);
  g_clear_error (&error);

  g_assert_true (sock_object_close (udp.server, &error));
  g_assert_cmpint (sock_object_recvfrom_into (udp.server, buffer, sizeof buffer, 0, &from, &error),
                   ==, -1);
  test_assert_sock_error (error, EBADF);
  g_assert_null (from);
}

/* sendmsg and recvmsg -------------------------------------------------------- */

static void
test_sendmsg_gather (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GVariant) address = NULL;
  GBytes *buffers[3];
  gint msg_flags = -1;

  g_test_summary ("sendmsg() gathers its buffers into one message; recvmsg() returns it "
                  "with empty ancillary data and no flags");

  test_unix_pair (SOCK_SEQPACKET, &a, &b);
  buffers[0] = bytes_of ("one ");
  buffers[1] = g_bytes_new (NULL, 0);
  buffers[2] = bytes_of ("message");
  g_assert_cmpint (sock_object_sendmsg (a, buffers, 3, NULL, 0, NULL, &error), ==, 11);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (buffers); i++)
    g_bytes_unref (buffers[i]);

  data = sock_object_recvmsg (b, 100, 64, 0, &ancdata, &msg_flags, &address, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "one message");
  g_assert_cmpuint (g_variant_n_children (ancdata), ==, 0);
  g_assert_cmpint (msg_flags, ==, 0);
  g_assert_nonnull (address);

  /* No buffers at all: an empty message. */
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_pointer (&ancdata, g_variant_unref);
  g_assert_cmpint (sock_object_sendmsg (a, NULL, 0, NULL, 0, NULL, &error), ==, 0);
  g_assert_no_error (error);
  data = sock_object_recvmsg (b, 100, 0, 0, &ancdata, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
  g_assert_cmpuint (g_variant_n_children (ancdata), ==, 0);
}

static void
test_sendmsg_address (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(UdpPair) udp = { 0 };
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) payload = bytes_of ("to you");
  GVariant *floating;

  g_test_summary ("sendmsg() to an address on an unconnected socket; recvmsg() reports the "
                  "sender; a floating address is consumed");

  udp_pair_init (&udp);

  floating = g_variant_new ("(sq)", "127.0.0.1", test_address_port (udp.server_address));
  g_assert_true (g_variant_is_floating (floating));
  g_assert_cmpint (sock_object_sendmsg (udp.client, &payload, 1, NULL, 0, floating, &error), ==, 6);
  g_assert_no_error (error);

  data = sock_object_recvmsg (udp.server, 64, 0, 0, &ancdata, NULL, &from, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "to you");
  g_assert_true (g_variant_equal (from, udp.client_address));

  /* An unconnected socket without an address: the system's error. */
  g_assert_cmpint (sock_object_sendmsg (udp.client, &payload, 1, NULL, 0, NULL, &error), ==, -1);
  test_assert_sock_error (error, EDESTADDRREQ);
}

static void
test_sendmsg_rights (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("fd");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GArray) received = NULL;
  guint fds_before;
  gint pipe_fds[2];
  gint msg_flags = -1;
  gint32 level, type;
  GVariant *item_data;

  g_test_summary ("An SCM_RIGHTS item passes a descriptor: recvmsg() returns (SOL_SOCKET, "
                  "SCM_RIGHTS, the new descriptor as a native int), close-on-exec and open "
                  "on the same file, and MSG_CMSG_CLOEXEC is not in msg_flags");

  test_unix_pair (SOCK_STREAM, &a, &b);
  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();

  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, rights_ancdata (&pipe_fds[1], 1), 0,
                                        NULL, &error), ==, 2);
  g_assert_no_error (error);

  data = sock_object_recvmsg (b, 16, sock_cmsg_space (sizeof (gint)), 0, &ancdata, &msg_flags,
                              NULL, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "fd");
  g_assert_cmpint (msg_flags, ==, 0);
  g_assert_cmpuint (g_variant_n_children (ancdata), ==, 1);
  g_variant_get_child (ancdata, 0, "(ii@ay)", &level, &type, &item_data);
  g_assert_cmpint (level, ==, SOL_SOCKET);
  g_assert_cmpint (type, ==, SCM_RIGHTS);
  g_assert_cmpuint (g_variant_get_size (item_data), ==, sizeof (gint));
  g_variant_unref (item_data);

  received = ancdata_fds (ancdata);
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before + 1);
  g_assert_true (test_fd_is_cloexec (g_array_index (received, gint, 0)));
  assert_same_pipe (g_array_index (received, gint, 0), pipe_fds[0]);

  close_all (received);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
}

static void
test_sendmsg_several_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("x");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GArray) received = NULL;
  GVariantBuilder builder;
  guint fds_before;
  gint pipe_fds[2];
  gint msg_flags = -1;
  gint one = 1;
  struct ucred credentials = { getpid (), getuid (), getgid () };
  gboolean saw_credentials = FALSE;
  GVariantIter iter;
  GVariant *item;

  g_test_summary ("Several items go as several control messages: two SCM_RIGHTS (which the "
                  "system merges) and SCM_CREDENTIALS, which a receiver with SO_PASSCRED reads "
                  "back");

  test_unix_pair (SOCK_DGRAM, &a, &b);
  g_assert_true (sock_object_setsockopt (b, SOL_SOCKET, SO_PASSCRED, one, &error));
  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(iiay)"));
  g_variant_builder_add (&builder, "(ii@ay)", SOL_SOCKET, SCM_RIGHTS,
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, &pipe_fds[0],
                                                    sizeof (gint), 1));
  g_variant_builder_add (&builder, "(ii@ay)", SOL_SOCKET, SCM_CREDENTIALS,
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, &credentials,
                                                    sizeof credentials, 1));
  g_variant_builder_add (&builder, "(ii@ay)", SOL_SOCKET, SCM_RIGHTS,
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, &pipe_fds[1],
                                                    sizeof (gint), 1));
  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, g_variant_builder_end (&builder), 0,
                                        NULL, &error), ==, 1);
  g_assert_no_error (error);

  data = sock_object_recvmsg (b, 16, 256, 0, &ancdata, &msg_flags, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (msg_flags, ==, 0);
  received = ancdata_fds (ancdata);
  g_assert_cmpuint (received->len, ==, 2);

  g_variant_iter_init (&iter, ancdata);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) item_data = NULL;
      gint32 level, type;

      g_variant_get (item, "(ii@ay)", &level, &type, &item_data);
      if (level == SOL_SOCKET && type == SCM_CREDENTIALS)
        {
          struct ucred got;

          g_assert_cmpuint (g_variant_get_size (item_data), ==, sizeof got);
          memcpy (&got, g_variant_get_data (item_data), sizeof got);
          g_assert_cmpint (got.pid, ==, getpid ());
          g_assert_cmpint (got.uid, ==, getuid ());
          saw_credentials = TRUE;
        }
      g_variant_unref (item);
    }
  g_assert_true (saw_credentials);

  assert_same_pipe (g_array_index (received, gint, 1), g_array_index (received, gint, 0));
  close_all (received);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
}

static void
test_sendmsg_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("x");
  gint bad_fd = -1;
  gint closed_fd;
  gint pipe_fds[2];

  g_test_summary ("Ancillary data the system refuses is its error and nothing is sent: a "
                  "descriptor that is not open (EBADF), an unknown SOL_SOCKET type and "
                  "truncated credentials (EINVAL)");

  test_unix_pair (SOCK_STREAM, &a, &b);

  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, rights_ancdata (&bad_fd, 1), 0, NULL,
                                        &error), ==, -1);
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);

  make_pipe (pipe_fds);
  closed_fd = pipe_fds[0];
  close (pipe_fds[0]);
  close (pipe_fds[1]);
  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, rights_ancdata (&closed_fd, 1), 0,
                                        NULL, &error), ==, -1);
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1,
                                        g_variant_new_parsed ("[(%i, 4242, [byte 1])]",
                                                              SOL_SOCKET),
                                        0, NULL, &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1,
                                        g_variant_new_parsed ("[(%i, %i, [byte 1, 2])]",
                                                              SOL_SOCKET, SCM_CREDENTIALS),
                                        0, NULL, &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  assert_nothing_waiting (b);
}

static void
test_sendmsg_non_unix (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(UdpPair) udp = { 0 };
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) payload = bytes_of ("inet");
  guint fds_before;
  gint pipe_fds[2];
  gint msg_flags = -1;

  g_test_summary ("Descriptors sent over a non-AF_UNIX socket never arrive and never leak: "
                  "the system drops SCM_RIGHTS on UDP, and the receiver gets the data alone");

  udp_pair_init (&udp);

  make_pipe (pipe_fds);
  fds_before = test_count_open_fds ();
  g_assert_true (sock_object_connect (udp.client, udp.server_address, &error));
  g_assert_cmpint (sock_object_sendmsg (udp.client, &payload, 1, rights_ancdata (pipe_fds, 2), 0,
                                        NULL, &error), ==, 4);
  g_assert_no_error (error);

  data = sock_object_recvmsg (udp.server, 64, 256, 0, &ancdata, &msg_flags, NULL, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "inet");
  g_assert_cmpuint (g_variant_n_children (ancdata), ==, 0);
  g_assert_cmpint (msg_flags & MSG_CTRUNC, ==, 0);
  g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
}

static void
test_recvmsg_ctrunc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("three");
  guint fds_before;
  gint pipe_fds[2];
  gint three[3];

  g_test_summary ("A control buffer too small: recvmsg() reports MSG_CTRUNC with the "
                  "descriptors that fitted, the system closes the others, and with an "
                  "ancillary buffer of 0 or no ancdata out nothing is left open");

  test_unix_pair (SOCK_SEQPACKET, &a, &b);
  make_pipe (pipe_fds);
  three[0] = three[2] = pipe_fds[0];
  three[1] = pipe_fds[1];
  fds_before = test_count_open_fds ();

  /* Room for one descriptor; CMSG_SPACE's padding holds a second. */
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GBytes) data = NULL;
      g_autoptr(GVariant) ancdata = NULL;
      g_autoptr(GArray) received = NULL;
      gsize ancbufsize = round == 0 ? sock_cmsg_len (sizeof (gint)) :
                         round == 1 ? sock_cmsg_space (sizeof (gint)) :
                         round == 2 ? 0 : 256;
      gint msg_flags = 0;

      g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, rights_ancdata (three, 3), 0, NULL,
                                            &error), ==, 5);
      g_assert_no_error (error);
      data = sock_object_recvmsg (b, 16, ancbufsize, 0, round == 3 ? NULL : &ancdata,
                                  &msg_flags, NULL, &error);
      g_assert_no_error (error);
      test_assert_bytes_eq (data, "three");

      if (round == 3)
        {
          /* Everything arrived, and was closed as nobody took it. */
          g_assert_cmpint (msg_flags & MSG_CTRUNC, ==, 0);
          g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
          continue;
        }

      g_assert_cmpint (msg_flags & MSG_CTRUNC, ==, MSG_CTRUNC);
      received = ancdata_fds (ancdata);
      g_assert_cmpuint (received->len, ==, round == 0 ? 1 : round == 1 ? 2 : 0);
      g_assert_cmpuint (test_count_open_fds (), ==, fds_before + received->len);
      for (guint i = 0; i < received->len; i++)
        g_assert_true (test_fd_is_cloexec (g_array_index (received, gint, i)));
      close_all (received);
      g_assert_cmpuint (test_count_open_fds (), ==, fds_before);
    }

  close (pipe_fds[0]);
  close (pipe_fds[1]);
}

static void
test_recvmsg_trunc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("a datagram longer than the buffer");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  gint msg_flags = 0;

  g_test_summary ("A datagram longer than bufsize: the data is cut to it and msg_flags has "
                  "MSG_TRUNC, as the kernel sets it");

  test_unix_pair (SOCK_DGRAM, &a, &b);
  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, NULL, 0, NULL, &error), ==,
                   g_bytes_get_size (payload));
  data = sock_object_recvmsg (b, 9, 0, 0, &ancdata, &msg_flags, NULL, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "a datagra");
  g_assert_cmpint (msg_flags & MSG_TRUNC, ==, MSG_TRUNC);
}

static void
test_recvmsg_stream (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("data");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GArray) received = NULL;
  gint pipe_fds[2];
  gint msg_flags = -1;

  g_test_summary ("On a stream socket a bufsize of 0 takes the ancillary data and leaves the "
                  "data to be read; at the end of the stream recvmsg() returns empty data "
                  "and empty ancillary data");

  test_unix_pair (SOCK_STREAM, &a, &b);
  make_pipe (pipe_fds);
  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, rights_ancdata (&pipe_fds[1], 1), 0,
                                        NULL, &error), ==, 4);

  data = sock_object_recvmsg (b, 0, 64, 0, &ancdata, &msg_flags, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
  received = ancdata_fds (ancdata);
  g_assert_cmpuint (received->len, ==, 1);
  close_all (received);
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_pointer (&ancdata, g_variant_unref);

  data = sock_object_recvmsg (b, 64, 64, 0, &ancdata, &msg_flags, NULL, &error);
  test_assert_bytes_eq (data, "data");
  g_assert_cmpuint (g_variant_n_children (ancdata), ==, 0);
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_pointer (&ancdata, g_variant_unref);

  g_assert_true (sock_object_shutdown (a, SHUT_WR, &error));
  data = sock_object_recvmsg (b, 64, 64, 0, &ancdata, &msg_flags, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (data), ==, 0);
  g_assert_cmpuint (g_variant_n_children (ancdata), ==, 0);
  g_assert_cmpint (msg_flags, ==, 0);

  close (pipe_fds[0]);
  close (pipe_fds[1]);
}

static void
test_recvmsg_failures (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("x");
  GVariant *ancdata = NULL;
  GVariant *address = NULL;
  gint msg_flags = -1;
  gint64 start;

  g_test_summary ("recvmsg(): an expired timeout is ETIMEDOUT, a closed socket EBADF, an "
                  "ancillary buffer past G_MAXINT or an unallocatable bufsize EINVAL; the out "
                  "arguments are left NULL and 0");

  test_unix_pair (SOCK_DGRAM, &a, &b);
  g_assert_true (sock_object_settimeout (b, 0.05, &error));
  start = g_get_monotonic_time ();
  g_assert_null (sock_object_recvmsg (b, 16, 64, 0, &ancdata, &msg_flags, &address, &error));
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50000);
  g_assert_null (ancdata);
  g_assert_null (address);
  g_assert_cmpint (msg_flags, ==, 0);
  g_clear_error (&error);

  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, NULL, 0, NULL, &error), ==, 1);
  g_assert_null (sock_object_recvmsg (b, 16, (gsize) G_MAXINT + 1, 0, &ancdata, &msg_flags,
                                      &address, &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_null (sock_object_recvmsg (b, G_MAXSIZE, 0, 0, &ancdata, &msg_flags, &address,
                                      &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  /* Nothing was read by the refused calls. */
  g_assert_true (sock_object_settimeout (b, -1, &error));
  {
    g_autoptr(GBytes) data = sock_object_recvmsg (b, 16, 0, 0, NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    test_assert_bytes_eq (data, "x");
  }

  g_assert_true (sock_object_close (b, &error));
  g_assert_null (sock_object_recvmsg (b, 16, 64, 0, &ancdata, &msg_flags, &address, &error));
  test_assert_sock_error (error, EBADF);
  g_clear_error (&error);
  g_assert_cmpint (sock_object_sendmsg (b, &payload, 1, NULL, 0, NULL, &error), ==, -1);
  test_assert_sock_error (error, EBADF);
}

static void
test_sendmsg_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) chunk = g_bytes_new_take (g_malloc0 (65536), 65536);
  gint64 start;
  guint i;

  g_test_summary ("sendmsg() on a full socket with a timeout fails with ETIMEDOUT after it");

  test_unix_pair (SOCK_STREAM, &a, &b);
  g_assert_true (sock_object_settimeout (a, 0.05, &error));
  for (i = 0; i < 1000; i++)
    if (sock_object_sendmsg (a, &chunk, 1, NULL, 0, NULL, &error) < 0)
      break;
  g_assert_cmpuint (i, <, 1000);
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_clear_error (&error);

  start = g_get_monotonic_time ();
  g_assert_cmpint (sock_object_sendmsg (a, &chunk, 1, NULL, 0, NULL, &error), ==, -1);
  g_assert_error (error, SOCK_ERROR, ETIMEDOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50000);
}

/* recvmsg_into -------------------------------------------------------------------- */

static void
test_recvmsg_into_scatter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GBytes) payload = bytes_of ("0123456789");
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GArray) received = NULL;
  gchar first[2], second[3], third[10];
  GInputVector vectors[3] = {
    { first, sizeof first }, { second, sizeof second }, { third, sizeof third },
  };
  gint msg_flags = -1;
  gint pipe_fds[2];

  g_test_summary ("recvmsg_into() scatters a message over the caller's buffers in order and "
                  "returns its length, with the ancillary data");

  test_unix_pair (SOCK_SEQPACKET, &a, &b);
  make_pipe (pipe_fds);
  memset (third, '-', sizeof third);
  g_assert_cmpint (sock_object_sendmsg (a, &payload, 1, rights_ancdata (pipe_fds, 1), 0, NULL,
                                        &error), ==, 10);
  g_assert_cmpint (sock_object_recvmsg_into (b, vectors, 3, 64, 0, &ancdata, &msg_flags, NULL,
                                             &error), ==, 10);
  g_assert_no_error (error);
  g_assert_cmpmem (first, 2, "01", 2);
  g_assert_cmpmem (second, 3, "234", 3);
  g_assert_cmpmem (third, 10, "56789-----", 10);
  g_assert_cmpint (msg_flags, ==, 0);
  received = ancdata_fds (ancdata);
  g_assert_cmpuint (received->len, ==, 1);
  close_all (received);

  /* Buffers claiming more than G_MAXSSIZE in all are refused unread. */
  vectors[0].size = G_MAXSSIZE;
  g_assert_cmpint (sock_object_recvmsg_into (b, vectors, 3, 0, 0, NULL, NULL, NULL, &error),
                   ==, -1);
  test_assert_sock_error (error, EINVAL);

  close (pipe_fds[0]);
  close (pipe_fds[1]);
}

/* The CMSG helpers ---------------------------------------------------------------- */

static void
test_cmsg_len (void)
{
  g_test_summary ("sock_cmsg_len() and sock_cmsg_space() are CMSG_LEN() and CMSG_SPACE(), "
                  "and 0 where CPython raises OverflowError (past G_MAXINT)");

  for (gsize length = 0; length < 300; length++)
    {
      g_assert_cmpuint (sock_cmsg_len (length), ==, CMSG_LEN (length));
      g_assert_cmpuint (sock_cmsg_space (length), ==, CMSG_SPACE (length));
    }

  g_assert_cmpuint (sock_cmsg_len (G_MAXINT - CMSG_LEN (0)), ==, G_MAXINT);
  g_assert_cmpuint (sock_cmsg_len (G_MAXINT - CMSG_LEN (0) + 1), ==, 0);
  g_assert_cmpuint (sock_cmsg_len (G_MAXSIZE), ==, 0);
  g_assert_cmpuint (sock_cmsg_space (G_MAXINT - CMSG_SPACE (0) - 7), ==,
                    CMSG_SPACE (G_MAXINT - CMSG_SPACE (0) - 7));
  g_assert_cmpuint (sock_cmsg_space (G_MAXINT - CMSG_LEN (0)), ==, 0);
  g_assert_cmpuint (sock_cmsg_space (G_MAXSIZE), ==, 0);
}

/* Virtual methods ------------------------------------------------------------------ */

typedef struct
{
  SockUnixObject parent_instance;
  guint sendmsg_calls;
  guint recvmsg_into_calls;
  guint recvfrom_into_calls;
} TestMsgSocket;

typedef SockUnixObjectClass TestMsgSocketClass;

static GType test_msg_socket_get_type (void);
G_DEFINE_TYPE (TestMsgSocket, test_msg_socket, SOCK_TYPE_UNIX_OBJECT)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestMsgSocket, g_object_unref)

static gssize
test_msg_socket_sendmsg (SockObject  *self,
                         GBytes     **buffers,
                         gsize        n_buffers,
                         GVariant    *ancdata,
                         gint         flags,
                         GVariant    *address,
                         GError     **error)
{
  ((TestMsgSocket *) self)->sendmsg_calls++;
  return SOCK_OBJECT_CLASS (test_msg_socket_parent_class)->sendmsg (self, buffers, n_buffers,
                                                                     ancdata, flags, address,
                                                                     error);
}

static gssize
test_msg_socket_recvmsg_into (SockObject    *self,
                              GInputVector  *buffers,
                              gsize          n_buffers,
                              gsize          ancbufsize,
                              gint           flags,
                              GVariant     **ancdata,
                              gint          *msg_flags,
                              GVariant     **address,
                              GError       **error)
{
  ((TestMsgSocket *) self)->recvmsg_into_calls++;
  return SOCK_OBJECT_CLASS (test_msg_socket_parent_class)->recvmsg_into (self, buffers,
                                                                          n_buffers, ancbufsize,
                                                                          flags, ancdata,
                                                                          msg_flags, address,
                                                                          error);
}

static gssize
test_msg_socket_recvfrom_into (SockObject  *self,
                               guint8      *buffer,
                               gsize        size,
                               gint         flags,
                               GVariant   **address,
                               GError     **error)
{
  ((TestMsgSocket *) self)->recvfrom_into_calls++;
  /* Floating, as a binding's override may return it. */
  if (address != NULL)
    *address = g_variant_new_string ("from the override");
  return SOCK_OBJECT_CLASS (test_msg_socket_parent_class)->recvfrom_into (self, buffer, size,
                                                                           flags, NULL, error);
}

static void
test_msg_socket_class_init (TestMsgSocketClass *klass)
{
  SockObjectClass *object_class = SOCK_OBJECT_CLASS (klass);

  object_class->sendmsg = test_msg_socket_sendmsg;
  object_class->recvmsg_into = test_msg_socket_recvmsg_into;
  object_class->recvfrom_into = test_msg_socket_recvfrom_into;
}

static void
test_msg_socket_init (TestMsgSocket *self)
{
}

static void
test_vfunc_override (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) other = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_autoptr(TestMsgSocket) mine = NULL;
  g_autoptr(GVariant) mine_name = g_variant_ref_sink (test_abstract_address_new ());
  g_autoptr(GVariant) other_name = g_variant_ref_sink (test_abstract_address_new ());
  g_autoptr(GBytes) payload = bytes_of ("vfunc");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GVariant) ancdata = NULL;
  g_autoptr(GVariant) from = NULL;
  guint8 buffer[16];

  g_test_summary ("The public methods dispatch through the new virtual methods: sendmsg, "
                  "recvmsg_into (recvmsg is built on it) and recvfrom_into; an override's "
                  "floating address comes back a full reference");

  mine = g_initable_new (test_msg_socket_get_type (), NULL, &error, "family", AF_UNIX,
                         "socket-type", SOCK_DGRAM, NULL);
  g_assert_no_error (error);
  test_set_io_timeout (SOCK_OBJECT (mine), TEST_IO_TIMEOUT_SECONDS);
  g_assert_true (sock_object_bind (SOCK_OBJECT (mine), mine_name, &error));
  g_assert_true (sock_object_bind (other, other_name, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sock_object_sendmsg (SOCK_OBJECT (mine), &payload, 1, NULL, 0, other_name,
                                        &error), ==, 5);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->sendmsg_calls, ==, 1);
  data = sock_object_recvmsg (other, 16, 0, 0, NULL, NULL, &from, &error);
  test_assert_bytes_eq (data, "vfunc");
  g_assert_true (g_variant_equal (from, mine_name));
  g_clear_pointer (&data, g_bytes_unref);
  g_clear_pointer (&from, g_variant_unref);

  g_assert_cmpint (sock_object_sendto (other, (const guint8 *) "vfunc", 5, 0, mine_name,
                                       &error), ==, 5);
  data = sock_object_recvmsg (SOCK_OBJECT (mine), 16, 16, 0, &ancdata, NULL, NULL, &error);
  g_assert_no_error (error);
  test_assert_bytes_eq (data, "vfunc");
  g_assert_cmpuint (mine->recvmsg_into_calls, ==, 1);

  g_assert_cmpint (sock_object_sendto (other, (const guint8 *) "vfunc", 5, 0, mine_name,
                                       &error), ==, 5);
  g_assert_cmpint (sock_object_recvfrom_into (SOCK_OBJECT (mine), buffer, sizeof buffer, 0,
                                              &from, &error), ==, 5);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->recvfrom_into_calls, ==, 1);
  g_assert_false (g_variant_is_floating (from));
  g_assert_cmpstr (g_variant_get_string (from, NULL), ==, "from the override");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/msg/recvfrom_into/udp", test_recvfrom_into_udp);
  g_test_add_func ("/msg/recvfrom_into/truncated", test_recvfrom_into_truncated);
  g_test_add_func ("/msg/recvfrom_into/address-shape", test_recvfrom_into_address_shape);
  g_test_add_func ("/msg/recvfrom_into/unix", test_recvfrom_into_unix);
  g_test_add_func ("/msg/recvfrom_into/failures", test_recvfrom_into_failures);
  g_test_add_func ("/msg/sendmsg/gather", test_sendmsg_gather);
  g_test_add_func ("/msg/sendmsg/address", test_sendmsg_address);
  g_test_add_func ("/msg/sendmsg/scm-rights", test_sendmsg_rights);
  g_test_add_func ("/msg/sendmsg/several-items", test_sendmsg_several_items);
  g_test_add_func ("/msg/sendmsg/refused", test_sendmsg_refused);
  g_test_add_func ("/msg/sendmsg/non-unix", test_sendmsg_non_unix);
  g_test_add_func ("/msg/sendmsg/timeout", test_sendmsg_timeout);
  g_test_add_func ("/msg/recvmsg/ctrunc", test_recvmsg_ctrunc);
  g_test_add_func ("/msg/recvmsg/trunc", test_recvmsg_trunc);
  g_test_add_func ("/msg/recvmsg/stream", test_recvmsg_stream);
  g_test_add_func ("/msg/recvmsg/failures", test_recvmsg_failures);
  g_test_add_func ("/msg/recvmsg_into/scatter", test_recvmsg_into_scatter);
  g_test_add_func ("/msg/cmsg_len/values", test_cmsg_len);
  g_test_add_func ("/msg/vfunc/override", test_vfunc_override);

  return g_test_run ();
}
