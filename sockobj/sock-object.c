/* sock-object.c: the abstract socket object and its default operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-fd-guard-private.h"
#include "sock-inet-object.h"
#include "sock-object.h"
#include "sock-object-private.h"
#include "sock-unix-object.h"

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
 A socket starts with the default timeout ([func@Sock.getdefaulttimeout]),
 * which is none unless set: it is blocking, and a blocking socket's
 * descriptor is really blocking, so calls wait in the kernel. With a
 * timeout ([method@Sock.Object.settimeout]) the descriptor is non-blocking
 * and each call waits in `poll()` on a deadline fixed when it starts. Every
 * descriptor the library makes is close-on-exec, sends never raise
 * `SIGPIPE` (a peer that went away gives `EPIPE`), and calls interrupted by
 * a signal are restarted, except [method@Sock.Object.close], which never
 * is; signals never extend a deadline.
 *
 * One socket may be used from several threads. [method@Sock.Object.close]
 * detaches the descriptor at once, so later calls fail with `EBADF`; calls
 * already running keep the descriptor number reserved until they return, so
 * no call ever reaches a file that reused the number. A call waiting in
 * `poll()` is woken by the close and fails with `EBADF`; shut the socket
 * down first to wake a call blocked in the kernel.
 *
 * Since: 1.0
 */

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
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How an object the library makes gets its family, type and protocol,
 * and a descriptor made elsewhere (accept, fromfd, dup, socketpair): the
 * creator puts them in this thread's slot just before g_object_new(), and
 * SockObject's instance_init claims it at once, before the instance_init
 * of any subclass (which may make sockets of its own) has run. Passing
 * them this way rather than as named construct properties spares each new
 * object three lookups of a property by name and a varargs collection:
 * about a fifth of what making a socket object costs. */
typedef struct
{
  gint fd;                 /* the descriptor to adopt, or -1: constructed() makes one */
  gint family;
  gint type;
  gint proto;
  gint64 timeout;          /* the mode accept() made it in, or -2: ask */
  gboolean load_kernel;    /* whether SO_RCVTIMEO / SO_SNDTIMEO may be set */
} SockAdoption;

static GPrivate adoption_key;

#define GET_PRIV(self) ((SockObjectPrivate *) sock_object_get_instance_private (self))

gint _sock_object_private_offset;

/* Puts @creation in the slot for the next object of @gtype; returns what
 * was there, for slot_restore(). A class_init that makes sockets of its
 * own runs first, so that those cannot claim it. */
static SockAdoption *
slot_fill (GType         gtype,
           SockAdoption *creation)
{
  SockAdoption *previous = g_private_get (&adoption_key);

  if (G_UNLIKELY (g_type_class_peek (gtype) == NULL))
    g_type_class_unref (g_type_class_ref (gtype));
  g_private_set (&adoption_key, creation);
  return previous;
}

/* After g_object_new(): instance_init took the slot; if it never ran,
 * nothing may be left pointing at the creator's stack frame. What was
 * there before (an outer creation that has not reached its instance_init
 * yet) is put back. */
static void
slot_restore (SockAdoption *previous)
{
  g_private_set (&adoption_key, previous);
}

static SockObject *
new_adopting (GType         gtype,
              SockAdoption *adoption)
{
  SockAdoption *previous = slot_fill (gtype, adoption);
  SockObject *self;

  self = g_object_new (gtype, NULL);
  slot_restore (previous);

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
  SockAdoption adoption = { fd, family, type, proto, -2, TRUE };

  return new_adopting (gtype, &adoption);
}

SockObject *
_sock_object_new_for_fd_full (GType    gtype,
                              gint     fd,
                              gint     family,
                              gint     type,
                              gint     proto,
                              gint64   timeout,
                              gboolean load_kernel)
{
  SockAdoption adoption = { fd, family, type, proto, timeout, load_kernel };

  return new_adopting (gtype, &adoption);
}

