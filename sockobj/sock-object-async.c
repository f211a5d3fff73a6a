/* sock-object-async.c: the asynchronous calls
 *
 * The _async/_finish pairs follow GIO's conventions (GTask, the caller's
 * thread-default main context, source tags checked in _finish,
 * G_IO_ERROR_CANCELLED, G_IO_ERROR_PENDING) and are not virtual: like
 * GInputStream's, they are built on the primitives.
 *
 * When the class's primitive is the library's own, an operation runs
 * non-blocking system calls of the I/O layer (the same attempts as the
 * blocking calls, with MSG_DONTWAIT) from the dispatch of a source: no
 * thread. When a subclass overrode the blocking virtual method the
 * operation stands on, that method runs in a worker thread instead
 * (g_task_run_in_thread()), as GIO's streams do, so that the override
 * still decides what the operation does.
 *
 * The source is a "driver": one per socket and main context, which lives
 * as long as an operation of the socket is queued on it, so that the usual
 * chain -- a callback starting the socket's next operation -- reuses it.
 * Its descriptor is added to the context once (g_source_add_poll() with a
 * GPollFD of its own, whose events change in place), and it may recurse:
 * GLib then neither removes and re-adds its descriptor around each
 * dispatch nor signals the context's wakeup descriptor when it does, which
 * would cost three system calls and two walks of the context's poll list
 * per operation. Its prepare() makes it ready for operations that have
 * their outcome already (a send that went out at once completes in the next
 * iteration, never inside the _async call), and bounds the poll by the
 * nearest deadline of the socket's timeout.
 *
 * Reads are accept, recv and recvfrom; writes are connect, send, sendall
 * and sendto. One of each may be in progress on a socket, from its _async
 * call until just before its callback runs; another one is refused with
 * G_IO_ERROR_PENDING.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "sock-error.h"
#include "sock-error-private.h"
#include "sock-fd-guard-private.h"
#include "sock-inet-address-private.h"
#include "sock-object-private.h"

#define GET_PRIV(self) _sock_object_get_private (self)

/* The most a receive takes on the stack before it is copied out. */
#define RECV_STACK_SIZE 4096

typedef enum
{
  OP_ACCEPT,
  OP_RECV,
  OP_RECVFROM,
  OP_CONNECT,
  OP_SEND,
  OP_SENDALL,
  OP_SENDTO,
} OpKind;

enum
{
  DIR_READ,
  DIR_WRITE,
};

static const gchar * const op_names[] = {
  [OP_ACCEPT] = "accept",
  [OP_RECV] = "recv",
  [OP_RECVFROM] = "recvfrom",
  [OP_CONNECT] = "connect",
  [OP_SEND] = "send",
  [OP_SENDALL] = "sendall",
  [OP_SENDTO] = "sendto",
};

/* Where connect() and sendto() go. */
typedef struct
{
  struct sockaddr_storage storage;
  socklen_t length;
  gchar *text;              /* for messages */
} Target;

typedef struct _Driver Driver;

/* One operation; the task's data. */
typedef struct
{
  OpKind kind;
  guint dir;
  GTask *task;              /* owned until the operation completes */
  GAsyncReadyCallback callback;
  gpointer user_data;
  gboolean claimed;         /* holds the socket's read or write slot */

  Driver *driver;           /* a reference, while queued on one */
  guint64 serial;           /* the driver's count when queued */
  GIOCondition condition;   /* what it waits for; 0 while resolving or done */
  gboolean done;            /* the outcome is set: complete at the next dispatch */
  gint64 deadline;          /* monotonic microseconds, -1 for none */
  gulong cancelled_id;

  /* The outcome. */
  GError *error;
  gpointer result;          /* GBytes or SockObject */
  GDestroyNotify result_free;
  gssize count;
  gboolean ok;
  GVariant *peer;           /* accept, recvfrom: the other end */

  /* The parameters. */
  gsize bufsize;
  gint flags;
  GBytes *data;
  gsize sent;
  GVariant *address;        /* connect, sendto: the caller's */
  GArray *targets;          /* of Target, once the address is native */
  guint next_target;
  GError *first_error;      /* connect: the first address's failure */
  GString *messages;        /* connect: every address's failure */
  GCancellable *resolving;  /* while the host is looked up */
} Op;

struct _Driver
{
  GSource source;
  SockObject *socket;       /* a reference */
  SockObjectPrivate *priv;
  GMainContext *context;
  Driver *next;             /* in priv->async_drivers */
  gboolean detached;        /* out of the list: no operation joins it again */

  GPollFD pollfd;
  gboolean polling;         /* pollfd is added, and the descriptor pinned for it */
  Op *ops[2];               /* the queued read and write */
  guint64 serial;

  /* Read without the lock by prepare() and check(). */
  gint ready;               /* an operation has its outcome */
  gint64 deadline;          /* the nearest deadline of a waiting operation */

  SockFdGuardWatch watch;
};

/* Operations ------------------------------------------------------------------ */

static void
target_clear (gpointer data)
{
  Target *target = data;

  g_free (target->text);
}

static void
op_free (gpointer data)
{
  Op *op = data;

  g_assert (op->driver == NULL && op->task == NULL);
  g_clear_error (&op->error);
  if (op->result != NULL)
    op->result_free (op->result);
  g_clear_pointer (&op->peer, g_variant_unref);
  g_clear_pointer (&op->data, g_bytes_unref);
  g_clear_pointer (&op->address, g_variant_unref);
  g_clear_pointer (&op->targets, g_array_unref);
  g_clear_error (&op->first_error);
  if (op->messages != NULL)
    g_string_free (op->messages, TRUE);
  g_clear_object (&op->resolving);
  g_free (op);
}

/* The task's callback: the socket's slot is free again before the caller's
 * callback runs, so that it can start the next operation, as GIO's
 * streams clear their pending flag. */
static void
op_ready (GObject      *source_object,
          GAsyncResult *result,
          gpointer      data)
{
  Op *op = data;

  if (op->claimed)
    {
      SockObjectPrivate *priv = GET_PRIV (SOCK_OBJECT (source_object));

      g_atomic_pointer_compare_and_exchange (&priv->async_pending[op->dir], op, NULL);
      op->claimed = FALSE;
    }

  if (op->callback != NULL)
    op->callback (source_object, result, op->user_data);
}

