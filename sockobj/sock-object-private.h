/* sock-object-private.h: what the socket's files, family classes and module
 * functions share
 *
 * sock-object.c holds the type, its properties and the public wrappers;
 * sock-object-real.c the default implementation of each virtual method,
 * which runs its system call through the I/O layer (sock-io-private.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sys/socket.h>

#include "sock-io-private.h"
#include "sock-object.h"

G_BEGIN_DECLS

typedef struct
{
  SockFdGuard guard;          /* the descriptor; see sock-fd-guard-private.h */
  SockIOTimeouts *timeouts;   /* shared with makefile() streams */
  gint create_errno;          /* why constructed() could not make a socket */
  gint family;
  gint default_family;        /* the class's, for a family of -1 */
  gint type;
  gint proto;
  gboolean adopted;           /* the descriptor came from accept() or fromfd() */
  gboolean created;           /* family, type and proto came from the library's creator */
  gint64 adopted_timeout;     /* its mode, from accept(), or -2: ask */
  gboolean adopted_load_kernel;
  gboolean cache_addresses;   /* the family's hooks are the library's own */
  gpointer address_cache;     /* atomic: the last conversion, or NULL */

  /* The asynchronous calls (sock-object-async.c), under async_lock. */
  GMutex async_lock;
  gpointer async_pending[2];  /* the read and the write in progress */
  gpointer async_drivers;     /* their sources, one per main context */
} SockObjectPrivate;

/* Where SockObjectPrivate sits in an instance: GObject's private offset,
 * copied in class_init so that the other files read it inline. */
extern gint _sock_object_private_offset;

static inline SockObjectPrivate *
_sock_object_get_private (SockObject *self)
{
  return (SockObjectPrivate *) G_STRUCT_MEMBER_P (self, _sock_object_private_offset);
}

/* recv and send, the calls on the hot path. The public wrappers run the
 * default implementation inline when a class has not overridden it: the
 * fast try of the I/O layer (sock-io-private.h), and the rest out of line. */
typedef struct
{
  guint8 *buffer;
  gsize size;
  gint flags;
} SockRecvCall;

static inline gssize
_sock_recv_attempt (gint     fd,
                    gint     dontwait,
                    gpointer data)
{
  SockRecvCall *call = data;

  return recv (fd, call->buffer, call->size, call->flags | dontwait);
}

typedef struct
{
  const guint8 *data;
  gsize size;
  gint flags;
  const struct sockaddr_storage *storage;
  socklen_t length;
} SockSendCall;

static inline gssize
_sock_send_attempt (gint     fd,
                    gint     dontwait,
                    gpointer data)
{
  SockSendCall *call = data;

  return send (fd, call->data, call->size, call->flags | MSG_NOSIGNAL | dontwait);
}

gssize      _sock_object_recv_continue   (SockObject    *self,
                                          guint8        *buffer,
                                          gsize          size,
                                          gint           flags,
                                          gint           first_errsv,
                                          GError       **error);
gssize      _sock_object_send_continue   (SockObject    *self,
                                          const guint8  *data,
                                          gsize          size,
                                          gint           flags,
                                          gint           first_errsv,
                                          GError       **error);

static inline gssize
_sock_object_recv_into_fast (SockObject  *self,
                             guint8      *buffer,
                             gsize        size,
                             gint         flags,
                             GError     **error)
{
  SockObjectPrivate *priv = _sock_object_get_private (self);
  SockRecvCall call = { buffer, size, flags };
  gssize n;
  gint first_errsv = 0;

  /* As CPython: nothing asked, nothing waited for. */
  if (size == 0)
    return 0;

  if (G_LIKELY (size <= G_MAXSSIZE) &&
      G_LIKELY (_sock_io_try_plain (&priv->guard, priv->timeouts, FALSE, _sock_recv_attempt,
                                    &call, &n, &first_errsv)))
    return n;

  return _sock_object_recv_continue (self, buffer, size, flags, first_errsv, error);
}

static inline gssize
_sock_object_send_fast (SockObject    *self,
                        const guint8  *data,
                        gsize          size,
                        gint           flags,
                        GError       **error)
{
  SockObjectPrivate *priv = _sock_object_get_private (self);
  SockSendCall call = { data, size, flags, NULL, 0 };
  gssize n;
  gint first_errsv;

  if (G_LIKELY (_sock_io_try_plain (&priv->guard, priv->timeouts, TRUE, _sock_send_attempt,
                                    &call, &n, &first_errsv)))
    return n;

  return _sock_object_send_continue (self, data, size, flags, first_errsv, error);
}

