/* unix.c: tests of AF_UNIX sockets — paths in a temporary directory and
 * abstract names with a unique suffix
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "test-util.h"

#define SUN_PATH_SIZE (sizeof (((struct sockaddr_un *) NULL)->sun_path))

typedef struct
{
  gchar *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = test_tmpdir_new ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_tmpdir_remove (fixture->dir);
  g_free (fixture->dir);
}

/* An `ay` holding exactly @size bytes, no terminator added. */
static GVariant *
bytes_address (gconstpointer data,
               gsize         size)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1);
}

/* A leading NUL and a name unique to this run. */
static GByteArray *
abstract_name_new (void)
{
  g_autofree gchar *suffix = test_unique_name ("sockobj-test");
  GByteArray *name = g_byte_array_new ();
  guint8 nul = 0;

  g_byte_array_append (name, &nul, 1);
  g_byte_array_append (name, (const guint8 *) suffix, strlen (suffix));

  return name;
}

static void
assert_path_address (GVariant    *address,
                     const gchar *path)
{
  g_assert_nonnull (address);
  g_assert_cmpstr (g_variant_get_type_string (address), ==, "s");
  g_assert_cmpstr (g_variant_get_string (address, NULL), ==, path);
}

static void
assert_abstract_address (GVariant   *address,
                         GByteArray *name)
{
  gconstpointer data;
  gsize size = 0;

  g_assert_nonnull (address);
  g_assert_cmpstr (g_variant_get_type_string (address), ==, "ay");
  data = g_variant_get_fixed_array (address, &size, 1);
  g_assert_cmpmem (data, size, name->data, name->len);
}

/* sock_object_getsockname() or sock_object_getpeername(). */
typedef GVariant *(*NameGetter) (SockObject  *sock,
                                 GError     **error);

/* What @getter gives for @sock, asserted to come without an error and to be
 * the path @path (as `s`) or the abstract name @name (as `ay`). */
static void
assert_name_path (SockObject  *sock,
                  NameGetter   getter,
                  const gchar *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = getter (sock, &error);

  g_assert_no_error (error);
  assert_path_address (address, path);
}

static void
assert_name_abstract (SockObject *sock,
                      NameGetter  getter,
                      GByteArray *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = getter (sock, &error);

  g_assert_no_error (error);
  assert_abstract_address (address, name);
}

/* Echo ---------------------------------------------------------------------- */

static gpointer
echo_server_thread (gpointer data)
{
  SockObject *listener = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) peer = NULL;

  conn = sock_object_accept (listener, &peer, &error);
  g_assert_no_error (error);
  g_assert_true (SOCK_IS_UNIX_OBJECT (conn));
  /* The client never bound: its address is the empty path. */
  assert_path_address (peer, "");
  test_set_io_timeout (conn, TEST_IO_TIMEOUT_SECONDS);

  return GUINT_TO_POINTER (test_echo_until_eof (conn));
}

static void
run_echo (GVariant    *listen_address,
          GVariant    *connect_address)
{
  static const gchar *messages[] = { "Hello, world", "over a unix socket\n" };
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  GThread *thread;
  gsize i;

  listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_bind (listener, listen_address, &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);

  thread = g_thread_new ("echo-server", echo_server_thread, listener);

  client = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, connect_address, &error), error);

  for (i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      test_assert_ok (sock_object_sendall (client, (const guint8 *) messages[i],
                                           strlen (messages[i]), 0, &error), error);
      test_assert_recv_string (client, messages[i]);
    }

  test_assert_ok (sock_object_shutdown (client, SHUT_WR, &error), error);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (thread)), >=, G_N_ELEMENTS (messages));

  test_assert_recv_eof (client);
}

static void
test_echo_path (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree gchar *path = g_build_filename (fixture->dir, "echo.sock", NULL);

  g_test_summary ("The seed's echo server and client over an AF_UNIX stream "
                  "socket named by a path");

  run_echo (g_variant_new_string (path), g_variant_new_string (path));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_echo_abstract (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GByteArray) name = abstract_name_new ();

  g_test_summary ("The echo server and client over an abstract name");

  run_echo (bytes_address (name->data, name->len), bytes_address (name->data, name->len));
}

/* Addresses ----------------------------------------------------------------- */

