/* fuzz-cmsg.c: ancillary data, to cmsghdrs and back
 *
 * Input layout:
 *   byte 0   bit 0: the rest is raw control data as recvmsg() might return
 *            it (else a variant); bit 1: also send the variant for real
 *   byte 1   length of the type string (modulo 17)
 *   then     the type string, which must be a valid definite GVariant type
 *   rest     the serialised value, read untrusted with g_variant_new_from_bytes
 *            (not necessarily in normal form), or the raw control data
 *
 * The converter (sockobj/sock-cmsg.c) is built into this target, so the
 * variant goes to _sock_cmsg_encode() directly and the control buffer it
 * lays out is checked byte by byte: one header per item at the offsets
 * CMSG_SPACE() gives, each with CMSG_LEN() of its data, the level, the type
 * and the data; and decoding the buffer gives the items back. Any other
 * type must be refused with EINVAL. The same variant goes to the library's
 * sendmsg() on a closed socket (EINVAL, or EBADF for data it accepts) and,
 * with bit 1, on a connected AF_UNIX datagram pair, where every descriptor
 * that arrives is closed.
 *
 * Raw control data goes to the decoder, which must stay inside the length
 * given and hand back items whose data fits in it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

#include <fcntl.h>

#include "sock-cmsg-private.h"

static SockObject *closed_socket;
static SockObject *pair[2];

static void
init (void)
{
  g_autoptr(GError) error = NULL;

  fuzz_init_once ();
  closed_socket = sock_socket (AF_UNIX, SOCK_DGRAM, 0, &error);
  FUZZ_CHECK (closed_socket != NULL, "socket: %s", error->message);
  sock_object_close (closed_socket, NULL);
  FUZZ_CHECK (sock_socketpair (AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, &pair[0], &pair[1],
                               &error), "socketpair: %s", error->message);
}

/* Checks the layout of @buffer against @ancdata, an a(iiay). */
static void
check_layout (GVariant             *ancdata,
              const SockCmsgBuffer *buffer)
{
  gsize n_items = g_variant_n_children (ancdata);
  gsize offset = 0;

  for (gsize i = 0; i < n_items; i++)
    {
      g_autoptr(GVariant) data = NULL;
      const struct cmsghdr *header;
      const guint8 *bytes;
      gint32 level, type;
      gsize length;

      g_variant_get_child (ancdata, i, "(ii@ay)", &level, &type, &data);
      bytes = g_variant_get_fixed_array (data, &length, 1);

      FUZZ_CHECK (offset + CMSG_SPACE (length) <= buffer->length,
                  "item %zu (%zu bytes) past the buffer's %zu bytes", i, length,
                  buffer->length);
      header = (const struct cmsghdr *) ((const guint8 *) buffer->control + offset);
      FUZZ_CHECK (header->cmsg_len == CMSG_LEN (length), "item %zu: cmsg_len %zu, not %zu",
                  i, (gsize) header->cmsg_len, (gsize) CMSG_LEN (length));
      FUZZ_CHECK (header->cmsg_level == level && header->cmsg_type == type,
                  "item %zu: level/type %d/%d, not %d/%d", i, header->cmsg_level,
                  header->cmsg_type, level, type);
      FUZZ_CHECK (length == 0 || memcmp (CMSG_DATA (header), bytes, length) == 0,
                  "item %zu: the data differs", i);
      offset += CMSG_SPACE (length);
    }
  FUZZ_CHECK (offset == buffer->length, "%zu bytes laid out, %zu in the buffer", offset,
              buffer->length);
  FUZZ_CHECK ((buffer->control == NULL) == (buffer->length == 0),
              "a buffer of %zu bytes at %p", buffer->length, buffer->control);
}

static void
check_round_trip (GVariant             *ancdata,
                  const SockCmsgBuffer *buffer)
{
  g_autoptr(GVariant) normal = g_variant_get_normal_form (ancdata);
  g_autoptr(GVariant) decoded = g_variant_ref_sink (_sock_cmsg_decode (buffer->control,
                                                                       buffer->length));

  FUZZ_CHECK (g_variant_equal (decoded, normal), "decoding gives other items back");
}

/* Receives whatever is queued on the pair, closing every descriptor. */
static void
drain (void)
{
  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) ancdata = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GArray) fds = NULL;

      bytes = sock_object_recvmsg (pair[1], 16, 8192, 0, &ancdata, NULL, NULL, &error);
      if (bytes == NULL)
        {
          fuzz_check_error (error, "recvmsg");
          return;
        }
      fds = g_array_new (FALSE, FALSE, sizeof (gint));
      _sock_ancdata_collect_fds (ancdata, fds);
      for (guint j = 0; j < fds->len; j++)
        {
          gint fd = g_array_index (fds, gint, j);

          FUZZ_CHECK ((fcntl (fd, F_GETFD) & FD_CLOEXEC) != 0, "received %d without FD_CLOEXEC",
                      fd);
          close (fd);
        }
    }
}