SockObject *
_sock_object_new_accepted (SockObject *self,
                           gint        fd,
                           gint64      timeout)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  /* A TCP connection inherits the listener's SO_RCVTIMEO / SO_SNDTIMEO, an
   * AF_UNIX one starts without; with none on the listener, none to read. */
  SockAdoption adoption = { fd, priv->family, priv->type, priv->proto, timeout,
                            _sock_io_load64 (&priv->timeouts->rcvtimeo) != 0 ||
                            _sock_io_load64 (&priv->timeouts->sndtimeo) != 0 };

  return new_adopting (G_OBJECT_TYPE (self), &adoption);
}

gpointer
_sock_object_new_created (GType    gtype,
                          gint     family,
                          gint     type,
                          gint     proto,
                          GError **error)
{
  SockAdoption creation = { -1, family, type, proto, -2, FALSE };
  SockAdoption *previous = slot_fill (gtype, &creation);
  gpointer self;

  self = g_initable_new (gtype, NULL, error, NULL);
  slot_restore (previous);

  return self;
}

void
_sock_object_set_default_family (SockObject *self,
                                 gint        family)
{
  GET_PRIV (self)->default_family = family;
}

void
_sock_object_set_create_errno (SockObject *self,
                               gint        errsv)
{
  GET_PRIV (self)->create_errno = errsv;
}

void
_sock_object_notify_closed (SockObject *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILENO]);
}

gboolean
_sock_object_set_io_error (SockObject        *self,
                           GError           **error,
                           gint               errsv,
                           const SockIOWait  *wait,
                           const gchar       *format,
                           ...)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  g_autofree gchar *what = NULL;
  va_list args;

  if (error == NULL)
    return FALSE;

  /* As CPython words an expired timeout. */
  if (wait != NULL && wait->expired && errsv == ETIMEDOUT)
    {
      g_set_error_literal (error, SOCK_ERROR, ETIMEDOUT, "timed out");
      return FALSE;
    }

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (errsv == EBADF && _sock_fd_guard_is_closed (&priv->guard))
    {
      if (priv->create_errno != 0)
        return _sock_set_errno_error (error, priv->create_errno,
                                      "%s: the socket could not be created", what);
      return _sock_set_errno_error (error, EBADF, "%s: the socket is closed", what);
    }

  return _sock_set_errno_error (error, errsv, "%s", what);
}

/* Addresses ---------------------------------------------------------------- */

/* The last address a socket returned: the sockaddr the system gave and the
 * variant made of it (a full reference, so no other variant can take its
 * place in memory while it is here). The same sockaddr gives the same
 * variant again, and that variant given back (sendto the sender) needs no
 * conversion. Only what the family made is remembered: a caller's variant
 * may be another shape ((si), a host name to resolve anew). Immutable once
 * made; a call takes it from the socket, uses it and puts it back, so
 * threads never share one. */
typedef struct
{
  GVariant *variant;
  socklen_t length;
  struct sockaddr_storage native;
} AddressCache;

static void
address_cache_free (AddressCache *cache)
{
  g_variant_unref (cache->variant);
  g_free (cache);
}

static AddressCache *
address_cache_take (SockObjectPrivate *priv)
{
  if (!priv->cache_addresses)
    return NULL;
  return g_atomic_pointer_exchange (&priv->address_cache, NULL);
}

static void
address_cache_put (SockObjectPrivate *priv,
                   AddressCache      *cache)
{
  if (cache != NULL &&
      !g_atomic_pointer_compare_and_exchange (&priv->address_cache, NULL, cache))
    address_cache_free (cache);
}

/* A new entry for @variant (taken) and @native. */
static AddressCache *
address_cache_new (GVariant      *variant,
                   gconstpointer  native,
                   socklen_t      length)
{
  AddressCache *cache = g_new (AddressCache, 1);

  cache->variant = variant;
  cache->length = length;
  memcpy (&cache->native, native, length);
  return cache;
}

/* Whether @klass converts addresses with a family class's own hooks, which
 * give equal results for equal inputs; another family's, or an override,
 * is asked every time. */
static gboolean
hooks_are_builtin (SockObjectClass *klass)
{
  GType builtin[] = { SOCK_TYPE_INET_OBJECT, SOCK_TYPE_UNIX_OBJECT };

  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    {
      SockObjectClass *family = g_type_class_peek_static (builtin[i]);

      if (family != NULL &&
          klass->address_to_native == family->address_to_native &&
          klass->address_from_native == family->address_from_native)
        return TRUE;
    }
  return FALSE;
}

