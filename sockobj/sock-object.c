/* sock-object.c: the abstract socket object and its default operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-fd-guard-private.h"
#include "sock-io-stream-private.h"
#include "sock-object.h"
#include "sock-object-private.h"

/**
 * SockObject:
 *
 * A socket, with one method for each operation of Python's `socket` objects.
 *
 * `SockObject` is abstract: [func@Sock.socket] returns the subclass for the
 * address family, [class@Sock.InetObject] for `AF_INET` and `AF_INET6`,
 * [class@Sock.UnixObject] for `AF_UNIX`. Each method dispatches through
 * [struct@Sock.ObjectClass], so subclasses, in C or in any language with
 * GObject introspection, can override what an operation does.
 *
 * Addresses are [struct@GLib.Variant]s shaped like Python's tuples: `(sq)`
 * host and port for `AF_INET`, a path string for `AF_UNIX`. Failures are
 * reported as [struct@GLib.Error]s in the `SOCK_ERROR` domain whose code is the
 * `errno` value.
 *
 * A socket is blocking when created, and a blocking socket's descriptor is
 * really blocking: calls wait in the kernel. Every descriptor the library
 * makes is close-on-exec, sends never raise `SIGPIPE` (a peer that went away
 * gives `EPIPE`), and calls interrupted by a signal are restarted, except
 * [method@Sock.Object.close], which never is.
 *
 * One socket may be used from several threads. [method@Sock.Object.close]
 * detaches the descriptor at once, so later calls fail with `EBADF`; calls
 * already running keep the descriptor number reserved until they return, so
 * no call ever reaches a file that reused the number. Shut the socket down
 * first to wake a call blocked in it.
 *
 * Since: 1.0
 */

typedef struct
{
  SockFdGuard guard;   /* the descriptor; see sock-fd-guard-private.h */
  gint create_errno;   /* why constructed() could not make a socket */
  gint family;
  gint type;
  gint proto;
  gboolean blocking;
} SockObjectPrivate;

static void sock_object_initable_iface_init (GInitableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (SockObject, sock_object, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (SockObject)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                         sock_object_initable_iface_init))

enum {
  PROP_0,
  PROP_FAMILY,
  PROP_SOCKET_TYPE,
  PROP_PROTO,
  PROP_FILENO,
  PROP_BLOCKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How a descriptor made elsewhere (accept, fromfd) reaches constructed():
 * construct properties are public, and the descriptor is not a property. */
typedef struct
{
  gint fd;
  gboolean blocking_known;
} SockAdoption;

static GPrivate adoption_key;

#define GET_PRIV(self) ((SockObjectPrivate *) sock_object_get_instance_private (self))

/* Descriptor ownership ---------------------------------------------------- */

static inline void
release_fd (SockObjectPrivate *priv)
{
  _sock_fd_guard_release (&priv->guard);
}

/* Pins the descriptor for one call, or fails with EBADF once closed. */
static inline gint
acquire_fd (SockObjectPrivate  *priv,
            const gchar        *what,
            GError            **error)
{
  gint fd = _sock_fd_guard_acquire (&priv->guard);

  if (G_UNLIKELY (fd < 0))
    {
      if (priv->create_errno != 0)
        _sock_set_errno_error (error, priv->create_errno,
                               "%s: the socket could not be created", what);
      else
        _sock_set_errno_error (error, EBADF, "%s: the socket is closed", what);
      return -1;
    }

  return fd;
}


static SockObject *
new_adopting (GType         gtype,
              SockAdoption *adoption,
              gint          family,
              gint          type,
              gint          proto)
{
  SockObject *self;

  g_private_set (&adoption_key, adoption);
  self = g_object_new (gtype,
                       "family", family,
                       "socket-type", type,
                       "proto", proto,
                       NULL);
  /* constructed() took the descriptor; if it never ran, nothing may be
   * left pointing at this stack frame. */
  g_private_set (&adoption_key, NULL);

  if (adoption->fd >= 0)
    {
      g_critical ("%s did not take its descriptor; is it a SockObject?", g_type_name (gtype));
      close (adoption->fd);
    }

  return self;
}

SockObject *
_sock_object_new_for_fd (GType gtype,
                         gint  fd,
                         gint  family,
                         gint  type,
                         gint  proto)
{
  SockAdoption adoption = { fd, FALSE };

  return new_adopting (gtype, &adoption, family, type, proto);
}

/* The new object of accept(): blocking, as accept4() made it. */
static SockObject *
new_for_accepted_fd (SockObject *self,
                     gint        fd)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockAdoption adoption = { fd, TRUE };

  return new_adopting (G_OBJECT_TYPE (self), &adoption, priv->family, priv->type, priv->proto);
}

/* Addresses ---------------------------------------------------------------- */

gboolean
_sock_object_to_native (SockObject               *self,
                        GVariant                 *address,
                        struct sockaddr_storage  *storage,
                        socklen_t                *length,
                        GError                  **error)
{
  SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);
  gsize native_length = 0;

  if (address == NULL)
    return _sock_set_invalid_error (error, "No address was given");

  if (!klass->address_to_native (self, address, storage, sizeof *storage,
                                 &native_length, error))
    return FALSE;

  g_assert (native_length <= sizeof *storage);
  *length = (socklen_t) native_length;
  return TRUE;
}

static GVariant *
from_native (SockObject                    *self,
             const struct sockaddr_storage *storage,
             socklen_t                      length,
             GError                       **error)
{
  return SOCK_OBJECT_GET_CLASS (self)->address_from_native (self, storage, length, error);
}

static gboolean
sock_object_real_address_to_native (SockObject  *self,
                                    GVariant    *address,
                                    gpointer     native,
                                    gsize        native_size,
                                    gsize       *native_length,
                                    GError     **error)
{
  return _sock_set_errno_error (error, EAFNOSUPPORT,
                                "%s has no address conversion",
                                G_OBJECT_TYPE_NAME (self));
}

static GVariant *
sock_object_real_address_from_native (SockObject    *self,
                                      gconstpointer  native,
                                      gsize          native_length,
                                      GError       **error)
{
  _sock_set_errno_error (error, EAFNOSUPPORT, "%s has no address conversion",
                         G_OBJECT_TYPE_NAME (self));
  return NULL;
}

