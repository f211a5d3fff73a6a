/* sock-object.h: the abstract socket object
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SOCK_INSIDE) && !defined(SOCK_COMPILATION)
# error "Only <sockobj.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sock-version-macros.h"

G_BEGIN_DECLS

#define SOCK_TYPE_OBJECT (sock_object_get_type ())

SOCK_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (SockObject, sock_object, SOCK, OBJECT, GObject)

/**
 * SockObjectClass:
 * @parent_class: the parent class
 * @address_to_native: turns a caller's address variant into a `struct
 *   sockaddr` of the socket's family in @native (@native_size bytes of room)
 *   and stores its length in @native_length; fails with `SOCK_ERROR` /
 *   `EINVAL` (or a resolver error) for an address it cannot use
 * @address_from_native: turns a `struct sockaddr` of the socket's family back
 *   into the address variant the family returns; for @native_length 0 (the
 *   system reported no address) it may return %NULL without an error
 * @accept: the implementation of [method@Sock.Object.accept]
 * @bind: the implementation of [method@Sock.Object.bind]
 * @close: the implementation of [method@Sock.Object.close]
 * @connect: the implementation of [method@Sock.Object.connect]
 * @connect_ex: the implementation of [method@Sock.Object.connect_ex]
 * @fileno: the implementation of [method@Sock.Object.fileno]
 * @getpeername: the implementation of [method@Sock.Object.getpeername]
 * @getsockname: the implementation of [method@Sock.Object.getsockname]
 * @getsockopt: the implementation of [method@Sock.Object.getsockopt]
 * @getsockopt_bytes: the implementation of [method@Sock.Object.getsockopt_bytes]
 * @listen: the implementation of [method@Sock.Object.listen]
 * @makefile: the implementation of [method@Sock.Object.makefile]
 * @recv: the implementation of [method@Sock.Object.recv]
 * @recv_into: the implementation of [method@Sock.Object.recv_into]
 * @recvfrom: the implementation of [method@Sock.Object.recvfrom]
 * @send: the implementation of [method@Sock.Object.send]
 * @sendall: the implementation of [method@Sock.Object.sendall]
 * @sendto: the implementation of [method@Sock.Object.sendto]
 * @setblocking: the implementation of [method@Sock.Object.setblocking]
 * @setsockopt: the implementation of [method@Sock.Object.setsockopt]
 * @setsockopt_bytes: the implementation of [method@Sock.Object.setsockopt_bytes]
 * @shutdown: the implementation of [method@Sock.Object.shutdown]
 * @settimeout: the implementation of [method@Sock.Object.settimeout];
 *   since 1.2
 * @recvfrom_into: the implementation of [method@Sock.Object.recvfrom_into];
 *   since 1.2
 * @sendmsg: the implementation of [method@Sock.Object.sendmsg]; since 1.2
 * @recvmsg_into: the implementation of [method@Sock.Object.recvmsg_into],
 *   and through it of [method@Sock.Object.recvmsg]; since 1.2
 *
 * The virtual method table of socket objects.
 *
 * Every socket operation dispatches through this table, so a subclass can
 * override any of them and chain up to the parent's implementation. The
 * family subclasses ([class@Sock.InetObject], [class@Sock.UnixObject])
 * supply the two address hooks; a subclass for another family supplies its
 * own and passes its family to g_object_new().
 *
 * Most methods are primitive: their default implementation makes the
 * system call. A few are derived, and their defaults call a primitive
 * through this table, so overriding the primitive changes them too:
 *
 * - @recv calls @recv_into;
 * - @sendall calls @send (when @send is not overridden, it sends directly,
 *   on one deadline for the whole call);
 * - @setblocking calls @settimeout.
 *
 * @connect and @connect_ex are both primitive: overriding one does not
 * change the other; nor do @recvfrom and @recvfrom_into, or @send,
 * @sendto and @sendmsg.
 *
 * The message calls of 1.2 are three primitives, @recvfrom_into, @sendmsg
 * and @recvmsg_into, and methods built on them that are not in the table:
 *
 * - [method@Sock.Object.recvmsg] calls @recvmsg_into with one buffer;
 * - [method@Sock.UnixObject.send_fds] calls @sendmsg with the descriptors
 *   as `SCM_RIGHTS` ancillary data, then @send for what a stream socket
 *   left unsent (when neither is overridden, it sends directly);
 * - [method@Sock.UnixObject.recv_fds] calls @recvmsg_into (directly when
 *   it is not overridden);
 * - [method@Sock.Object.sendfile] sends with `sendfile(2)`, or, where the
 *   system refuses it or @send is overridden, reads the file and calls
 *   @send, as @sendall does.
 *
 * [method@Sock.Object.dup], [method@Sock.Object.detach],
 * [method@Sock.Object.get_inheritable] and
 * [method@Sock.Object.set_inheritable] act on the descriptor itself and
 * are not virtual. Each method a subclass overrides must set its error
 * when it fails; the public wrapper reports a failure without one as
 * `SOCK_ERROR` / `EIO`. Addresses returned through the table may be
 * floating or full references; the defaults return full references.
 *
 * The asynchronous and main-loop operations of 1.2 are not virtual: they
 * are built on the primitives, as [class@Gio.InputStream]'s are. Each
 * asynchronous operation runs its primitive's system call, non-blocking,
 * from the main loop; when a subclass overrides the method an operation
 * stands on (see [method@Sock.Object.accept_async]), the override runs in
 * a worker thread instead, so it still decides what the operation does.
 * Each virtual method added after 1.0 takes one slot of the reserved
 * padding.
 *
 * Since: 1.0
 */

