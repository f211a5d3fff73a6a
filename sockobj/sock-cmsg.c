/* sock-cmsg.c: control messages: the CMSG helpers, and ancillary data
 * between its variant and cmsghdrs (see sock-cmsg-private.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock-cmsg.h"
#include "sock-cmsg-private.h"
#include "sock-error.h"

/**
 * sock_cmsg_len:
 * @length: the length of a control message's data, in bytes
 *
 * Gets the value of `CMSG_LEN()` for @length: the length of a control
 * message carrying @length bytes of data, header included but without the
 * padding after it. A @length that no control message can carry (past
 * `G_MAXINT` bytes with the header) gives 0, where CPython's
 * `socket.CMSG_LEN()` raises `OverflowError`.
 *
 * Returns: `CMSG_LEN (length)`, or 0 when @length is out of range
 *
 * Since: 1.2
 */
gsize
sock_cmsg_len (gsize length)
{
  if (length > SOCK_CMSG_MAX_LENGTH - CMSG_LEN (0))
    return 0;

  return CMSG_LEN (length);
}

/**
 * sock_cmsg_space:
 * @length: the length of a control message's data, in bytes
 *
 * Gets the value of `CMSG_SPACE()` for @length: the room a control message
 * carrying @length bytes of data takes in an ancillary data buffer,
 * padding included. Sum it over the messages to size the `ancbufsize` of
 * [method@Sock.Object.recvmsg]. A @length whose space would pass
 * `G_MAXINT` bytes gives 0, where CPython's `socket.CMSG_SPACE()` raises
 * `OverflowError`.
 *
 * Returns: `CMSG_SPACE (length)`, or 0 when @length is out of range
 *
 * Since: 1.2
 */
gsize
sock_cmsg_space (gsize length)
{
  if (length > SOCK_CMSG_MAX_LENGTH || CMSG_SPACE (length) > SOCK_CMSG_MAX_LENGTH)
    return 0;

  return CMSG_SPACE (length);
}

/* Encoding ------------------------------------------------------------------ */

static gboolean
set_invalid (GError      **error,
             const gchar  *what,
             const gchar  *detail)
{
  g_set_error (error, SOCK_ERROR, EINVAL, "%s: %s", what, detail);
  return FALSE;
}

static void
buffer_alloc (SockCmsgBuffer *buffer,
              gsize           length)
{
  /* Zeroed: the padding goes to the system too. */
  if (length <= sizeof buffer->stack)
    {
      buffer->control = &buffer->stack;
      memset (buffer->control, 0, length);
    }
  else
    buffer->control = g_malloc0 (length);
  buffer->length = length;
}

gboolean
_sock_cmsg_encode (GVariant        *ancdata,
                   SockCmsgBuffer  *buffer,
                   const gchar     *what,
                   GError         **error)
{
  gsize n_items, total = 0, offset = 0;

  buffer->control = NULL;
  buffer->length = 0;

  if (ancdata == NULL)
    return TRUE;

  if (!g_variant_is_of_type (ancdata, G_VARIANT_TYPE ("a(iiay)")))
    {
      g_set_error (error, SOCK_ERROR, EINVAL,
                   "%s: ancillary data is an a(iiay) of (level, type, data), not '%s'",
                   what, g_variant_get_type_string (ancdata));
      return FALSE;
    }

  /* As CPython: each item's space, the total, then the layout. */
  n_items = g_variant_n_children (ancdata);
  for (gsize i = 0; i < n_items; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (ancdata, i);
      g_autoptr(GVariant) data = g_variant_get_child_value (item, 2);
      gsize space = sock_cmsg_space (g_variant_get_size (data));

      if (space == 0)
        return set_invalid (error, what, "an ancillary data item is too large");
      if (space > SOCK_CMSG_MAX_LENGTH - total)
        return set_invalid (error, what, "too much ancillary data");
      total += space;
    }

  if (total == 0)
    return TRUE;

  buffer_alloc (buffer, total);

  for (gsize i = 0; i < n_items; i++)
    {
      g_autoptr(GVariant) data = NULL;
      struct cmsghdr *header = (struct cmsghdr *) ((guint8 *) buffer->control + offset);
      const guint8 *bytes;
      gint32 level, type;
      gsize size;

      g_variant_get_child (ancdata, i, "(ii@ay)", &level, &type, &data);
      bytes = g_variant_get_fixed_array (data, &size, 1);

      header->cmsg_len = CMSG_LEN (size);
      header->cmsg_level = level;
      header->cmsg_type = type;
      if (size > 0)
        memcpy (CMSG_DATA (header), bytes, size);
      offset += CMSG_SPACE (size);
    }

  g_assert (offset == total);
  return TRUE;
}