static Op *
op_new (SockObject          *self,
        OpKind               kind,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->dir = kind <= OP_RECVFROM ? DIR_READ : DIR_WRITE;
  op->callback = callback;
  op->user_data = user_data;
  op->deadline = -1;
  op->count = -1;

  op->task = g_task_new (self, cancellable, op_ready, op);
  /* The function, not the macro of the same name, which also copies the
   * caller's function name into each task. */
  (g_task_set_source_tag) (op->task, source_tag);
  g_task_set_task_data (op->task, op, op_free);
  /* An operation that completed before its cancellable was cancelled
   * reports what it did: data it received is not lost. */
  g_task_set_check_cancellable (op->task, FALSE);

  return op;
}

/* Sets the outcome to a failure of the I/O layer, worded as the blocking
 * call words it. */
static void
op_set_io_error (Op          *op,
                 SockObject  *self,
                 gint         errsv,
                 gboolean     expired)
{
  SockIOWait wait = { SOCK_IO_POLL, expired, ETIMEDOUT, -1, NULL };
  GError *error = NULL;

  switch (op->kind)
    {
    case OP_CONNECT:
    case OP_SENDTO:
      {
        g_autofree gchar *text = NULL;

        /* The address tried, or the caller's before any was. */
        if (op->targets != NULL && op->targets->len > 0)
          text = g_strdup (g_array_index (op->targets, Target,
                                          MAX (op->next_target, 1) - 1).text);
        else if (op->address != NULL)
          text = g_variant_print (op->address, FALSE);
        _sock_object_set_io_error (self, &error, errsv, &wait,
                                   op->kind == OP_CONNECT ? "connect to %s" : "sendto %s",
                                   text != NULL ? text : "nowhere");
      }
      break;
    case OP_SENDALL:
      _sock_object_set_io_error (self, &error, errsv, &wait, "send");
      break;
    case OP_ACCEPT:
    case OP_RECV:
    case OP_RECVFROM:
    case OP_SEND:
    default:
      _sock_object_set_io_error (self, &error, errsv, &wait, "%s", op_names[op->kind]);
      break;
    }

  g_clear_error (&op->error);
  op->error = error;
}

/* sendall says how much went out, whatever stopped it. */
static void
op_fail (Op     *op,
         GError *error)
{
  g_clear_error (&op->error);
  if (op->kind == OP_SENDALL)
    _sock_sendall_failed (&op->error, error, op->sent, g_bytes_get_size (op->data));
  else
    op->error = error;
  op->done = TRUE;
  op->condition = 0;
}

static void
op_fail_io (Op         *op,
            SockObject *self,
            gint        errsv,
            gboolean    expired)
{
  op_set_io_error (op, self, errsv, expired);
  op_fail (op, g_steal_pointer (&op->error));
}

/* Hands the outcome to the task. The operation is out of its driver; the
 * task's callback (op_ready) runs now or in the next iteration, as GTask
 * decides. Nothing may touch @op afterwards. */
static void
op_return (Op *op)
{
  GTask *task = g_steal_pointer (&op->task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    switch (op->kind)
      {
      case OP_ACCEPT:
      case OP_RECV:
      case OP_RECVFROM:
        g_task_return_pointer (task, g_steal_pointer (&op->result), op->result_free);
        break;
      case OP_SEND:
      case OP_SENDTO:
        g_task_return_int (task, op->count);
        break;
      case OP_CONNECT:
      case OP_SENDALL:
      default:
        g_task_return_boolean (task, TRUE);
        break;
      }

  g_object_unref (task);
}

/* The system calls --------------------------------------------------------------- */

/* A nonblocking attempt of the I/O layer: EINTR retried, EAGAIN returned. */
static gssize
run_attempt (SockObjectPrivate *priv,
             GIOCondition       condition,
             SockIOAttempt      attempt,
             gpointer           call,
             gint              *errsv)
{
  SockIOWait wait = { SOCK_IO_NONBLOCKING, FALSE, 0, -1, NULL };

  return _sock_io_run (&priv->guard, condition, &wait, attempt, call, errsv);
}

/* accept() and connect() have no per-call MSG_DONTWAIT: on a blocking
 * descriptor the attempt runs with O_NONBLOCK set for its duration. A
 * blocking call of another thread that meets the flag meanwhile waits in
 * the I/O layer's poll() (sock-io.c). */
static gssize
run_attempt_nonblocking_fd (SockObjectPrivate *priv,
                            GIOCondition       condition,
                            SockIOAttempt      attempt,
                            gpointer           call,
                            gint              *errsv)
{
  gint fd, flags;
  gssize n;

  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    {
      *errsv = EBADF;
      return -1;
    }

  flags = fcntl (fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK) && fcntl (fd, F_SETFL, flags | O_NONBLOCK) == 0)
    {
      n = run_attempt (priv, condition, attempt, call, errsv);
      fcntl (fd, F_SETFL, flags);
    }
  else
    n = run_attempt (priv, condition, attempt, call, errsv);

  _sock_fd_guard_release (&priv->guard);
  return n;
}

typedef struct
{
  const Target *target;
} ConnectCall;

static gssize
connect_attempt (gint     fd,
                 gint     dontwait,
                 gpointer data)
{
  ConnectCall *call = data;

  return connect (fd, (const struct sockaddr *) &call->target->storage, call->target->length);
}

/* Asks for the connection to the next target: FALSE when it is made or
 * has failed (the outcome set), TRUE while it goes on. */
static gboolean
connect_next (Op         *op,
              SockObject *self)
{
  SockObjectPrivate *priv = GET_PRIV (self);

  while (op->next_target < op->targets->len)
    {
      ConnectCall call = { &g_array_index (op->targets, Target, op->next_target++) };
      GError *local_error = NULL;
      gint errsv = 0;

      if (run_attempt_nonblocking_fd (priv, G_IO_OUT, connect_attempt, &call, &errsv) == 0 ||
          errsv == EISCONN)
        {
          op->done = TRUE;
          op->condition = 0;
          return FALSE;
        }
      if (errsv == EINPROGRESS || errsv == EALREADY)
        {
          op->condition = G_IO_OUT;
          return TRUE;
        }

      /* This address failed: note why, and try the next, as
       * sock_create_connection() does. */
      op_set_io_error (op, self, errsv, FALSE);
      local_error = g_steal_pointer (&op->error);
      if (errsv == EBADF)
        {
          op_fail (op, local_error);
          return FALSE;
        }
      if (op->messages == NULL)
        op->messages = g_string_new (local_error->message);
      else
        g_string_append_printf (op->messages, "; %s", local_error->message);
      if (op->first_error == NULL)
        op->first_error = local_error;
      else
        g_error_free (local_error);
    }

  /* Every address failed: the first one's error, with all the messages. */
  if (op->targets->len == 1)
    op_fail (op, g_steal_pointer (&op->first_error));
  else
    op_fail (op, g_error_new (op->first_error->domain, op->first_error->code,
                              "connect: %s", op->messages->str));
  return FALSE;
}

