/* hardening.h: helpers for the fault, misuse and load tests
 *
 * Shared by tests/signals.c, threads.c, descriptors.c, load.c and
 * badinput.c. Everything is static inline so that each test program stays a
 * single translation unit plus test-util.c, and so that nothing here can clash
 * with test-util's exported helpers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sockobj.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

G_BEGIN_DECLS

/* How heavy the tests may be. SOCKOBJ_TEST_LIGHT=1 (set by the valgrind test
 * setup and by tools/check-hardening for the sanitizer build) scales the
 * volume tests down; a normal run uses the full sizes. */
static inline gboolean
hard_light (void)
{
  const gchar *value = g_getenv ("SOCKOBJ_TEST_LIGHT");

  return value != NULL && value[0] != '\0' && g_strcmp0 (value, "0") != 0;
}

/* Picks the full or the light value of a size or count. */
#define HARD_SCALE(full, light) (hard_light () ? (light) : (full))

/* Watchdog ----------------------------------------------------------------
 *
 * One thread per process that aborts with a message when the current test
 * overruns its deadline, so that a test that would hang fails instead. It uses
 * no signal, so it cannot disturb the signal tests. */

typedef struct
{
  GMutex mutex;
  GCond cond;
  gint64 deadline;       /* monotonic µs; 0 while disarmed */
  gchar *what;
  gboolean started;
} HardWatchdog;

static HardWatchdog hard_watchdog;

static gpointer
hard_watchdog_thread (gpointer data)
{
  g_mutex_lock (&hard_watchdog.mutex);
  for (;;)
    {
      gint64 deadline = hard_watchdog.deadline;

      if (deadline == 0)
        g_cond_wait (&hard_watchdog.cond, &hard_watchdog.mutex);
      else if (!g_cond_wait_until (&hard_watchdog.cond, &hard_watchdog.mutex, deadline) &&
               hard_watchdog.deadline == deadline &&
               g_get_monotonic_time () >= deadline)
        {
          g_printerr ("watchdog: %s did not finish in time; aborting\n",
                      hard_watchdog.what);
          abort ();
        }
    }
  return NULL;
}

/* Arms the watchdog for @seconds (multiplied under SOCKOBJ_TEST_LIGHT, since
 * that means valgrind or a sanitizer is slowing everything down). */
static inline void
hard_watchdog_arm (guint seconds)
{
  g_mutex_lock (&hard_watchdog.mutex);
  if (!hard_watchdog.started)
    {
      g_thread_unref (g_thread_new ("watchdog", hard_watchdog_thread, NULL));
      hard_watchdog.started = TRUE;
    }
  g_free (hard_watchdog.what);
  hard_watchdog.what = g_strdup (g_test_get_path ()[0] ? g_test_get_path () : "the test");
  hard_watchdog.deadline = g_get_monotonic_time () +
                           (gint64) seconds * (hard_light () ? 10 : 1) * G_USEC_PER_SEC;
  g_cond_signal (&hard_watchdog.cond);
  g_mutex_unlock (&hard_watchdog.mutex);
}

static inline void
hard_watchdog_disarm (void)
{
  g_mutex_lock (&hard_watchdog.mutex);
  hard_watchdog.deadline = 0;
  g_cond_signal (&hard_watchdog.cond);
  g_mutex_unlock (&hard_watchdog.mutex);
}

/* Sockets ---------------------------------------------------------------- */

/* Bounds every blocking call on @sock, so a lost wake-up is an ETIMEDOUT/EAGAIN
 * failure rather than a hang. */
static inline void
hard_set_timeouts (SockObject *sock,
                   guint       seconds)
{
  g_autoptr(GError) error = NULL;
  struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };

  g_assert_true (sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_RCVTIMEO,
                                               (const guint8 *) &tv, sizeof tv, &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_setsockopt_bytes (sock, SOL_SOCKET, SO_SNDTIMEO,
                                               (const guint8 *) &tv, sizeof tv, &error));
  g_assert_no_error (error);
}

static inline SockObject *
hard_socket (gint family,
             gint type)
{
  g_autoptr(GError) error = NULL;
  SockObject *sock = sock_socket (family, type, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sock);
  return sock;
}

/* A TCP listener on 127.0.0.1, port chosen by the kernel. */
static inline SockObject *
hard_tcp_listener (gint       backlog,
                   GVariant **address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = hard_socket (AF_INET, SOCK_STREAM);

  g_assert_true (sock_object_bind (listener, g_variant_new ("(sq)", "127.0.0.1", 0), &error));
  g_assert_no_error (error);
  g_assert_true (sock_object_listen (listener, backlog, &error));
  g_assert_no_error (error);
  *address = sock_object_getsockname (listener, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&listener);
}

