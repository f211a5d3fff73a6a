/* chat-server.c: a chat server on a GMainLoop, with sockobj's async calls
 *
 * Usage: chat-server [HOST [PORT [CLIENTS]]]
 *
 * Binds HOST (default 127.0.0.1) and PORT (default 0: the kernel picks
 * one), prints "Listening on port N", and relays every line a client sends
 * to all the others, as "('host', port): line". With CLIENTS, it exits
 * once that many clients have come and gone.
 *
 * Nothing blocks: one accept_async() is always pending on the listener,
 * one recv_async() on each client, and a client's outgoing lines queue up
 * behind its one sendall_async() in progress.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include <sockobj.h>

typedef struct
{
  SockObject *sock;
  gchar *name;          /* "('127.0.0.1', 40312)" */
  GString *input;       /* what came in after the last newline */
  GQueue outgoing;      /* GBytes waiting for the send in progress */
  gboolean sending;
  gboolean gone;        /* closed; freed once its send in progress is done */
} Client;

static GMainLoop *loop;
static GList *clients;
static guint clients_left;  /* with CLIENTS: how many are still to come and go */

static void client_sent (GObject *source, GAsyncResult *result, gpointer data);

/* Sends the next queued line, unless a send is in progress: one write at a
 * time per socket, so lines go out in order. */
static void
client_flush (Client *client)
{
  GBytes *line;

  if (client->sending || (line = g_queue_pop_head (&client->outgoing)) == NULL)
    return;

  client->sending = TRUE;
  sock_object_sendall_async (client->sock, line, 0, NULL, client_sent, client);
  g_bytes_unref (line);
}

static void client_free (Client *client);

static void
client_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;

  client->sending = FALSE;
  /* A client that went away (EBADF once its socket is closed) is dropped by
   * its reader; it waited for this callback to be freed. */
  if (!sock_object_sendall_finish (client->sock, result, &error) || client->gone)
    {
      if (client->gone)
        client_free (client);
      return;
    }
  client_flush (client);
}

static void
broadcast (Client      *from,
           const gchar *text)
{
  g_autofree gchar *line = g_strdup_printf ("%s: %s\n", from ? from->name : "*", text);
  g_autoptr(GBytes) bytes = g_bytes_new (line, strlen (line));

  for (GList *l = clients; l != NULL; l = l->next)
    {
      Client *to = l->data;

      if (to == from)
        continue;
      g_queue_push_tail (&to->outgoing, g_bytes_ref (bytes));
      client_flush (to);
    }
}

static void
client_free (Client *client)
{
  g_object_unref (client->sock);
  g_free (client->name);
  g_string_free (client->input, TRUE);
  g_queue_clear_full (&client->outgoing, (GDestroyNotify) g_bytes_unref);
  g_free (client);
}

static void
client_received (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sock_object_recv_finish (client->sock, result, &error);
  const gchar *chunk;
  gsize size = 0;
  gchar *newline;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      /* The end of the stream, or an error: the client is gone. */
      g_autofree gchar *notice = g_strdup_printf ("%s left", client->name);

      g_print ("%s\n", notice);
      clients = g_list_remove (clients, client);
      broadcast (NULL, notice);
      /* A send in progress fails now, and its callback frees the client. */
      sock_object_close (client->sock, NULL);
      client->gone = TRUE;
      if (!client->sending)
        client_free (client);
      if (clients_left > 0 && --clients_left == 0 && clients == NULL)
        g_main_loop_quit (loop);
      return;
    }

  chunk = g_bytes_get_data (bytes, &size);
  g_string_append_len (client->input, chunk, size);
  while ((newline = memchr (client->input->str, '\n', client->input->len)) != NULL)
    {
      g_autofree gchar *text = g_strndup (client->input->str, newline - client->input->str);

      g_string_erase (client->input, 0, newline - client->input->str + 1);
      broadcast (client, g_strchomp (text));
    }

  sock_object_recv_async (client->sock, 4096, 0, NULL, client_received, client);
}

static void
accepted (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  SockObject *listener = SOCK_OBJECT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) address = NULL;
  g_autofree gchar *notice = NULL;
  SockObject *sock = sock_object_accept_finish (listener, result, &address, &error);
  Client *client;

  if (sock == NULL && g_error_matches (error, SOCK_ERROR, SOCK_ERROR_EBADF))
    return;  /* The listener was closed. */

  /* The next client may come while this one is being set up. */
  sock_object_accept_async (listener, NULL, accepted, NULL);
  if (sock == NULL)
    {
      g_printerr ("accept: %s\n", error->message);
      return;
    }

  client = g_new0 (Client, 1);
  client->sock = sock;
  client->name = g_variant_print (address, FALSE);
  client->input = g_string_new (NULL);
  g_queue_init (&client->outgoing);

  notice = g_strdup_printf ("%s joined", client->name);
  g_print ("%s\n", notice);
  broadcast (NULL, notice);
  clients = g_list_prepend (clients, client);

  sock_object_recv_async (client->sock, 4096, 0, NULL, client_received, client);
}

int
main (int   argc,
      char *argv[])
{
  const gchar *host = argc > 1 ? argv[1] : "127.0.0.1";
  guint64 port = 0, count = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) listener = NULL;
  g_autoptr(GVariant) bound = NULL;
  guint16 bound_port;

  if ((argc > 2 && !g_ascii_string_to_unsigned (argv[2], 10, 0, G_MAXUINT16, &port, &error)) ||
      (argc > 3 && !g_ascii_string_to_unsigned (argv[3], 10, 1, G_MAXUINT, &count, &error)))
    {
      g_printerr ("usage: %s [HOST [PORT [CLIENTS]]]: %s\n", argv[0], error->message);
      return 2;
    }
  clients_left = count;

  listener = sock_create_server (g_variant_new ("(sq)", host, (guint16) port), SOCK_AF_INET,
                                 -1, FALSE, &error);
  if (listener == NULL || (bound = sock_object_getsockname (listener, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_variant_get (bound, "(&sq)", NULL, &bound_port);
  /* Whoever started the server reads this line from a pipe. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_print ("Listening on port %u\n", bound_port);

  loop = g_main_loop_new (NULL, FALSE);
  sock_object_accept_async (listener, NULL, accepted, NULL);
  g_main_loop_run (loop);

  /* The pending accept fails now, from the last iteration. */
  sock_object_close (listener, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (loop);
  return 0;
}