/* Default operations -------------------------------------------------------- */

static SockObject *
sock_object_real_accept (SockObject  *self,
                         GVariant   **address,
                         GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  socklen_t length;
  g_autoptr(SockObject) conn = NULL;
  gint fd, conn_fd;

  if ((fd = acquire_fd (priv, "accept", error)) < 0)
    return NULL;

  do
    {
      length = sizeof storage;
      conn_fd = accept4 (fd, (struct sockaddr *) &storage, &length, SOCK_CLOEXEC);
    }
  while (conn_fd < 0 && errno == EINTR);

  if (conn_fd < 0)
    {
      gint errsv = errno;
      release_fd (priv);
      _sock_set_errno_error (error, errsv, "accept");
      return NULL;
    }
  release_fd (priv);

  conn = new_for_accepted_fd (self, conn_fd);

  if (address != NULL)
    {
      GError *local_error = NULL;

      /* A family may answer NULL, without an error, for no address. */
      *address = from_native (self, &storage, length, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

  return g_steal_pointer (&conn);
}

static gboolean
sock_object_real_bind (SockObject  *self,
                       GVariant    *address,
                       GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  socklen_t length;
  gint fd, ret, errsv;

  if (!_sock_object_to_native (self, address, &storage, &length, error))
    return FALSE;

  if ((fd = acquire_fd (priv, "bind", error)) < 0)
    return FALSE;
  ret = bind (fd, (struct sockaddr *) &storage, length);
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    {
      g_autofree gchar *text = g_variant_print (address, FALSE);
      return _sock_set_errno_error (error, errsv, "bind to %s", text);
    }

  return TRUE;
}

static gboolean
sock_object_real_close (SockObject  *self,
                        GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint errsv;

  /* Closed now, or by the last call still using the descriptor. */
  if (!_sock_fd_guard_close (&priv->guard, &errsv))
    return TRUE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILENO]);

  /* As CPython: a reset connection is closed all the same. */
  if (errsv != 0 && errsv != ECONNRESET)
    return _sock_set_errno_error (error, errsv, "close");

  return TRUE;
}

/* The monotonic time at which the socket's SO_SNDTIMEO runs out, or -1
 * when it has none. */
static gint64
send_timeout_deadline (gint fd)
{
  struct timeval tv = { 0 };
  socklen_t len = sizeof tv;

  if (getsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) < 0 ||
      (tv.tv_sec == 0 && tv.tv_usec == 0))
    return -1;

  return g_get_monotonic_time () + (gint64) tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec;
}

/* A poll() timeout in milliseconds for @deadline (-1: none), rounded up. */
static gint
poll_timeout_until (gint64 deadline)
{
  gint64 remaining;

  if (deadline < 0)
    return -1;

  remaining = deadline - g_get_monotonic_time ();
  if (remaining <= 0)
    return 0;

  return (gint) MIN ((remaining + 999) / 1000, G_MAXINT);
}

/* Returns 0 or the errno of a failed connect(). A TCP connect() interrupted
 * by a signal goes on in the kernel, so wait for it rather than calling
 * again; an AF_UNIX one is abandoned (the socket stays unconnected and polls
 * writable at once), so that one is made again. */
static gint
connect_fd (gint                           fd,
            const struct sockaddr_storage *storage,
            socklen_t                      length)
{
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLOUT };
      struct sockaddr_storage peer;
      socklen_t peer_len = sizeof peer;
      gint err = 0;
      socklen_t err_len = sizeof err;

      gint64 deadline;
      gint ret;

      if (connect (fd, (const struct sockaddr *) storage, length) == 0)
        return 0;
      if (errno != EINTR)
        return errno;

      /* Wait no longer than the kernel would have: SO_SNDTIMEO bounds a
       * blocking connect(), which then fails with EINPROGRESS. */
      deadline = send_timeout_deadline (fd);
      while ((ret = poll (&pfd, 1, poll_timeout_until (deadline))) <= 0)
        {
          if (ret == 0)
            return EINPROGRESS;
          if (errno != EINTR)
            return errno;
        }

      if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0)
        return errno;
      if (err != 0)
        return err;
      if (getpeername (fd, (struct sockaddr *) &peer, &peer_len) == 0)
        return 0;
      if (errno != ENOTCONN)
        return errno;
    }
}

static gint
connect_common (SockObject  *self,
                GVariant    *address,
                GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  g_autoptr(GError) closed_error = NULL;
  struct sockaddr_storage storage;
  socklen_t length;
  gint fd, err;

  if (!_sock_object_to_native (self, address, &storage, &length, error))
    return -1;

  if ((fd = acquire_fd (priv, "connect", &closed_error)) < 0)
    {
      /* EBADF is an errno, so connect_ex() returns it, as CPython does;
       * connect() turns it into its error like any other. */
      return closed_error->code;
    }
  err = connect_fd (fd, &storage, length);
  release_fd (priv);

  return err;
}

static gboolean
sock_object_real_connect (SockObject  *self,
                          GVariant    *address,
                          GError     **error)
{
  gint err = connect_common (self, address, error);

  if (err > 0)
    {
      g_autofree gchar *text = g_variant_print (address, FALSE);
      return _sock_set_errno_error (error, err, "connect to %s", text);
    }

  return err == 0;
}

static gint
sock_object_real_connect_ex (SockObject  *self,
                             GVariant    *address,
                             GError     **error)
{
  return connect_common (self, address, error);
}

static gint
sock_object_real_fileno (SockObject *self)
{
  return _sock_fd_guard_peek (&GET_PRIV (self)->guard);
}

typedef int (*NameFunc) (int, struct sockaddr *, socklen_t *);

static GVariant *
get_name (SockObject   *self,
          NameFunc      func,
          const gchar  *what,
          GError      **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  socklen_t length = sizeof storage;
  GVariant *address;
  gint fd, ret, errsv;

  if ((fd = acquire_fd (priv, what, error)) < 0)
    return NULL;
  ret = func (fd, (struct sockaddr *) &storage, &length);
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    {
      _sock_set_errno_error (error, errsv, "%s", what);
      return NULL;
    }

  address = from_native (self, &storage, length, error);
  if (address == NULL && error != NULL && *error == NULL)
    _sock_set_errno_error (error, EAFNOSUPPORT, "%s: the system returned no address", what);
  return address;
}

