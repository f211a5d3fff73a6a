# The override behaves as CPython's socket module: its exceptions, its file
# objects, AF_UNIX paths, reprs, warnings, enums and the socket class.
# Run with SOCK_TEST_OVERRIDE=1 and PYTHONPATH=<builddir>/introspection/python.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import contextlib
import errno
import gc
import io
import os
import pickle
import select
import signal
import socket as pysocket
import struct
import sys
import unittest
import unittest.mock
import warnings

from gi.module import get_introspection_module

from sockgi import GLib, Gio, Sock, temp_dir

PlainObject = get_introspection_module('Sock').Object
override = sys.modules['gi.overrides.Sock']


def tcp_pair():
    with Sock.socket() as server:
        server.bind(('127.0.0.1', 0))
        server.listen()
        client = Sock.socket()
        client.settimeout(20)
        client.connect(server.getsockname())
        conn, _ = server.accept()
        conn.settimeout(20)
    return client, conn


def closed_port():
    with Sock.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class ExceptionTest(unittest.TestCase):

    def assert_glib_error(self, e, domain, code):
        self.assertIsInstance(e, GLib.Error)
        self.assertEqual(e.domain, domain)
        self.assertEqual(e.code, code)
        self.assertIsInstance(e.message, str)
        self.assertTrue(e.matches(GLib.quark_from_string(domain), code))

    def test_aliases(self):
        self.assertIs(Sock.error, OSError)
        self.assertIs(Sock.timeout, TimeoutError)
        self.assertTrue(issubclass(Sock.gaierror, OSError))
        self.assertTrue(issubclass(Sock.herror, OSError))

    def test_refused(self):
        with Sock.socket() as s:
            with self.assertRaises(ConnectionRefusedError) as cm:
                s.connect(('127.0.0.1', closed_port()))
        e = cm.exception
        self.assertEqual((e.errno, e.strerror), (errno.ECONNREFUSED,
                                                 os.strerror(errno.ECONNREFUSED)))
        self.assertEqual(e.args, (errno.ECONNREFUSED, os.strerror(errno.ECONNREFUSED)))
        self.assertEqual(str(e), str(OSError(errno.ECONNREFUSED,
                                             os.strerror(errno.ECONNREFUSED))))
        self.assert_glib_error(e, 'sock-error-quark', errno.ECONNREFUSED)
        self.assertIn('Connection refused', e.message)
        # Still caught the plain PyGObject way.
        with Sock.socket() as s:
            try:
                s.connect(('127.0.0.1', closed_port()))
            except GLib.Error as caught:
                self.assertEqual(caught.code, errno.ECONNREFUSED)

    def test_subclass_by_errno(self):
        # The class CPython's OSError(errno, ...) picks, for each errno.
        for code in (errno.EAGAIN, errno.EPIPE, errno.ECONNRESET, errno.ECONNABORTED,
                     errno.ENOENT, errno.EACCES, errno.EINVAL, errno.EBADF, errno.EINTR):
            error = GLib.Error.new_literal(Sock.error_quark(), 'what: text', code)
            e = override._os_error(error)
            self.assertIs(type(e).__mro__[1], type(OSError(code, 'x')))
            self.assertEqual(e.errno, code)
            self.assert_glib_error(e, 'sock-error-quark', code)

    def test_blocking(self):
        client, conn = tcp_pair()
        with client, conn:
            conn.setblocking(False)
            with self.assertRaises(BlockingIOError) as cm:
                conn.recv(16)
            self.assertEqual(cm.exception.errno, errno.EAGAIN)

    def test_reset_and_broken_pipe(self):
        client, conn = tcp_pair()
        with client:
            # An abortive close: the peer gets a reset.
            conn.setsockopt(Sock.SOL_SOCKET, Sock.SO_LINGER, struct.pack('ii', 1, 0))
            conn.close()
            with self.assertRaises(ConnectionResetError) as cm:
                for _ in range(100):
                    client.recv(16)
            self.assertEqual(cm.exception.errno, errno.ECONNRESET)
        client, conn = tcp_pair()
        with client, conn:
            conn.shutdown(Sock.SHUT_RD)
            client.shutdown(Sock.SHUT_WR)
            with self.assertRaises(BrokenPipeError):
                client.send(b'x')

    def test_timeout(self):
        client, conn = tcp_pair()
        with client, conn:
            conn.settimeout(0.05)
            with self.assertRaises(TimeoutError) as cm:
                conn.recv(16)
        e = cm.exception
        self.assertEqual(e.args, ('timed out',))
        self.assertIsNone(e.errno)
        self.assertEqual(str(e), 'timed out')
        self.assert_glib_error(e, 'sock-error-quark', errno.ETIMEDOUT)
        self.assertEqual(e.message, 'timed out')

    def test_closed(self):
        s = Sock.socket()
        s.close()
        s.close()
        with self.assertRaises(OSError) as cm:
            s.recv(1)
        self.assertEqual(cm.exception.errno, errno.EBADF)

    def test_gaierror(self):
        with self.assertRaises(Sock.gaierror) as cm:
            Sock.getaddrinfo('no-such-host.invalid', 80)
        e = cm.exception
        self.assertEqual(e.errno, Sock.EAI_NONAME)
        self.assertEqual(e.errno, pysocket.EAI_NONAME)
        self.assertEqual(e.strerror, 'Name or service not known')
        self.assert_glib_error(e, 'sock-resolver-error-quark', Sock.ResolverError.NOT_FOUND)
        with self.assertRaises(Sock.gaierror):
            Sock.socket().connect(('no-such-host.invalid', 80))

    def test_herror_and_plain(self):
        error = GLib.Error.new_literal(Sock.resolver_error_quark(), 'gethostbyaddr: x',
                                       Sock.ResolverError.NOT_FOUND)
        e = override._os_error(error, 'herror')
        self.assertIsInstance(e, Sock.herror)
        self.assertEqual(e.args, (1, 'Unknown host'))
        with self.assertRaises(OSError) as cm:
            Sock.getservbyname('no-such-service-here')
        self.assertEqual(cm.exception.args, ('service/proto not found',))
        with self.assertRaises(OSError) as cm:
            Sock.getprotobyname('no-such-protocol')
        self.assertEqual(cm.exception.args, ('protocol not found',))

    def test_pickle(self):
        with Sock.socket() as s:
            with self.assertRaises(ConnectionRefusedError) as cm:
                s.connect(('127.0.0.1', closed_port()))
        copy = pickle.loads(pickle.dumps(cm.exception))
        self.assertIs(type(copy), ConnectionRefusedError)
        self.assertEqual(copy.errno, errno.ECONNREFUSED)
        with self.assertRaises(TypeError):
            pickle.dumps(Sock.socket())

    def test_vfunc_timeout_reaches_c(self):
        class Slow(Sock.InetObject):
            def do_connect(self, address):
                raise TimeoutError('timed out')

        with Slow(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM) as s:
            with self.assertRaises(GLib.Error) as cm:
                PlainObject.connect(s, GLib.Variant('(sq)', ('127.0.0.1', 9)))
            self.assertEqual((cm.exception.code, cm.exception.message),
                             (errno.ETIMEDOUT, 'timed out'))
            with self.assertRaises(TimeoutError):
                s.connect(('127.0.0.1', 9))


