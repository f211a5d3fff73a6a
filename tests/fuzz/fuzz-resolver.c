/* fuzz-resolver.c: getaddrinfo() and getnameinfo() with caller data
 *
 * Input layout:
 *   byte 0   bit 0: 0 getaddrinfo, 1 getnameinfo; the other bits pick the
 *            family (getaddrinfo) or are the flags (getnameinfo)
 *   byte 1   getaddrinfo: the socket type and whether host or port is NULL
 *   byte 2   getaddrinfo: the AI_* flags
 *   rest     getaddrinfo: "host\0port"; getnameinfo: as fuzz-address's
 *            input from its byte 1 on (type length, type string, value)
 *
 * fuzz-common.h forces numeric hosts and services on both calls, so no
 * input is ever looked up. Every address getaddrinfo() gives must go back
 * through getnameinfo(); every host getnameinfo() gives must be numeric.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <arpa/inet.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A failure must be a resolver error with its EAI_* code, or EINVAL for data
 * the library refuses itself; EAI_SYSTEM is any other SOCK_ERROR. */
static void
check_lookup_error (const GError *error,
                    const gchar  *what)
{
  fuzz_check_error (error, what);
  if (error->domain == SOCK_RESOLVER_ERROR)
    FUZZ_CHECK (sock_resolver_error_get_eai_code (error) != 0, "%s: no EAI code: %s", what,
                error->message);
}

/* getnameinfo() of @address must succeed with a numeric host and the port
 * in decimal. */
static void
check_nameinfo_result (GVariant    *address,
                       const gchar *host,
                       const gchar *port)
{
  g_autofree gchar *numeric = NULL;
  guint8 packed[16];
  guint64 value;
  guint16 expected = 0;

  FUZZ_CHECK (host != NULL && port != NULL, "getnameinfo gave no host or port");
  g_variant_get_child (address, 1, "q", &expected);
  FUZZ_CHECK (g_ascii_string_to_unsigned (port, 10, 0, G_MAXUINT16, &value, NULL) &&
              value == expected, "getnameinfo gave port \"%s\" for %u", port, expected);

  /* A scope may follow an IPv6 host. */
  numeric = g_strndup (host, strcspn (host, "%"));
  FUZZ_CHECK (inet_pton (AF_INET, numeric, packed) == 1 ||
              inet_pton (AF_INET6, numeric, packed) == 1,
              "getnameinfo gave a host that is not numeric: \"%s\"", host);
}

static void
fuzz_getaddrinfo (const uint8_t *data,
                  size_t         size)
{
  static const gint families[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, -1, 12345 };
  static const gint types[] = { 0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, -1 };
  static const gint flag_bits[] = { AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_V4MAPPED,
                                    AI_ALL, AI_ADDRCONFIG, AI_NUMERICSERV, -1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) infos = NULL;
  g_autofree gchar *text = NULL;
  const gchar *host, *port;
  gint family, type, flags = 0;

  if (size < 3)
    return;
  family = families[(data[0] >> 1) % G_N_ELEMENTS (families)];
  type = types[data[1] % G_N_ELEMENTS (types)];
  for (guint i = 0; i < G_N_ELEMENTS (flag_bits); i++)
    {
      if (data[2] & (1u << i))
        flags |= flag_bits[i];
    }

  /* "host\0port"; without a NUL, no port. */
  text = g_malloc (size - 3 + 1);
  memcpy (text, data + 3, size - 3);
  text[size - 3] = '\0';
  host = text;
  port = strlen (text) < size - 3 ? text + strlen (text) + 1 : NULL;
  if (data[1] & 0x40)
    host = NULL;
  if (data[1] & 0x80)
    port = NULL;

  infos = sock_getaddrinfo (host, port, family, type, 0, flags, &error);
  if (infos == NULL)
    {
      check_lookup_error (error, "getaddrinfo");
      return;
    }

  FUZZ_CHECK (g_variant_is_of_type (infos, G_VARIANT_TYPE ("a(iiisv)")),
              "getaddrinfo gave %s", g_variant_get_type_string (infos));
  FUZZ_CHECK (!g_variant_is_floating (infos), "getaddrinfo gave a floating variant");

  for (gsize i = 0; i < g_variant_n_children (infos); i++)
    {
      g_autoptr(GVariant) address = NULL;
      g_autofree gchar *name_host = NULL;
      g_autofree gchar *name_port = NULL;
      gint got_family;

      g_variant_get_child (infos, i, "(iii&sv)", &got_family, NULL, NULL, NULL, &address);
      FUZZ_CHECK ((got_family == AF_INET &&
                   g_variant_is_of_type (address, G_VARIANT_TYPE ("(sq)"))) ||
                  (got_family == AF_INET6 &&
                   g_variant_is_of_type (address, G_VARIANT_TYPE ("(squu)"))),
                  "getaddrinfo gave family %d with an address of type %s", got_family,
                  g_variant_get_type_string (address));

      FUZZ_CHECK (sock_getnameinfo (address, NI_NUMERICHOST | NI_NUMERICSERV, &name_host,
                                    &name_port, &error),
                  "getnameinfo of getaddrinfo's address failed: %s", error->message);
      check_nameinfo_result (address, name_host, name_port);
    }
}

static void
fuzz_getnameinfo (const uint8_t *data,
                  size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *type_string = NULL;
  g_autoptr(GVariantType) type = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autofree gchar *host = NULL;
  g_autofree gchar *port = NULL;
  gsize type_length;
  gint flags;

  if (size < 2)
    return;
  /* Any flags, also unknown bits (EAI_BADFLAGS). */
  flags = data[0] >> 1;
  type_length = data[1] % 17;
  if (size < 2 + type_length)
    return;
  type_string = g_strndup ((const gchar *) data + 2, type_length);
  if (strlen (type_string) != type_length || !g_variant_type_string_is_valid (type_string))
    return;
  type = g_variant_type_new (type_string);
  if (!g_variant_type_is_definite (type))
    return;

  bytes = g_bytes_new (data + 2 + type_length, size - 2 - type_length);
  address = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));

  if (!sock_getnameinfo (address, flags, &host, &port, &error))
    {
      check_lookup_error (error, "getnameinfo");
      FUZZ_CHECK (host == NULL && port == NULL, "getnameinfo failed but gave a result");
      if (error->domain == SOCK_ERROR)
        FUZZ_CHECK (error->code == EINVAL, "getnameinfo: %s", error->message);
      return;
    }

  /* Only (sq)-like and (squu) tuples get here: read the port back. */
  if (g_variant_is_of_type (address, G_VARIANT_TYPE ("(sq)")) ||
      g_variant_is_of_type (address, G_VARIANT_TYPE ("(squu)")))
    check_nameinfo_result (address, host, port);
  else
    FUZZ_CHECK (host != NULL && port != NULL, "getnameinfo gave no host or port");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_init_once ();

  if (size < 1)
    return 0;
  if (data[0] & 1)
    fuzz_getnameinfo (data, size);
  else
    fuzz_getaddrinfo (data, size);
  return 0;
}