static GVariant *
sock_object_real_getpeername (SockObject  *self,
                              GError     **error)
{
  return get_name (self, getpeername, "getpeername", error);
}

static GVariant *
sock_object_real_getsockname (SockObject  *self,
                              GError     **error)
{
  return get_name (self, getsockname, "getsockname", error);
}

static gboolean
sock_object_real_getsockopt (SockObject  *self,
                             gint         level,
                             gint         optname,
                             gint        *value,
                             GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint v = 0, fd, ret, errsv;
  socklen_t length = sizeof v;

  if ((fd = acquire_fd (priv, "getsockopt", error)) < 0)
    return FALSE;
  ret = getsockopt (fd, level, optname, &v, &length);
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    return _sock_set_errno_error (error, errsv, "getsockopt (level %d, option %d)",
                                  level, optname);

  *value = v;
  return TRUE;
}

/* The same bound CPython puts on getsockopt()'s buflen. */
#define GETSOCKOPT_MAX_BUFLEN 1024

static GBytes *
sock_object_real_getsockopt_bytes (SockObject  *self,
                                   gint         level,
                                   gint         optname,
                                   gsize        buflen,
                                   GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  guint8 buffer[GETSOCKOPT_MAX_BUFLEN];
  socklen_t length = buflen;
  gint fd, ret, errsv;

  if (buflen == 0 || buflen > GETSOCKOPT_MAX_BUFLEN)
    {
      _sock_set_invalid_error (error, "getsockopt: buflen %" G_GSIZE_FORMAT
                               " is out of range (1 to %d)",
                               buflen, GETSOCKOPT_MAX_BUFLEN);
      return NULL;
    }

  if ((fd = acquire_fd (priv, "getsockopt", error)) < 0)
    return NULL;
  ret = getsockopt (fd, level, optname, buffer, &length);
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    {
      _sock_set_errno_error (error, errsv, "getsockopt (level %d, option %d)",
                             level, optname);
      return NULL;
    }

  return g_bytes_new (buffer, MIN (length, buflen));
}

static gboolean
sock_object_real_listen (SockObject  *self,
                         gint         backlog,
                         GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint fd, ret, errsv;

  if ((fd = acquire_fd (priv, "listen", error)) < 0)
    return FALSE;
  /* As CPython does: a negative backlog means the smallest queue. */
  ret = listen (fd, MAX (backlog, 0));
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    return _sock_set_errno_error (error, errsv, "listen");

  return TRUE;
}

static GIOStream *
sock_object_real_makefile (SockObject   *self,
                           const gchar  *mode,
                           gint          bufsize,
                           GError      **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  GIOStream *stream;
  gint fd;

  if ((fd = acquire_fd (priv, "makefile", error)) < 0)
    return NULL;
  stream = _sock_io_stream_new (fd, mode, bufsize, error);
  release_fd (priv);

  return stream;
}

static gssize
sock_object_real_recv_into (SockObject  *self,
                            guint8      *buffer,
                            gsize        size,
                            gint         flags,
                            GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gssize n;
  gint fd;

  if (G_UNLIKELY (size > G_MAXSSIZE))
    {
      _sock_set_invalid_error (error, "recv: size %" G_GSIZE_FORMAT " is too large", size);
      return -1;
    }

  if ((fd = acquire_fd (priv, "recv", error)) < 0)
    return -1;

  do
    n = recv (fd, buffer, size, flags);
  while (G_UNLIKELY (n < 0) && errno == EINTR);

  if (G_UNLIKELY (n < 0))
    {
      gint errsv = errno;
      release_fd (priv);
      _sock_set_errno_error (error, errsv, "recv");
      return -1;
    }

  release_fd (priv);
  return n;
}

/* A buffer for recv() and recvfrom(); failing to allocate is the caller's
 * problem (a size it cannot have), so it is EINVAL rather than an abort. */
static guint8 *
alloc_receive_buffer (gsize         bufsize,
                      const gchar  *what,
                      GError      **error)
{
  guint8 *buffer = NULL;

  if (bufsize <= G_MAXSSIZE)
    buffer = g_try_malloc (MAX (bufsize, 1));

  if (buffer == NULL)
    _sock_set_invalid_error (error, "%s: cannot allocate a buffer of %" G_GSIZE_FORMAT
                             " bytes", what, bufsize);
  return buffer;
}

static GBytes *
bytes_from_buffer (guint8 *buffer,
                   gsize   bufsize,
                   gsize   received)
{
  /* With MSG_TRUNC the kernel reports a datagram's full length, which may
   * be more than the buffer holds: only bufsize bytes are data. */
  received = MIN (received, bufsize);

  /* Give back the unused tail of a large buffer; keep small ones as they are. */
  if (received < bufsize && bufsize - received > 4096)
    buffer = g_realloc (buffer, MAX (received, 1));

  return g_bytes_new_take (buffer, received);
}

static GBytes *
sock_object_real_recv (SockObject  *self,
                       gsize        bufsize,
                       gint         flags,
                       GError     **error)
{
  guint8 *buffer;
  gssize n;

  if ((buffer = alloc_receive_buffer (bufsize, "recv", error)) == NULL)
    return NULL;

  n = SOCK_OBJECT_GET_CLASS (self)->recv_into (self, buffer, bufsize, flags, error);
  if (n < 0)
    {
      g_free (buffer);
      return NULL;
    }

  return bytes_from_buffer (buffer, bufsize, n);
}

static GBytes *
sock_object_real_recvfrom (SockObject  *self,
                           gsize        bufsize,
                           gint         flags,
                           GVariant   **address,
                           GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  socklen_t length;
  guint8 *buffer;
  gssize n;
  gint fd, errsv;

  if ((buffer = alloc_receive_buffer (bufsize, "recvfrom", error)) == NULL)
    return NULL;

  if ((fd = acquire_fd (priv, "recvfrom", error)) < 0)
    {
      g_free (buffer);
      return NULL;
    }

  do
    {
      length = sizeof storage;
      n = recvfrom (fd, buffer, bufsize, flags, (struct sockaddr *) &storage, &length);
    }
  while (n < 0 && errno == EINTR);
  errsv = errno;
  release_fd (priv);

  if (n < 0)
    {
      g_free (buffer);
      _sock_set_errno_error (error, errsv, "recvfrom");
      return NULL;
    }

  if (address != NULL)
    {
      GError *local_error = NULL;

      /* A connected stream socket reports no sender at all (length 0); the
       * family decides what that means, and may answer NULL. */
      *address = from_native (self, &storage, length, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          g_free (buffer);
          return NULL;
        }
    }

  return bytes_from_buffer (buffer, bufsize, n);
}