static void
test_address_names (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path = g_build_filename (fixture->dir, "names.sock", NULL);
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) from = NULL;

  g_test_summary ("getsockname()/getpeername()/accept() give the path as `s`, "
                  "and \"\" for an unbound socket");

  listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  assert_name_path (listener, sock_object_getsockname, "");

  test_assert_ok (sock_object_bind (listener, g_variant_new_string (path), &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);
  assert_name_path (listener, sock_object_getsockname, path);

  client = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, g_variant_new_string (path), &error), error);
  conn = sock_object_accept (listener, &from, &error);
  g_assert_no_error (error);
  assert_path_address (from, "");

  assert_name_path (client, sock_object_getsockname, "");
  assert_name_path (client, sock_object_getpeername, path);
  assert_name_path (conn, sock_object_getsockname, path);
  assert_name_path (conn, sock_object_getpeername, "");
}

static void
test_address_bytestring_path (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path = g_build_filename (fixture->dir, "bytes.sock", NULL);
  g_autofree gchar *path2 = g_build_filename (fixture->dir, "bytestring.sock", NULL);
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(SockObject) sock2 = NULL;
  g_autoptr(SockObject) client = NULL;

  g_test_summary ("A path given as `ay` bytes (with or without a trailing "
                  "NUL) binds that path, and reads back as `s`");

  sock = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_bind (sock, bytes_address (path, strlen (path)), &error), error);
  assert_name_path (sock, sock_object_getsockname, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* g_variant_new_bytestring() includes the terminating NUL. */
  sock2 = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_bind (sock2, g_variant_new_bytestring (path2), &error), error);
  assert_name_path (sock2, sock_object_getsockname, path2);

  /* And connecting by `ay` works the same. */
  test_assert_ok (sock_object_listen (sock, 1, &error), error);
  client = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, bytes_address (path, strlen (path)), &error), error);
}

static void
test_address_abstract (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) name = abstract_name_new ();
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(SockObject) client = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(SockObject) second = NULL;
  g_autoptr(GVariant) bound = NULL;

  g_test_summary ("An abstract name (`ay` with a leading NUL) round-trips "
                  "exactly as `ay`, and is a name like any other");

  listener = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_bind (listener, bytes_address (name->data, name->len), &error), error);
  test_assert_ok (sock_object_listen (listener, 1, &error), error);

  bound = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  assert_abstract_address (bound, name);

  client = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_connect (client, bound, &error), error);
  assert_name_abstract (client, sock_object_getpeername, name);

  conn = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  assert_name_abstract (conn, sock_object_getsockname, name);

  /* The name is taken now. */
  second = test_socket_new (AF_UNIX, SOCK_STREAM);
  g_assert_false (sock_object_bind (second, bytes_address (name->data, name->len), &error));
  test_assert_sock_error (error, EADDRINUSE);
}

/* A path of exactly @length characters inside @dir. */
static gchar *
path_of_length (const gchar *dir,
                gsize        length)
{
  GString *path = g_string_new (dir);

  g_string_append_c (path, '/');
  g_assert_cmpuint (path->len, <, length);
  while (path->len < length)
    g_string_append_c (path, 'p');

  return g_string_free (path, FALSE);
}