gboolean
_sock_object_to_native (SockObject               *self,
                        GVariant                 *address,
                        struct sockaddr_storage  *storage,
                        socklen_t                *length,
                        GError                  **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);
  AddressCache *cache;
  gsize native_length = 0;

  if (address == NULL)
    return _sock_set_invalid_error (error, "No address was given");

  /* The very variant the socket last returned: its sockaddr is known. */
  if ((cache = address_cache_take (priv)) != NULL && cache->variant == address)
    {
      memcpy (storage, &cache->native, cache->length);
      *length = cache->length;
      address_cache_put (priv, cache);
      return TRUE;
    }
  address_cache_put (priv, cache);

  if (!klass->address_to_native (self, address, storage, sizeof *storage,
                                 &native_length, error))
    return FALSE;

  if (native_length > sizeof *storage)
    return _sock_set_invalid_error (error, "%s made an address of %" G_GSIZE_FORMAT
                                    " bytes, more than a sockaddr_storage holds",
                                    G_OBJECT_TYPE_NAME (self), native_length);
  *length = (socklen_t) native_length;
  return TRUE;
}

GVariant *
_sock_object_from_native (SockObject                    *self,
                          const struct sockaddr_storage *storage,
                          socklen_t                      length,
                          GError                       **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  AddressCache *cache;
  GVariant *address;

  if ((cache = address_cache_take (priv)) != NULL && cache->length == length &&
      memcmp (&cache->native, storage, length) == 0)
    {
      address = g_variant_ref (cache->variant);
      address_cache_put (priv, cache);
      return address;
    }
  /* Replaced by this conversion below. */
  g_clear_pointer (&cache, address_cache_free);

  address = SOCK_OBJECT_GET_CLASS (self)->address_from_native (self, storage, length, error);
  if (address == NULL)
    return NULL;
  /* The hook may hand back a floating or a full reference; ours are full. */
  g_variant_take_ref (address);

  if (priv->cache_addresses && length <= sizeof *storage)
    address_cache_put (priv, address_cache_new (g_variant_ref (address), storage, length));
  return address;
}

/* Timeouts ---------------------------------------------------------------------- */

gboolean
_sock_timeout_from_seconds (gdouble   seconds,
                            gint64   *timeout,
                            GError  **error)
{
  if (isnan (seconds))
    return _sock_set_invalid_error (error, "settimeout: the timeout is not a number");

  if (seconds < 0)
    *timeout = -1;
  else if (seconds * G_USEC_PER_SEC >= (gdouble) (G_MAXINT64 / 4))
    return _sock_set_invalid_error (error, "settimeout: %g seconds is too long", seconds);
  else
    /* Rounded up, as CPython does, so that a tiny timeout still waits. */
    *timeout = (gint64) ceil (seconds * G_USEC_PER_SEC);

  return TRUE;
}

gdouble
_sock_timeout_to_seconds (gint64 timeout)
{
  return timeout < 0 ? -1.0 : (gdouble) timeout / G_USEC_PER_SEC;
}

/* Serialises settimeout()s, so that the descriptor's mode and the stored
 * timeout never disagree; calls running meanwhile see a safe state: a
 * timeout is stored before O_NONBLOCK is set, and O_NONBLOCK cleared before
 * "none" is stored (a poll()ing call on a blocking descriptor is harmless,
 * a kernel-waiting one on a non-blocking descriptor is not). */
static GMutex timeout_lock;