class Alarm(Exception):
    pass


class SignalHandlerTest(unittest.TestCase):
    # A signal handler's exception during a call that then times out is
    # what the call raises, as CPython's: the handler runs when the call
    # returns, while PyGObject converts the timeout.

    def setUp(self):
        def handler(signum, frame):
            raise Alarm
        old = signal.signal(signal.SIGALRM, handler)
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        self.addCleanup(signal.setitimer, signal.ITIMER_REAL, 0)

    def assert_alarm(self, call, *args):
        # PyGObject prints the handler's exception as it fails to convert.
        with contextlib.redirect_stderr(io.StringIO()):
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            with self.assertRaises(Alarm):
                call(*args)
        self.assertFalse(hasattr(sys, 'last_value'))

    def test_recvfrom(self):
        with Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM) as s:
            s.bind(('127.0.0.1', 0))
            s.settimeout(0.5)
            self.assert_alarm(s.recvfrom, 16)
            self.assert_alarm(s.recvfrom_into, bytearray(16))

    def test_accept(self):
        with Sock.socket() as server:
            server.bind(('127.0.0.1', 0))
            server.listen()
            server.settimeout(0.5)
            self.assert_alarm(server.accept)

    def test_makefile_read(self):
        client, conn = tcp_pair()
        with client, conn:
            conn.settimeout(0.5)
            with conn.makefile('rb', buffering=0) as f:
                self.assert_alarm(f.read, 16)

    def test_other_runtime_errors_pass(self):
        error = RuntimeError('Converting the GError failed')
        self.assertIs(override._interrupted(error), error)


