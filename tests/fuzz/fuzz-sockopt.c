/* fuzz-sockopt.c: socket option buffers
 *
 * Input layout:
 *   byte 0     the socket: TCP or UDP over IPv4 or IPv6, or AF_UNIX stream
 *   byte 1     the option, an index into the table below
 *   byte 2     the operation
 *   bytes 3-6  an int value, or a buffer length for getsockopt_bytes
 *   rest       the bytes for setsockopt_bytes
 *
 * Options come from a table rather than straight from the input, so that no
 * input can do anything beyond its own socket: nothing that binds to a device,
 * joins a multicast group (which sends IGMP/MLD reports), attaches a BPF
 * program, loads a kernel module (TCP_ULP, TCP_CONGESTION), marks packets for
 * routing, or forces buffer sizes past the limits (the *FORCE options, as
 * root). The sockets are fresh, never bound nor connected, and closed after
 * each input. The table also has levels and option numbers the kernel does
 * not know, for the error paths. The buffer length for getsockopt_bytes is
 * any gsize.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

typedef struct
{
  gint level;
  gint optname;
} Option;

static const Option options[] = {
  { SOL_SOCKET, SO_REUSEADDR }, { SOL_SOCKET, SO_REUSEPORT }, { SOL_SOCKET, SO_KEEPALIVE },
  { SOL_SOCKET, SO_BROADCAST }, { SOL_SOCKET, SO_LINGER }, { SOL_SOCKET, SO_OOBINLINE },
  { SOL_SOCKET, SO_SNDBUF }, { SOL_SOCKET, SO_RCVBUF }, { SOL_SOCKET, SO_RCVLOWAT },
  { SOL_SOCKET, SO_SNDLOWAT }, { SOL_SOCKET, SO_RCVTIMEO }, { SOL_SOCKET, SO_SNDTIMEO },
  { SOL_SOCKET, SO_PRIORITY }, { SOL_SOCKET, SO_TIMESTAMP }, { SOL_SOCKET, SO_PASSCRED },
  { SOL_SOCKET, SO_TYPE }, { SOL_SOCKET, SO_ERROR }, { SOL_SOCKET, SO_ACCEPTCONN },
  { SOL_SOCKET, SO_PROTOCOL }, { SOL_SOCKET, SO_DOMAIN }, { SOL_SOCKET, SO_DONTROUTE },
  { SOL_SOCKET, SO_PEERCRED }, { SOL_SOCKET, SO_PEEK_OFF },
  { IPPROTO_IP, IP_TOS }, { IPPROTO_IP, IP_TTL }, { IPPROTO_IP, IP_OPTIONS },
  { IPPROTO_IP, IP_RECVOPTS }, { IPPROTO_IP, IP_PKTINFO }, { IPPROTO_IP, IP_RECVTTL },
  { IPPROTO_IP, IP_RECVTOS }, { IPPROTO_IP, IP_MTU_DISCOVER }, { IPPROTO_IP, IP_RECVERR },
  { IPPROTO_IP, IP_FREEBIND }, { IPPROTO_IP, IP_MULTICAST_TTL },
  { IPPROTO_IP, IP_MULTICAST_LOOP }, { IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT },
  { IPPROTO_IPV6, IPV6_V6ONLY }, { IPPROTO_IPV6, IPV6_UNICAST_HOPS },
  { IPPROTO_IPV6, IPV6_MULTICAST_HOPS }, { IPPROTO_IPV6, IPV6_MULTICAST_LOOP },
  { IPPROTO_IPV6, IPV6_RECVPKTINFO }, { IPPROTO_IPV6, IPV6_TCLASS },
  { IPPROTO_IPV6, IPV6_RECVERR }, { IPPROTO_IPV6, IPV6_MTU_DISCOVER },
  { IPPROTO_TCP, TCP_NODELAY }, { IPPROTO_TCP, TCP_MAXSEG }, { IPPROTO_TCP, TCP_CORK },
  { IPPROTO_TCP, TCP_KEEPIDLE }, { IPPROTO_TCP, TCP_KEEPINTVL }, { IPPROTO_TCP, TCP_KEEPCNT },
  { IPPROTO_TCP, TCP_SYNCNT }, { IPPROTO_TCP, TCP_LINGER2 }, { IPPROTO_TCP, TCP_DEFER_ACCEPT },
  { IPPROTO_TCP, TCP_WINDOW_CLAMP }, { IPPROTO_TCP, TCP_INFO }, { IPPROTO_TCP, TCP_QUICKACK },
  { IPPROTO_TCP, TCP_USER_TIMEOUT }, { IPPROTO_TCP, TCP_NOTSENT_LOWAT },
  /* Unknown to the kernel. */
  { 12345, 1 }, { -1, -1 }, { SOL_SOCKET, 9999 }, { IPPROTO_IP, 9999 },
  { IPPROTO_IPV6, 9999 }, { IPPROTO_TCP, 9999 }, { G_MININT, G_MAXINT },
};