/* A connect() in progress polled writable: connected, failed (on to the
 * next address), or asked for again. */
static void
connect_step (Op         *op,
              SockObject *self)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gint fd, err;

  if ((fd = _sock_fd_guard_acquire (&priv->guard)) < 0)
    {
      op_fail_io (op, self, EBADF, FALSE);
      return;
    }
  err = _sock_connect_result (fd);
  _sock_fd_guard_release (&priv->guard);

  if (err == 0)
    {
      op->done = TRUE;
      op->condition = 0;
    }
  else if (err == ENOTCONN)
    {
      /* As the blocking call: the same address again. */
      op->next_target--;
      connect_next (op, self);
    }
  else
    {
      GError *local_error;

      op_set_io_error (op, self, err, FALSE);
      local_error = g_steal_pointer (&op->error);
      if (op->next_target < op->targets->len)
        {
          /* Linux keeps a socket whose connection failed this way
           * "connecting" (the next connect() fails with ECONNABORTED);
           * connecting to AF_UNSPEC makes it unconnected again. */
          if ((fd = _sock_fd_guard_acquire (&priv->guard)) >= 0)
            {
              struct sockaddr unspec = { .sa_family = AF_UNSPEC };

              connect (fd, &unspec, sizeof unspec);
              _sock_fd_guard_release (&priv->guard);
            }

          if (op->messages == NULL)
            op->messages = g_string_new (local_error->message);
          else
            g_string_append_printf (op->messages, "; %s", local_error->message);
          if (op->first_error == NULL)
            op->first_error = local_error;
          else
            g_error_free (local_error);
          connect_next (op, self);
        }
      else if (op->first_error != NULL)
        {
          g_string_append_printf (op->messages, "; %s", local_error->message);
          g_error_free (local_error);
          op_fail (op, g_error_new (op->first_error->domain, op->first_error->code,
                                    "connect: %s", op->messages->str));
        }
      else
        op_fail (op, local_error);
    }
}

/* One non-blocking try at the operation's system call: sets the outcome,
 * or leaves the operation waiting (EAGAIN). */
