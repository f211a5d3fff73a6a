# The override's argument errors, row by row against CPython's socket module.
#
# Every Python-facing method and module function is called with wrong
# types, negative sizes, huge sizes and None where a value is needed, on a
# Sock socket and on a CPython socket in the same state; both must raise
# the same exception class (and the same errno for an OSError), or both
# succeed. Nothing may crash the process. Run with SOCK_TEST_OVERRIDE=1.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import socket as pysocket
import unittest

from sockgi import GLib, Sock

HUGE = 2**63
HUGER = 2**64
INT_OVER = 2**40

# Arguments shared by the rows below.
ADDR_ROWS = [
    (None,), ('127.0.0.1',), (b'127.0.0.1',), (('127.0.0.1',),), (('127.0.0.1', 1, 2),),
    (('127.0.0.1', -1),), (('127.0.0.1', 65536),), (('127.0.0.1', INT_OVER),),
    (('127.0.0.1', HUGE),), (('127.0.0.1', 1.5),), (('127.0.0.1', '80'),),
    (('127.0.0.1', None),), ((None, 80),), ((1234, 80),), (('a\0b', 80),),
    ([('127.0.0.1', 80)],), (),
]

SIZE_ROWS = [
    (-1,), (HUGE,), (HUGER,), (1.5,), ('1',), (None,), (b'1',), ([],),
    (1, 1.5), (1, None), (1, INT_OVER), (1, '0'), (),
]

DATA_ROWS = [
    (5,), ('abc',), (None,), ([1, 2],), (5j,), (1.5,),
    (b'x', 1.5), (b'x', None), (b'x', INT_OVER), (b'x', '0'), (),
]


def connected_cpython():
    server = pysocket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen()
    client = pysocket.create_connection(server.getsockname())
    conn, _ = server.accept()
    server.close()
    for s in (client, conn):
        s.setblocking(False)
    return client, conn


def connected_sock():
    server = Sock.socket()
    server.bind(('127.0.0.1', 0))
    server.listen()
    client = Sock.socket()
    client.connect(server.getsockname())
    conn, _ = server.accept()
    server.close()
    for s in (client, conn):
        s.setblocking(False)
    return client, conn


def outcome(call):
    try:
        call()
    except Exception as e:  # noqa: B902 - every class is compared
        return type(e), getattr(e, 'errno', None)
    return None, None


def simple_class(exc_class):
    """The builtin class the override's class stands for."""
    if exc_class is None:
        return None
    if issubclass(exc_class, GLib.Error) and exc_class is not GLib.Error:
        for base in exc_class.__mro__[1:]:
            if base is not GLib.Error and issubclass(base, BaseException) and \
                    not issubclass(base, GLib.Error):
                return base
    return exc_class


