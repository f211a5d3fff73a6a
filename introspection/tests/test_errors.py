# Errors reach Python as GLib.Error: domain sock-error-quark, code = errno.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import os
import signal
import unittest

from sockgi import (GLib, Sock, connected_pair, inet_address, listening_socket,
                    loopback_any_port)

DOMAIN = 'sock-error-quark'


class ErrnoTest(unittest.TestCase):

    def assertErrno(self, cm, code):
        e = cm.exception
        self.assertIsInstance(e, GLib.Error)
        self.assertEqual(e.domain, DOMAIN)
        self.assertEqual(e.code, code, e.message)
        self.assertTrue(e.matches(Sock.error_quark(), code))
        self.assertTrue(e.message)

    def closed_port(self):
        s = listening_socket()
        port = s.getsockname().unpack()[1]
        s.close()
        return port

    def test_connection_refused(self):
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            c.connect(inet_address('127.0.0.1', self.closed_port()))
        self.assertErrno(cm, errno.ECONNREFUSED)
        self.assertEqual(cm.exception.code, Sock.Error.ECONNREFUSED)
        self.assertIn(os.strerror(errno.ECONNREFUSED), cm.exception.message)
        self.assertIn('127.0.0.1', cm.exception.message)
        c.close()

    def test_address_in_use(self):
        a = listening_socket()
        b = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            b.bind(a.getsockname())
        self.assertErrno(cm, errno.EADDRINUSE)
        a.close()
        b.close()

    def test_wrong_address_shape(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        for address in (GLib.Variant('s', '127.0.0.1'),
                        GLib.Variant('(ss)', ('127.0.0.1', '80')),
                        GLib.Variant('(sqs)', ('127.0.0.1', 80, 'x'))):
            with self.assertRaises(GLib.Error) as cm:
                s.bind(address)
            self.assertErrno(cm, errno.EINVAL)
        s.close()

    def test_port_out_of_range(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        for port in (-1, 65536):
            with self.assertRaises(GLib.Error) as cm:
                s.bind(GLib.Variant('(si)', ('127.0.0.1', port)))
            self.assertErrno(cm, errno.EINVAL)
        s.close()

    def test_unix_path_too_long(self):
        s = Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            s.bind(GLib.Variant('s', '/tmp/' + 'x' * 200))
        self.assertErrno(cm, errno.EINVAL)
        with self.assertRaises(GLib.Error) as cm:
            s.bind(GLib.Variant('(sq)', ('127.0.0.1', 0)))
        self.assertErrno(cm, errno.EINVAL)
        s.close()

    def test_closed_socket(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        s.close()
        calls = [
            lambda: s.accept(),
            lambda: s.bind(loopback_any_port()),
            lambda: s.connect(inet_address('127.0.0.1', 9)),
            lambda: s.getpeername(),
            lambda: s.getsockname(),
            lambda: s.getsockopt(Sock.SOL_SOCKET, Sock.SO_TYPE),
            lambda: s.getsockopt_bytes(Sock.SOL_SOCKET, Sock.SO_LINGER, 8),
            lambda: s.listen(1),
            lambda: s.makefile('r', -1),
            lambda: s.recv(16, 0),
            lambda: s.recvfrom(16, 0),
            lambda: s.send(b'x', 0),
            lambda: s.sendall(b'x', 0),
            lambda: s.sendto(b'x', 0, inet_address('127.0.0.1', 9)),
            lambda: s.setblocking(False),
            lambda: s.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1),
            lambda: s.setsockopt_bytes(Sock.SOL_SOCKET, Sock.SO_LINGER, b'\0' * 8),
            lambda: s.shutdown(Sock.SHUT_RDWR),
        ]
        for call in calls:
            with self.assertRaises(GLib.Error) as cm:
                call()
            self.assertErrno(cm, errno.EBADF)
        # EBADF is an errno, so connect_ex() returns it, as in CPython.
        self.assertEqual(s.connect_ex(inet_address('127.0.0.1', 9)), errno.EBADF)

    def test_not_connected(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            s.getpeername()
        self.assertErrno(cm, errno.ENOTCONN)
        s.close()

    def test_nonblocking_accept(self):
        s = listening_socket()
        s.setblocking(False)
        with self.assertRaises(GLib.Error) as cm:
            s.accept()
        self.assertErrno(cm, errno.EAGAIN)
        self.assertTrue(cm.exception.matches(Sock.error_quark(), Sock.Error.EWOULDBLOCK))
        s.close()

    def test_broken_pipe_is_an_error_not_a_signal(self):
        # Python ignores SIGPIPE; put back the default, which kills the
        # process, to see that the library never raises it.
        old = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        try:
            c, conn = connected_pair()
            conn.close()
            with self.assertRaises(GLib.Error) as cm:
                # The first sends may still be accepted; keep going until
                # the reset reaches us. Bounded.
                for _ in range(1000):
                    c.sendall(b'x' * 65536, 0)
            self.assertIn(cm.exception.code, (errno.EPIPE, errno.ECONNRESET))
            c.close()
        finally:
            signal.signal(signal.SIGPIPE, old)

    def test_makefile_bad_mode(self):
        c, conn = connected_pair()
        for mode in ('x', 'rr', 'a', 'rwb+x'):
            with self.assertRaises(GLib.Error) as cm:
                c.makefile(mode, -1)
            self.assertErrno(cm, errno.EINVAL)
        c.close()
        conn.close()

    def test_resolver_error(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.getprotobyname('no-such-protocol')
        self.assertEqual(cm.exception.domain, 'sock-resolver-error-quark')
        self.assertTrue(cm.exception.matches(Sock.resolver_error_quark(),
                                             Sock.ResolverError.NOT_FOUND))


if __name__ == '__main__':
    unittest.main(verbosity=2)