static void
op_attempt (Op         *op,
            SockObject *self)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  gssize n;
  gint errsv = 0;

  switch (op->kind)
    {
    case OP_ACCEPT:
      {
        /* As the blocking accept(): the default timeout's mode at once. */
        gint64 timeout = _sock_get_default_timeout_us ();
        SockAcceptCall call = { .flags = SOCK_CLOEXEC | (timeout >= 0 ? SOCK_NONBLOCK : 0) };
        GError *local_error = NULL;
        SockObject *conn;

        n = run_attempt_nonblocking_fd (priv, G_IO_IN, _sock_accept_attempt, &call, &errsv);
        if (n < 0)
          break;
        conn = _sock_object_new_accepted (self, n, timeout);
        op->peer = _sock_object_from_native (self, &call.storage, call.length, &local_error);
        if (local_error != NULL)
          {
            g_object_unref (conn);
            op_fail (op, local_error);
            return;
          }
        op->result = conn;
        op->result_free = g_object_unref;
        op->done = TRUE;
      }
      break;

    case OP_RECV:
      {
        SockRecvCall call = { NULL, op->bufsize, op->flags | MSG_DONTWAIT };
        guint8 small[RECV_STACK_SIZE];
        GError *local_error = NULL;

        /* A small receive lands on the stack and is copied out at its own
         * size: a 64-byte message costs a 64-byte allocation, not bufsize. */
        if (op->bufsize <= sizeof small && !(op->flags & MSG_TRUNC))
          {
            call.buffer = small;
            n = run_attempt (priv, G_IO_IN, _sock_recv_attempt, &call, &errsv);
            if (n < 0)
              break;
            op->result = g_bytes_new (small, MIN ((gsize) n, op->bufsize));
          }
        else
          {
            if ((call.buffer = _sock_alloc_receive_buffer (op->bufsize, op->flags, "recv",
                                                           &local_error)) == NULL)
              {
                op_fail (op, local_error);
                return;
              }
            n = run_attempt (priv, G_IO_IN, _sock_recv_attempt, &call, &errsv);
            if (n < 0)
              {
                g_free (call.buffer);
                break;
              }
            op->result = _sock_bytes_from_buffer (call.buffer, op->bufsize, n);
          }
        op->result_free = (GDestroyNotify) g_bytes_unref;
        op->done = TRUE;
      }
      break;

    case OP_RECVFROM:
      {
        SockRecvfromCall call;
        GError *local_error = NULL;

        if ((call.buffer = _sock_alloc_receive_buffer (op->bufsize, op->flags, "recvfrom",
                                                       &local_error)) == NULL)
          {
            op_fail (op, local_error);
            return;
          }
        call.size = op->bufsize;
        call.flags = op->flags | MSG_DONTWAIT;
        n = run_attempt (priv, G_IO_IN, _sock_recvfrom_attempt, &call, &errsv);
        if (n < 0)
          {
            g_free (call.buffer);
            break;
          }
        op->peer = _sock_object_from_native (self, &call.storage, call.length, &local_error);
        if (local_error != NULL)
          {
            g_free (call.buffer);
            op_fail (op, local_error);
            return;
          }
        op->result = _sock_bytes_from_buffer (call.buffer, op->bufsize, n);
        op->result_free = (GDestroyNotify) g_bytes_unref;
        op->done = TRUE;
      }
      break;

    case OP_CONNECT:
      connect_step (op, self);
      return;

    case OP_SEND:
    case OP_SENDTO:
      {
        gsize size;
        SockSendCall call = { g_bytes_get_data (op->data, &size), 0, op->flags | MSG_DONTWAIT,
                              NULL, 0 };

        call.size = size;
        if (op->kind == OP_SENDTO)
          {
            const Target *target = &g_array_index (op->targets, Target, 0);

            call.storage = &target->storage;
            call.length = target->length;
            n = run_attempt (priv, G_IO_OUT, _sock_sendto_attempt, &call, &errsv);
          }
        else
          n = run_attempt (priv, G_IO_OUT, _sock_send_attempt, &call, &errsv);
        if (n < 0)
          break;
        op->count = n;
        op->done = TRUE;
      }
      break;

    case OP_SENDALL:
      {
        gsize size;
        const guint8 *data = g_bytes_get_data (op->data, &size);

        /* Until the socket's buffer is full: one wait per buffer, not one
         * per send(). */
        n = 0;
        while (op->sent < size)
          {
            SockSendCall call = { data + op->sent, size - op->sent, op->flags | MSG_DONTWAIT,
                                  NULL, 0 };

            n = run_attempt (priv, G_IO_OUT, _sock_send_attempt, &call, &errsv);
            if (n < 0)
              break;
            op->sent += n;
          }
        if (n < 0)
          break;
        op->done = TRUE;
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (op->done)
    op->condition = 0;
  else if (errsv != EAGAIN && errsv != EWOULDBLOCK)
    op_fail_io (op, self, errsv, FALSE);
}

/* Drivers --------------------------------------------------------------------- */

static GSourceFuncs driver_funcs;

/* The descriptor is polled while an operation waits for it. HOLDS lock. */
static gboolean
driver_start_polling (Driver *driver)
{
  gint fd;

  if (driver->polling)
    return TRUE;
  if ((fd = _sock_fd_guard_acquire (&driver->priv->guard)) < 0)
    return FALSE;

  driver->pollfd.fd = fd;
  driver->pollfd.revents = 0;
  g_source_add_poll (&driver->source, &driver->pollfd);
  driver->polling = TRUE;
  return TRUE;
}

/* HOLDS lock. */
static void
driver_stop_polling (Driver *driver)
{
  if (!driver->polling)
    return;

  if (!driver->detached)
    g_source_remove_poll (&driver->source, &driver->pollfd);
  driver->polling = FALSE;
  driver->pollfd.revents = 0;
  /* Out of the context's poll list now: the number may go. */
  _sock_fd_guard_release (&driver->priv->guard);
}

/* Recomputes what the driver polls for, whether it is ready, and its
 * deadline, after its operations changed. HOLDS lock. */
static void
driver_update (Driver *driver)
{
  GIOCondition events = 0;
  gboolean ready = FALSE, resolving = FALSE;
  gint64 deadline = G_MAXINT64;

  for (guint dir = 0; dir < 2; dir++)
    {
      Op *op = driver->ops[dir];

      if (op == NULL)
        continue;
      if (op->done)
        ready = TRUE;
      else
        {
          events |= op->condition;
          resolving |= op->condition == 0;
          if (op->deadline >= 0)
            deadline = MIN (deadline, op->deadline);
        }
    }

  /* A waiting operation needs the descriptor polled; one that only waits
   * for the resolver must not have it polled, even for no events, since
   * poll() reports a hang-up whatever it is asked. An operation with its
   * outcome keeps it, as the next one likely needs it. */
  if (events != 0 && !driver_start_polling (driver))
    {
      /* Closed: the dispatch fails every operation. */
      ready = TRUE;
    }
  else if (events == 0 && resolving && !ready)
    driver_stop_polling (driver);

  driver->pollfd.events = events;
  g_atomic_int_set (&driver->ready, ready);
  driver->deadline = deadline == G_MAXINT64 ? -1 : deadline;
}

static gboolean
driver_prepare (GSource *source,
                gint    *timeout)
{
  Driver *driver = (Driver *) source;
  gint64 deadline, now;

  *timeout = -1;
  if (g_atomic_int_get (&driver->ready))
    return TRUE;

  deadline = driver->deadline;
  if (deadline < 0)
    return FALSE;

  now = g_source_get_time (source);
  if (now >= deadline)
    return TRUE;

  /* Rounded up, so that the dispatch is never just before the deadline. */
  *timeout = (gint) MIN ((deadline - now + 999) / 1000, G_MAXINT);
  return FALSE;
}

static gboolean
driver_check (GSource *source)
{
  Driver *driver = (Driver *) source;

  /* A hang-up with nothing waiting for the descriptor waits for an
   * operation that will see it. */
  if (driver->pollfd.events != 0 && driver->pollfd.revents != 0)
    return TRUE;
  if (g_atomic_int_get (&driver->ready))
    return TRUE;

  return driver->deadline >= 0 && g_source_get_time (source) >= driver->deadline;
}

/* Takes @op off @driver, which keeps its reference until the end of the
 * dispatch. HOLDS lock. */
static void
driver_remove (Driver *driver,
               Op     *op)
{
  g_atomic_pointer_set (&driver->ops[op->dir], NULL);
  op->driver = NULL;
}

/* One queued operation at dispatch time. */
static void
driver_step (Driver       *driver,
             Op           *op,
             GIOCondition  revents,
             gboolean      closed,
             gint64        now)
{
  SockObject *self = driver->socket;
  SockObjectPrivate *priv = driver->priv;
  GCancellable *cancellable = g_task_get_cancellable (op->task);

  if (op->done)
    ;
  else if (closed)
    op_fail_io (op, self, EBADF, FALSE);
  else if (g_cancellable_is_cancelled (cancellable))
    {
      GError *error = NULL;

      /* Checked before each system call: nothing more is received or
       * sent once the cancellation is seen. */
      g_cancellable_set_error_if_cancelled (cancellable, &error);
      op_fail (op, error);
    }
  else if (op->condition != 0 && (revents & (op->condition | G_IO_ERR | G_IO_HUP | G_IO_NVAL)))
    op_attempt (op, self);

  if (!op->done && op->deadline >= 0 && now >= op->deadline)
    op_fail_io (op, self, ETIMEDOUT, TRUE);

  if (!op->done)
    return;

  g_mutex_lock (&priv->async_lock);
  driver_remove (driver, op);
  g_mutex_unlock (&priv->async_lock);

  if (op->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, op->cancelled_id);
  op->cancelled_id = 0;
  if (op->resolving != NULL)
    g_cancellable_cancel (op->resolving);

  op_return (op);
  g_source_unref (&driver->source);
}

/* Out of the socket's list, polling nothing: the driver is done. HOLDS lock. */
static void
driver_detach (Driver *driver)
{
  Driver **link;

  if (driver->detached)
    return;

  for (link = (Driver **) &driver->priv->async_drivers; *link != NULL; link = &(*link)->next)
    if (*link == driver)
      {
        *link = driver->next;
        break;
      }
  driver_stop_polling (driver);
  driver->detached = TRUE;
}

static gboolean
driver_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  Driver *driver = (Driver *) source;
  SockObjectPrivate *priv = driver->priv;
  GIOCondition revents;
  gboolean closed, keep;
  guint64 serial;
  gint64 now;

  /* Set by a close or a cancellation, which the steps below see. */
  if (g_source_get_ready_time (source) != -1)
    g_source_set_ready_time (source, -1);

  closed = _sock_fd_guard_is_closed (&priv->guard);
  now = g_source_get_time (source);

  g_mutex_lock (&priv->async_lock);
  serial = driver->serial;
  revents = driver->polling ? driver->pollfd.revents : 0;
  driver->pollfd.revents = 0;
  /* A closed socket's descriptor goes now, not with the last operation. */
  if (closed)
    driver_stop_polling (driver);
  g_mutex_unlock (&priv->async_lock);

  /* The operations queued before this dispatch, one at a time: a callback
   * may queue others, or (the driver may recurse) dispatch this driver
   * again from a nested main loop. */
  for (guint dir = 0; dir < 2; dir++)
    {
      /* Only this thread, which owns the context, completes operations;
       * others may only queue new ones, which the serial leaves out. */
      Op *op = g_atomic_pointer_get (&driver->ops[dir]);

      if (op != NULL && op->serial <= serial)
        driver_step (driver, op, revents, closed, now);
    }

  g_mutex_lock (&priv->async_lock);
  keep = !driver->detached && (driver->ops[DIR_READ] != NULL || driver->ops[DIR_WRITE] != NULL);
  if (keep)
    driver_update (driver);
  else
    driver_detach (driver);
  g_mutex_unlock (&priv->async_lock);

  if (!keep)
    return G_SOURCE_REMOVE;

  /* A close or cancellation between the checks above and the ready time
   * cleared at the top would be lost otherwise. */
  if (_sock_fd_guard_is_closed (&priv->guard))
    g_source_set_ready_time (source, 0);
  else
    for (guint dir = 0; dir < 2; dir++)
      {
        Op *op = driver->ops[dir];

        if (op != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (op->task)))
          g_source_set_ready_time (source, 0);
      }

  return G_SOURCE_CONTINUE;
}

