# Socket objects through the plain introspected API: construction from
# Python, properties, and every method of the seed in the shape bindings
# see.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import os
import struct
import unittest

from sockgi import (GLib, GObject, Sock, Worker, bytes_of, connected_pair,
                    inet_address, listening_socket, loopback_any_port, temp_dir)


class ConstructionTest(unittest.TestCase):
    """g_object_new() without an adopted descriptor creates the socket."""

    def check_works(self, s):
        self.assertGreaterEqual(s.fileno(), 0)
        s.bind(loopback_any_port())
        s.listen(1)
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        c.connect(s.getsockname())
        conn, _ = s.accept()
        c.sendall(b'ping', 0)
        self.assertEqual(bytes_of(conn.recv(16, 0)), b'ping')
        for sock in (c, conn, s):
            sock.close()

    def test_properties_constructor(self):
        s = Sock.InetObject(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
        self.assertEqual(s.props.family, Sock.AF_INET)
        self.assertEqual(s.props.socket_type, Sock.SOCK_STREAM)
        self.assertEqual(s.props.proto, 0)
        self.check_works(s)

    def test_gobject_new(self):
        s = GObject.new(Sock.InetObject, family=Sock.AF_INET,
                        socket_type=Sock.SOCK_STREAM, proto=0)
        self.check_works(s)

    def test_new(self):
        s = Sock.InetObject.new(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertIsInstance(s, Sock.InetObject)
        self.check_works(s)

    def test_unix_constructor(self):
        s = Sock.UnixObject(socket_type=Sock.SOCK_DGRAM)
        self.assertEqual(s.get_family(), Sock.AF_UNIX)
        self.assertEqual(s.get_socket_type(), Sock.SOCK_DGRAM)
        self.assertGreaterEqual(s.fileno(), 0)
        s.close()
        u = Sock.UnixObject.new(Sock.SOCK_STREAM, 0)
        self.assertIsInstance(u, Sock.UnixObject)
        u.close()

    def test_abstract_cannot_be_instantiated(self):
        with self.assertRaises(TypeError):
            Sock.Object()

    def test_failed_creation_reports_errors(self):
        # An unsupported type cannot make a descriptor; the object must still
        # be safe to use and say why.
        s = Sock.InetObject(family=Sock.AF_INET, socket_type=12345)
        self.assertEqual(s.fileno(), -1)
        with self.assertRaises(GLib.Error) as cm:
            s.bind(loopback_any_port())
        self.assertEqual(cm.exception.domain, 'sock-error-quark')
        self.assertEqual(cm.exception.code, errno.EINVAL)


class PropertyTest(unittest.TestCase):

    def test_properties(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0)
        self.assertEqual(s.props.family, Sock.AF_INET)
        self.assertEqual(s.props.socket_type, Sock.SOCK_DGRAM)
        self.assertEqual(s.props.proto, 0)
        self.assertEqual(s.props.fileno, s.fileno())
        self.assertTrue(s.props.blocking)
        self.assertTrue(s.get_blocking())
        s.props.blocking = False
        self.assertFalse(s.get_blocking())
        notified = []
        # Sock.Object.connect is the socket's connect(); signals go through
        # GObject.Object.connect.
        GObject.Object.connect(s, 'notify::fileno',
                               lambda obj, pspec: notified.append(obj.props.fileno))
        s.close()
        self.assertEqual(s.props.fileno, -1)
        self.assertEqual(notified, [-1])


class MethodTest(unittest.TestCase):

    def test_accept_shape(self):
        # conn, addr = s.accept()
        server = listening_socket()
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        c.connect(server.getsockname())
        conn, addr = server.accept()
        self.assertIsInstance(conn, Sock.InetObject)
        self.assertIsInstance(addr, GLib.Variant)
        self.assertEqual(addr.get_type_string(), '(sq)')
        self.assertEqual(addr.unpack(), c.getsockname().unpack())
        self.assertEqual(conn.getpeername().unpack(), c.getsockname().unpack())
        self.assertEqual(c.getpeername().unpack(), server.getsockname().unpack())
        for s in (c, conn, server):
            s.close()

    def test_bind_getsockname(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertTrue(s.bind(loopback_any_port()))
        host, port = s.getsockname().unpack()
        self.assertEqual(host, '127.0.0.1')
        self.assertGreater(port, 0)
        s.close()

    def test_bind_other_port_types(self):
        # (si) and (su) are accepted, with the port range-checked.
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0)
        s.bind(GLib.Variant('(si)', ('127.0.0.1', 0)))
        s.close()
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            s.bind(GLib.Variant('(si)', ('127.0.0.1', 70000)))
        self.assertEqual(cm.exception.code, errno.EINVAL)
        s.close()

    def test_connect_ex(self):
        server = listening_socket()
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertEqual(c.connect_ex(server.getsockname()), 0)
        c.close()
        port = server.getsockname().unpack()[1]
        server.close()
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertEqual(c.connect_ex(inet_address('127.0.0.1', port)), errno.ECONNREFUSED)
        c.close()

    def test_connect_ex_bad_address_raises(self):
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            c.connect_ex(GLib.Variant('s', 'not an inet address'))
        self.assertEqual(cm.exception.code, errno.EINVAL)
        c.close()

    def test_fileno_close(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        fd = s.fileno()
        self.assertGreaterEqual(fd, 0)
        os.fstat(fd)
        self.assertTrue(s.close())
        self.assertEqual(s.fileno(), -1)
        # Closing twice is harmless.
        self.assertTrue(s.close())

    def test_getsockopt_shape(self):
        # v = s.getsockopt(level, opt)
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertEqual(s.getsockopt(Sock.SOL_SOCKET, Sock.SO_TYPE), Sock.SOCK_STREAM)
        s.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1)
        self.assertNotEqual(s.getsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR), 0)
        s.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 0)
        self.assertEqual(s.getsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR), 0)
        s.close()

    def test_sockopt_bytes(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        linger = struct.pack('ii', 1, 5)
        self.assertTrue(s.setsockopt_bytes(Sock.SOL_SOCKET, Sock.SO_LINGER, linger))
        value = s.getsockopt_bytes(Sock.SOL_SOCKET, Sock.SO_LINGER, len(linger))
        self.assertIsInstance(value, GLib.Bytes)
        self.assertEqual(struct.unpack('ii', bytes_of(value)), (1, 5))
        with self.assertRaises(GLib.Error) as cm:
            s.getsockopt_bytes(Sock.SOL_SOCKET, Sock.SO_LINGER, 0)
        self.assertEqual(cm.exception.code, errno.EINVAL)
        s.close()

    def test_listen(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        s.bind(loopback_any_port())
        self.assertTrue(s.listen(Sock.SOMAXCONN))
        s.close()

    def test_recv_send(self):
        c, conn = connected_pair()
        self.assertEqual(c.send(b'abc', 0), 3)
        self.assertEqual(bytes_of(conn.recv(1024, 0)), b'abc')
        self.assertTrue(conn.sendall(b'x' * 100000, 0))
        got = b''
        while len(got) < 100000:
            data = c.recv(65536, 0)
            self.assertGreater(data.get_size(), 0)
            got += bytes_of(data)
        self.assertEqual(got, b'x' * 100000)
        conn.close()
        # End of stream is an empty GLib.Bytes, not None.
        data = c.recv(1024, 0)
        self.assertIsInstance(data, GLib.Bytes)
        self.assertEqual(data.get_size(), 0)
        c.close()

    def test_recv_peek(self):
        c, conn = connected_pair()
        c.sendall(b'peek', 0)
        self.assertEqual(bytes_of(conn.recv(4, Sock.MSG_PEEK)), b'peek')
        self.assertEqual(bytes_of(conn.recv(4, 0)), b'peek')
        c.close()
        conn.close()

    def test_recv_into_is_c_only(self):
        # Bindings cannot lend a sized buffer; recv() is their spelling.
        self.assertFalse(hasattr(Sock.Object, 'recv_into'))

    def test_recvfrom_sendto(self):
        # data, addr = s.recvfrom(1024, 0)
        a = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0)
        b = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0)
        a.bind(loopback_any_port())
        b.bind(loopback_any_port())
        self.assertEqual(a.sendto(b'datagram', 0, b.getsockname()), 8)
        data, addr = b.recvfrom(1024, 0)
        self.assertEqual(bytes_of(data), b'datagram')
        self.assertEqual(addr.get_type_string(), '(sq)')
        self.assertEqual(addr.unpack(), a.getsockname().unpack())
        a.close()
        b.close()

    def test_recvfrom_unix(self):
        with temp_dir() as d:
            server_path = os.path.join(d, 'server')
            client_path = os.path.join(d, 'client')
            server = Sock.socket(Sock.AF_UNIX, Sock.SOCK_DGRAM, 0)
            server.bind(GLib.Variant('s', server_path))
            client = Sock.socket(Sock.AF_UNIX, Sock.SOCK_DGRAM, 0)
            client.bind(GLib.Variant('s', client_path))
            client.sendto(b'hi', 0, GLib.Variant('s', server_path))
            data, addr = server.recvfrom(16, 0)
            self.assertEqual(bytes_of(data), b'hi')
            self.assertEqual(addr.unpack(), client_path)
            server.close()
            client.close()

    def test_unix_abstract(self):
        name = b'\0sock-gi-test-%d' % os.getpid()
        server = Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)
        server.bind(GLib.Variant('ay', name))
        server.listen(1)
        address = server.getsockname()
        self.assertEqual(address.get_type_string(), 'ay')
        self.assertEqual(bytes(address.unpack()), name)
        c = Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)
        c.connect(address)
        conn, _ = server.accept()
        c.close()
        conn.close()
        server.close()

    def test_setblocking(self):
        c, conn = connected_pair()
        self.assertTrue(conn.setblocking(False))
        self.assertFalse(conn.props.blocking)
        with self.assertRaises(GLib.Error) as cm:
            conn.recv(16, 0)
        self.assertEqual(cm.exception.code, errno.EAGAIN)
        conn.setblocking(True)
        self.assertTrue(conn.props.blocking)
        c.close()
        conn.close()

    def test_shutdown(self):
        c, conn = connected_pair()
        self.assertTrue(c.shutdown(Sock.SHUT_WR))
        self.assertEqual(conn.recv(16, 0).get_size(), 0)
        conn.sendall(b'still open', 0)
        self.assertEqual(bytes_of(c.recv(16, 0)), b'still open')
        c.close()
        conn.close()

    def test_blocking_accept_in_thread(self):
        # PyGObject drops the GIL around the call, so another thread runs.
        server = listening_socket()
        worker = Worker(server.accept)
        worker.start()
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        c.connect(server.getsockname())
        conn, addr = worker.finish()
        self.assertEqual(addr.unpack(), c.getsockname().unpack())
        for s in (c, conn, server):
            s.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
