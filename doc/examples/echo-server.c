/* echo-server.c: the echo server from Python's socket documentation, in C
 *
 * Usage: echo-server [HOST [PORT]]
 *
 * Binds HOST (default 127.0.0.1) and PORT (default 0, so the kernel picks
 * one), prints "Listening on port N", serves exactly one client by sending
 * back everything it receives, and exits when that client closes its side.
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

static gboolean
serve_one_client (SockObject  *conn,
                  GError     **error)
{
  for (;;)
    {
      g_autoptr(GBytes) data = NULL;
      gsize size = 0;
      const guint8 *bytes;

      data = sock_object_recv (conn, 1024, 0, error);
      if (data == NULL)
        return FALSE;

      /* An empty result means the client shut down its sending side. */
      bytes = g_bytes_get_data (data, &size);
      if (size == 0)
        return TRUE;

      /* send() may take only part of a buffer; sendall() keeps going. */
      if (!sock_object_sendall (conn, bytes, size, 0, error))
        return FALSE;
    }
}

static gboolean
run (const gchar  *host,
     guint16       port,
     GError      **error)
{
  g_autoptr(SockObject) s = NULL;
  g_autoptr(SockObject) conn = NULL;
  g_autoptr(GVariant) name = NULL;
  g_autoptr(GVariant) peer = NULL;
  g_autofree gchar *peer_text = NULL;
  guint16 bound_port = 0;
  gint family;

  /* A colon can only appear in an IPv6 literal, never in a name or a
   * dotted quad; AF_INET6 sockets accept the same (sq) address shape. */
  family = strchr (host, ':') != NULL ? SOCK_AF_INET6 : SOCK_AF_INET;

  s = sock_socket (family, SOCK_SOCK_STREAM, 0, error);
  if (s == NULL)
    return FALSE;

  if (!sock_object_bind (s, g_variant_new ("(sq)", host, port), error) ||
      !sock_object_listen (s, 1, error))
    return FALSE;

  /* With port 0 the kernel chose the port; tell whoever started us. The
   * port is the second member for both the (sq) and (squu) shapes. */
  name = sock_object_getsockname (s, error);
  if (name == NULL)
    return FALSE;
  g_variant_get_child (name, 1, "q", &bound_port);
  g_print ("Listening on port %u\n", bound_port);
  fflush (stdout);

  conn = sock_object_accept (s, &peer, error);
  if (conn == NULL)
    return FALSE;

  peer_text = g_variant_print (peer, FALSE);
  g_print ("Connected by %s\n", peer_text);
  fflush (stdout);

  if (!serve_one_client (conn, error))
    return FALSE;

  return sock_object_close (conn, error) && sock_object_close (s, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const gchar *host = "127.0.0.1";
  guint16 port = 0;

  if (argc > 3)
    {
      g_printerr ("Usage: %s [HOST [PORT]]\n", argv[0]);
      return EXIT_FAILURE;
    }

  if (argc > 1)
    host = argv[1];

  if (argc > 2 && !parse_port (argv[2], &port, &error))
    {
      g_printerr ("echo-server: bad port: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!run (host, port, &error))
    {
      g_printerr ("echo-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  return EXIT_SUCCESS;
}