gboolean
_sock_object_apply_timeout (SockObject  *self,
                            gint64       timeout,
                            GError     **error)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint64 old;
  gint fd, flags, errsv = 0;

  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    return _sock_object_set_io_error (self, error, EBADF, NULL, "settimeout");

  g_mutex_lock (&timeout_lock);
  old = _sock_io_load64 (&priv->timeouts->timeout);

  /* The descriptor's mode only changes between "none" and the others:
   * only "none" waits in the kernel; with a timeout the layer polls. */
  if ((old < 0) != (timeout < 0))
    {
      if (timeout >= 0)
        _sock_io_timeouts_set_timeout (priv->timeouts, timeout);
      flags = fcntl (fd, F_GETFL);
      if (flags < 0 ||
          fcntl (fd, F_SETFL, timeout < 0 ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK)) < 0)
        errsv = errno;
    }
  _sock_io_timeouts_set_timeout (priv->timeouts, errsv == 0 ? timeout : old);
  g_mutex_unlock (&timeout_lock);
  _sock_fd_guard_release (&priv->guard);

  if (errsv != 0)
    return _sock_set_errno_error (error, errsv, "settimeout");

  /* Outside the lock: a handler may set the timeout again. */
  if (old != timeout)
    {
      g_object_freeze_notify (G_OBJECT (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
      if ((old == 0) != (timeout == 0))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKING]);
      g_object_thaw_notify (G_OBJECT (self));
    }

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
  gint type_flags = priv->type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
  gint64 default_timeout = _sock_get_default_timeout_us ();
  gint64 timeout;
  gint fd;

  G_OBJECT_CLASS (sock_object_parent_class)->constructed (object);

  priv->cache_addresses = hooks_are_builtin (SOCK_OBJECT_GET_CLASS (self));

  /* Like CPython, keep the plain type; creation flags are not part of it. */
  priv->type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (priv->family < 0)
    priv->family = priv->default_family;

  if (priv->adopted)
    {
      /* A descriptor from fromfd(): its mode is what its flags say, unless
       * there is a default timeout, which every new socket object takes,
       * as in CPython. accept(), dup() and socketpair() made their
       * descriptors in the right mode. */
      fd = _sock_fd_guard_peek (&priv->guard);
      timeout = priv->adopted_timeout;
      if (timeout < -1)
        {
          gint flags = fcntl (fd, F_GETFL);

          timeout = flags >= 0 && (flags & O_NONBLOCK) ? 0 : -1;
          if (default_timeout >= 0)
            {
              if (timeout < 0 && flags >= 0)
                fcntl (fd, F_SETFL, flags | O_NONBLOCK);
              timeout = default_timeout;
            }
        }
      _sock_io_timeouts_set_timeout (priv->timeouts, timeout);
      if (priv->adopted_load_kernel)
        _sock_io_timeouts_load_kernel (priv->timeouts, fd);
      return;
    }

  if (priv->family < 0 && priv->create_errno == 0)
    priv->create_errno = EAFNOSUPPORT;
  if (priv->create_errno != 0)
    return;

  timeout = (type_flags & SOCK_NONBLOCK) ? 0 : default_timeout;
  fd = socket (priv->family, priv->type | SOCK_CLOEXEC | (timeout >= 0 ? SOCK_NONBLOCK : 0),
               priv->proto);
  if (fd < 0)
    priv->create_errno = errno;
  _sock_fd_guard_init (&priv->guard, fd);
  _sock_io_timeouts_set_timeout (priv->timeouts, timeout);
}

