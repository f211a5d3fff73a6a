/* sock-object-msg-private.h: the system calls of sendmsg() and recvmsg()
 *
 * The default sendmsg and recvmsg_into virtual methods make these calls;
 * so do send_fds() and recv_fds() when those methods are the library's
 * own, without building the variants the virtual methods take.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include "sock-cmsg-private.h"
#include "sock-io-private.h"
#include "sock-object.h"

G_BEGIN_DECLS

/* One sendmsg() of @iov with @control through the I/O layer, on @wait;
 * @storage (@length bytes, NULL for none) is the destination, and
 * @address, if not NULL, its variant for the error message. Returns what
 * sendmsg() returns, -1 with @error set. */
gssize   _sock_object_sendmsg_raw    (SockObject                    *self,
                                      const struct iovec            *iov,
                                      gsize                          n_iov,
                                      const SockCmsgBuffer          *control,
                                      gint                           flags,
                                      const struct sockaddr_storage *storage,
                                      socklen_t                      length,
                                      GVariant                      *address,
                                      SockIOWait                    *wait,
                                      GError                       **error);

typedef struct
{
  gsize control_length;              /* out: the control data received */
  gint msg_flags;                    /* out */
  struct sockaddr_storage *storage;  /* in: where the address goes, or NULL */
  socklen_t address_length;          /* out */
} SockRecvmsgResult;

/* One recvmsg() into @buffers and @control (@control_size bytes, aligned
 * for a struct cmsghdr) through the I/O layer, with MSG_CMSG_CLOEXEC, on
 * a deadline fixed now. Returns what recvmsg() returns, -1 with @error
 * set; the descriptors received are the caller's. */
gssize   _sock_object_recvmsg_raw    (SockObject         *self,
                                      GInputVector       *buffers,
                                      gsize               n_buffers,
                                      gpointer            control,
                                      gsize               control_size,
                                      gint                flags,
                                      SockRecvmsgResult  *result,
                                      GError            **error);

gboolean _sock_object_sendmsg_is_default      (SockObjectClass *klass);
gboolean _sock_object_recvmsg_into_is_default (SockObjectClass *klass);

G_END_DECLS