/**
 * SockObjectClass::recvmsg_into: (skip)
 * @self: a socket
 * @buffers: (array length=n_buffers): the buffers to fill, in order
 * @n_buffers: the number of @buffers
 * @ancbufsize: the room for ancillary data, in bytes
 * @flags: flags for `recvmsg(2)`
 * @ancdata: (out) (optional) (transfer full): the ancillary data, `a(iiay)`
 * @msg_flags: (out) (optional): the flags the system set on the message
 * @address: (out) (optional) (nullable) (transfer full): the sender's address
 * @error: return location for a #GError
 *
 * Receives one message into caller-lent buffers: the primitive under
 * [method@Sock.Object.recvmsg_into], [method@Sock.Object.recvmsg] and
 * [method@Sock.UnixObject.recv_fds]. It fills buffers the caller lends, so
 * only C can implement it. An implementation that does not hand back
 * @ancdata must close the descriptors of any `SCM_RIGHTS` it received.
 *
 * Returns: the number of bytes received, or -1 with @error set
 *
 * Since: 1.2
 */

/**
 * SockObjectClass::address_to_native: (skip)
 * @self: a socket
 * @address: the caller's address
 * @native: (out caller-allocates): room for a `struct sockaddr`
 * @native_size: the size of @native
 * @native_length: (out): where to store the length of the `struct sockaddr`
 *   written to @native
 * @error: return location for a #GError
 *
 * Converts an address variant into a `struct sockaddr` of the socket's
 * family. It fills a buffer the caller lends, so only C can implement it.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */

/**
 * SockObjectClass::address_from_native:
 * @self: a socket
 * @native: (array length=native_length) (element-type guint8): a
 *   `struct sockaddr` of the socket's family
 * @native_length: the length of @native
 * @error: return location for a #GError
 *
 * Converts a `struct sockaddr` of the socket's family into the address
 * variant the family returns.
 *
 * Returns: (transfer full): the address, or %NULL with @error set
 *
 * Since: 1.0
 */
struct _SockObjectClass
{
  GObjectClass parent_class;

  /*< public >*/
  gboolean     (*address_to_native)   (SockObject    *self,
                                       GVariant      *address,
                                       gpointer       native,
                                       gsize          native_size,
                                       gsize         *native_length,
                                       GError       **error);
  GVariant    *(*address_from_native) (SockObject    *self,
                                       gconstpointer  native,
                                       gsize          native_length,
                                       GError       **error);