static gssize
sock_object_real_send (SockObject    *self,
                       const guint8  *data,
                       gsize          size,
                       gint           flags,
                       GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gssize n;
  gint fd;

  if ((fd = acquire_fd (priv, "send", error)) < 0)
    return -1;

  do
    n = send (fd, data, size, flags | MSG_NOSIGNAL);
  while (G_UNLIKELY (n < 0) && errno == EINTR);

  if (G_UNLIKELY (n < 0))
    {
      gint errsv = errno;
      release_fd (priv);
      _sock_set_errno_error (error, errsv, "send");
      return -1;
    }

  release_fd (priv);
  return n;
}

static gboolean
sock_object_real_sendall (SockObject    *self,
                          const guint8  *data,
                          gsize          size,
                          gint           flags,
                          GError       **error)
{
  SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);
  gsize sent = 0;

  /* Through the send() vfunc, so a subclass's send is also sendall's. */
  do
    {
      GError *local_error = NULL;
      gssize n = klass->send (self, data + sent, size - sent, flags, &local_error);

      if (n < 0)
        {
          g_propagate_prefixed_error (error, local_error,
                                      "sendall: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                                      " bytes sent: ", sent, size);
          return FALSE;
        }
      sent += n;
    }
  while (sent < size);

  return TRUE;
}

static gssize
sock_object_real_sendto (SockObject    *self,
                         const guint8  *data,
                         gsize          size,
                         gint           flags,
                         GVariant      *address,
                         GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  struct sockaddr_storage storage;
  socklen_t length;
  gssize n;
  gint fd, errsv;

  if (!_sock_object_to_native (self, address, &storage, &length, error))
    return -1;

  if ((fd = acquire_fd (priv, "sendto", error)) < 0)
    return -1;

  do
    n = sendto (fd, data, size, flags | MSG_NOSIGNAL,
                (struct sockaddr *) &storage, length);
  while (n < 0 && errno == EINTR);
  errsv = errno;
  release_fd (priv);

  if (n < 0)
    {
      g_autofree gchar *text = g_variant_print (address, FALSE);
      _sock_set_errno_error (error, errsv, "sendto %s", text);
      return -1;
    }

  return n;
}

static gboolean
sock_object_real_setblocking (SockObject  *self,
                              gboolean     flag,
                              GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint fd, flags, new_flags, errsv = 0;

  flag = !!flag;
  if ((fd = acquire_fd (priv, "setblocking", error)) < 0)
    return FALSE;

  flags = fcntl (fd, F_GETFL);
  if (flags < 0)
    errsv = errno;
  else
    {
      new_flags = flag ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
      if (new_flags != flags && fcntl (fd, F_SETFL, new_flags) < 0)
        errsv = errno;
    }
  release_fd (priv);

  if (errsv != 0)
    return _sock_set_errno_error (error, errsv, "setblocking");

  if (priv->blocking != flag)
    {
      priv->blocking = flag;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKING]);
    }

  return TRUE;
}

static gboolean
set_option (SockObject     *self,
            gint            level,
            gint            optname,
            gconstpointer   value,
            gsize           size,
            GError        **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint fd, ret, errsv;

  if (size > G_MAXUINT32)
    return _sock_set_invalid_error (error, "setsockopt: a value of %" G_GSIZE_FORMAT
                                    " bytes is too large", size);

  if ((fd = acquire_fd (priv, "setsockopt", error)) < 0)
    return FALSE;
  ret = setsockopt (fd, level, optname, value, size);
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    return _sock_set_errno_error (error, errsv, "setsockopt (level %d, option %d)",
                                  level, optname);

  return TRUE;
}

static gboolean
sock_object_real_setsockopt (SockObject  *self,
                             gint         level,
                             gint         optname,
                             gint         value,
                             GError     **error)
{
  return set_option (self, level, optname, &value, sizeof value, error);
}

static gboolean
sock_object_real_setsockopt_bytes (SockObject    *self,
                                   gint           level,
                                   gint           optname,
                                   const guint8  *value,
                                   gsize          size,
                                   GError       **error)
{
  return set_option (self, level, optname, value, size, error);
}

static gboolean
sock_object_real_shutdown (SockObject  *self,
                           gint         how,
                           GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint fd, ret, errsv;

  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
    return _sock_set_invalid_error (error, "shutdown: %d is not SHUT_RD, SHUT_WR or "
                                    "SHUT_RDWR", how);

  if ((fd = acquire_fd (priv, "shutdown", error)) < 0)
    return FALSE;
  ret = shutdown (fd, how);
  errsv = errno;
  release_fd (priv);

  if (ret < 0)
    return _sock_set_errno_error (error, errsv, "shutdown");

  return TRUE;
}

/* GObject ------------------------------------------------------------------ */

static gboolean
sock_object_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  SockObjectPrivate *priv = GET_PRIV (SOCK_OBJECT (initable));

  if (priv->create_errno != 0)
    return _sock_set_errno_error (error, priv->create_errno,
                                  "socket (family %d, type %d, proto %d)",
                                  priv->family, priv->type, priv->proto);

  return TRUE;
}

static void
sock_object_initable_iface_init (GInitableIface *iface)
{
  iface->init = sock_object_initable_init;
}