typedef struct
{
  gint family;
  gint type;
} Kind;

static const Kind kinds[] = {
  { AF_INET, SOCK_STREAM }, { AF_INET, SOCK_DGRAM }, { AF_INET6, SOCK_STREAM },
  { AF_INET6, SOCK_DGRAM }, { AF_UNIX, SOCK_STREAM },
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockObject) sock = NULL;
  const Kind *kind;
  const Option *option;
  guint32 raw;
  gint value;
  gsize buflen;

  fuzz_init_once ();
  if (size < 7)
    return 0;
  kind = &kinds[data[0] % G_N_ELEMENTS (kinds)];
  option = &options[data[1] % G_N_ELEMENTS (options)];
  memcpy (&raw, data + 3, 4);
  value = (gint) raw;
  /* Mostly small lengths, sometimes any gsize. */
  buflen = (data[2] & 0x80) ? ((gsize) raw << 32 | raw) : raw % 2048;

  sock = sock_socket (kind->family, kind->type, 0, &error);
  FUZZ_CHECK (sock != NULL, "socket: %s", error->message);

  switch (data[2] % 4)
    {
    case 0:
      if (!sock_object_setsockopt_bytes (sock, option->level, option->optname, data + 7,
                                         size - 7, &error))
        {
          fuzz_check_error (error, "setsockopt_bytes");
          g_clear_error (&error);
        }
      break;
    case 1:
      if (!sock_object_setsockopt (sock, option->level, option->optname, value, &error))
        {
          fuzz_check_error (error, "setsockopt");
          g_clear_error (&error);
        }
      break;
    case 2:
      {
        gint out = 0;

        if (!sock_object_getsockopt (sock, option->level, option->optname, &out, &error))
          {
            fuzz_check_error (error, "getsockopt");
            g_clear_error (&error);
          }
      }
      break;
    default:
      break;
    }

  /* Then read the option back as bytes with the input's buffer length. */
  {
    g_autoptr(GBytes) bytes = sock_object_getsockopt_bytes (sock, option->level,
                                                            option->optname, buflen, &error);

    if (bytes == NULL)
      {
        fuzz_check_error (error, "getsockopt_bytes");
        if (buflen == 0 || buflen > 1024)
          FUZZ_CHECK (g_error_matches (error, SOCK_ERROR, EINVAL),
                      "getsockopt_bytes with buflen %" G_GSIZE_FORMAT ": %s", buflen,
                      error->message);
      }
    else
      FUZZ_CHECK (buflen >= 1 && buflen <= 1024 && g_bytes_get_size (bytes) <= buflen,
                  "getsockopt_bytes with buflen %" G_GSIZE_FORMAT " gave %" G_GSIZE_FORMAT
                  " bytes", buflen, g_bytes_get_size (bytes));
  }

  sock_object_close (sock, NULL);
  return 0;
}