  SockObject  *(*accept)              (SockObject    *self,
                                       GVariant     **address,
                                       GError       **error);
  gboolean     (*bind)                (SockObject    *self,
                                       GVariant      *address,
                                       GError       **error);
  gboolean     (*close)               (SockObject    *self,
                                       GError       **error);
  gboolean     (*connect)             (SockObject    *self,
                                       GVariant      *address,
                                       GError       **error);
  gint         (*connect_ex)          (SockObject    *self,
                                       GVariant      *address,
                                       GError       **error);
  gint         (*fileno)              (SockObject    *self);
  GVariant    *(*getpeername)         (SockObject    *self,
                                       GError       **error);
  GVariant    *(*getsockname)         (SockObject    *self,
                                       GError       **error);
  gboolean     (*getsockopt)          (SockObject    *self,
                                       gint           level,
                                       gint           optname,
                                       gint          *value,
                                       GError       **error);
  GBytes      *(*getsockopt_bytes)    (SockObject    *self,
                                       gint           level,
                                       gint           optname,
                                       gsize          buflen,
                                       GError       **error);
  gboolean     (*listen)              (SockObject    *self,
                                       gint           backlog,
                                       GError       **error);
  GIOStream   *(*makefile)            (SockObject    *self,
                                       const gchar   *mode,
                                       gint           bufsize,
                                       GError       **error);
  GBytes      *(*recv)                (SockObject    *self,
                                       gsize          bufsize,
                                       gint           flags,
                                       GError       **error);
  gssize       (*recv_into)           (SockObject    *self,
                                       guint8        *buffer,
                                       gsize          size,
                                       gint           flags,
                                       GError       **error);
  GBytes      *(*recvfrom)            (SockObject    *self,
                                       gsize          bufsize,
                                       gint           flags,
                                       GVariant     **address,
                                       GError       **error);
  gssize       (*send)                (SockObject    *self,
                                       const guint8  *data,
                                       gsize          size,
                                       gint           flags,
                                       GError       **error);
  gboolean     (*sendall)             (SockObject    *self,
                                       const guint8  *data,
                                       gsize          size,
                                       gint           flags,
                                       GError       **error);
  gssize       (*sendto)              (SockObject    *self,
                                       const guint8  *data,
                                       gsize          size,
                                       gint           flags,
                                       GVariant      *address,
                                       GError       **error);
  gboolean     (*setblocking)         (SockObject    *self,
                                       gboolean       flag,
                                       GError       **error);
  gboolean     (*setsockopt)          (SockObject    *self,
                                       gint           level,
                                       gint           optname,
                                       gint           value,
                                       GError       **error);
  gboolean     (*setsockopt_bytes)    (SockObject    *self,
                                       gint           level,
                                       gint           optname,
                                       const guint8  *value,
                                       gsize          size,
                                       GError       **error);
  gboolean     (*shutdown)            (SockObject    *self,
                                       gint           how,
                                       GError       **error);

  /* Since: 1.2 */
  gboolean     (*settimeout)          (SockObject    *self,
                                       gdouble        seconds,
                                       GError       **error);
  gssize       (*recvfrom_into)       (SockObject    *self,
                                       guint8        *buffer,
                                       gsize          size,
                                       gint           flags,
                                       GVariant     **address,
                                       GError       **error);
  gssize       (*sendmsg)             (SockObject    *self,
                                       GBytes       **buffers,
                                       gsize          n_buffers,
                                       GVariant      *ancdata,
                                       gint           flags,
                                       GVariant      *address,
                                       GError       **error);
  gssize       (*recvmsg_into)        (SockObject    *self,
                                       GInputVector  *buffers,
                                       gsize          n_buffers,
                                       gsize          ancbufsize,
                                       gint           flags,
                                       GVariant     **ancdata,
                                       gint          *msg_flags,
                                       GVariant     **address,
                                       GError       **error);