static void
driver_dispose (GSource *source)
{
  Driver *driver = (Driver *) source;

  _sock_fd_guard_unwatch (&driver->priv->guard, &driver->watch);
}

static void
driver_finalize (GSource *source)
{
  Driver *driver = (Driver *) source;

  g_assert (driver->ops[DIR_READ] == NULL && driver->ops[DIR_WRITE] == NULL);

  /* Destroyed with its context: nothing polls the number any more. */
  if (driver->polling)
    {
      driver->polling = FALSE;
      _sock_fd_guard_release (&driver->priv->guard);
    }
  g_clear_object (&driver->socket);
}

static GSourceFuncs driver_funcs = {
  driver_prepare,
  driver_check,
  driver_dispatch,
  driver_finalize,
  NULL,
  NULL,
};

/* The driver of @self in @context, made if there is none. HOLDS lock. */
static Driver *
driver_get (SockObject   *self,
            GMainContext *context)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  Driver *driver;

  for (driver = priv->async_drivers; driver != NULL; driver = driver->next)
    if (driver->context == context)
      return driver;

  driver = (Driver *) g_source_new (&driver_funcs, sizeof (Driver));
  g_source_set_static_name (&driver->source, "SockObject async");
  g_source_set_can_recurse (&driver->source, TRUE);
  driver->socket = g_object_ref (self);
  driver->priv = priv;
  driver->context = context;
  driver->deadline = -1;
  driver->next = priv->async_drivers;
  priv->async_drivers = driver;

  g_source_set_dispose_function (&driver->source, driver_dispose);
  _sock_fd_guard_watch (&priv->guard, &driver->watch, &driver->source);
  g_source_attach (&driver->source, context);
  /* The context holds it now; each queued operation holds one more. */
  g_source_unref (&driver->source);

  return driver;
}

/* A cancellation from any thread: the driver's next dispatch fails the
 * operation. */
static void
op_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  Driver *driver = data;

  g_source_set_ready_time (&driver->source, 0);
}

static gboolean
in_dispatch_of (GMainContext *context)
{
  GSource *current = g_main_current_source ();

  return current != NULL && g_source_get_context (current) == context;
}

/* Hands a started operation (waiting, or with its outcome) to the driver of
 * its task's context. */
static void
op_queue (SockObject *self,
          Op         *op)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  GMainContext *context = g_task_get_context (op->task);
  GCancellable *cancellable = g_task_get_cancellable (op->task);
  Driver *driver;

  g_mutex_lock (&priv->async_lock);
  driver = driver_get (self, context);
  g_source_ref (&driver->source);
  op->driver = driver;
  /* Under the lock, so that no dispatch in another thread completes the
   * operation first; the handler itself takes no lock of ours. */
  if (cancellable != NULL && !op->done)
    op->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (op_cancelled),
                                              driver, NULL);
  op->serial = ++driver->serial;
  g_atomic_pointer_set (&driver->ops[op->dir], op);
  driver_update (driver);
  g_mutex_unlock (&priv->async_lock);

  /* A context iterated by another thread may be in poll(): the new events,
   * or the readiness, only count after a wakeup. From a dispatch of the
   * context itself (a callback starting the next operation), they count at
   * the next iteration. */
  if (!in_dispatch_of (context) && !g_main_context_is_owner (context))
    g_main_context_wakeup (context);
}

/* Starting ------------------------------------------------------------------------ */

static gboolean
vfunc_overridden (SockObject *self,
                  OpKind      kind)
{
  SockObjectClass *klass = SOCK_OBJECT_GET_CLASS (self);
  SockObjectClass *base = g_type_class_peek (SOCK_TYPE_OBJECT);

  switch (kind)
    {
    case OP_ACCEPT:
      return klass->accept != base->accept;
    case OP_RECV:
      return klass->recv != base->recv || klass->recv_into != base->recv_into;
    case OP_RECVFROM:
      return klass->recvfrom != base->recvfrom;
    case OP_CONNECT:
      return klass->connect != base->connect;
    case OP_SEND:
      return klass->send != base->send;
    case OP_SENDALL:
      return klass->sendall != base->sendall || klass->send != base->send;
    case OP_SENDTO:
      return klass->sendto != base->sendto;
    default:
      g_assert_not_reached ();
    }
}

/* The thread fallback: the subclass's blocking method, in a worker thread. */
static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  SockObject *self = source_object;
  Op *op = task_data;
  GError *error = NULL;

  /* Cancelled before the call started: nothing is received or sent. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  switch (op->kind)
    {
    case OP_ACCEPT:
      {
        SockObject *conn = sock_object_accept (self, &op->peer, &error);

        if (conn != NULL)
          g_task_return_pointer (task, conn, g_object_unref);
      }
      break;
    case OP_RECV:
      {
        GBytes *bytes = sock_object_recv (self, op->bufsize, op->flags, &error);

        if (bytes != NULL)
          g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
      }
      break;
    case OP_RECVFROM:
      {
        GBytes *bytes = sock_object_recvfrom (self, op->bufsize, op->flags, &op->peer, &error);

        if (bytes != NULL)
          g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
      }
      break;
    case OP_CONNECT:
      if (sock_object_connect (self, op->address, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case OP_SEND:
    case OP_SENDTO:
      {
        gsize size;
        gconstpointer data = g_bytes_get_data (op->data, &size);
        gssize n = op->kind == OP_SEND
                   ? sock_object_send (self, data, size, op->flags, &error)
                   : sock_object_sendto (self, data, size, op->flags, op->address, &error);

        if (n >= 0)
          g_task_return_int (task, n);
      }
      break;
    case OP_SENDALL:
      {
        gsize size;
        gconstpointer data = g_bytes_get_data (op->data, &size);

        if (sock_object_sendall (self, data, size, op->flags, &error))
          g_task_return_boolean (task, TRUE);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
}

/* Makes the caller's addresses native: the targets of connect() (all the
 * host's addresses) or sendto() (the first). */