static void
encode (GVariant *ancdata,
        gboolean  send_for_real)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  gboolean is_ancdata = g_variant_is_of_type (ancdata, G_VARIANT_TYPE ("a(iiay)"));
  SockCmsgBuffer buffer;
  gboolean encoded;

  encoded = _sock_cmsg_encode (ancdata, &buffer, "fuzz", &error);
  if (!encoded)
    {
      fuzz_check_error (error, "_sock_cmsg_encode");
      FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL), "encode: %s", error->message);
      FUZZ_CHECK (buffer.control == NULL && buffer.length == 0, "a failure left a buffer");
      g_clear_error (&error);
    }
  else
    {
      FUZZ_CHECK (is_ancdata, "encoded a '%s'", g_variant_get_type_string (ancdata));
      check_layout (ancdata, &buffer);
      check_round_trip (ancdata, &buffer);
      _sock_cmsg_buffer_clear (&buffer);
    }

  /* The library's own copy: conversion before the descriptor. */
  FUZZ_CHECK (sock_object_sendmsg (closed_socket, &payload, 1, ancdata, 0, NULL, &error) < 0,
              "sendmsg on a closed socket succeeded");
  fuzz_check_error (error, "sendmsg");
  FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, encoded ? EBADF : EINVAL),
              "sendmsg on a closed socket: %s", error->message);
  g_clear_error (&error);

  if (encoded && send_for_real)
    {
      if (sock_object_sendmsg (pair[0], &payload, 1, ancdata, 0, NULL, &error) < 0)
        {
          fuzz_check_error (error, "sendmsg");
          g_clear_error (&error);
        }
      drain ();
    }
}

typedef struct
{
  gsize length;
  gsize items;
} DecodeCheck;

static void
check_item (gint          level,
            gint          type,
            const guint8 *data,
            gsize         size,
            gpointer      user_data)
{
  DecodeCheck *check = user_data;

  FUZZ_CHECK (size <= check->length - CMSG_LEN (0), "an item of %zu bytes in %zu", size,
              check->length);
  check->items++;
}

static void
decode (const guint8 *data,
        gsize         size)
{
  /* Aligned for a struct cmsghdr, as the library's buffers are. */
  g_autofree guint8 *control = g_memdup2 (data, size);
  g_autoptr(GVariant) decoded = NULL;
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (gint));
  DecodeCheck check = { size, 0 };
  gsize rights = 0;

  decoded = g_variant_ref_sink (_sock_cmsg_decode (control, size));
  FUZZ_CHECK (g_variant_is_of_type (decoded, G_VARIANT_TYPE ("a(iiay)")), "decoded a '%s'",
              g_variant_get_type_string (decoded));

  _sock_cmsg_foreach (control, size, check_item, &check);
  FUZZ_CHECK (check.items == g_variant_n_children (decoded), "%zu items walked, %zu decoded",
              check.items, g_variant_n_children (decoded));
  for (gsize i = 0; i < check.items; i++)
    {
      g_autoptr(GVariant) item_data = NULL;
      gint32 level, type;

      g_variant_get_child (decoded, i, "(ii@ay)", &level, &type, &item_data);
      if (level == SOL_SOCKET && type == SCM_RIGHTS)
        rights += g_variant_get_size (item_data) / sizeof (gint);
    }

  /* The numbers are the input's, not descriptors of this process: counted,
   * never closed. */
  _sock_cmsg_collect_fds (control, size, fds);
  FUZZ_CHECK (fds->len == rights, "%u descriptors collected, %zu in the items", fds->len,
              rights);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GVariant) ancdata = NULL;
  g_autofree gchar *type_string = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize type_length;

  if (closed_socket == NULL)
    init ();
  if (size < 2)
    return 0;

  if (data[0] & 1)
    {
      decode (data + 1, size - 1);
      return 0;
    }

  type_length = data[1] % 17;
  if (size < 2 + type_length)
    return 0;
  type_string = g_strndup ((const gchar *) data + 2, type_length);
  if (!g_variant_type_string_is_valid (type_string) ||
      !g_variant_type_is_definite (G_VARIANT_TYPE (type_string)))
    return 0;

  bytes = g_bytes_new (data + 2 + type_length, size - 2 - type_length);
  ancdata = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type_string), bytes,
                                                          FALSE));
  encode (ancdata, (data[0] & 2) != 0);
  return 0;
}