  /*< private >*/
  gpointer _reserved[12];
};

SOCK_AVAILABLE_IN_ALL
gint        sock_object_get_family      (SockObject    *self);
SOCK_AVAILABLE_IN_ALL
gint        sock_object_get_socket_type (SockObject    *self);
SOCK_AVAILABLE_IN_ALL
gint        sock_object_get_proto       (SockObject    *self);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_get_blocking    (SockObject    *self);

SOCK_AVAILABLE_IN_ALL
SockObject *sock_object_accept          (SockObject    *self,
                                         GVariant     **address,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_bind            (SockObject    *self,
                                         GVariant      *address,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_close           (SockObject    *self,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_connect         (SockObject    *self,
                                         GVariant      *address,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gint        sock_object_connect_ex      (SockObject    *self,
                                         GVariant      *address,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gint        sock_object_fileno          (SockObject    *self);
SOCK_AVAILABLE_IN_ALL
GVariant   *sock_object_getpeername     (SockObject    *self,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
GVariant   *sock_object_getsockname     (SockObject    *self,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_getsockopt      (SockObject    *self,
                                         gint           level,
                                         gint           optname,
                                         gint          *value,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
GBytes     *sock_object_getsockopt_bytes (SockObject   *self,
                                          gint          level,
                                          gint          optname,
                                          gsize         buflen,
                                          GError      **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_listen          (SockObject    *self,
                                         gint           backlog,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
GIOStream  *sock_object_makefile        (SockObject    *self,
                                         const gchar   *mode,
                                         gint           bufsize,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
GBytes     *sock_object_recv            (SockObject    *self,
                                         gsize          bufsize,
                                         gint           flags,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gssize      sock_object_recv_into       (SockObject    *self,
                                         guint8        *buffer,
                                         gsize          size,
                                         gint           flags,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
GBytes     *sock_object_recvfrom        (SockObject    *self,
                                         gsize          bufsize,
                                         gint           flags,
                                         GVariant     **address,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gssize      sock_object_send            (SockObject    *self,
                                         const guint8  *data,
                                         gsize          size,
                                         gint           flags,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_sendall         (SockObject    *self,
                                         const guint8  *data,
                                         gsize          size,
                                         gint           flags,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gssize      sock_object_sendto          (SockObject    *self,
                                         const guint8  *data,
                                         gsize          size,
                                         gint           flags,
                                         GVariant      *address,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_setblocking     (SockObject    *self,
                                         gboolean       flag,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_setsockopt      (SockObject    *self,
                                         gint           level,
                                         gint           optname,
                                         gint           value,
                                         GError       **error);
SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_setsockopt_bytes (SockObject   *self,
                                          gint          level,
                                          gint          optname,
                                          const guint8 *value,
                                          gsize         size,
                                          GError      **error);
SOCK_AVAILABLE_IN_1_2
gboolean    sock_object_settimeout      (SockObject    *self,
                                         gdouble        seconds,
                                         GError       **error);
SOCK_AVAILABLE_IN_1_2
gdouble     sock_object_gettimeout      (SockObject    *self);

SOCK_AVAILABLE_IN_ALL
gboolean    sock_object_shutdown        (SockObject    *self,
                                         gint           how,
                                         GError       **error);

SOCK_AVAILABLE_IN_1_2
gssize      sock_object_recvfrom_into   (SockObject    *self,
                                         guint8        *buffer,
                                         gsize          size,
                                         gint           flags,
                                         GVariant     **address,
                                         GError       **error);

SOCK_AVAILABLE_IN_1_2
gssize      sock_object_sendmsg         (SockObject    *self,
                                         GBytes       **buffers,
                                         gsize          n_buffers,
                                         GVariant      *ancdata,
                                         gint           flags,
                                         GVariant      *address,
                                         GError       **error);
SOCK_AVAILABLE_IN_1_2
GBytes     *sock_object_recvmsg         (SockObject    *self,
                                         gsize          bufsize,
                                         gsize          ancbufsize,
                                         gint           flags,
                                         GVariant     **ancdata,
                                         gint          *msg_flags,
                                         GVariant     **address,
                                         GError       **error);
SOCK_AVAILABLE_IN_1_2
gssize      sock_object_recvmsg_into    (SockObject    *self,
                                         GInputVector  *buffers,
                                         gsize          n_buffers,
                                         gsize          ancbufsize,
                                         gint           flags,
                                         GVariant     **ancdata,
                                         gint          *msg_flags,
                                         GVariant     **address,
                                         GError       **error);

SOCK_AVAILABLE_IN_1_2
SockObject *sock_object_dup             (SockObject    *self,
                                         GError       **error);
SOCK_AVAILABLE_IN_1_2
gint        sock_object_detach          (SockObject    *self);
SOCK_AVAILABLE_IN_1_2
gboolean    sock_object_get_inheritable (SockObject    *self);
SOCK_AVAILABLE_IN_1_2
gboolean    sock_object_set_inheritable (SockObject    *self,
                                         gboolean       inheritable,
                                         GError       **error);

SOCK_AVAILABLE_IN_1_2
gint64      sock_object_sendfile        (SockObject    *self,
                                         gint           fd,
                                         gint64         offset,
                                         gint64         count,
                                         GError       **error);

/* The main loop (since 1.2). */

typedef gboolean (*SockObjectSourceFunc) (SockObject   *socket,
                                          GIOCondition  condition,
                                          gpointer      user_data);

SOCK_AVAILABLE_IN_1_2
GSource    *sock_object_create_source   (SockObject           *self,
                                         GIOCondition          condition,
                                         GCancellable         *cancellable);
SOCK_AVAILABLE_IN_1_2
guint       sock_object_add_watch       (SockObject           *self,
                                         GIOCondition          condition,
                                         gint                  priority,
                                         SockObjectSourceFunc  callback,
                                         gpointer              user_data,
                                         GDestroyNotify        notify);

SOCK_AVAILABLE_IN_1_2
void        sock_object_accept_async    (SockObject           *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
SockObject *sock_object_accept_finish   (SockObject           *self,
                                         GAsyncResult         *result,
                                         GVariant            **address,
                                         GError              **error);
SOCK_AVAILABLE_IN_1_2
void        sock_object_connect_async   (SockObject           *self,
                                         GVariant             *address,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
gboolean    sock_object_connect_finish  (SockObject           *self,
                                         GAsyncResult         *result,
                                         GError              **error);
SOCK_AVAILABLE_IN_1_2
void        sock_object_recv_async      (SockObject           *self,
                                         gsize                 bufsize,
                                         gint                  flags,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
GBytes     *sock_object_recv_finish     (SockObject           *self,
                                         GAsyncResult         *result,
                                         GError              **error);
SOCK_AVAILABLE_IN_1_2
void        sock_object_recvfrom_async  (SockObject           *self,
                                         gsize                 bufsize,
                                         gint                  flags,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
GBytes     *sock_object_recvfrom_finish (SockObject           *self,
                                         GAsyncResult         *result,
                                         GVariant            **address,
                                         GError              **error);
SOCK_AVAILABLE_IN_1_2
void        sock_object_send_async      (SockObject           *self,
                                         GBytes               *data,
                                         gint                  flags,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
gssize      sock_object_send_finish     (SockObject           *self,
                                         GAsyncResult         *result,
                                         GError              **error);
SOCK_AVAILABLE_IN_1_2
void        sock_object_sendall_async   (SockObject           *self,
                                         GBytes               *data,
                                         gint                  flags,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
gboolean    sock_object_sendall_finish  (SockObject           *self,
                                         GAsyncResult         *result,
                                         GError              **error);
SOCK_AVAILABLE_IN_1_2
void        sock_object_sendto_async    (SockObject           *self,
                                         GBytes               *data,
                                         gint                  flags,
                                         GVariant             *address,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
SOCK_AVAILABLE_IN_1_2
gssize      sock_object_sendto_finish   (SockObject           *self,
                                         GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