class MakefileTest(unittest.TestCase):

    def test_types(self):
        client, conn = tcp_pair()
        with client, conn:
            cases = [('r', io.TextIOWrapper), ('rb', io.BufferedReader),
                     ('w', io.TextIOWrapper), ('wb', io.BufferedWriter),
                     ('rwb', io.BufferedRWPair), ('rw', io.TextIOWrapper)]
            for mode, cls in cases:
                with conn.makefile(mode) as f:
                    self.assertIsInstance(f, cls, mode)
                    if 'b' not in mode:
                        self.assertEqual(f.mode, mode)
            with conn.makefile('rb', buffering=0) as raw:
                self.assertIsInstance(raw, io.RawIOBase)
                self.assertIsInstance(raw, Sock.SocketIO)
                self.assertEqual(raw.fileno(), conn.fileno())
                self.assertIsInstance(raw.stream, Gio.IOStream)
            for mode in ('x', 'rt', 'a'):
                with self.assertRaises(ValueError):
                    conn.makefile(mode)
            with self.assertRaises(ValueError):
                conn.makefile('r', buffering=0)

    def test_lines(self):
        client, conn = tcp_pair()
        with client, conn:
            client.sendall(b'one\ntwo\nthree\n')
            client.shutdown(Sock.SHUT_WR)
            with conn.makefile() as f:
                self.assertEqual(list(f), ['one\n', 'two\n', 'three\n'])
            with client.makefile('w', encoding='utf-8', newline='\r\n') as f:
                pass
            with conn.makefile('w', encoding='utf-8') as f:
                f.write('gr\u00fc\u00df dich\n')
            self.assertEqual(client.recv(64), 'gr\u00fc\u00df dich\n'.encode())

    def test_timeout(self):
        client, conn = tcp_pair()
        with client, conn:
            conn.settimeout(0.05)
            with conn.makefile('rb', buffering=0) as f:
                with self.assertRaises(TimeoutError):
                    f.read(1)
                with self.assertRaises(OSError):
                    f.read(1)

    def test_nonblocking(self):
        client, conn = tcp_pair()
        with client, conn:
            conn.setblocking(False)
            with conn.makefile('rb', buffering=0) as f:
                self.assertIsNone(f.read(4))
                client.sendall(b'data')
                readable, _, _ = select.select([f], [], [], 20)
                self.assertEqual(readable, [f])
                self.assertEqual(f.read(4), b'data')
                self.assertIsNone(f.read(4))

    def test_stream_for_gio(self):
        client, conn = tcp_pair()
        with client, conn:
            stream = conn.makefile_stream('rw')
            self.assertIsInstance(stream, Gio.IOStream)
            stream.get_output_stream().write_all(b'via gio\n', None)
            self.assertEqual(client.recv(16), b'via gio\n')
            stream.close(None)

    def test_file_outlives_socket(self):
        # The file reads its own duplicate descriptor.
        client, conn = tcp_pair()
        with client:
            f = conn.makefile('rb')
            conn.close()
            client.sendall(b'still there\n')
            self.assertEqual(f.readline(), b'still there\n')
            f.close()

    def test_close_waits_for_files(self):
        # As CPython's: the socket stays open while a makefile() file is,
        # and closes with the last one.
        client, conn = tcp_pair()
        with client:
            reader = conn.makefile('rb')
            writer = conn.makefile('wb', buffering=0)
            conn.close()
            client.sendall(b'ping')
            self.assertEqual(conn.recv(4), b'ping')
            self.assertNotEqual(conn.fileno(), -1)
            reader.close()
            conn.send(b'pong')
            writer.close()
            self.assertEqual(conn.fileno(), -1)
            with self.assertRaises(OSError) as cm:
                conn.recv(4)
            self.assertEqual(cm.exception.errno, errno.EBADF)
            self.assertEqual(client.recv(4), b'pong')
        # Without files, close() is at once.
        client, conn = tcp_pair()
        client.close()
        with conn.makefile('rb'):
            pass
        conn.close()
        self.assertEqual(conn.fileno(), -1)


