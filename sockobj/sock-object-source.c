/* sock-object-source.c: a main-loop source watching a socket
 *
 * One GSource per call of sock_object_create_source(), as GIO's
 * g_socket_create_source(): the descriptor as a unix fd of the source,
 * pinned by the guard for as long as the source polls it; the cancellable
 * as a child source; the socket's timeout as the ready time. Closing the
 * socket wakes the source through its guard watch (no wakeup descriptor):
 * it dispatches once with G_IO_NVAL, lets go of the descriptor, and is
 * removed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sock-fd-guard-private.h"
#include "sock-object-private.h"

typedef struct
{
  GSource source;
  SockObject *socket;
  SockFdGuard *guard;        /* the socket's */
  gpointer fd_tag;           /* NULL once the descriptor is let go */
  GIOCondition condition;    /* the caller's, with G_IO_ERR and G_IO_HUP */
  SockFdGuardWatch watch;
} SockObjectSource;

/* Lets go of the descriptor: the main loop stops polling it, and a closed
 * socket's descriptor is closed now rather than when the source goes. */
static void
release_fd (SockObjectSource *self)
{
  if (self->fd_tag == NULL)
    return;

  g_source_remove_unix_fd (&self->source, self->fd_tag);
  self->fd_tag = NULL;
  _sock_fd_guard_release (self->guard);
}

/* The socket's timeout counts again from now, as GIO's sources count it. */
static void
rearm_timeout (SockObjectSource *self)
{
  gint64 timeout = _sock_io_load64 (&_sock_object_get_private (self->socket)->timeouts->timeout);

  g_source_set_ready_time (&self->source,
                           timeout > 0 ? g_get_monotonic_time () + timeout : -1);

  /* A close between the dispatch's check and the line above set the ready
   * time to 0, which that line may have overwritten. */
  if (_sock_fd_guard_is_closed (self->guard))
    g_source_set_ready_time (&self->source, 0);
}

static gboolean
sock_object_source_dispatch (GSource     *source,
                             GSourceFunc  callback,
                             gpointer     user_data)
{
  SockObjectSource *self = (SockObjectSource *) source;
  SockObjectSourceFunc func = (SockObjectSourceFunc) callback;
  GIOCondition events = 0;
  gboolean ret;

  if (func == NULL)
    {
      g_warning ("SockObjectSource dispatched without a callback; "
                 "set one with g_source_set_callback()");
      return G_SOURCE_REMOVE;
    }

  /* Closed: said once, then the source is done. */
  if (_sock_fd_guard_is_closed (self->guard))
    {
      release_fd (self);
      func (self->socket, G_IO_NVAL, user_data);
      return G_SOURCE_REMOVE;
    }

  /* Readiness, or none: the timeout expired, or the cancellable fired. */
  if (self->fd_tag != NULL)
    events = g_source_query_unix_fd (source, self->fd_tag) & self->condition;

  ret = func (self->socket, events, user_data);

  if (ret)
    rearm_timeout (self);

  return ret;
}

static void
sock_object_source_dispose (GSource *source)
{
  SockObjectSource *self = (SockObjectSource *) source;

  /* Before the source can be freed: see _sock_fd_guard_watch(). */
  _sock_fd_guard_unwatch (self->guard, &self->watch);
}

static void
sock_object_source_finalize (GSource *source)
{
  SockObjectSource *self = (SockObjectSource *) source;

  if (self->fd_tag != NULL)
    {
      /* The source is out of every context: nothing polls the number. */
      self->fd_tag = NULL;
      _sock_fd_guard_release (self->guard);
    }
  g_clear_object (&self->socket);
}

/* For g_source_set_closure(): the closure takes the socket and the
 * condition and returns a boolean, as a SockObjectSourceFunc does. */