static void
sock_object_finalize (GObject *object)
{
  SockObjectPrivate *priv = GET_PRIV (SOCK_OBJECT (object));

  /* No call can be running any more: nobody holds a reference. */
  _sock_fd_guard_clear (&priv->guard);
  _sock_io_timeouts_unref (priv->timeouts);
  g_clear_pointer (&priv->address_cache, address_cache_free);
  g_mutex_clear (&priv->async_lock);

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
      g_value_set_boolean (value, sock_object_get_blocking (self));
      break;
    case PROP_TIMEOUT:
      g_value_set_double (value, sock_object_gettimeout (self));
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
    /* Made by the library, the object has these from its creator; GObject
     * still sets each construct-only property, to its default. */
    case PROP_FAMILY:
      if (!priv->created)
        priv->family = g_value_get_int (value);
      break;
    case PROP_SOCKET_TYPE:
      if (!priv->created)
        priv->type = g_value_get_int (value);
      break;
    case PROP_PROTO:
      if (!priv->created)
        priv->proto = g_value_get_int (value);
      break;
    case PROP_BLOCKING:
      {
        g_autoptr(GError) error = NULL;

        if (!sock_object_setblocking (self, g_value_get_boolean (value), &error))
          g_warning ("Could not set the blocking property: %s", error->message);
      }
      break;
    case PROP_TIMEOUT:
      {
        g_autoptr(GError) error = NULL;

        if (!sock_object_settimeout (self, g_value_get_double (value), &error))
          g_warning ("Could not set the timeout property: %s", error->message);
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

  _sock_object_private_offset = SockObject_private_offset;
  _sock_object_class_init_real (klass);

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
   * Whether calls may wait: %FALSE only when the timeout is 0 (calls fail
   * at once with `EAGAIN`), as CPython's `getblocking()`. Setting it is
   * [method@Sock.Object.setblocking]; it changes together with
   * [property@Sock.Object:timeout], and both are notified.
   *
   * Since: 1.0
   */
  properties[PROP_BLOCKING] =
    g_param_spec_boolean ("blocking", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * SockObject:timeout: (getter gettimeout) (setter settimeout)
   *
   * The socket's timeout in seconds: -1 for none (calls wait as long as it
   * takes), 0 for non-blocking, or how long each blocking call may wait.
   * See [method@Sock.Object.settimeout].
   *
   * Since: 1.2
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         -1.0, G_MAXDOUBLE, -1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sock_object_init (SockObject *self)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  SockAdoption *adoption = g_private_get (&adoption_key);

  priv->family = -1;
  priv->default_family = -1;
  priv->type = SOCK_STREAM;
  priv->timeouts = _sock_io_timeouts_new (-1);
  g_mutex_init (&priv->async_lock);

  /* Claimed here, before any subclass's instance_init runs. */
  if (adoption != NULL)
    {
      g_private_set (&adoption_key, NULL);
      priv->created = TRUE;
      priv->family = adoption->family;
      priv->type = adoption->type;
      priv->proto = adoption->proto;
      _sock_fd_guard_init (&priv->guard, adoption->fd);
      if (adoption->fd >= 0)
        {
          priv->adopted = TRUE;
          priv->adopted_timeout = adoption->timeout;
          priv->adopted_load_kernel = adoption->load_kernel;
          adoption->fd = -1;
        }
    }
  else
    _sock_fd_guard_init (&priv->guard, -1);
}

/* Public API ----------------------------------------------------------------- */

/* A virtual method that failed must say why: an override (in C, or in a
 * language binding) that returned failure without an error would leave a C
 * caller with nothing to report. */
void
_sock_object_set_missing_error (SockObject   *self,
                                GError      **error,
                                const gchar  *method)
{
  if (error != NULL && *error == NULL)
    _sock_set_errno_error (error, EIO, "%s: %s's implementation failed without "
                           "saying why", method, G_OBJECT_TYPE_NAME (self));
}

typedef gboolean (*AddressVFunc) (SockObject  *self,
                                  GVariant    *address,
                                  GError     **error);

/* bind() and connect(): a floating @address is consumed. */
static gboolean
call_address_vfunc (SockObject    *self,
                    AddressVFunc   vfunc,
                    const gchar   *method,
                    GVariant      *address,
                    GError       **error)
{
  g_autoptr(GVariant) owned = address ? g_variant_ref_sink (address) : NULL;
  gboolean ret = vfunc (self, address, error);

  CHECK_FAILURE (!ret, method);
  return ret;
}

typedef GVariant *(*NameVFunc) (SockObject  *self,
                                GError     **error);

/* getpeername() and getsockname(). */
static GVariant *
call_name_vfunc (SockObject   *self,
                 NameVFunc     vfunc,
                 const gchar  *method,
                 GError      **error)
{
  GVariant *address = vfunc (self, error);

  CHECK_FAILURE (address == NULL, method);
  /* An override may return a floating or a full reference. */
  return address ? g_variant_take_ref (address) : NULL;
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

  return _sock_io_load64 (&GET_PRIV (self)->timeouts->timeout) != 0;
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
 * The new socket, of the same class as @self, is connected to the peer.
 * As in CPython, it takes the default timeout ([func@Sock.getdefaulttimeout]),
 * whatever the listening socket's: with none, it is blocking.
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
  CHECK_FAILURE (conn == NULL, "accept");
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
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return call_address_vfunc (self, SOCK_OBJECT_GET_CLASS (self)->bind, "bind", address, error);
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->close (self, error);

    CHECK_FAILURE (!ret, "close");
    return ret;
  }
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
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return call_address_vfunc (self, SOCK_OBJECT_GET_CLASS (self)->connect, "connect", address,
                             error);
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
  {
    gint ret = SOCK_OBJECT_GET_CLASS (self)->connect_ex (self, address, error);

    CHECK_FAILURE (ret < 0, "connect_ex");
    return ret;
  }
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
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return call_name_vfunc (self, SOCK_OBJECT_GET_CLASS (self)->getpeername, "getpeername", error);
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
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return call_name_vfunc (self, SOCK_OBJECT_GET_CLASS (self)->getsockname, "getsockname", error);
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->getsockopt (self, level, optname, value, error);

    CHECK_FAILURE (!ret, "getsockopt");
    return ret;
  }
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

  {
    GBytes *ret = SOCK_OBJECT_GET_CLASS (self)->getsockopt_bytes (self, level, optname, buflen, error);

    CHECK_FAILURE (ret == NULL, "getsockopt_bytes");
    return ret;
  }
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->listen (self, backlog, error);

    CHECK_FAILURE (!ret, "listen");
    return ret;
  }
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
 * Blocking stream calls follow the socket's timeout, set before or after the
 * stream was made ([method@Sock.Object.settimeout]), or else its
 * `SO_RCVTIMEO` and `SO_SNDTIMEO`, failing with `G_IO_ERROR_TIMED_OUT` when
 * it runs out. Without either they wait as long as it takes, even on a
 * non-blocking socket (timeout 0), as GIO's blocking calls do; the pollable
 * and asynchronous calls are there not to wait. Buffered output reaches the peer only when the
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

  {
    GIOStream *ret = SOCK_OBJECT_GET_CLASS (self)->makefile (self, mode, bufsize, error);

    CHECK_FAILURE (ret == NULL, "makefile");
    return ret;
  }
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

  {
    GBytes *ret = SOCK_OBJECT_GET_CLASS (self)->recv (self, bufsize, flags, error);

    CHECK_FAILURE (ret == NULL, "recv");
    return ret;
  }
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

  {
    SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);
    gssize ret;

    if (G_LIKELY (klass->recv_into == _sock_object_real_recv_into))
      return _sock_object_recv_into_fast (self, buffer, size, flags, error);

    ret = klass->recv_into (self, buffer, size, flags, error);
    CHECK_FAILURE (ret < 0, "recv_into");
    return ret;
  }
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
  CHECK_FAILURE (data == NULL, "recvfrom");
  /* An override may hand back a floating or a full reference. */
  if (address != NULL && *address != NULL)
    g_variant_take_ref (*address);

  return data;
}