/* The default implementations of recv_into and send, for the wrappers to
 * recognise. */
gssize      _sock_object_real_send       (SockObject    *self,
                                          const guint8  *data,
                                          gsize          size,
                                          gint           flags,
                                          GError       **error);
gssize      _sock_object_real_recv_into  (SockObject    *self,
                                          guint8        *buffer,
                                          gsize          size,
                                          gint           flags,
                                          GError       **error);

/* SOCK_IS_OBJECT() never takes GLib's exact-type shortcut, since SockObject
 * is abstract, and its full check was most of a send()'s library cost. The
 * last type that passed is remembered (one per file that checks), so the
 * check is one comparison. The public wrappers' checks are shared by the
 * files that define methods (sock-object.c and the files of 1.2's
 * methods). */
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

/* Wraps @fd (owned from now on, even on failure) in an object of @gtype,
 * which must be a SockObject subclass. The socket takes the default
 * timeout, as every new socket does. */
SockObject *_sock_object_new_for_fd      (GType         gtype,
                                          gint          fd,
                                          gint          family,
                                          gint          type,
                                          gint          proto);

/* The same for a descriptor already in the mode of @timeout (microseconds:
 * -1 none and blocking, else non-blocking), which the socket takes instead
 * of the default timeout; @load_kernel says whether it may have
 * SO_RCVTIMEO / SO_SNDTIMEO set. dup() and socketpair() use it. */
SockObject *_sock_object_new_for_fd_full (GType         gtype,
                                          gint          fd,
                                          gint          family,
                                          gint          type,
                                          gint          proto,
                                          gint64        timeout,
                                          gboolean      load_kernel);

/* A new socket object of @gtype, a SockObject subclass, with a new socket
 * of @family (-1: the class's default), @type and @proto; what
 * sock_socket() and the family classes' constructors return: NULL with
 * @error set when the socket cannot be made. */
gpointer    _sock_object_new_created     (GType         gtype,
                                          gint          family,
                                          gint          type,
                                          gint          proto,
                                          GError      **error);

/* For the family classes' instance_init: the family a socket of the class
 * gets when none (or -1) is given. */
void        _sock_object_set_default_family (SockObject *self,
                                             gint        family);

/* For the family classes' constructed(), before chaining up: the socket
 * cannot be made, and every call will say why. */
void        _sock_object_set_create_errno   (SockObject *self,
                                             gint        errsv);

/* Runs the family's address_to_native hook into @storage, unless @address
 * is the one the socket last returned (see _sock_object_from_native()). */
gboolean    _sock_object_to_native       (SockObject              *self,
                                          GVariant                *address,
                                          struct sockaddr_storage *storage,
                                          socklen_t               *length,
                                          GError                 **error);

/* Runs the family's address_from_native hook; the result is a full
 * reference, or %NULL with @error set, or %NULL alone when the family
 * has no address for @length 0. When the hooks are the library's own, the
 * socket remembers the last one: the same sender gives the same variant
 * again, and a datagram server answering it converts nothing twice. */
GVariant   *_sock_object_from_native     (SockObject                    *self,
                                          const struct sockaddr_storage *storage,
                                          socklen_t                      length,
                                          GError                       **error);

/* Sets @error for an I/O layer failure of @self: EBADF as "closed" (or why
 * the socket could not be created), an expired timeout as "timed out", and
 * any other errno with "<what>: <strerror>". Returns FALSE. */
gboolean    _sock_object_set_io_error    (SockObject        *self,
                                          GError           **error,
                                          gint               errsv,
                                          const SockIOWait  *wait,
                                          const gchar       *format,
                                          ...) G_GNUC_PRINTF (5, 6);

/* The new object of accept() for @fd, of the same class as @self;
 * accept() made @fd in the mode of @timeout (see accept's default timeout). */
SockObject *_sock_object_new_accepted    (SockObject *self,
                                          gint        fd,
                                          gint64      timeout);

/* Notifies "fileno" after close. */
void        _sock_object_notify_closed   (SockObject *self);