void
_sock_cmsg_encode_fds (const gint     *fds,
                       gsize           n_fds,
                       SockCmsgBuffer *buffer)
{
  gsize size = n_fds * sizeof (gint);
  struct cmsghdr *header;

  g_assert (n_fds > 0 && n_fds <= SOCK_CMSG_MAX_FDS);

  buffer_alloc (buffer, CMSG_SPACE (size));
  header = buffer->control;
  header->cmsg_len = CMSG_LEN (size);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  memcpy (CMSG_DATA (header), fds, size);
}

void
_sock_cmsg_buffer_clear (SockCmsgBuffer *buffer)
{
  if (buffer->control != &buffer->stack)
    g_free (buffer->control);
  buffer->control = NULL;
  buffer->length = 0;
}

/* Decoding ------------------------------------------------------------------ */

void
_sock_cmsg_foreach (gconstpointer control,
                    gsize         length,
                    SockCmsgFunc  func,
                    gpointer      user_data)
{
  gsize offset = 0;

  /* The bounds are checked here rather than left to CMSG_NXTHDR(), whose
   * implementations differ in what they trust. */
  while (control != NULL && length - offset >= CMSG_LEN (0))
    {
      const struct cmsghdr *header = (const struct cmsghdr *) ((const guint8 *) control + offset);
      gsize message_length = header->cmsg_len;
      gsize available = length - offset;
      gboolean cut_short = message_length > available;

      /* Malformed: shorter than its own header. */
      if (message_length < CMSG_LEN (0))
        return;

      func (header->cmsg_level, header->cmsg_type, CMSG_DATA (header),
            MIN (message_length, available) - CMSG_LEN (0), user_data);

      /* The end of the buffer cut it short: nothing follows. */
      if (cut_short || CMSG_ALIGN (message_length) >= available)
        return;
      offset += CMSG_ALIGN (message_length);
    }
}

static void
decode_one (gint          level,
            gint          type,
            const guint8 *data,
            gsize         size,
            gpointer      user_data)
{
  g_variant_builder_add_value (user_data,
                               g_variant_new ("(ii@ay)", level, type,
                                              g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                         data, size, 1)));
}

GVariant *
_sock_cmsg_decode (gconstpointer control,
                   gsize         length)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(iiay)"));
  _sock_cmsg_foreach (control, length, decode_one, &builder);

  return g_variant_builder_end (&builder);
}

static void
collect_fds (gint          level,
             gint          type,
             const guint8 *data,
             gsize         size,
             gpointer      user_data)
{
  GArray *fds = user_data;

  if (level != SOL_SOCKET || type != SCM_RIGHTS)
    return;

  /* Whole descriptors only, as CPython's recv_fds() reads them; the data
   * need not be aligned for a gint. */
  for (gsize i = 0; i + sizeof (gint) <= size; i += sizeof (gint))
    {
      gint fd;

      memcpy (&fd, data + i, sizeof fd);
      g_array_append_val (fds, fd);
    }
}

void
_sock_cmsg_collect_fds (gconstpointer  control,
                        gsize          length,
                        GArray        *fds)
{
  _sock_cmsg_foreach (control, length, collect_fds, fds);
}

typedef struct
{
  gint *fds;
  gsize size;
  gsize count;
} FdsInto;

static void
collect_fds_into (gint          level,
                  gint          type,
                  const guint8 *data,
                  gsize         size,
                  gpointer      user_data)
{
  FdsInto *into = user_data;

  if (level != SOL_SOCKET || type != SCM_RIGHTS)
    return;

  for (gsize i = 0; i + sizeof (gint) <= size; i += sizeof (gint))
    {
      if (into->count < into->size)
        memcpy (&into->fds[into->count], data + i, sizeof (gint));
      into->count++;
    }
}

gsize
_sock_cmsg_collect_fds_into (gconstpointer  control,
                             gsize          length,
                             gint          *fds,
                             gsize          size)
{
  FdsInto into = { fds, size, 0 };

  _sock_cmsg_foreach (control, length, collect_fds_into, &into);
  return into.count;
}

void
_sock_ancdata_collect_fds (GVariant *ancdata,
                           GArray   *fds)
{
  gsize n_items;

  if (ancdata == NULL || !g_variant_is_of_type (ancdata, G_VARIANT_TYPE ("a(iiay)")))
    return;

  n_items = g_variant_n_children (ancdata);
  for (gsize i = 0; i < n_items; i++)
    {
      g_autoptr(GVariant) data = NULL;
      const guint8 *bytes;
      gint32 level, type;
      gsize size;

      g_variant_get_child (ancdata, i, "(ii@ay)", &level, &type, &data);
      bytes = g_variant_get_fixed_array (data, &size, 1);
      collect_fds (level, type, bytes, size, fds);
    }
}

void
_sock_fds_close (const gint *fds,
                 gsize       n_fds)
{
  for (gsize i = 0; i < n_fds; i++)
    {
      /* Never retried: Linux releases the number even on EINTR. */
      if (fds[i] >= 0)
        close (fds[i]);
    }
}

void
_sock_fds_close_all (GArray *fds)
{
  _sock_fds_close ((const gint *) fds->data, fds->len);
  g_array_set_size (fds, 0);
}