class Rows(unittest.TestCase):

    def compare(self, what, py_call, sock_call):
        expected = outcome(py_call)
        got = outcome(sock_call)
        exp_class = expected[0]
        got_class = simple_class(got[0])
        # Sock's gaierror and herror are its own classes, as CPython's are
        # the socket module's.
        names = {pysocket.gaierror: Sock.gaierror, pysocket.herror: Sock.herror}
        exp_class = names.get(exp_class, exp_class)
        self.assertEqual((got_class, got[1]), (exp_class, expected[1]),
                         '%s: CPython raises %r, Sock %r' % (what, expected, got))

    def method_rows(self, name, rows, pairs=True):
        py_client, py_conn = connected_cpython()
        s_client, s_conn = connected_sock()
        try:
            for args in rows:
                with self.subTest(method=name, args=args):
                    self.compare('%s%r' % (name, args),
                                 lambda: getattr(py_conn, name)(*args),
                                 lambda: getattr(s_conn, name)(*args))
        finally:
            for s in (py_client, py_conn, s_client, s_conn):
                s.close()

    def test_recv(self):
        self.method_rows('recv', SIZE_ROWS + [(0,), (10,), (10, 0)])

    def test_recvfrom(self):
        self.method_rows('recvfrom', SIZE_ROWS + [(0,), (10,)])

    def test_recv_into(self):
        rows = [(bytearray(4), -1), (bytes(4),), (bytearray(4), 5), (None,),
                (bytearray(4), 1.5), (bytearray(4), HUGE), (memoryview(b'ab'),),
                ('abcd',), (bytearray(4), 2, None), (bytearray(4), 2, 1.5), (),
                (bytearray(0),), (bytearray(4),), (bytearray(4), 4, 0)]
        self.method_rows('recv_into', rows)
        self.method_rows('recvfrom_into', rows)

    def test_send(self):
        self.method_rows('send', DATA_ROWS + [(b'',), (bytearray(b'ab'),),
                                              (memoryview(b'ab'),)])
        self.method_rows('sendall', DATA_ROWS + [(b'',), (bytearray(b'ab'),)])

    def test_sendto(self):
        address = ('127.0.0.1', 9)
        rows = [(b'x',), (b'x', None), (b'x', 0, None), ('x', address), (5j, address),
                (b'x', 'bar', address), (b'x', None, None), (b'x', 0, address, 4),
                (b'x', 1.5, address), (b'x', INT_OVER, address), ()]
        rows += [(b'x',) + args for args in ADDR_ROWS if len(args) == 1]
        py = pysocket.socket(pysocket.AF_INET, pysocket.SOCK_DGRAM)
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM)
        try:
            for args in rows:
                with self.subTest(args=args):
                    self.compare('sendto%r' % (args,), lambda: py.sendto(*args),
                                 lambda: s.sendto(*args))
        finally:
            py.close()
            s.close()

    def test_addresses(self):
        for name in ('bind', 'connect', 'connect_ex'):
            for args in ADDR_ROWS:
                py = pysocket.socket()
                s = Sock.socket()
                try:
                    with self.subTest(method=name, args=args):
                        self.compare('%s%r' % (name, args), lambda: getattr(py, name)(*args),
                                     lambda: getattr(s, name)(*args))
                finally:
                    py.close()
                    s.close()

    def test_unix_addresses(self):
        rows = [(None,), (5,), (('a', 1),), ('x' * 200,), (b'x' * 200,), (1.5,)]
        for args in rows:
            py = pysocket.socket(pysocket.AF_UNIX)
            s = Sock.socket(Sock.AF_UNIX)
            try:
                with self.subTest(args=args):
                    self.compare('bind%r' % (args,), lambda: py.bind(*args),
                                 lambda: s.bind(*args))
            finally:
                py.close()
                s.close()

    def test_options(self):
        level, opt = pysocket.SOL_SOCKET, pysocket.SO_REUSEADDR
        self.method_rows('setsockopt', [
            (level, opt, None), (level, opt, 'x'), (level, opt, 1.5), (None, opt, 1),
            (level, None, 1), (level, opt, INT_OVER), (level, opt), (level, opt, 1),
            (level, opt, b'\x01\0\0\0'), (level, opt, None, 1.5), (level, opt, 1, 4)])
        self.method_rows('getsockopt', [
            (level, pysocket.SO_LINGER, -1), (level, pysocket.SO_LINGER, 2000),
            (level, opt, None), (level, opt, 1.5), (None, opt), (level,), (level, opt),
            (level, pysocket.SO_LINGER, 8), (level, opt, INT_OVER)])

    def test_other_methods(self):
        self.method_rows('listen', [(None,), (1.5,), (INT_OVER,), ('1',), (-5,), (1,)])
        self.method_rows('settimeout', [('1',), (-1,), (float('nan'),), (b'1',), ([],),
                                        (None,), (0,), (1e300,), (2**1000,), ()])
        self.method_rows('setblocking', [(None,), (2,), (), (2**32,), (HUGE,), (1.5,)])
        self.method_rows('shutdown', [(None,), (1.5,), (99,), (INT_OVER,), ('1',), ()])
        self.method_rows('makefile', [('x',), ('rt', 0), (None,), ('rb', 1.5), ('rb', None)])

    def test_sendmsg_ancillary_items(self):
        # Each is refused before anything is sent.
        self.method_rows('sendmsg', [
            ([b'x'], [object()]), ([b'x'], [(object(), 0, b'data')]),
            ([b'x'], [(0, object(), b'data')]), ([b'x'], [(0, 0, object())]),
            ([b'x'], [(0, 0)]), ([b'x'], [(0, 0, b'data', 42)]), ([b'x'], [b'abc']),
            ([b'x'], [[0, 0]]), ([b'x'], [(INT_OVER, 0, b'data')]), ([b'x'], 5), (5,),
        ])

    def test_module_functions(self):
        rows = [
            ('getaddrinfo', (1, 80)), ('getaddrinfo', ('127.0.0.1', 1.5)),
            ('getaddrinfo', ('127.0.0.1', 80, 'x')), ('getaddrinfo', ('127.0.0.1', [])),
            ('getaddrinfo', ('127.0.0.1', 80, 0, 0, 0, None)), ('getaddrinfo', ()),
            ('gethostbyname', (None,)), ('gethostbyname', (5,)), ('gethostbyname', ()),
            ('gethostbyname_ex', (None,)), ('gethostbyaddr', (None,)),
            ('inet_aton', (None,)), ('inet_aton', ('x',)), ('inet_aton', (b'1.2.3.4',)),
            ('inet_ntoa', (b'123',)), ('inet_ntoa', ('1234',)), ('inet_ntoa', (None,)),
            ('inet_pton', (pysocket.AF_INET, None)), ('inet_pton', (pysocket.AF_INET, 'x')),
            ('inet_pton', (None, '1.2.3.4')), ('inet_pton', (pysocket.AF_INET6, '1.2.3.4')),
            ('inet_ntop', (pysocket.AF_INET, b'123')), ('inet_ntop', (pysocket.AF_INET, None)),
            ('inet_ntop', (pysocket.AF_INET6, b'1234')), ('inet_ntop', (None, b'1234')),
            ('htonl', (-1,)), ('htonl', (2**32,)), ('htonl', (1.5,)), ('htonl', (None,)),
            ('htons', (-1,)), ('htons', (2**16,)), ('ntohl', (HUGE,)), ('ntohs', ('1',)),
            ('getservbyname', (None,)), ('getservbyname', ('http', 5)),
            ('getservbyname', ('no-such-service-here',)), ('getprotobyname', (None,)),
            ('getprotobyname', ('no-such-protocol',)),
            ('setdefaulttimeout', ('x',)), ('setdefaulttimeout', (-1,)),
            ('if_nametoindex', (None,)), ('if_nametoindex', ('no-such-if0',)),
            ('if_indextoname', (-1,)), ('if_indextoname', (INT_OVER,)),
            ('if_indextoname', (None,)), ('if_indextoname', (1.5,)),
            ('getnameinfo', (None, 0)), ('getnameinfo', (('127.0.0.1',), 0)),
            ('getnameinfo', (('127.0.0.1', 80), None)), ('getnameinfo', (('127.0.0.1', 80),)),
            ('create_connection', (None,)), ('create_connection', (('127.0.0.1',),)),
            ('fromfd', (None, pysocket.AF_INET, pysocket.SOCK_STREAM)),
            ('fromfd', (-1, pysocket.AF_INET, pysocket.SOCK_STREAM)),
            ('socket', ('x',)), ('socket', (pysocket.AF_INET, 'x')),
            ('socket', (pysocket.AF_INET, pysocket.SOCK_STREAM, 1.5)),
            ('socket', (pysocket.AF_INET, pysocket.SOCK_STREAM, 0, 1.5)),
            ('socket', (pysocket.AF_INET, pysocket.SOCK_STREAM, 0, -5)),
            ('CMSG_LEN', (-1,)), ('CMSG_LEN', (2**31,)), ('CMSG_LEN', (HUGE - 1,)),
            ('CMSG_LEN', (HUGE,)), ('CMSG_LEN', (1.5,)), ('CMSG_LEN', (None,)),
            ('CMSG_SPACE', (-1,)), ('CMSG_SPACE', (2**31 - 1,)), ('CMSG_SPACE', (HUGE,)),
            ('CMSG_SPACE', (-HUGE - 1,)), ('CMSG_SPACE', ('1',)),
            # CPython's limit, below the library's.
            ('CMSG_SPACE', (2**31 - pysocket.CMSG_SPACE(1),)),
            ('CMSG_SPACE', (2**31 - 1 - pysocket.CMSG_SPACE(1),)),
            ('CMSG_LEN', (2**31 - pysocket.CMSG_LEN(0),)),
            ('CMSG_LEN', (2**31 - 1 - pysocket.CMSG_LEN(0),)),
        ]
        try:
            for name, args in rows:
                with self.subTest(function=name, args=args):
                    self.compare('%s%r' % (name, args),
                                 lambda: getattr(pysocket, name)(*args),
                                 lambda: getattr(Sock, name)(*args))
        finally:
            pysocket.setdefaulttimeout(None)
            Sock.setdefaulttimeout(None)

    def test_recv_into_checks_before_reading(self):
        client, conn = connected_sock()
        try:
            client.sendall(b'kept')
            conn.settimeout(10)
            with self.assertRaises(ValueError):
                conn.recv_into(bytearray(2), 3)
            with self.assertRaises(ValueError):
                conn.recvfrom_into(bytearray(2), 3)
            with self.assertRaises(TypeError):
                conn.recv_into(b'read-only')
            self.assertEqual(conn.recv(4), b'kept')
        finally:
            client.close()
            conn.close()

    def test_cached_addresses_keep_their_checks(self):
        with Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM) as s:
            s.sendto(b'x', ('127.0.0.1', 9))
            # Equal to the address just used, but not one.
            with self.assertRaises(TypeError):
                s.sendto(b'x', ('127.0.0.1', 9.0))

    def test_send_int_is_type_error(self):
        client, conn = connected_sock()
        try:
            with self.assertRaises(TypeError) as cm:
                client.send(5)
            self.assertEqual(str(cm.exception), "a bytes-like object is required, not 'int'")
            self.assertEqual(conn.recv(16) if False else b'', b'')
            with self.assertRaises(BlockingIOError) as cm:
                conn.recv(16)
            self.assertEqual(cm.exception.errno, errno.EAGAIN)
        finally:
            client.close()
            conn.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