static gboolean
op_set_targets (Op         *op,
                SockObject *self,
                GList      *resolved,
                GError    **error)
{
  op->targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_array_set_clear_func (op->targets, target_clear);

  do
    {
      g_autoptr(GVariant) address = g_variant_ref (op->address);
      Target target = { 0, };

      if (resolved != NULL)
        {
          /* The tuple again, its host the numeric address. */
          gsize n = g_variant_n_children (op->address);
          g_autofree GVariant **children = g_new (GVariant *, n);
          g_autofree gchar *host = g_inet_address_to_string (resolved->data);

          children[0] = g_variant_new_string (host);
          for (gsize i = 1; i < n; i++)
            children[i] = g_variant_get_child_value (op->address, i);
          g_variant_unref (address);
          address = g_variant_ref_sink (g_variant_new_tuple (children, n));
          for (gsize i = 1; i < n; i++)
            g_variant_unref (children[i]);
          resolved = resolved->next;
        }

      if (!_sock_object_to_native (self, address, &target.storage, &target.length, error))
        return FALSE;
      target.text = g_variant_print (address, FALSE);
      g_array_append_val (op->targets, target);
    }
  while (resolved != NULL && op->kind == OP_CONNECT);

  return TRUE;
}

/* After the targets are set: the first system call. */
static void
op_begin_targets (Op         *op,
                  SockObject *self)
{
  if (op->kind == OP_CONNECT)
    connect_next (op, self);
  else
    op_attempt (op, self);
  /* EAGAIN: the send waits. */
  if (!op->done && op->condition == 0)
    op->condition = G_IO_OUT;
}

static void
op_resolved (GObject      *source_object,
             GAsyncResult *result,
             gpointer      data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  SockObject *self = g_task_get_source_object (task);
  SockObjectPrivate *priv = GET_PRIV (self);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (source_object),
                                                           result, &error);

  /* Completed meanwhile (timed out, cancelled, closed): nothing to do. */
  if (op->task == NULL || g_cancellable_is_cancelled (op->resolving))
    {
      g_resolver_free_addresses (addresses);
      g_object_unref (task);
      return;
    }
  g_clear_object (&op->resolving);

  if (addresses == NULL)
    {
      g_autoptr(GVariant) host = g_variant_get_child_value (op->address, 0);
      g_autofree gchar *what = g_strdup_printf ("resolve \"%s\"",
                                                g_variant_get_string (host, NULL));
      GError *local_error = NULL;
      gint eai = EAI_FAIL;

      if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        eai = EAI_NONAME;
      else if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
        eai = EAI_AGAIN;
      /* Worded as the blocking call's lookup failure. */
      _sock_set_gai_error_detail (&local_error, eai, what, NULL);
      op_fail (op, local_error);
    }
  else
    {
      GError *local_error = NULL;

      if (!op_set_targets (op, self, addresses, &local_error))
        op_fail (op, local_error);
      else
        op_begin_targets (op, self);
      g_resolver_free_addresses (addresses);
    }

  g_mutex_lock (&priv->async_lock);
  if (op->driver != NULL)
    driver_update (op->driver);
  g_mutex_unlock (&priv->async_lock);

  g_object_unref (task);
}

/* Whether @op's address names a host to look up first. */
static gboolean
op_needs_lookup (Op         *op,
                 SockObject *self)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  g_autoptr(GVariant) host = NULL;

  if ((priv->family != AF_INET && priv->family != AF_INET6) ||
      !g_variant_is_of_type (op->address, G_VARIANT_TYPE_TUPLE) ||
      g_variant_n_children (op->address) < 2)
    return FALSE;

  host = g_variant_get_child_value (op->address, 0);
  return g_variant_is_of_type (host, G_VARIANT_TYPE_STRING) &&
         _sock_inet_host_needs_lookup (priv->family, g_variant_get_string (host, NULL));
}

/* Claims the slot, then runs the operation: in a thread for an overridden
 * method, else its first step now (a send is tried at once, a receive
 * waits for the socket to poll readable) and the rest from the driver. */
static void
op_start (SockObject *self,
          Op         *op)
{
  SockObjectPrivate *priv = GET_PRIV (self);
  GCancellable *cancellable = g_task_get_cancellable (op->task);
  gint64 timeout;

  op->claimed = g_atomic_pointer_compare_and_exchange (&priv->async_pending[op->dir], NULL, op);

  if (!op->claimed)
    {
      GTask *task = g_steal_pointer (&op->task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "%s: another %s is in progress on this socket "
                               "(one asynchronous read and one write may be)",
                               op_names[op->kind],
                               op->dir == DIR_READ ? "read" : "write");
      g_object_unref (task);
      return;
    }

  if (vfunc_overridden (self, op->kind))
    {
      GTask *task = g_steal_pointer (&op->task);

      g_task_run_in_thread (task, op_thread);
      g_object_unref (task);
      return;
    }

  timeout = _sock_io_load64 (&priv->timeouts->timeout);
  if (timeout > 0)
    op->deadline = g_get_monotonic_time () + timeout;

  if (g_cancellable_is_cancelled (cancellable))
    {
      GError *error = NULL;

      g_cancellable_set_error_if_cancelled (cancellable, &error);
      op_fail (op, error);
    }
  else if (_sock_fd_guard_is_closed (&priv->guard))
    op_fail_io (op, self, EBADF, FALSE);
  else
    switch (op->kind)
      {
      case OP_ACCEPT:
      case OP_RECVFROM:
        op->condition = G_IO_IN;
        break;

      case OP_RECV:
        /* As CPython: nothing asked, nothing waited for. */
        if (op->bufsize == 0)
          {
            op->result = g_bytes_new (NULL, 0);
            op->result_free = (GDestroyNotify) g_bytes_unref;
            op->done = TRUE;
          }
        else
          op->condition = G_IO_IN;
        break;

      case OP_SEND:
      case OP_SENDALL:
        op_attempt (op, self);
        if (!op->done)
          op->condition = G_IO_OUT;
        break;

      case OP_CONNECT:
      case OP_SENDTO:
        if (op->address == NULL)
          {
            GError *error = NULL;

            _sock_set_invalid_error (&error, "No address was given");
            op_fail (op, error);
          }
        else if (op_needs_lookup (op, self))
          {
            g_autoptr(GVariant) host = g_variant_get_child_value (op->address, 0);
            g_autoptr(GResolver) resolver = g_resolver_get_default ();

            op->resolving = g_cancellable_new ();
            g_resolver_lookup_by_name_with_flags_async (resolver,
                                                        g_variant_get_string (host, NULL),
                                                        priv->family == AF_INET6
                                                        ? G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY
                                                        : G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY,
                                                        op->resolving, op_resolved,
                                                        g_object_ref (op->task));
          }
        else
          {
            GError *error = NULL;

            if (!op_set_targets (op, self, NULL, &error))
              op_fail (op, error);
            else
              op_begin_targets (op, self);
          }
        break;

      default:
        g_assert_not_reached ();
      }

  op_queue (self, op);
}

