# The PyGObject override: Sock spelled like Python's socket module.
# Run with SOCK_TEST_OVERRIDE=1 and PYTHONPATH=<builddir>/introspection/python.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import os
import socket as pysocket
import struct
import sys
import unittest

from sockgi import GLib, Gio, Sock, Worker, temp_dir

TIMEOUT = 20


class LoadingTest(unittest.TestCase):

    def test_loaded_from_build_tree(self):
        override = sys.modules.get('gi.overrides.Sock')
        self.assertIsNotNone(override, 'the override was not loaded')
        expected = os.path.join(os.environ['PYTHONPATH'].split(os.pathsep)[0],
                                'gi', 'overrides', 'Sock.py')
        self.assertEqual(os.path.realpath(override.__file__), os.path.realpath(expected))

    def test_star_import(self):
        namespace = {}
        exec('from gi.repository.Sock import *', namespace)
        for name in ('socket', 'fromfd', 'error', 'SocketType', 'AF_INET', 'SOCK_STREAM',
                     'SO_REUSEADDR', 'SOMAXCONN', 'MSG_PEEK', 'SOL_SOCKET', 'IPPROTO_TCP',
                     'IPPORT_RESERVED', 'INADDR_ANY', 'IP_TTL', 'SHUT_RDWR',
                     'gethostbyname', 'gethostbyname_ex', 'getservbyname', 'inet_aton'):
            self.assertIn(name, namespace)
        self.assertIs(namespace['socket'], Sock.socket)
        self.assertEqual(namespace['AF_INET'], pysocket.AF_INET)

    def test_plain_api_still_there(self):
        s = Sock.InetObject.new(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertIsInstance(s, Sock.Object)
        self.assertIsInstance(s, Sock.SocketType)
        s.bind(GLib.Variant('(sq)', ('127.0.0.1', 0)))
        self.assertEqual(s.getsockname()[0], '127.0.0.1')
        s.close()


class SocketModuleShapeTest(unittest.TestCase):

    def test_defaults(self):
        s = Sock.socket()
        self.assertEqual((s.family, s.type, s.proto), (Sock.AF_INET, Sock.SOCK_STREAM, 0))
        s.close()
        with Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM) as s:
            self.assertEqual(s.type, Sock.SOCK_DGRAM)
        self.assertEqual(s.fileno(), -1)

    def test_stream(self):
        with Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM) as server:
            server.bind(('127.0.0.1', 0))
            server.listen()
            host, port = server.getsockname()
            self.assertEqual(host, '127.0.0.1')
            client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM)
            client.connect((host, port))
            conn, addr = server.accept()
            self.assertEqual(addr, client.getsockname())
            self.assertIsInstance(addr, tuple)
            self.assertEqual(conn.getpeername(), client.getsockname())
            self.assertEqual(client.send(b'abc'), 3)
            self.assertEqual(conn.recv(10), b'abc')
            self.assertIsNone(client.sendall(bytearray(b'defg')))
            self.assertEqual(conn.recv(10, Sock.MSG_PEEK), b'defg')
            buffer = bytearray(10)
            self.assertEqual(conn.recv_into(buffer), 4)
            self.assertEqual(bytes(buffer[:4]), b'defg')
            client.close()
            data = conn.recv(10)
            self.assertEqual(data, b'')
            self.assertIsInstance(data, bytes)
            conn.close()

    def test_datagrams(self):
        a = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM)
        b = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM)
        a.bind(('127.0.0.1', 0))
        b.bind(('127.0.0.1', 0))
        self.assertEqual(a.sendto(b'one', b.getsockname()), 3)
        self.assertEqual(a.sendto(b'two', 0, b.getsockname()), 3)
        self.assertEqual(b.recvfrom(16), (b'one', a.getsockname()))
        buffer = bytearray(16)
        self.assertEqual(b.recvfrom_into(buffer), (3, a.getsockname()))
        self.assertEqual(bytes(buffer[:3]), b'two')
        a.close()
        b.close()

    def test_unix_paths(self):
        with temp_dir() as d:
            path = os.path.join(d, 'sock')
            with Sock.socket(Sock.AF_UNIX, Sock.SOCK_DGRAM) as server:
                server.bind(path)
                self.assertEqual(server.getsockname(), path)
                with Sock.socket(Sock.AF_UNIX, Sock.SOCK_DGRAM) as client:
                    client.sendto(b'hi', path)
                    data, addr = server.recvfrom(16)
                    self.assertEqual(data, b'hi')
                    # An unbound sender.
                    self.assertEqual(addr, '')

    def test_unix_abstract(self):
        name = b'\0sock-override-%d' % os.getpid()
        with Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM) as server:
            server.bind(name)
            server.listen(1)
            self.assertEqual(server.getsockname(), name)
            with Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM) as client:
                client.connect(name)
                conn, _ = server.accept()
                conn.close()

    def test_sockopts(self):
        with Sock.socket() as s:
            s.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR, True)
            self.assertEqual(s.getsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR), 1)
            s.setsockopt(Sock.SOL_SOCKET, Sock.SO_LINGER, struct.pack('ii', 1, 3))
            linger = s.getsockopt(Sock.SOL_SOCKET, Sock.SO_LINGER, 8)
            self.assertIsInstance(linger, bytes)
            self.assertEqual(struct.unpack('ii', linger), (1, 3))

    def test_connect_ex(self):
        with Sock.socket() as server:
            server.bind(('127.0.0.1', 0))
            port = server.getsockname()[1]
        with Sock.socket() as c:
            self.assertEqual(c.connect_ex(('127.0.0.1', port)), errno.ECONNREFUSED)

    def test_setblocking(self):
        with Sock.socket() as s:
            s.bind(('127.0.0.1', 0))
            s.listen(1)
            s.setblocking(0)
            with self.assertRaises(Sock.error) as cm:
                s.accept()
            self.assertEqual(cm.exception.code, errno.EAGAIN)

    def test_makefile(self):
        with Sock.socket() as server:
            server.bind(('127.0.0.1', 0))
            server.listen(1)
            client = Sock.socket()
            client.connect(server.getsockname())
            conn, _ = server.accept()
            client.sendall(b'a line\n')
            stream = conn.makefile('rb')
            data = Gio.DataInputStream.new(stream.get_input_stream())
            self.assertEqual(data.read_line_utf8(None)[0], 'a line')
            stream.close(None)
            client.close()
            conn.close()

    def test_bad_addresses(self):
        with Sock.socket() as s:
            with self.assertRaises(TypeError):
                s.bind('127.0.0.1')
            with self.assertRaises(TypeError):
                s.bind(('127.0.0.1', 0, 0))
            for port in (-1, 70000):
                with self.assertRaises(OverflowError):
                    s.bind(('127.0.0.1', port))
            with self.assertRaises(TypeError):
                s.bind((1234, 0))

    def test_errors_are_socket_error(self):
        self.assertIs(Sock.error, GLib.Error)
        with Sock.socket() as server:
            server.bind(('127.0.0.1', 0))
            port = server.getsockname()[1]
        with Sock.socket() as c:
            try:
                c.connect(('127.0.0.1', port))
            except Sock.error as e:
                self.assertEqual(e.code, errno.ECONNREFUSED)
            else:
                self.fail('connect to a closed port succeeded')