/* Applies @timeout (microseconds, -1 none, 0 non-blocking) to @self's
 * descriptor mode and its timeouts, notifying "timeout" and "blocking". */
gboolean    _sock_object_apply_timeout   (SockObject  *self,
                                          gint64       timeout,
                                          GError     **error);

/* The system calls of the default virtual methods (sock-object-real.c), one
 * attempt each, as _sock_io_run() takes them; the asynchronous calls
 * (sock-object-async.c) run the same attempts, non-blocking. The send
 * attempts add MSG_NOSIGNAL. */
typedef struct
{
  struct sockaddr_storage storage;
  socklen_t length;
  gint flags;               /* accept4()'s */
} SockAcceptCall;

typedef struct
{
  guint8 *buffer;
  gsize size;
  gint flags;
  struct sockaddr_storage storage;
  socklen_t length;
} SockRecvfromCall;

gssize      _sock_accept_attempt         (gint      fd,
                                          gint      dontwait,
                                          gpointer  data);
gssize      _sock_recvfrom_attempt       (gint      fd,
                                          gint      dontwait,
                                          gpointer  data);
gssize      _sock_sendto_attempt         (gint      fd,
                                          gint      dontwait,
                                          gpointer  data);

/* After a connect() in progress polled writable: 0 once connected,
 * ENOTCONN when the connection has to be asked for again (an AF_UNIX
 * connect() that a signal abandoned), else why it failed (SO_ERROR). */
gint        _sock_connect_result         (gint      fd);

/* The buffer of a recv() or recvfrom() of @bufsize bytes (zeroed for
 * MSG_TRUNC); NULL with @error set (EINVAL, naming @what) when it cannot be
 * allocated. */
guint8     *_sock_alloc_receive_buffer   (gsize         bufsize,
                                          gint          flags,
                                          const gchar  *what,
                                          GError      **error);
/* Turns a buffer of @bufsize bytes, @received of which the system reported,
 * into the GBytes returned (taking the buffer). */
GBytes     *_sock_bytes_from_buffer      (guint8       *buffer,
                                          gsize         bufsize,
                                          gsize         received);

/* Prefixes @local_error with "sendall: <sent> of <size> bytes sent: " into
 * @error. Returns FALSE. */
gboolean    _sock_sendall_failed         (GError      **error,
                                          GError       *local_error,
                                          gsize         sent,
                                          gsize         size);

/* Installs the default implementations in @klass (sock-object-real.c,
 * and sock-object-msg.c for the message calls). */
void        _sock_object_class_init_real (SockObjectClass *klass);
void        _sock_object_class_init_msg  (SockObjectClass *klass);

/* Whether @klass's send is the library's own (so callers may send straight
 * through the I/O layer rather than through the virtual method). */
gboolean    _sock_object_send_is_default (SockObjectClass *klass);

/* Sends all of @data on @wait's deadline: through the I/O layer when send
 * is the library's own, else through the send virtual method with the
 * deadline checked between calls. One attempt even when @size is 0.
 * @sent says how much went out, also on failure. sendall() and the users
 * of its loop (send_fds(), sendfile()'s fallback) share it. */
gboolean    _sock_object_send_remaining  (SockObject    *self,
                                          const guint8  *data,
                                          gsize          size,
                                          gint           flags,
                                          SockIOWait    *wait,
                                          gsize         *sent,
                                          GError       **error);

/* Converts settimeout()'s seconds (negative: none) into microseconds,
 * rounded up; FALSE with @error set for NaN or a timeout too long. */
gboolean    _sock_timeout_from_seconds   (gdouble      seconds,
                                          gint64      *timeout,
                                          GError     **error);
gdouble     _sock_timeout_to_seconds     (gint64       timeout);

/* The module-wide default timeout, in microseconds (-1 none). */
gint64      _sock_get_default_timeout_us (void);

/* Sets SOCK_ERROR/EIO for a virtual method of @self that failed without
 * setting @error (an override in C or in a binding). */
void        _sock_object_set_missing_error (SockObject   *self,
                                            GError      **error,
                                            const gchar  *method);

/* In a public wrapper whose parameters are named self and error. */
#define CHECK_FAILURE(failed, method) \
  G_STMT_START { \
    if (G_UNLIKELY (failed) && error != NULL && *error == NULL) \
      _sock_object_set_missing_error (self, error, method); \
  } G_STMT_END

G_END_DECLS
