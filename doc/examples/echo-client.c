/* echo-client.c: the echo client from Python's socket documentation, in C
 *
 * Usage: echo-client HOST PORT [MESSAGE]
 *
 * Connects to an echo server, sends MESSAGE (default "Hello, world"), reads
 * the echo back and prints it much as Python prints a string's repr:
 * "Received 'Hello, world'".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockobj.h>

static gboolean
parse_port (const gchar  *text,
            guint16      *port,
            GError      **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT16, &value, error))
    return FALSE;

  *port = (guint16) value;
  return TRUE;
}

/* Quote @data much as Python's repr() quotes a string, so that
 * whatever came back over the wire prints on one readable line. */
static gchar *
repr_bytes (const guint8 *data,
            gsize         size)
{
  GString *out = g_string_sized_new (size + 2);
  gsize i;

  g_string_append_c (out, '\'');
  for (i = 0; i < size; i++)
    {
      guint8 c = data[i];

      switch (c)
        {
        case '\'':
          g_string_append (out, "\\'");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c >= 0x20 && c < 0x7f)
            g_string_append_c (out, (gchar) c);
          else
            g_string_append_printf (out, "\\x%02x", c);
        }
    }
  g_string_append_c (out, '\'');

  return g_string_free (out, FALSE);
}

static gboolean
run (const gchar  *host,
     guint16       port,
     const gchar  *message,
     GError      **error)
{
  g_autoptr(SockObject) s = NULL;
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autofree gchar *text = NULL;
  gsize length = strlen (message);
  gint family;

  family = strchr (host, ':') != NULL ? SOCK_AF_INET6 : SOCK_AF_INET;

  s = sock_socket (family, SOCK_SOCK_STREAM, 0, error);
  if (s == NULL)
    return FALSE;

  if (!sock_object_connect (s, g_variant_new ("(sq)", host, port), error))
    return FALSE;

  if (!sock_object_sendall (s, (const guint8 *) message, length, 0, error))
    return FALSE;

  /* The seed reads once, which is enough for twelve bytes on a quiet
   * loopback but not in general: TCP may deliver the echo in pieces.
   * Closing our sending half tells the server we are done, and it closes
   * in turn once everything is echoed, so read until end of stream. */
  if (!sock_object_shutdown (s, SOCK_SHUT_WR, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GBytes) data = NULL;
      const guint8 *bytes;
      gsize size = 0;

      data = sock_object_recv (s, 1024, 0, error);
      if (data == NULL)
        return FALSE;

      bytes = g_bytes_get_data (data, &size);
      if (size == 0)
        break;

      g_byte_array_append (reply, bytes, size);
    }

  if (!sock_object_close (s, error))
    return FALSE;

  text = repr_bytes (reply->data, reply->len);
  g_print ("Received %s\n", text);

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const gchar *message = "Hello, world";
  guint16 port = 0;

  if (argc < 3 || argc > 4)
    {
      g_printerr ("Usage: %s HOST PORT [MESSAGE]\n", argv[0]);
      return EXIT_FAILURE;
    }

  if (!parse_port (argv[2], &port, &error))
    {
      g_printerr ("echo-client: bad port: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (argc > 3)
    message = argv[3];

  if (!run (argv[1], port, message, &error))
    {
      g_printerr ("echo-client: %s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