class ModuleFunctionTest(unittest.TestCase):

    def test_functions(self):
        self.assertEqual(Sock.gethostbyname_ex('localhost'),
                         pysocket.gethostbyname_ex('localhost'))
        name, aliases, addresses = Sock.gethostbyaddr('127.0.0.1')
        self.assertEqual((name, sorted(aliases), sorted(addresses)),
                         (lambda r: (r[0], sorted(r[1]), sorted(r[2])))(
                             pysocket.gethostbyaddr('127.0.0.1')))
        self.assertEqual(Sock.getfqdn(), pysocket.getfqdn())
        self.assertEqual(Sock.getservbyname('http'), pysocket.getservbyname('http'))
        self.assertEqual(Sock.inet_aton('1.2.3.4'), pysocket.inet_aton('1.2.3.4'))
        self.assertEqual(Sock.inet_ntoa(bytearray(b'\x01\x02\x03\x04')), '1.2.3.4')
        self.assertEqual(Sock.getprotobyname('udp'), pysocket.getprotobyname('udp'))

    def test_fromfd(self):
        with pysocket.socket(pysocket.AF_INET, pysocket.SOCK_DGRAM) as py:
            py.bind(('127.0.0.1', 0))
            with Sock.fromfd(py.fileno(), Sock.AF_INET, Sock.SOCK_DGRAM) as s:
                self.assertEqual(s.getsockname(), py.getsockname())


class CPythonPeerTest(unittest.TestCase):

    def test_echo_with_cpython(self):
        def serve(server):
            conn, addr = server.accept()
            with conn:
                data = conn.recv(1024)
                conn.sendall(data[::-1])
            return addr

        with pysocket.socket() as server:
            server.settimeout(TIMEOUT)
            server.bind(('127.0.0.1', 0))
            server.listen(1)
            worker = Worker(serve, server)
            worker.start()
            with Sock.socket() as c:
                c.connect(server.getsockname())
                c.sendall(b'stressed')
                self.assertEqual(c.recv(1024), b'desserts')
                self.assertEqual(worker.finish(), c.getsockname())


if __name__ == '__main__':
    unittest.main(verbosity=2)