static void
sock_object_constructed (GObject *object)
{
  SockObject *self = SOCK_OBJECT (object);
  SockObjectPrivate *priv = GET_PRIV (self);
  SockAdoption *adoption = g_private_get (&adoption_key);
  gint type_flags = priv->type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
  gint fd;

  G_OBJECT_CLASS (sock_object_parent_class)->constructed (object);

  /* Like CPython, keep the plain type; creation flags are not part of it. */
  priv->type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (priv->family < 0)
    {
      if (g_type_is_a (G_OBJECT_TYPE (self), _sock_object_type_for_family (AF_UNIX)))
        priv->family = AF_UNIX;
      else
        priv->family = AF_INET;
    }

  if (adoption != NULL)
    {
      g_private_set (&adoption_key, NULL);
      _sock_fd_guard_init (&priv->guard, adoption->fd);
      if (!adoption->blocking_known)
        {
          gint flags = fcntl (adoption->fd, F_GETFL);
          priv->blocking = flags < 0 || !(flags & O_NONBLOCK);
        }
      adoption->fd = -1;
      return;
    }

  if (!g_type_is_a (G_OBJECT_TYPE (self), _sock_object_type_for_family (priv->family)))
    {
      priv->create_errno = EAFNOSUPPORT;
      return;
    }

  fd = socket (priv->family, priv->type | SOCK_CLOEXEC | (type_flags & SOCK_NONBLOCK),
               priv->proto);
  if (fd < 0)
    priv->create_errno = errno;
  _sock_fd_guard_init (&priv->guard, fd);
  priv->blocking = !(type_flags & SOCK_NONBLOCK);
}

static void
sock_object_finalize (GObject *object)
{
  SockObjectPrivate *priv = GET_PRIV (SOCK_OBJECT (object));
  gint errsv;

  /* No call can be running any more: nobody holds a reference. */
  _sock_fd_guard_close (&priv->guard, &errsv);

  G_OBJECT_CLASS (sock_object_parent_class)->finalize (object);
}