class UnixPathTest(unittest.TestCase):

    def test_undecodable_path(self):
        with temp_dir() as d:
            name = os.fsdecode(b'sock-\xff\xfe')
            path = os.path.join(d, name)
            with Sock.socket(Sock.AF_UNIX) as s:
                s.bind(path)
                self.assertEqual(s.getsockname(), path)
                self.assertTrue(os.path.exists(os.fsencode(path)))
            with pysocket.socket(pysocket.AF_UNIX) as py:
                # CPython reads it back the same way.
                os.unlink(path)
                py.bind(path)
                self.assertEqual(py.getsockname(), path)

    def test_bytes_path(self):
        with temp_dir() as d:
            path = os.path.join(d, 'bytes.sock')
            with Sock.socket(Sock.AF_UNIX) as s:
                s.bind(os.fsencode(path))
                self.assertEqual(s.getsockname(), path)

    def test_abstract_name_as_str(self):
        name = '\0sock-override-abstract-%d' % os.getpid()
        with Sock.socket(Sock.AF_UNIX) as server:
            server.bind(name)
            # Not cut at the NUL and autobound: the whole name, as bytes.
            self.assertEqual(server.getsockname(), name.encode())
            server.listen()
            with Sock.socket(Sock.AF_UNIX) as client:
                client.connect(name)
                self.assertEqual(client.getpeername(), name.encode())
                conn, address = server.accept()
                conn.close()

    def test_too_long(self):
        with Sock.socket(Sock.AF_UNIX) as s:
            with self.assertRaises(OSError) as cm:
                s.bind('x' * 200)
            self.assertEqual(cm.exception.args, ('AF_UNIX path too long',))


