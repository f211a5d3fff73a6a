/* sock-cmsg-private.h: ancillary data between its variant and cmsghdrs
 *
 * Ancillary data travels as an `a(iiay)` variant of (level, type, data),
 * CPython's list of tuples. The data a caller hands sendmsg() is caller data:
 * _sock_cmsg_encode() lays it out as the control buffer of a struct msghdr
 * and refuses, before anything reaches the system, whatever does not fit.
 * What a recvmsg() returned is read back with _sock_cmsg_foreach() and the
 * helpers built on it, bounded by the length the system reported, as
 * CPython reads it: a message cut short by the end of the buffer (the
 * system reports that with MSG_CTRUNC) is given with the bytes that are
 * there, and a malformed one ends the walk.
 *
 * Pure code: no descriptor but those an SCM_RIGHTS message carries, no
 * system call but close(). tests/fuzz/fuzz-cmsg builds sock-cmsg.c into
 * its target to feed it untrusted variants and control buffers directly.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sys/socket.h>

#include <glib.h>

G_BEGIN_DECLS

/* The largest control buffer, and so the largest single item, as CPython
 * bounds them (its SOCKLEN_T_LIMIT): what the system's socklen_t and int
 * lengths can carry everywhere. */
#define SOCK_CMSG_MAX_LENGTH ((gsize) G_MAXINT)

/* The most descriptors one message may carry on Linux (SCM_MAX_FD). */
#define SOCK_CMSG_MAX_FDS 253

/* Control buffers up to this size live on the caller's stack. */
#define SOCK_CMSG_STACK_SIZE 256

/* The control data of one sendmsg(). */
typedef struct
{
  gpointer control;   /* msg_control: the stack below, the heap, or NULL */
  gsize length;       /* msg_controllen; 0 with control NULL for none */
  union
  {
    struct cmsghdr header;   /* for the alignment */
    guint8 bytes[SOCK_CMSG_STACK_SIZE];
  } stack;
} SockCmsgBuffer;

/* Lays out @ancdata (NULL for none; otherwise it must be an `a(iiay)`) in
 * @buffer, which must not move until it is cleared. Fails with
 * SOCK_ERROR/EINVAL, the message starting with @what, for any other type,
 * an item or a total too long for a control buffer. */
gboolean  _sock_cmsg_encode       (GVariant       *ancdata,
                                   SockCmsgBuffer *buffer,
                                   const gchar    *what,
                                   GError        **error);
void      _sock_cmsg_buffer_clear (SockCmsgBuffer *buffer);

/* Lays out one SCM_RIGHTS message of @n_fds descriptors (1 to
 * SOCK_CMSG_MAX_FDS) in @buffer. */
void      _sock_cmsg_encode_fds   (const gint     *fds,
                                   gsize           n_fds,
                                   SockCmsgBuffer *buffer);

/* Called for each message in order: @data holds @size bytes. */
typedef void (*SockCmsgFunc) (gint          level,
                              gint          type,
                              const guint8 *data,
                              gsize         size,
                              gpointer      user_data);

/* Walks the @length bytes of @control (aligned for a struct cmsghdr), as a
 * recvmsg() returned them. */
void      _sock_cmsg_foreach      (gconstpointer   control,
                                   gsize           length,
                                   SockCmsgFunc    func,
                                   gpointer        user_data);

/* The messages of @control as a new floating `a(iiay)`. */
GVariant *_sock_cmsg_decode       (gconstpointer   control,
                                   gsize           length);

/* Appends the descriptors of every SOL_SOCKET/SCM_RIGHTS message (each a
 * whole gint) to @fds, a GArray of gint. */
void      _sock_cmsg_collect_fds  (gconstpointer   control,
                                   gsize           length,
                                   GArray         *fds);

/* The same into @fds (room for @size), without an array: returns how many
 * descriptors there are, which may be more than @size (those past it are
 * counted, not stored). */
gsize     _sock_cmsg_collect_fds_into (gconstpointer  control,
                                       gsize          length,
                                       gint          *fds,
                                       gsize          size);

/* The same for a decoded `a(iiay)`; other types hold no descriptors. */
void      _sock_ancdata_collect_fds (GVariant     *ancdata,
                                     GArray       *fds);

/* Closes the @n_fds descriptors of @fds. */
void      _sock_fds_close         (const gint     *fds,
                                   gsize           n_fds);

/* Closes every descriptor of @fds (a GArray of gint) and empties it. */
void      _sock_fds_close_all     (GArray         *fds);

G_END_DECLS