/**
 * sock_object_recvfrom_into: (virtual recvfrom_into) (skip)
 * @self: a socket
 * @buffer: (array length=size) (element-type guint8) (out caller-allocates):
 *   where to store the data
 * @size: (in): the size of @buffer
 * @flags: flags for `recv(2)`, or 0
 * @address: (out) (optional) (nullable) (transfer full): the sender's
 *   address, as [method@Sock.Object.recvfrom] gives it
 * @error: return location for a #GError
 *
 * Receives data into a buffer the caller provides, with the address of the
 * sender; the allocation-free form of [method@Sock.Object.recvfrom], as
 * CPython's `socket.recvfrom_into()`. Nothing is allocated but the
 * address, and nothing at all when @address is %NULL.
 *
 * @size is the room in @buffer, and nothing is ever written past it. A
 * @size past `G_MAXSSIZE` fails with `EINVAL` before anything is read.
 * As with `recv(2)`, a datagram socket given `MSG_TRUNC` returns the
 * datagram's full length, which may exceed @size; a longer datagram
 * without it is cut to @size, and the rest is lost. A @size of 0 still
 * receives (and so consumes a datagram), as CPython does.
 *
 * This is for C: bindings cannot lend a buffer of a given size, so they
 * call [method@Sock.Object.recvfrom] instead.
 *
 * Returns: the number of bytes received, 0 at the end of the stream, or -1
 *   with @error set
 *
 * Since: 1.2
 */