class SocketObjectTest(unittest.TestCase):

    def test_repr(self):
        s = Sock.socket()
        fd = s.fileno()
        self.assertEqual(repr(s), '<Sock.InetObject fd=%d, family=2, type=1, proto=0, '
                         "laddr=('0.0.0.0', 0)>" % fd)
        s.bind(('127.0.0.1', 0))
        self.assertIn("laddr=('127.0.0.1', %d)" % s.getsockname()[1], repr(s))
        s.close()
        self.assertEqual(repr(s), '<Sock.InetObject [closed] fd=-1, family=2, type=1, proto=0>')
        client, conn = tcp_pair()
        with client, conn:
            self.assertIn('raddr=%s' % (client.getsockname(),), repr(conn))

    def test_resource_warning(self):
        s = Sock.socket()
        text = repr(s)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            del s
            gc.collect()
        self.assertEqual([str(w.message) for w in caught if w.category is ResourceWarning],
                         ['unclosed ' + text])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            s = Sock.socket()
            s.close()
            del s
            gc.collect()
        self.assertEqual(caught, [])

    def test_enums(self):
        client, conn = tcp_pair()
        with client, conn:
            for s in (client, conn):
                self.assertIs(s.family, Sock.AddressFamily.AF_INET)
                self.assertIs(s.type, Sock.SocketKind.SOCK_STREAM)
                self.assertEqual(repr(s.family), '<AddressFamily.AF_INET: 2>')
        self.assertIs(Sock.AF_INET, Sock.AddressFamily.AF_INET)
        self.assertEqual(repr(Sock.MSG_PEEK | Sock.MSG_TRUNC), repr(pysocket.MSG_PEEK |
                                                                   pysocket.MSG_TRUNC))
        family, kind, proto, _, address = Sock.getaddrinfo('127.0.0.1', 80, Sock.AF_INET,
                                                           Sock.SOCK_STREAM)[0]
        self.assertIs(family, Sock.AddressFamily.AF_INET)
        self.assertIs(kind, Sock.SocketKind.SOCK_STREAM)
        self.assertEqual(address, ('127.0.0.1', 80))

    def test_byte_order_functions(self):
        table = {Sock.htonl: 'l', Sock.htons: 's', Sock.ntohl: 'l', Sock.ntohs: 's'}
        self.assertEqual(len(table), 4)
        for name in ('htonl', 'htons', 'ntohl', 'ntohs'):
            self.assertEqual(getattr(Sock, name)(0x1234), getattr(pysocket, name)(0x1234))
            self.assertEqual(getattr(Sock, name).__name__, name)
        self.assertTrue(Sock.has_ipv6 == pysocket.has_ipv6)
        self.assertEqual(Sock.has_ipv6(), pysocket.has_ipv6)

    def test_socket_class(self):
        self.assertIsInstance(Sock.socket, type)
        self.assertIs(Sock.SocketType, Sock.socket)

        class Logging(Sock.socket):
            sent = 0

            def send(self, data, flags=0):
                Logging.sent += len(data)
                return super().send(data, flags)

        client = Logging(Sock.AF_INET, Sock.SOCK_STREAM)
        self.assertIsInstance(client, Logging)
        self.assertIsInstance(client, Sock.socket)
        self.assertIsInstance(client, Sock.InetObject)
        with Sock.socket() as server:
            server.bind(('127.0.0.1', 0))
            server.listen()
            client.connect(server.getsockname())
            conn, _ = server.accept()
            with conn:
                client.send(b'12345')
                self.assertEqual(Logging.sent, 5)
                self.assertEqual(conn.recv(5), b'12345')
        client.close()
        unix = Logging(Sock.AF_UNIX)
        self.assertIsInstance(unix, Sock.UnixObject)
        unix.close()

    def test_socket_from_fileno(self):
        # As CPython's, socket(fileno=fd) takes fd itself: its fileno() is
        # fd and its close closes fd. Without the override's C half it can
        # only work on a duplicate, and fd stays the caller's.
        takes_fd = sys.modules['gi.overrides.Sock']._fast is not None
        with pysocket.socket(pysocket.AF_INET, pysocket.SOCK_DGRAM) as py:
            py.bind(('127.0.0.1', 0))
            name = py.getsockname()
            fd = py.detach()
        try:
            with Sock.socket(fileno=fd) as s:
                self.assertEqual((s.family, s.type, s.proto),
                                 (Sock.AF_INET, Sock.SOCK_DGRAM, pysocket.IPPROTO_UDP))
                self.assertEqual(s.getsockname(), name)
                self.assertEqual(s.fileno() == fd, takes_fd)
                with pysocket.socket(pysocket.AF_INET, pysocket.SOCK_DGRAM) as peer:
                    peer.sendto(b'to fd', name)
                    self.assertEqual(s.recv(16), b'to fd')
            if takes_fd:
                with self.assertRaises(OSError) as caught:
                    os.fstat(fd)
                self.assertEqual(caught.exception.errno, errno.EBADF)
                fd = -1
        finally:
            # After a failed assertion the socket may have closed it.
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def test_socket_from_fileno_failures_leave_fd(self):
        # A descriptor that is not a socket, or of a family with no class,
        # is refused, and stays open and as it was: it is still the
        # caller's. Under a default timeout too, which would make a socket
        # non-blocking.
        r, w = os.pipe()
        Sock.setdefaulttimeout(5.0)
        try:
            with self.assertRaises(OSError) as caught:
                Sock.socket(fileno=r)
            self.assertEqual(caught.exception.errno, errno.ENOTSOCK)
            self.assertIsInstance(caught.exception, GLib.Error)
            self.assertTrue(os.get_blocking(r))
            os.close(w)
            with self.assertRaises(OSError) as caught:
                Sock.socket(fileno=w)
            self.assertEqual(caught.exception.errno, errno.EBADF)
            with pysocket.socket(pysocket.AF_INET, pysocket.SOCK_DGRAM) as py:
                with self.assertRaises(OSError) as caught:
                    Sock.socket(12345, pysocket.SOCK_DGRAM, 0, py.fileno())
                self.assertEqual(caught.exception.errno, errno.EAFNOSUPPORT)
                os.fstat(py.fileno())
        finally:
            Sock.setdefaulttimeout(None)
            os.close(r)
            with contextlib.suppress(OSError):
                os.close(w)

    def test_create_connection_uses_replaced_socket(self):
        # As Lib/socket.py's, create_connection() makes socket.socket
        # objects: a test's replacement for the class is what it connects.
        class TimingOut(Sock.socket):
            def connect(self, address):
                raise TimeoutError('timed out')

        with unittest.mock.patch.object(Sock, 'socket', TimingOut):
            with self.assertRaises(TimeoutError):
                Sock.create_connection(('127.0.0.1', closed_port()))
        self.assertIs(Sock.socket, Sock.SocketType)
        with self.assertRaises(ConnectionRefusedError):
            Sock.create_connection(('127.0.0.1', closed_port()))

    def test_gobject_construction_still_works(self):
        s = Sock.InetObject(family=Sock.AF_INET, socket_type=Sock.SOCK_DGRAM)
        self.assertEqual(s.type, Sock.SOCK_DGRAM)
        s.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