static void
sock_object_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SockObject *self = SOCK_OBJECT (object);
  SockObjectPrivate *priv = GET_PRIV (self);

  switch (prop_id)
    {
    case PROP_FAMILY:
      g_value_set_int (value, priv->family);
      break;
    case PROP_SOCKET_TYPE:
      g_value_set_int (value, priv->type);
      break;
    case PROP_PROTO:
      g_value_set_int (value, priv->proto);
      break;
    case PROP_FILENO:
      g_value_set_int (value, _sock_fd_guard_peek (&priv->guard));
      break;
    case PROP_BLOCKING:
      g_value_set_boolean (value, priv->blocking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sock_object_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SockObject *self = SOCK_OBJECT (object);
  SockObjectPrivate *priv = GET_PRIV (self);

  switch (prop_id)
    {
    case PROP_FAMILY:
      priv->family = g_value_get_int (value);
      break;
    case PROP_SOCKET_TYPE:
      priv->type = g_value_get_int (value);
      break;
    case PROP_PROTO:
      priv->proto = g_value_get_int (value);
      break;
    case PROP_BLOCKING:
      {
        g_autoptr(GError) error = NULL;

        if (!sock_object_setblocking (self, g_value_get_boolean (value), &error))
          g_warning ("Could not set the blocking property: %s", error->message);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sock_object_class_init (SockObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sock_object_constructed;
  object_class->finalize = sock_object_finalize;
  object_class->get_property = sock_object_get_property;
  object_class->set_property = sock_object_set_property;

  klass->address_to_native = sock_object_real_address_to_native;
  klass->address_from_native = sock_object_real_address_from_native;
  klass->accept = sock_object_real_accept;
  klass->bind = sock_object_real_bind;
  klass->close = sock_object_real_close;
  klass->connect = sock_object_real_connect;
  klass->connect_ex = sock_object_real_connect_ex;
  klass->fileno = sock_object_real_fileno;
  klass->getpeername = sock_object_real_getpeername;
  klass->getsockname = sock_object_real_getsockname;
  klass->getsockopt = sock_object_real_getsockopt;
  klass->getsockopt_bytes = sock_object_real_getsockopt_bytes;
  klass->listen = sock_object_real_listen;
  klass->makefile = sock_object_real_makefile;
  klass->recv = sock_object_real_recv;
  klass->recv_into = sock_object_real_recv_into;
  klass->recvfrom = sock_object_real_recvfrom;
  klass->send = sock_object_real_send;
  klass->sendall = sock_object_real_sendall;
  klass->sendto = sock_object_real_sendto;
  klass->setblocking = sock_object_real_setblocking;
  klass->setsockopt = sock_object_real_setsockopt;
  klass->setsockopt_bytes = sock_object_real_setsockopt_bytes;
  klass->shutdown = sock_object_real_shutdown;

  /**
   * SockObject:family: (getter get_family)
   *
   * The address family, such as `AF_INET` or `AF_UNIX`.
   *
   * Since: 1.0
   */
  properties[PROP_FAMILY] =
    g_param_spec_int ("family", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS);

  /**
   * SockObject:socket-type: (getter get_socket_type)
   *
   * The socket type, such as `SOCK_STREAM` or `SOCK_DGRAM`, without the
   * `SOCK_NONBLOCK` and `SOCK_CLOEXEC` creation flags.
   *
   * Since: 1.0
   */
  /* Any int, as socket() takes: the system refuses a bad one with EINVAL,
   * which is a GError rather than a GObject warning. */
  properties[PROP_SOCKET_TYPE] =
    g_param_spec_int ("socket-type", NULL, NULL,
                      G_MININT, G_MAXINT, SOCK_STREAM,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS);

  /**
   * SockObject:proto: (getter get_proto)
   *
   * The protocol number; 0 lets the system choose.
   *
   * Since: 1.0
   */
  properties[PROP_PROTO] =
    g_param_spec_int ("proto", NULL, NULL,
                      G_MININT, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS);

  /**
   * SockObject:fileno:
   *
   * The socket's file descriptor, or -1 once the socket is closed.
   *
   * Since: 1.0
   */
  properties[PROP_FILENO] =
    g_param_spec_int ("fileno", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);

  /**
   * SockObject:blocking: (getter get_blocking)
   *
   * Whether calls wait until they can proceed (%TRUE, the initial mode) or
   * fail at once with `EAGAIN` (%FALSE). See [method@Sock.Object.setblocking].
   *
   * Since: 1.0
   */
  properties[PROP_BLOCKING] =
    g_param_spec_boolean ("blocking", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sock_object_init (SockObject *self)
{
  SockObjectPrivate *priv = GET_PRIV (self);

  _sock_fd_guard_init (&priv->guard, -1);
  priv->family = -1;
  priv->type = SOCK_STREAM;
  priv->blocking = TRUE;
}

/* Public API ----------------------------------------------------------------- */

/* SOCK_IS_OBJECT() never takes GLib's exact-type shortcut, since SockObject
 * is abstract, and its full check was most of a send()'s library cost. The
 * last type that passed is remembered, so the check is one comparison. */
static inline gboolean
sock_is_object (gconstpointer instance)
{
  static GType known_type = 0;
  GType type;

  if (G_UNLIKELY (instance == NULL || ((const GTypeInstance *) instance)->g_class == NULL))
    return FALSE;

  type = G_TYPE_FROM_INSTANCE (instance);
  if (G_LIKELY (type == (GType) g_atomic_pointer_get (&known_type)))
    return TRUE;

  if (!g_type_is_a (type, SOCK_TYPE_OBJECT))
    return FALSE;

  g_atomic_pointer_set (&known_type, type);
  return TRUE;
}

/**
 * sock_object_get_family: (get-property family)
 * @self: a socket
 *
 * Gets the address family the socket was created with.
 *
 * Returns: the family, such as `AF_INET`
 *
 * Since: 1.0
 */
gint
sock_object_get_family (SockObject *self)
{
  g_return_val_if_fail (sock_is_object (self), -1);

  return GET_PRIV (self)->family;
}

/**
 * sock_object_get_socket_type: (get-property socket-type)
 * @self: a socket
 *
 * Gets the socket type, such as `SOCK_STREAM`.
 *
 * Returns: the socket type
 *
 * Since: 1.0
 */
gint
sock_object_get_socket_type (SockObject *self)
{
  g_return_val_if_fail (sock_is_object (self), -1);

  return GET_PRIV (self)->type;
}

/**
 * sock_object_get_proto: (get-property proto)
 * @self: a socket
 *
 * Gets the protocol number the socket was created with.
 *
 * Returns: the protocol number
 *
 * Since: 1.0
 */
gint
sock_object_get_proto (SockObject *self)
{
  g_return_val_if_fail (sock_is_object (self), -1);

  return GET_PRIV (self)->proto;
}

/**
 * sock_object_get_blocking: (get-property blocking)
 * @self: a socket
 *
 * Gets whether the socket is in blocking mode.
 *
 * Returns: %TRUE when calls wait until they can proceed
 *
 * Since: 1.0
 */
gboolean
sock_object_get_blocking (SockObject *self)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);

  return GET_PRIV (self)->blocking;
}

/**
 * sock_object_accept: (virtual accept)
 * @self: a bound socket listening for connections
 * @address: (out) (optional) (transfer full): the address of the other end
 * @error: return location for a #GError
 *
 * Accepts a connection.
 *
 * The socket must be bound and listening (see [method@Sock.Object.listen]).
 * The new socket, of the same class as @self, is connected to the peer and
 * is blocking.
 *
 * Returns: (transfer full): a new socket for the connection, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
SockObject *
sock_object_accept (SockObject  *self,
                    GVariant   **address,
                    GError     **error)
{
  SockObject *conn;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (address != NULL)
    *address = NULL;

  conn = SOCK_OBJECT_GET_CLASS (self)->accept (self, address, error);
  /* An override may hand back a floating or a full reference. */
  if (address != NULL && *address != NULL)
    g_variant_take_ref (*address);

  return conn;
}

/**
 * sock_object_bind: (virtual bind)
 * @self: a socket that is not bound yet
 * @address: the address to bind to, in the socket family's shape
 * @error: return location for a #GError
 *
 * Binds the socket to @address.
 *
 * A floating @address is consumed, so
 * `sock_object_bind (s, g_variant_new ("(sq)", "", 0), &error)` leaks
 * nothing.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_bind (SockObject  *self,
                  GVariant    *address,
                  GError     **error)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = address ? g_variant_ref_sink (address) : NULL;
  return SOCK_OBJECT_GET_CLASS (self)->bind (self, address, error);
}

/**
 * sock_object_close: (virtual close)
 * @self: a socket
 * @error: return location for a #GError
 *
 * Closes the socket.
 *
 * Every later operation fails with `EBADF`, and [method@Sock.Object.fileno]
 * returns -1. Closing a closed socket does nothing. The socket is also closed
 * when its last reference is dropped.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_close (SockObject  *self,
                   GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->close (self, error);
}

/**
 * sock_object_connect: (virtual connect)
 * @self: a socket
 * @address: the address to connect to, in the socket family's shape
 * @error: return location for a #GError
 *
 * Connects the socket to a remote socket at @address.
 *
 * A floating @address is consumed.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_connect (SockObject  *self,
                     GVariant    *address,
                     GError     **error)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = address ? g_variant_ref_sink (address) : NULL;
  return SOCK_OBJECT_GET_CLASS (self)->connect (self, address, error);
}

/**
 * sock_object_connect_ex: (virtual connect_ex)
 * @self: a socket
 * @address: the address to connect to, in the socket family's shape
 * @error: return location for a #GError
 *
 * Like [method@Sock.Object.connect], but returns the `errno` value of a
 * failed `connect()` call instead of setting @error; useful for
 * non-blocking connects, where `EINPROGRESS` is expected.
 *
 * Failures without an `errno` value, such as an address of the wrong shape
 * or a host that cannot be resolved, still set @error, and -1 is returned.
 *
 * A floating @address is consumed.
 *
 * Returns: 0 on success, the `errno` value of a failed connection, or -1
 *   with @error set
 *
 * Since: 1.0
 */
gint
sock_object_connect_ex (SockObject  *self,
                        GVariant    *address,
                        GError     **error)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  owned = address ? g_variant_ref_sink (address) : NULL;
  return SOCK_OBJECT_GET_CLASS (self)->connect_ex (self, address, error);
}

/**
 * sock_object_fileno: (virtual fileno)
 * @self: a socket
 *
 * Gets the socket's file descriptor, for use with `poll()` or a
 * [struct@GLib.Source].
 *
 * The descriptor still belongs to the socket: do not close it.
 *
 * Returns: the descriptor, or -1 once the socket is closed
 *
 * Since: 1.0
 */
gint
sock_object_fileno (SockObject *self)
{
  g_return_val_if_fail (sock_is_object (self), -1);

  return SOCK_OBJECT_GET_CLASS (self)->fileno (self);
}

/**
 * sock_object_getpeername: (virtual getpeername)
 * @self: a connected socket
 * @error: return location for a #GError
 *
 * Gets the address of the remote end of the connection.
 *
 * Returns: (transfer full): the peer's address, or %NULL with @error set
 *
 * Since: 1.0
 */
GVariant *
sock_object_getpeername (SockObject  *self,
                         GError     **error)
{
  GVariant *address;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address = SOCK_OBJECT_GET_CLASS (self)->getpeername (self, error);
  /* An override may return a floating or a full reference. */
  return address ? g_variant_take_ref (address) : NULL;
}

/**
 * sock_object_getsockname: (virtual getsockname)
 * @self: a socket
 * @error: return location for a #GError
 *
 * Gets the socket's own address; for example, the port the system chose
 * after binding to port 0.
 *
 * Returns: (transfer full): the socket's address, or %NULL with @error set
 *
 * Since: 1.0
 */
GVariant *
sock_object_getsockname (SockObject  *self,
                         GError     **error)
{
  GVariant *address;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address = SOCK_OBJECT_GET_CLASS (self)->getsockname (self, error);
  /* An override may return a floating or a full reference. */
  return address ? g_variant_take_ref (address) : NULL;
}

/**
 * sock_object_getsockopt: (virtual getsockopt)
 * @self: a socket
 * @level: the protocol level, such as `SOL_SOCKET`
 * @optname: the option, such as `SO_REUSEADDR`
 * @value: (out): where to store the option's integer value
 * @error: return location for a #GError
 *
 * Gets the value of an integer socket option. See `getsockopt(2)`; for
 * options that are not integers, use [method@Sock.Object.getsockopt_bytes].
 *
 * Returns: (skip): %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_getsockopt (SockObject  *self,
                        gint         level,
                        gint         optname,
                        gint        *value,
                        GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->getsockopt (self, level, optname, value, error);
}

/**
 * sock_object_getsockopt_bytes: (virtual getsockopt_bytes)
 * @self: a socket
 * @level: the protocol level, such as `SOL_SOCKET`
 * @optname: the option, such as `SO_LINGER`
 * @buflen: the most bytes to return, from 1 to 1024
 * @error: return location for a #GError
 *
 * Gets the raw bytes of a socket option, such as a C structure; decoding
 * them is up to the caller.
 *
 * Returns: (transfer full): the option's bytes, or %NULL with @error set
 *
 * Since: 1.0
 */
GBytes *
sock_object_getsockopt_bytes (SockObject  *self,
                              gint         level,
                              gint         optname,
                              gsize        buflen,
                              GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SOCK_OBJECT_GET_CLASS (self)->getsockopt_bytes (self, level, optname, buflen, error);
}

/**
 * sock_object_listen: (virtual listen)
 * @self: a bound socket
 * @backlog: how many connections may wait to be accepted; a negative value
 *   counts as 0
 * @error: return location for a #GError
 *
 * Listens for connections made to the socket.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_listen (SockObject  *self,
                    gint         backlog,
                    GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->listen (self, backlog, error);
}

/**
 * sock_object_makefile: (virtual makefile)
 * @self: a socket
 * @mode: (nullable): `"r"`, `"w"`, `"rw"`, `"r+"` or `"w+"`, each with an
 *   optional `"b"`; %NULL means `"r"`
 * @bufsize: 0 for unbuffered streams, 1 for line-buffered output, a larger
 *   number (up to 64 MiB) for buffers of that size in both directions, or a
 *   negative number for the default: input buffered in 8 KiB, output
 *   written straight through
 * @error: return location for a #GError
 *
 * Makes a [class@Gio.IOStream] over the socket, so that the whole GIO
 * stream world (data streams, converters, TLS, splicing, asynchronous calls)
 * works on it.
 *
 * The stream uses a duplicate of the socket's descriptor, so the stream and
 * the socket can be closed independently. Making the stream does not change
 * the socket's mode. Its input and output streams are pollable, never raise
 * `SIGPIPE`, and report failures as `G_IO_ERROR` codes. The half of the
 * stream that @mode does not grant fails with `G_IO_ERROR_NOT_SUPPORTED`.
 *
 * Blocking stream calls block even on a non-blocking socket, and honour the
 * socket's `SO_RCVTIMEO` and `SO_SNDTIMEO` (failing with
 * `G_IO_ERROR_TIMED_OUT`). Buffered output reaches the peer only when the
 * buffer fills or is flushed; TLS layers do not flush the stream below them,
 * so give them the default or an unbuffered stream.
 *
 * Returns: (transfer full): a new stream, or %NULL with @error set
 *
 * Since: 1.0
 */
GIOStream *
sock_object_makefile (SockObject   *self,
                      const gchar  *mode,
                      gint          bufsize,
                      GError      **error)
{
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SOCK_OBJECT_GET_CLASS (self)->makefile (self, mode, bufsize, error);
}

/**
 * sock_object_recv: (virtual recv)
 * @self: a socket
 * @bufsize: the most bytes to receive at once
 * @flags: flags for `recv(2)`, such as `MSG_PEEK`, or 0
 * @error: return location for a #GError
 *
 * Receives data from the socket.
 *
 * A @bufsize the library cannot allocate fails with `EINVAL`. The data
 * never exceeds @bufsize, even when `MSG_TRUNC` makes the system report a
 * longer datagram.
 *
 * Returns: (transfer full): the data received, empty at the end of the
 *   stream, or %NULL with @error set
 *
 * Since: 1.0
 */
GBytes *
sock_object_recv (SockObject  *self,
                  gsize        bufsize,
                  gint         flags,
                  GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SOCK_OBJECT_GET_CLASS (self)->recv (self, bufsize, flags, error);
}

/**
 * sock_object_recv_into: (virtual recv_into) (skip)
 * @self: a socket
 * @buffer: (array length=size) (element-type guint8) (out caller-allocates):
 *   where to store the data
 * @size: (in): the size of @buffer
 * @flags: flags for `recv(2)`, or 0
 * @error: return location for a #GError
 *
 * Receives data into a buffer the caller provides; the allocation-free
 * form of [method@Sock.Object.recv].
 *
 * As with `recv(2)`, a datagram socket given `MSG_TRUNC` returns the
 * datagram's full length, which may exceed @size; only @size bytes are
 * written.
 *
 * This is for C: bindings cannot lend a buffer of a given size, so they
 * call [method@Sock.Object.recv] instead.
 *
 * Returns: the number of bytes received, 0 at the end of the stream, or -1
 *   with @error set
 *
 * Since: 1.0
 */
gssize
sock_object_recv_into (SockObject  *self,
                       guint8      *buffer,
                       gsize        size,
                       gint         flags,
                       GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (buffer != NULL || size == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return SOCK_OBJECT_GET_CLASS (self)->recv_into (self, buffer, size, flags, error);
}

/**
 * sock_object_recvfrom: (virtual recvfrom)
 * @self: a socket
 * @bufsize: the most bytes to receive at once
 * @flags: flags for `recv(2)`, or 0
 * @address: (out) (optional) (nullable) (transfer full): the sender's address:
 *   `""` for an unbound `AF_UNIX` sender, %NULL for an internet socket whose
 *   system reports none (a connected TCP socket)
 * @error: return location for a #GError
 *
 * Receives data from the socket, with the address of the sender.
 *
 * Returns: (transfer full): the data received, or %NULL with @error set
 *
 * Since: 1.0
 */
GBytes *
sock_object_recvfrom (SockObject  *self,
                      gsize        bufsize,
                      gint         flags,
                      GVariant   **address,
                      GError     **error)
{
  GBytes *data;

  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (address != NULL)
    *address = NULL;

  data = SOCK_OBJECT_GET_CLASS (self)->recvfrom (self, bufsize, flags, address, error);
  /* An override may hand back a floating or a full reference. */
  if (address != NULL && *address != NULL)
    g_variant_take_ref (*address);

  return data;
}

/**
 * sock_object_send: (virtual send)
 * @self: a connected socket
 * @data: (array length=size) (element-type guint8): the data to send
 * @size: the length of @data
 * @flags: flags for `send(2)`, or 0
 * @error: return location for a #GError
 *
 * Sends data to the connected peer.
 *
 * Fewer bytes than @size may be sent; send the rest again, or use
 * [method@Sock.Object.sendall].
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
sock_object_send (SockObject    *self,
                  const guint8  *data,
                  gsize          size,
                  gint           flags,
                  GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (data != NULL || size == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return SOCK_OBJECT_GET_CLASS (self)->send (self, data, size, flags, error);
}

/**
 * sock_object_sendall: (virtual sendall)
 * @self: a connected socket
 * @data: (array length=size) (element-type guint8): the data to send
 * @size: the length of @data
 * @flags: flags for `send(2)`, or 0
 * @error: return location for a #GError
 *
 * Sends all of @data, calling [method@Sock.Object.send] until every byte is
 * sent or an error occurs. The error's message tells how many bytes were sent
 * before the failure.
 *
 * Returns: %TRUE when every byte was sent
 *
 * Since: 1.0
 */
gboolean
sock_object_sendall (SockObject    *self,
                     const guint8  *data,
                     gsize          size,
                     gint           flags,
                     GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->sendall (self, data, size, flags, error);
}

/**
 * sock_object_sendto: (virtual sendto)
 * @self: a socket, usually not connected
 * @data: (array length=size) (element-type guint8): the data to send
 * @size: the length of @data
 * @flags: flags for `send(2)`, or 0
 * @address: the destination, in the socket family's shape
 * @error: return location for a #GError
 *
 * Sends data to the socket at @address.
 *
 * A floating @address is consumed.
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.0
 */
gssize
sock_object_sendto (SockObject    *self,
                    const guint8  *data,
                    gsize          size,
                    gint           flags,
                    GVariant      *address,
                    GError       **error)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (data != NULL || size == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  owned = address ? g_variant_ref_sink (address) : NULL;
  return SOCK_OBJECT_GET_CLASS (self)->sendto (self, data, size, flags, address, error);
}

/**
 * sock_object_setblocking: (virtual setblocking)
 * @self: a socket
 * @flag: %TRUE for blocking mode, %FALSE for non-blocking mode
 * @error: return location for a #GError
 *
 * Sets the socket's mode. Sockets start in blocking mode, in which calls
 * wait until they can proceed; in non-blocking mode a call that would wait
 * fails at once with `EAGAIN`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_setblocking (SockObject  *self,
                         gboolean     flag,
                         GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->setblocking (self, flag, error);
}

/**
 * sock_object_setsockopt: (virtual setsockopt)
 * @self: a socket
 * @level: the protocol level, such as `SOL_SOCKET`
 * @optname: the option, such as `SO_REUSEADDR`
 * @value: the option's integer value
 * @error: return location for a #GError
 *
 * Sets an integer socket option. See `setsockopt(2)`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_setsockopt (SockObject  *self,
                        gint         level,
                        gint         optname,
                        gint         value,
                        GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->setsockopt (self, level, optname, value, error);
}

/**
 * sock_object_setsockopt_bytes: (virtual setsockopt_bytes)
 * @self: a socket
 * @level: the protocol level, such as `SOL_SOCKET`
 * @optname: the option, such as `SO_LINGER`
 * @value: (array length=size) (element-type guint8): the option's raw bytes
 * @size: the length of @value
 * @error: return location for a #GError
 *
 * Sets a socket option from raw bytes, such as an encoded C structure.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_setsockopt_bytes (SockObject    *self,
                              gint           level,
                              gint           optname,
                              const guint8  *value,
                              gsize          size,
                              GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (value != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->setsockopt_bytes (self, level, optname, value, size,
                                                         error);
}

/**
 * sock_object_shutdown: (virtual shutdown)
 * @self: a connected socket
 * @how: `SHUT_RD` (0) to stop receiving, `SHUT_WR` (1) to stop sending, or
 *   `SHUT_RDWR` (2) for both
 * @error: return location for a #GError
 *
 * Shuts down one or both halves of the connection. Any other @how fails with
 * `EINVAL`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
sock_object_shutdown (SockObject  *self,
                      gint         how,
                      GError     **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SOCK_OBJECT_GET_CLASS (self)->shutdown (self, how, error);
}