gssize
sock_object_recvfrom_into (SockObject  *self,
                           guint8      *buffer,
                           gsize        size,
                           gint         flags,
                           GVariant   **address,
                           GError     **error)
{
  gssize ret;

  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (buffer != NULL || size == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (address != NULL)
    *address = NULL;

  ret = SOCK_OBJECT_GET_CLASS (self)->recvfrom_into (self, buffer, size, flags, address, error);
  CHECK_FAILURE (ret < 0, "recvfrom_into");
  /* An override may hand back a floating or a full reference. */
  if (address != NULL && *address != NULL)
    g_variant_take_ref (*address);

  return ret;
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

  {
    SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);
    gssize ret;

    if (G_LIKELY (klass->send == _sock_object_real_send))
      return _sock_object_send_fast (self, data, size, flags, error);

    ret = klass->send (self, data, size, flags, error);
    CHECK_FAILURE (ret < 0, "send");
    return ret;
  }
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->sendall (self, data, size, flags, error);

    CHECK_FAILURE (!ret, "sendall");
    return ret;
  }
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

  /* A floating address is consumed; a caller's own reference lasts the
   * call, and taking another costs a datagram server two atomic operations
   * and a lock per datagram. */
  owned = address != NULL && g_variant_is_floating (address) ? g_variant_ref_sink (address)
                                                              : NULL;
  {
    gssize ret = SOCK_OBJECT_GET_CLASS (self)->sendto (self, data, size, flags, address, error);

    CHECK_FAILURE (ret < 0, "sendto");
    return ret;
  }
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->setblocking (self, flag, error);

    CHECK_FAILURE (!ret, "setblocking");
    return ret;
  }
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->setsockopt (self, level, optname, value, error);

    CHECK_FAILURE (!ret, "setsockopt");
    return ret;
  }
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->setsockopt_bytes (self, level, optname, value, size,
                                                         error);

    CHECK_FAILURE (!ret, "setsockopt_bytes");
    return ret;
  }
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

  {
    gboolean ret = SOCK_OBJECT_GET_CLASS (self)->shutdown (self, how, error);

    CHECK_FAILURE (!ret, "shutdown");
    return ret;
  }
}

/**
 * sock_object_settimeout: (virtual settimeout) (set-property timeout)
 * @self: a socket
 * @seconds: the timeout in seconds: negative for none, 0 for non-blocking
 * @error: return location for a #GError
 *
 * Sets the socket's timeout, with CPython's three modes:
 *
 * - negative (-1): no timeout. The descriptor is blocking, and calls wait
 *   as long as it takes.
 * - 0: non-blocking. A call that would wait fails at once with `EAGAIN`
 *   (`EINPROGRESS` for [method@Sock.Object.connect]).
 * - more than 0: each call waits at most @seconds, measured on the
 *   monotonic clock from the moment the call starts (signals never extend
 *   it), then fails with `SOCK_ERROR` / `ETIMEDOUT` and the message
 *   "timed out". The descriptor is non-blocking underneath. A
 *   [method@Sock.Object.connect] that times out leaves the socket unusable
 *   for another attempt, as in CPython; [method@Sock.Object.sendall]'s
 *   timeout covers the whole call.
 *
 * [method@Sock.Object.setblocking] is `settimeout (-1)` or `settimeout (0)`.
 * The [property@Sock.Object:timeout] and [property@Sock.Object:blocking]
 * properties change together and are both notified. Streams from
 * [method@Sock.Object.makefile] follow the socket's timeout.
 *
 * Fails with `EINVAL` for NaN or a timeout too long to represent, and with
 * `EBADF` on a closed socket.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.2
 */
gboolean
sock_object_settimeout (SockObject  *self,
                        gdouble      seconds,
                        GError     **error)
{
  gboolean ret;

  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ret = SOCK_OBJECT_GET_CLASS (self)->settimeout (self, seconds, error);
  CHECK_FAILURE (!ret, "settimeout");
  return ret;
}

/**
 * sock_object_gettimeout: (get-property timeout)
 * @self: a socket
 *
 * Gets the socket's timeout; see [method@Sock.Object.settimeout].
 *
 * Returns: the timeout in seconds, 0 for a non-blocking socket, or -1 for
 *   none
 *
 * Since: 1.2
 */
gdouble
sock_object_gettimeout (SockObject *self)
{
  g_return_val_if_fail (sock_is_object (self), -1.0);

  return _sock_timeout_to_seconds (_sock_io_load64 (&GET_PRIV (self)->timeouts->timeout));
}