static gboolean
sock_object_source_closure_callback (SockObject   *socket,
                                     GIOCondition  condition,
                                     gpointer      data)
{
  GClosure *closure = data;
  GValue params[2] = { G_VALUE_INIT, G_VALUE_INIT };
  GValue result_value = G_VALUE_INIT;
  gboolean result;

  g_value_init (&result_value, G_TYPE_BOOLEAN);
  g_value_init (&params[0], SOCK_TYPE_OBJECT);
  g_value_set_object (&params[0], socket);
  g_value_init (&params[1], G_TYPE_IO_CONDITION);
  g_value_set_flags (&params[1], condition);

  g_closure_invoke (closure, &result_value, 2, params, NULL);

  result = g_value_get_boolean (&result_value);
  g_value_unset (&result_value);
  g_value_unset (&params[0]);
  g_value_unset (&params[1]);

  return result;
}

static GSourceFuncs sock_object_source_funcs = {
  NULL,
  NULL,
  sock_object_source_dispatch,
  sock_object_source_finalize,
  (GSourceFunc) sock_object_source_closure_callback,
  NULL,
};

/**
 * SockObjectSourceFunc:
 * @socket: the socket the source watches
 * @condition: the conditions the socket polled for, among those the source
 *   was made for and `G_IO_ERR` and `G_IO_HUP`; 0 when the socket's timeout
 *   expired or the source's cancellable was cancelled; `G_IO_NVAL`, once,
 *   when the socket was closed
 * @user_data: the data given with the callback
 *
 * The callback of a source made by [method@Sock.Object.create_source] or
 * [method@Sock.Object.add_watch].
 *
 * Returns: %G_SOURCE_CONTINUE to keep the source, %G_SOURCE_REMOVE to
 *   remove it
 *
 * Since: 1.2
 */

/**
 * sock_object_create_source: (skip)
 * @self: a socket
 * @condition: what to wait for: `G_IO_IN`, `G_IO_OUT` and `G_IO_PRI`, in
 *   any combination
 * @cancellable: (nullable): a [class@Gio.Cancellable] whose cancellation
 *   also dispatches the source, or %NULL
 *
 * Makes a [struct@GLib.Source] that dispatches when the socket polls for
 * @condition, as GIO's `g_socket_create_source()` does. Its callback is a
 * [callback@Sock.ObjectSourceFunc], set with g_source_set_callback() (cast
 * with `G_SOURCE_FUNC()`) or g_source_set_closure(); the source holds a
 * reference to the socket.
 *
 * The source dispatches
 *
 * - when the socket polls for any of @condition, or for `G_IO_ERR` or
 *   `G_IO_HUP`, which are always watched; the callback is given those of
 *   them that hold;
 * - when @cancellable is cancelled, with no condition (and again at every
 *   iteration of the main loop as long as the callback keeps the source:
 *   return %G_SOURCE_REMOVE then);
 * - when the socket's timeout (see [method@Sock.Object.settimeout]) passes
 *   without any of that, with no condition; the timeout counts again after
 *   each dispatch. A socket without a timeout, or a non-blocking one, has
 *   no such deadline. (`SO_RCVTIMEO` and `SO_SNDTIMEO` only bound blocking
 *   calls.)
 * - once with `G_IO_NVAL` when the socket is closed, whichever thread
 *   closes it: closing wakes the source. The source then lets go of the
 *   descriptor, which is closed at that moment if nothing else uses it,
 *   and removes itself whatever the callback returns.
 *
 * Until then the source keeps the descriptor's number reserved, so that the
 * main loop never polls a file that reused it. A source made for a socket
 * that is already closed dispatches with `G_IO_NVAL` at once.
 *
 * Bindings cannot give a source a callback of this type through
 * `GLib.Source.set_callback()`; they call [method@Sock.Object.add_watch].
 *
 * ```c
 * static gboolean
 * on_readable (SockObject *sock, GIOCondition condition, gpointer user_data)
 * {
 *   if (condition & G_IO_NVAL)
 *     return G_SOURCE_REMOVE;
 *   ... sock_object_recv () will not wait now ...
 *   return G_SOURCE_CONTINUE;
 * }
 *
 * GSource *source = sock_object_create_source (sock, G_IO_IN, NULL);
 * g_source_set_callback (source, G_SOURCE_FUNC (on_readable), NULL, NULL);
 * g_source_attach (source, NULL);
 * g_source_unref (source);
 * ```
 *
 * Returns: (transfer full): a new source, not attached to any context
 *
 * Since: 1.2
 */