/* Finishing ------------------------------------------------------------------------ */

static gboolean
result_is_valid (SockObject   *self,
                 GAsyncResult *result,
                 gpointer      source_tag)
{
  return g_task_is_valid (result, self) &&
         g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/* The address an accept or recvfrom found, for the caller's out argument. */
static void
take_peer (GAsyncResult  *result,
           GVariant     **address)
{
  Op *op = g_task_get_task_data (G_TASK (result));

  if (address != NULL)
    *address = g_steal_pointer (&op->peer);
}

/* The result of an accept or recvfrom, and the address it found. */
static gpointer
propagate_with_peer (GAsyncResult  *result,
                     GVariant     **address,
                     GError       **error)
{
  gpointer ret;

  if (address != NULL)
    *address = NULL;

  ret = g_task_propagate_pointer (G_TASK (result), error);
  if (ret != NULL)
    take_peer (result, address);

  return ret;
}

/* Starting ------------------------------------------------------------------------ */

/* recv and recvfrom: @op, fresh from op_new(), takes its parameters and
 * starts. */
static void
start_recv (Op    *op,
            gsize  bufsize,
            gint   flags)
{
  op->bufsize = bufsize;
  op->flags = flags;
  op_start (g_task_get_source_object (op->task), op);
}

/* send, sendall and sendto (which alone has an @address, floating or not):
 * @op, fresh from op_new(), takes its parameters and starts. */
static void
start_send (Op       *op,
            GBytes   *data,
            gint      flags,
            GVariant *address)
{
  op->data = g_bytes_ref (data);
  op->flags = flags;
  op->address = address != NULL ? g_variant_ref_sink (address) : NULL;
  op_start (g_task_get_source_object (op->task), op);
}

/* Public API -------------------------------------------------------------------------- */

/**
 * sock_object_accept_async:
 * @self: a bound socket listening for connections
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when a connection
 *   is accepted or the call failed
 * @user_data: data for @callback
 *
 * Accepts a connection without blocking, the asynchronous form of
 * [method@Sock.Object.accept]. @callback runs in the thread-default main
 * context of the thread that called this; it calls
 * [method@Sock.Object.accept_finish] for the result.
 *
 * The asynchronous calls share these rules:
 *
 * - They never block the main loop and use no thread: each waits, in the
 *   caller's thread-default main context, for the socket to poll ready,
 *   then makes its system call non-blocking (`MSG_DONTWAIT`, or for
 *   `accept()` and `connect()` on a blocking socket, `O_NONBLOCK` set for
 *   the duration of the call). The socket's blocking mode does not matter:
 *   they wait even on a non-blocking socket.
 * - A subclass that overrides the blocking virtual method an operation
 *   stands on (@accept; @recv or @recv_into; @recvfrom; @connect; @send;
 *   @sendall or @send; @sendto) still decides what it does: its method then
 *   runs in a worker thread, as GIO's streams do with their blocking
 *   methods. Such a call can be cancelled only before it starts, and a
 *   close does not end it (shut the socket down for that).
 * - One read (accept, recv, recvfrom) and one write (connect, send,
 *   sendall, sendto) may be in progress on a socket at once, from the
 *   `_async` call until just before its callback runs; another one fails
 *   with `G_IO_ERROR_PENDING`.
 * - The socket's timeout (see [method@Sock.Object.settimeout]) bounds each
 *   call from its start, as it bounds a blocking call: expiry fails it with
 *   `SOCK_ERROR` / `ETIMEDOUT` "timed out". (`SO_RCVTIMEO` and
 *   `SO_SNDTIMEO` only bound blocking calls.)
 * - Cancelling @cancellable fails the call with `G_IO_ERROR` /
 *   `G_IO_ERROR_CANCELLED`, and nothing more is received or sent for it;
 *   a call that completed before the cancellation reports what it did.
 * - Closing the socket, from any thread, fails the calls in progress with
 *   `SOCK_ERROR` / `EBADF` (the error a blocking call on a closed socket
 *   gives), from the main context, in its next iteration; so does a call
 *   started on a closed socket. Each call holds a reference to the socket
 *   until its callback has run.
 * - Every other failure is the `SOCK_ERROR` the blocking call gives.
 *
 * Since: 1.2
 */
void
sock_object_accept_async (SockObject          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op_start (self, op_new (self, OP_ACCEPT, sock_object_accept_async, cancellable,
                          callback, user_data));
}

/**
 * sock_object_accept_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @address: (out) (optional) (transfer full): the address of the other end
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.accept_async].
 *
 * Returns: (transfer full): the new socket for the connection, of the same
 *   class as @self and blocking, or %NULL with @error set
 *
 * Since: 1.2
 */
SockObject *
sock_object_accept_finish (SockObject    *self,
                           GAsyncResult  *result,
                           GVariant     **address,
                           GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_accept_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return propagate_with_peer (result, address, error);
}

/**
 * sock_object_connect_async:
 * @self: a socket
 * @address: the address to connect to, in the socket family's shape
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when the socket is
 *   connected or the call failed
 * @user_data: data for @callback
 *
 * Connects the socket without blocking, the asynchronous form of
 * [method@Sock.Object.connect]; see [method@Sock.Object.accept_async] for
 * the rules every asynchronous call follows.
 *
 * A host name in an internet address is looked up without blocking, with
 * [class@Gio.Resolver], for the socket's family; each address found is
 * tried in turn until one connects, as [func@Sock.create_connection] does.
 * When all fail, the error is the first address's, with every address's
 * message in it. The socket's timeout bounds the whole call, the lookup
 * included. A floating @address is consumed.
 *
 * Since: 1.2
 */
void
sock_object_connect_async (SockObject          *self,
                           GVariant            *address,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Op *op;

  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = op_new (self, OP_CONNECT, sock_object_connect_async, cancellable, callback, user_data);
  op->address = address != NULL ? g_variant_ref_sink (address) : NULL;
  op_start (self, op);
}

/**
 * sock_object_connect_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.connect_async].
 *
 * Returns: %TRUE when the socket is connected
 *
 * Since: 1.2
 */
gboolean
sock_object_connect_finish (SockObject    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_connect_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sock_object_recv_async:
 * @self: a socket
 * @bufsize: the most bytes to receive
 * @flags: flags for `recv(2)`, such as `MSG_PEEK`, or 0
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when data arrived
 *   or the call failed
 * @user_data: data for @callback
 *
 * Receives data without blocking, the asynchronous form of
 * [method@Sock.Object.recv]; see [method@Sock.Object.accept_async] for the
 * rules every asynchronous call follows.
 *
 * The buffer is only allocated once the socket polls readable, so a
 * connection waiting for data costs no buffer. A @bufsize of 0 completes
 * with empty data without waiting, as the blocking call does.
 *
 * Since: 1.2
 */
void
sock_object_recv_async (SockObject          *self,
                        gsize                bufsize,
                        gint                 flags,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_recv (op_new (self, OP_RECV, sock_object_recv_async, cancellable, callback, user_data),
              bufsize, flags);
}

/**
 * sock_object_recv_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.recv_async].
 *
 * Returns: (transfer full): the data received, empty at the end of the
 *   stream, or %NULL with @error set
 *
 * Since: 1.2
 */
GBytes *
sock_object_recv_finish (SockObject    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_recv_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sock_object_recvfrom_async:
 * @self: a socket
 * @bufsize: the most bytes to receive
 * @flags: flags for `recv(2)`, or 0
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when data arrived
 *   or the call failed
 * @user_data: data for @callback
 *
 * Receives data and the sender's address without blocking, the
 * asynchronous form of [method@Sock.Object.recvfrom]; see
 * [method@Sock.Object.accept_async] for the rules every asynchronous call
 * follows.
 *
 * Since: 1.2
 */
void
sock_object_recvfrom_async (SockObject          *self,
                            gsize                bufsize,
                            gint                 flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_recv (op_new (self, OP_RECVFROM, sock_object_recvfrom_async, cancellable, callback,
                      user_data),
              bufsize, flags);
}

/**
 * sock_object_recvfrom_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @address: (out) (optional) (nullable) (transfer full): the sender's
 *   address, as [method@Sock.Object.recvfrom] gives it
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.recvfrom_async].
 *
 * Returns: (transfer full): the data received, or %NULL with @error set
 *
 * Since: 1.2
 */
GBytes *
sock_object_recvfrom_finish (SockObject    *self,
                             GAsyncResult  *result,
                             GVariant     **address,
                             GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), NULL);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_recvfrom_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return propagate_with_peer (result, address, error);
}

/**
 * sock_object_send_async:
 * @self: a connected socket
 * @data: the data to send; the call holds a reference until it completes
 * @flags: flags for `send(2)`, or 0
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when data was sent
 *   or the call failed
 * @user_data: data for @callback
 *
 * Sends data without blocking, the asynchronous form of
 * [method@Sock.Object.send]; see [method@Sock.Object.accept_async] for the
 * rules every asynchronous call follows.
 *
 * The data is sent at once when the socket has room for it (the callback
 * still runs later, from the main context); fewer bytes than @data holds
 * may be sent, as with the blocking call.
 *
 * Since: 1.2
 */
void
sock_object_send_async (SockObject          *self,
                        GBytes              *data,
                        gint                 flags,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_send (op_new (self, OP_SEND, sock_object_send_async, cancellable, callback, user_data),
              data, flags, NULL);
}

/**
 * sock_object_send_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.send_async].
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.2
 */
gssize
sock_object_send_finish (SockObject    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_send_async), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * sock_object_sendall_async:
 * @self: a connected socket
 * @data: the data to send; the call holds a reference until it completes
 * @flags: flags for `send(2)`, or 0
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when all the data
 *   was sent or the call failed
 * @user_data: data for @callback
 *
 * Sends all of @data without blocking, the asynchronous form of
 * [method@Sock.Object.sendall]; see [method@Sock.Object.accept_async] for
 * the rules every asynchronous call follows.
 *
 * Whatever ends the call early (a failure, the timeout, a cancellation, a
 * close) keeps its domain and code, and its message starts with how much
 * went out: "sendall: N of M bytes sent: ...". The timeout covers the
 * whole call.
 *
 * Since: 1.2
 */
void
sock_object_sendall_async (SockObject          *self,
                           GBytes              *data,
                           gint                 flags,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_send (op_new (self, OP_SENDALL, sock_object_sendall_async, cancellable, callback,
                      user_data),
              data, flags, NULL);
}

/**
 * sock_object_sendall_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.sendall_async].
 *
 * Returns: %TRUE when every byte was sent
 *
 * Since: 1.2
 */
gboolean
sock_object_sendall_finish (SockObject    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), FALSE);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_sendall_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sock_object_sendto_async:
 * @self: a socket, usually not connected
 * @data: the data to send; the call holds a reference until it completes
 * @flags: flags for `send(2)`, or 0
 * @address: the destination, in the socket family's shape
 * @cancellable: (nullable): a [class@Gio.Cancellable], or %NULL
 * @callback: (scope async) (closure user_data): called when data was sent
 *   or the call failed
 * @user_data: data for @callback
 *
 * Sends data to @address without blocking, the asynchronous form of
 * [method@Sock.Object.sendto]; see [method@Sock.Object.accept_async] for
 * the rules every asynchronous call follows.
 *
 * A host name in an internet address is looked up without blocking, with
 * [class@Gio.Resolver], and the data goes to the first address found. A
 * floating @address is consumed.
 *
 * Since: 1.2
 */
void
sock_object_sendto_async (SockObject          *self,
                          GBytes              *data,
                          gint                 flags,
                          GVariant            *address,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (sock_is_object (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_send (op_new (self, OP_SENDTO, sock_object_sendto_async, cancellable, callback, user_data),
              data, flags, address);
}

/**
 * sock_object_sendto_finish:
 * @self: the socket
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Sock.Object.sendto_async].
 *
 * Returns: the number of bytes sent, or -1 with @error set
 *
 * Since: 1.2
 */
gssize
sock_object_sendto_finish (SockObject    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (sock_is_object (self), -1);
  g_return_val_if_fail (result_is_valid (self, result, sock_object_sendto_async), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return g_task_propagate_int (G_TASK (result), error);
}
