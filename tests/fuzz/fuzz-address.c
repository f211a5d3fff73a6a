/* fuzz-address.c: address variants of every family, any type, any value
 *
 * Input layout:
 *   byte 0   family (AF_INET, AF_INET6, AF_UNIX) and operation
 *   byte 1   length of the type string (modulo 17)
 *   then     the type string, which must be a valid definite GVariant type
 *   rest     the serialised value, read untrusted with
 *            g_variant_new_from_bytes (not necessarily in normal form)
 *
 * Each address goes to bind, connect, connect_ex or sendto on a *closed*
 * socket of its family: the library converts the address before it looks
 * at the descriptor, so this exercises the whole conversion with no system
 * call and no traffic, and the call must fail with EINVAL/resolver errors for
 * bad addresses or EBADF for good ones. An address the library accepts is
 * then also bound for real on a fresh socket, which is local only (an
 * AF_UNIX address only when it is an abstract name, so that no file is ever
 * created), and the bound address read back with getsockname(). Nothing is
 * ever connected or sent.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

static SockObject *closed_sockets[3];
static const gint families[3] = { AF_INET, AF_INET6, AF_UNIX };

static void
init (void)
{
  fuzz_init_once ();
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      g_autoptr(GError) error = NULL;

      closed_sockets[i] = sock_socket (families[i], SOCK_DGRAM, 0, &error);
      if (closed_sockets[i] == NULL)
        {
          fprintf (stderr, "no %d socket: %s\n", families[i], error->message);
          abort ();
        }
      sock_object_close (closed_sockets[i], NULL);
    }
}

static gboolean
is_abstract_name (GVariant *address)
{
  const guint8 *bytes;
  gsize length;

  if (!g_variant_is_of_type (address, G_VARIANT_TYPE_BYTESTRING))
    return FALSE;
  bytes = g_variant_get_fixed_array (address, &length, 1);
  return length > 0 && bytes[0] == '\0';
}

static void
bind_for_real (gint      family,
               GVariant *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  g_autoptr(GVariant) name = NULL;

  if (family == AF_UNIX && !is_abstract_name (address))
    return;

  sock = sock_socket (family, SOCK_DGRAM, 0, &error);
  FUZZ_CHECK (sock != NULL, "socket: %s", error->message);

  if (!sock_object_bind (sock, address, &error))
    {
      fuzz_check_error (error, "bind");
      return;
    }

  name = sock_object_getsockname (sock, &error);
  FUZZ_CHECK (name != NULL, "getsockname after bind: %s", error->message);
  if (family == AF_INET)
    FUZZ_CHECK (g_variant_is_of_type (name, G_VARIANT_TYPE ("(sq)")), "getsockname: %s",
                g_variant_get_type_string (name));
  else if (family == AF_INET6)
    FUZZ_CHECK (g_variant_is_of_type (name, G_VARIANT_TYPE ("(squu)")), "getsockname: %s",
                g_variant_get_type_string (name));
  else
    FUZZ_CHECK (g_variant_is_of_type (name, G_VARIANT_TYPE_BYTESTRING) ||
                g_variant_is_of_type (name, G_VARIANT_TYPE_STRING),
                "getsockname: %s", g_variant_get_type_string (name));
  sock_object_close (sock, NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *type_string = NULL;
  g_autoptr(GVariantType) type = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) address = NULL;
  SockObject *closed;
  gsize type_length;
  gint family, op;
  gboolean accepted = FALSE;

  if (closed_sockets[0] == NULL)
    init ();

  if (size < 2)
    return 0;
  family = families[(data[0] & 0x0f) % 3];
  op = (data[0] >> 4) % 4;
  type_length = data[1] % 17;
  if (size < 2 + type_length)
    return 0;
  type_string = g_strndup ((const gchar *) data + 2, type_length);
  if (strlen (type_string) != type_length || !g_variant_type_string_is_valid (type_string))
    return 0;
  type = g_variant_type_new (type_string);
  if (!g_variant_type_is_definite (type))
    return 0;

  bytes = g_bytes_new (data + 2 + type_length, size - 2 - type_length);
  address = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));
  closed = closed_sockets[(data[0] & 0x0f) % 3];

  switch (op)
    {
    case 0:
      FUZZ_CHECK (!sock_object_bind (closed, address, &error),
                  "bind on a closed socket succeeded");
      break;
    case 1:
      FUZZ_CHECK (!sock_object_connect (closed, address, &error),
                  "connect on a closed socket succeeded");
      break;
    case 2:
      {
        gint ret = sock_object_connect_ex (closed, address, &error);

        /* EBADF is an errno: connect_ex may return it rather than set an error. */
        if (ret == EBADF)
          {
            FUZZ_CHECK (error == NULL, "connect_ex returned EBADF and set an error");
            accepted = TRUE;
            goto bind_it;
          }
        FUZZ_CHECK (ret == -1, "connect_ex on a closed socket returned %d", ret);
      }
      break;
    default:
      FUZZ_CHECK (sock_object_sendto (closed, (const guint8 *) "x", 1, 0,
                                      address, &error) == -1,
                  "sendto on a closed socket succeeded");
      break;
    }

  fuzz_check_error (error, "a call on a closed socket");
  /* EBADF means the address was accepted: only the descriptor was missing. */
  accepted = g_error_matches (error, SOCK_ERROR, EBADF);
  if (!accepted)
    FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL) ||
                error->domain == SOCK_RESOLVER_ERROR,
                "a bad address gave %s", error->message);

bind_it:
  if (accepted)
    bind_for_real (family, address);

  return 0;
}