GSource *
sock_object_create_source (SockObject   *self,
                           GIOCondition  condition,
                           GCancellable *cancellable)
{
  SockObjectPrivate *priv;
  SockObjectSource *source_self;
  GSource *source;
  gint fd;

  g_return_val_if_fail (SOCK_IS_OBJECT (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  priv = _sock_object_get_private (self);

  source = g_source_new (&sock_object_source_funcs, sizeof (SockObjectSource));
  g_source_set_static_name (source, "SockObjectSource");
  source_self = (SockObjectSource *) source;
  source_self->socket = g_object_ref (self);
  source_self->guard = &priv->guard;
  source_self->condition = condition | G_IO_ERR | G_IO_HUP;

  if (cancellable != NULL)
    {
      GSource *cancellable_source = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancellable_source);
      g_source_add_child_source (source, cancellable_source);
      g_source_unref (cancellable_source);
    }

  /* The pin is the source's until it lets go of the descriptor. A closed
   * socket has none to give: the watch below makes the source ready. */
  if ((fd = _sock_fd_guard_acquire (&priv->guard)) >= 0)
    source_self->fd_tag = g_source_add_unix_fd (source, fd, source_self->condition);

  rearm_timeout (source_self);

  g_source_set_dispose_function (source, sock_object_source_dispose);
  _sock_fd_guard_watch (&priv->guard, &source_self->watch, source);

  return source;
}

/**
 * sock_object_add_watch:
 * @self: a socket
 * @condition: what to wait for: `G_IO_IN`, `G_IO_OUT` and `G_IO_PRI`, in
 *   any combination
 * @priority: the priority of the source, such as `G_PRIORITY_DEFAULT`
 * @callback: (scope notified) (closure user_data) (destroy notify): called
 *   when the socket polls for @condition, when its timeout expires, and
 *   once when it is closed
 * @user_data: data for @callback
 * @notify: (nullable): called with @user_data when the source is removed
 *
 * Watches the socket from the global default main context, as
 * `g_unix_fd_add_full()` watches a descriptor: a source from
 * [method@Sock.Object.create_source] without a cancellable, given
 * @priority and @callback, and attached. It is the form bindings use:
 *
 * ```python
 * def on_readable(sock, condition):
 *     if condition & GLib.IO_NVAL:
 *         return GLib.SOURCE_REMOVE
 *     print(sock.recv(1024, 0).get_data())
 *     return GLib.SOURCE_CONTINUE
 *
 * sock.add_watch(GLib.IO_IN, GLib.PRIORITY_DEFAULT, on_readable)
 * ```
 *
 * Remove the source with g_source_remove() and the returned id, or by
 * returning %G_SOURCE_REMOVE from @callback; @notify is called then.
 *
 * Returns: the id of the source in the global default main context
 *
 * Since: 1.2
 */
guint
sock_object_add_watch (SockObject           *self,
                       GIOCondition          condition,
                       gint                  priority,
                       SockObjectSourceFunc  callback,
                       gpointer              user_data,
                       GDestroyNotify        notify)
{
  GSource *source;
  guint id;

  g_return_val_if_fail (SOCK_IS_OBJECT (self), 0);
  g_return_val_if_fail (callback != NULL, 0);

  source = sock_object_create_source (self, condition, NULL);
  if (priority != G_PRIORITY_DEFAULT)
    g_source_set_priority (source, priority);
  g_source_set_callback (source, (GSourceFunc) callback, user_data, notify);
  id = g_source_attach (source, NULL);
  g_source_unref (source);

  return id;
}