static void
test_address_path_length (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *fits = NULL;
  g_autofree gchar *too_long = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(SockObject) other = NULL;
  g_autofree gchar *much_too_long = NULL;

  g_test_summary ("A path of sizeof sun_path - 1 bytes works; one byte more "
                  "fails with EINVAL naming the problem, never truncated");

  g_assert_cmpuint (SUN_PATH_SIZE, ==, 108);
  if (strlen (fixture->dir) + 2 >= SUN_PATH_SIZE - 1)
    {
      g_test_skip ("The temporary directory's name is too long");
      return;
    }

  fits = path_of_length (fixture->dir, SUN_PATH_SIZE - 1);
  too_long = path_of_length (fixture->dir, SUN_PATH_SIZE);

  sock = test_socket_new (AF_UNIX, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (sock, g_variant_new_string (fits), &error), error);
  assert_name_path (sock, sock_object_getsockname, fits);

  other = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_assert_false (sock_object_bind (other, g_variant_new_string (too_long), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_false (sock_object_bind (other, bytes_address (too_long, strlen (too_long)), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_false (sock_object_connect (other, g_variant_new_string (too_long), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_cmpint (sock_object_connect_ex (other, g_variant_new_string (too_long), &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_cmpint (sock_object_sendto (other, (const guint8 *) "x", 1, 0,
                                       g_variant_new_string (too_long), &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  much_too_long = path_of_length (fixture->dir, 4096);
  g_assert_false (sock_object_bind (other, g_variant_new_string (much_too_long), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);

  /* Nothing was created under a truncated name. */
  g_assert_false (g_file_test (too_long, G_FILE_TEST_EXISTS));
  assert_name_path (other, sock_object_getsockname, "");
}

static void
test_address_abstract_length (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) fits = abstract_name_new ();
  g_autoptr(GByteArray) too_long = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(SockObject) other = NULL;
  guint8 pad = 'a';

  g_test_summary ("An abstract name may fill all of sun_path (108 bytes with "
                  "the leading NUL); 109 bytes fail with EINVAL");

  while (fits->len < SUN_PATH_SIZE)
    g_byte_array_append (fits, &pad, 1);
  too_long = g_byte_array_new ();
  g_byte_array_append (too_long, fits->data, fits->len);
  g_byte_array_append (too_long, &pad, 1);

  sock = test_socket_new (AF_UNIX, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (sock, bytes_address (fits->data, fits->len), &error), error);
  assert_name_abstract (sock, sock_object_getsockname, fits);

  other = test_socket_new (AF_UNIX, SOCK_DGRAM);
  g_assert_false (sock_object_bind (other, bytes_address (too_long->data, too_long->len), &error));
  test_assert_sock_error (error, EINVAL);
  g_clear_error (&error);
  g_assert_cmpint (sock_object_sendto (other, (const guint8 *) "x", 1, 0,
                                       bytes_address (too_long->data, too_long->len),
                                       &error), ==, -1);
  test_assert_sock_error (error, EINVAL);
}

static void
test_address_invalid (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  GVariant *bad[4];
  gsize i, n = 0;

  g_test_summary ("An AF_UNIX address that is neither `s` nor `ay` is "
                  "SOCK_ERROR/EINVAL");

  bad[n++] = g_variant_new ("(sq)", "/tmp/x", 1);
  bad[n++] = g_variant_new_int32 (5);
  bad[n++] = g_variant_new ("as", NULL);
  bad[n++] = g_variant_new_object_path ("/tmp/x");

  sock = test_socket_new (AF_UNIX, SOCK_STREAM);
  for (i = 0; i < n; i++)
    {
      g_autoptr(GVariant) address = g_variant_ref_sink (bad[i]);

      g_assert_false (sock_object_bind (sock, address, &error));
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);
      g_assert_false (sock_object_connect (sock, address, &error));
      test_assert_sock_error (error, EINVAL);
      g_clear_error (&error);
    }
}

/* Datagrams ----------------------------------------------------------------- */

static void
test_dgram (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path_a = g_build_filename (fixture->dir, "a.sock", NULL);
  g_autofree gchar *path_b = g_build_filename (fixture->dir, "b.sock", NULL);
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) from = NULL;
  g_autoptr(GVariant) from_b = NULL;

  g_test_summary ("AF_UNIX datagrams: sendto() a path, recvfrom() reports "
                  "the sender's path as `s`");

  a = test_socket_new (AF_UNIX, SOCK_DGRAM);
  b = test_socket_new (AF_UNIX, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (a, g_variant_new_string (path_a), &error), error);
  test_assert_ok (sock_object_bind (b, g_variant_new_string (path_b), &error), error);

  from = test_datagram_exchange (a, g_variant_new_string (path_b), b, "to b");
  assert_path_address (from, path_a);

  from_b = test_datagram_exchange (b, from, a, "to a");
  assert_path_address (from_b, path_b);
}

static void
test_dgram_unbound_sender (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path_b = g_build_filename (fixture->dir, "b.sock", NULL);
  g_autoptr(SockObject) b = NULL;
  g_autoptr(SockObject) anonymous = NULL;
  g_autoptr(GVariant) from_anonymous = NULL;

  g_test_summary ("recvfrom() reports a datagram from an unbound AF_UNIX "
                  "sender with the unbound address \"\"");

  b = test_socket_new (AF_UNIX, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (b, g_variant_new_string (path_b), &error), error);

  anonymous = test_socket_new (AF_UNIX, SOCK_DGRAM);
  from_anonymous = test_datagram_exchange (anonymous, g_variant_new_string (path_b), b, "who?");
  assert_path_address (from_anonymous, "");
}

static void
test_dgram_abstract (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) name_a = abstract_name_new ();
  g_autoptr(GByteArray) name_b = abstract_name_new ();
  g_autoptr(SockObject) a = NULL;
  g_autoptr(SockObject) b = NULL;
  g_autoptr(GVariant) from = NULL;

  g_test_summary ("AF_UNIX datagrams between abstract names report the "
                  "sender as `ay`");

  a = test_socket_new (AF_UNIX, SOCK_DGRAM);
  b = test_socket_new (AF_UNIX, SOCK_DGRAM);
  test_assert_ok (sock_object_bind (a, bytes_address (name_a->data, name_a->len), &error), error);
  test_assert_ok (sock_object_bind (b, bytes_address (name_b->data, name_b->len), &error), error);

  from = test_datagram_exchange (a, bytes_address (name_b->data, name_b->len), b, "abs");
  assert_abstract_address (from, name_a);
}

/* Errors -------------------------------------------------------------------- */

static void
test_error_messages (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *missing = g_build_filename (fixture->dir, "missing.sock", NULL);
  g_autofree gchar *taken = g_build_filename (fixture->dir, "taken.sock", NULL);
  g_autofree gchar *no_dir = g_build_filename (fixture->dir, "no-such-dir", "x.sock", NULL);
  g_autoptr(SockObject) holder = NULL;
  g_autoptr(SockObject) sock = NULL;

  g_test_summary ("System errors on AF_UNIX paths carry the errno and a "
                  "message naming the path and the strerror text");

  sock = test_socket_new (AF_UNIX, SOCK_STREAM);

  g_assert_false (sock_object_connect (sock, g_variant_new_string (missing), &error));
  test_assert_sock_error (error, ENOENT);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  g_assert_cmpint (sock_object_connect_ex (sock, g_variant_new_string (missing), &error),
                   ==, ENOENT);
  g_assert_no_error (error);

  holder = test_socket_new (AF_UNIX, SOCK_STREAM);
  test_assert_ok (sock_object_bind (holder, g_variant_new_string (taken), &error), error);
  g_assert_false (sock_object_bind (sock, g_variant_new_string (taken), &error));
  test_assert_sock_error (error, EADDRINUSE);
  g_assert_nonnull (strstr (error->message, taken));
  g_assert_nonnull (strstr (error->message, g_strerror (EADDRINUSE)));
  g_clear_error (&error);

  g_assert_false (sock_object_bind (sock, g_variant_new_string (no_dir), &error));
  test_assert_sock_error (error, ENOENT);
  g_assert_nonnull (strstr (error->message, no_dir));
  g_clear_error (&error);

  /* A path that is there but is not listening: refused. */
  g_assert_false (sock_object_connect (sock, g_variant_new_string (taken), &error));
  test_assert_sock_error (error, ECONNREFUSED);
  g_assert_nonnull (strstr (error->message, taken));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/unix/echo/path", test_echo_path);
  ADD ("/unix/echo/abstract", test_echo_abstract);
  ADD ("/unix/getsockname/path-and-unbound", test_address_names);
  ADD ("/unix/bind/bytestring-path", test_address_bytestring_path);
  ADD ("/unix/bind/abstract", test_address_abstract);
  ADD ("/unix/bind/path-length", test_address_path_length);
  ADD ("/unix/bind/abstract-length", test_address_abstract_length);
  ADD ("/unix/address/invalid", test_address_invalid);
  ADD ("/unix/recvfrom/path-sender", test_dgram);
  ADD ("/unix/recvfrom/unbound-sender", test_dgram_unbound_sender);
  ADD ("/unix/recvfrom/abstract-sender", test_dgram_abstract);
  ADD ("/unix/bind/error-messages", test_error_messages);

#undef ADD

  return g_test_run ();
}
