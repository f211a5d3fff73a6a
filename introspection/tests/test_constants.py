# Every constant CPython's socket module defines here in the seed's groups,
# and in the groups added in 1.2, is Sock.<NAME>, with the same value.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import socket
import unittest

from sockgi import Sock

PREFIXES = ('AF_', 'SOCK_', 'SO_', 'MSG_', 'SOL_', 'IPPROTO_', 'IPPORT_',
            'INADDR_', 'IP_',
            # 1.2
            'TCP_', 'IPV6_', 'AI_', 'NI_', 'EAI_', 'SCM_')
EXTRA = ('SOMAXCONN', 'SHUT_RD', 'SHUT_WR', 'SHUT_RDWR')


def cpython_constants():
    names = [name for name in dir(socket)
             if name.startswith(PREFIXES) or name in EXTRA]
    return {name: int(getattr(socket, name)) for name in names
            if isinstance(getattr(socket, name), int)}


class ConstantsTest(unittest.TestCase):

    def test_every_cpython_constant(self):
        constants = cpython_constants()
        # A sanity check that the filter above found the groups at all.
        for name in ('AF_INET', 'AF_UNIX', 'SOCK_STREAM', 'SO_REUSEADDR',
                     'SOMAXCONN', 'MSG_PEEK', 'SOL_SOCKET', 'IPPROTO_TCP',
                     'IPPORT_RESERVED', 'INADDR_ANY', 'IP_TTL', 'SHUT_RDWR',
                     'TCP_NODELAY', 'IPV6_V6ONLY', 'AI_PASSIVE', 'NI_NUMERICHOST',
                     'EAI_NONAME', 'SCM_RIGHTS'):
            self.assertIn(name, constants)

        missing = sorted(name for name in constants if not hasattr(Sock, name))
        self.assertEqual(missing, [], 'constants CPython has and Sock lacks')

        wrong = sorted('%s: Sock %r, socket %r' % (name, getattr(Sock, name), value)
                       for name, value in constants.items()
                       if getattr(Sock, name) != value)
        self.assertEqual(wrong, [], 'constants whose values differ')

    def test_seed_examples(self):
        self.assertEqual(Sock.SO_REUSEADDR, socket.SO_REUSEADDR)
        self.assertEqual(Sock.AF_INET, socket.AF_INET)
        self.assertEqual(Sock.SOCK_DGRAM, socket.SOCK_DGRAM)

    def test_large_values_keep_their_value(self):
        # Past G_MAXINT32: recorded as guint32 in the GIR, so not negative.
        self.assertEqual(Sock.INADDR_BROADCAST, 0xffffffff)
        self.assertEqual(Sock.INADDR_NONE, socket.INADDR_NONE)
        self.assertEqual(Sock.INADDR_ALLHOSTS_GROUP, socket.INADDR_ALLHOSTS_GROUP)
        self.assertEqual(Sock.INADDR_LOOPBACK, 0x7f000001)
        self.assertEqual(Sock.htonl(Sock.ntohl(Sock.INADDR_BROADCAST)), 0xffffffff)

    def test_values_are_plain_ints(self):
        for name in cpython_constants():
            self.assertIsInstance(getattr(Sock, name), int, name)

    def test_negative_values_keep_their_sign(self):
        # The EAI_* codes are negative on glibc; the GIR must not make them
        # unsigned.
        self.assertEqual(Sock.EAI_NONAME, socket.EAI_NONAME)
        self.assertLess(Sock.EAI_NONAME, 0)
        self.assertEqual(Sock.EAI_SYSTEM, socket.EAI_SYSTEM)

    def test_shutdown_constants(self):
        self.assertEqual((Sock.SHUT_RD, Sock.SHUT_WR, Sock.SHUT_RDWR), (0, 1, 2))


if __name__ == '__main__':
    unittest.main(verbosity=2)