/* A connected TCP pair over loopback. */
static inline void
hard_tcp_pair (SockObject **client,
               SockObject **server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autoptr(SockObject) listener = hard_tcp_listener (1, &address);

  *client = hard_socket (AF_INET, SOCK_STREAM);
  g_assert_true (sock_object_connect (*client, address, &error));
  g_assert_no_error (error);
  *server = sock_object_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*server);
}

/* An abstract AF_UNIX name no other process or test uses. */
static inline GVariant *
hard_abstract_address (void)
{
  static gint counter;
  g_autofree gchar *name = g_strdup_printf ("%csockobj-hardening-%d-%d-%" G_GINT64_FORMAT,
                                            '\0', (gint) getpid (),
                                            g_atomic_int_add (&counter, 1),
                                            g_get_monotonic_time ());
  gsize length = 1 + strlen (name + 1);

  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, name, length, 1);
}

/* Descriptors ---------------------------------------------------------- */

static inline gboolean
hard_fd_is_open (gint fd)
{
  return fcntl (fd, F_GETFD) >= 0 || errno != EBADF;
}

static inline gboolean
hard_fd_is_cloexec (gint fd)
{
  gint flags = fcntl (fd, F_GETFD);

  return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

static inline gint
hard_compare_strings (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* The open descriptors of this process, sorted, each with what it names. */
static inline GPtrArray *
hard_fd_snapshot (void)
{
  GPtrArray *fds = g_ptr_array_new_with_free_func (g_free);
  DIR *dir = opendir ("/proc/self/fd");
  gint dir_fd;
  struct dirent *entry;

  g_assert_nonnull (dir);
  dir_fd = dirfd (dir);
  while ((entry = readdir (dir)) != NULL)
    {
      gchar target[256] = "";
      gchar *end;
      glong fd = strtol (entry->d_name, &end, 10);
      gssize n;

      if (entry->d_name[0] == '.' || *end != '\0' || fd == dir_fd)
        continue;
      n = readlinkat (dir_fd, entry->d_name, target, sizeof target - 1);
      if (n >= 0)
        target[n] = '\0';
      /* A socket's inode differs between runs of the same cycle; only its
       * being a socket matters. */
      if (g_str_has_prefix (target, "socket:"))
        strcpy (target, "socket");
      g_ptr_array_add (fds, g_strdup_printf ("%6ld %s", fd, target));
    }
  closedir (dir);
  g_ptr_array_sort (fds, hard_compare_strings);
  return fds;
}

static inline gchar *
hard_fd_snapshot_string (void)
{
  g_autoptr(GPtrArray) fds = hard_fd_snapshot ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < fds->len; i++)
    g_string_append_printf (text, "%s\n", (const gchar *) fds->pdata[i]);
  return g_string_free (text, FALSE);
}

static inline guint
hard_fd_count (void)
{
  g_autoptr(GPtrArray) fds = hard_fd_snapshot ();

  return fds->len;
}

/* Data ------------------------------------------------------------------ */

/* A deterministic byte stream: byte @offset of stream @seed. Different
 * offsets give different 8-byte words, so a lost, duplicated or reordered
 * chunk never compares equal. */
static inline void
hard_pattern (guint64  seed,
              guint64  offset,
              guint8  *buffer,
              gsize    size)
{
  while (size > 0)
    {
      guint64 block = offset / 8;
      guint64 x = (seed ^ 0x9e3779b97f4a7c15ull) + block * 0xbf58476d1ce4e5b9ull;
      guint skip = offset % 8;
      guint take = MIN ((gsize) (8 - skip), size);

      x ^= x >> 31;
      x *= 0x94d049bb133111ebull;
      x ^= x >> 29;
      memcpy (buffer, ((const guint8 *) &x) + skip, take);
      buffer += take;
      offset += take;
      size -= take;
    }
}

/* A position-dependent running checksum (Fletcher-style over 64 bits). */
typedef struct
{
  guint64 a, b;
} HardSum;

static inline void
hard_sum_update (HardSum      *sum,
                 const guint8 *data,
                 gsize         size)
{
  guint64 a = sum->a, b = sum->b;

  for (gsize i = 0; i < size; i++)
    {
      a += data[i] + 1;
      b += a;
    }
  sum->a = a;
  sum->b = b;
}

G_END_DECLS
