# Virtual methods overridden in Python are what the C methods call.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import unittest

from sockgi import GLib, GObject, Sock, bytes_of, listening_socket, loopback_any_port


class RecordingSocket(Sock.InetObject):
    """Records what goes through send() and recv(), then chains up."""

    __gtype_name__ = 'TestRecordingSocket'

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sent = []
        self.received = []

    # PyGObject hands a vfunc the array and its length.
    def do_send(self, data, size, flags):
        self.sent.append((bytes(data), size, flags))
        return Sock.InetObject.do_send(self, data, flags)

    def do_recv(self, bufsize, flags):
        data = Sock.InetObject.do_recv(self, bufsize, flags)
        self.received.append(bytes_of(data))
        return data


class UpperCaseSocket(Sock.InetObject):
    """Replaces recv() entirely."""

    __gtype_name__ = 'TestUpperCaseSocket'

    def do_recv(self, bufsize, flags):
        data = Sock.InetObject.do_recv(self, bufsize, flags)
        return GLib.Bytes.new(bytes_of(data).upper())


class RefusingSocket(Sock.InetObject):
    """Fails connect() with an error of its own."""

    __gtype_name__ = 'TestRefusingSocket'

    def do_connect(self, address):
        raise GLib.Error.new_literal(Sock.error_quark(), 'refused by the subclass',
                                     Sock.Error.EACCES)


class OptionSocket(Sock.InetObject):
    """Out values: without the override, a vfunc returns PyGObject's shape."""

    __gtype_name__ = 'TestOptionSocket'

    # The return value first, even where the method skips it, then the out
    # values: (True, value), not the bare value getsockopt() returns.
    def do_getsockopt(self, level, optname):
        if (level, optname) == (Sock.SOL_SOCKET, Sock.SO_RCVBUF):
            return True, 4242
        return Sock.InetObject.do_getsockopt(self, level, optname)

    # (conn, address) and (data, address), as accept() and recvfrom() return.
    def do_accept(self):
        conn, address = Sock.InetObject.do_accept(self)
        return conn, address

    def do_recvfrom(self, bufsize, flags):
        return GLib.Bytes.new(b'from a vfunc'), GLib.Variant('(sq)', ('10.0.0.1', 9))

    # A method that succeeds or fails returns True; None would be a failure.
    def do_listen(self, backlog):
        return Sock.InetObject.do_listen(self, backlog)


def connect_to(server, cls):
    client = cls(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
    client.connect(server.getsockname())
    conn, _ = server.accept()
    return client, conn


class HelperMakingSocket(Sock.InetObject):
    """Makes a socket of its own while it is being constructed."""
    __gtype_name__ = 'TestHelperMakingSocket'

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.helper = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)


class SubclassTest(unittest.TestCase):

    def setUp(self):
        self.server = listening_socket()

    def tearDown(self):
        self.server.close()

    def test_send_is_overridden(self):
        client, conn = connect_to(self.server, RecordingSocket)
        self.assertEqual(client.send(b'through Python', 0), 14)
        self.assertEqual(client.sent, [(b'through Python', 14, 0)])
        self.assertEqual(bytes_of(conn.recv(64, 0)), b'through Python')
        client.close()
        conn.close()

    def test_recv_is_overridden(self):
        client, conn = connect_to(self.server, RecordingSocket)
        conn.sendall(b'hello', 0)
        self.assertEqual(bytes_of(client.recv(64, 0)), b'hello')
        self.assertEqual(client.received, [b'hello'])
        client.close()
        conn.close()

    def test_replaced_result(self):
        client, conn = connect_to(self.server, UpperCaseSocket)
        conn.sendall(b'quiet', 0)
        self.assertEqual(bytes_of(client.recv(64, 0)), b'QUIET')
        client.close()
        conn.close()

    def test_error_from_python(self):
        client = RefusingSocket(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
        with self.assertRaises(GLib.Error) as cm:
            client.connect(self.server.getsockname())
        self.assertEqual(cm.exception.domain, 'sock-error-quark')
        self.assertEqual(cm.exception.code, errno.EACCES)
        self.assertEqual(cm.exception.message, 'refused by the subclass')
        client.close()

    def test_accept_returns_subclass(self):
        server = RecordingSocket(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
        server.bind(loopback_any_port())
        server.listen(1)
        client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        client.connect(server.getsockname())
        conn, _ = server.accept()
        self.assertIsInstance(conn, RecordingSocket)
        self.assertEqual(GObject.type_name(conn), 'TestRecordingSocket')
        conn.send(b'x', 0)
        self.assertEqual(bytes_of(client.recv(1, 0)), b'x')
        for s in (client, conn, server):
            s.close()

    def test_accept_with_socket_made_in_init(self):
        # Regression: PyGObject runs __init__ inside instance_init, and a
        # socket made there used to take the accepted descriptor.
        server = HelperMakingSocket(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
        server.bind(loopback_any_port())
        server.listen(1)
        client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        client.connect(server.getsockname())
        conn, _ = server.accept()
        self.assertIsInstance(conn, HelperMakingSocket)
        self.assertIsNotNone(conn.getpeername())
        with self.assertRaises(GLib.Error) as cm:
            conn.helper.getpeername()
        self.assertEqual(cm.exception.code, errno.ENOTCONN)
        client.send(b'y', 0)
        self.assertEqual(bytes_of(conn.recv(1, 0)), b'y')
        for s in (client, conn, conn.helper, server.helper, server):
            s.close()

    def test_out_values(self):
        server = OptionSocket(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
        self.assertEqual(server.getsockopt(Sock.SOL_SOCKET, Sock.SO_RCVBUF), 4242)
        self.assertEqual(server.getsockopt(Sock.SOL_SOCKET, Sock.SO_TYPE), Sock.SOCK_STREAM)
        data, address = server.recvfrom(64, 0)
        self.assertEqual((bytes_of(data), address.unpack()), (b'from a vfunc', ('10.0.0.1', 9)))
        server.bind(loopback_any_port())
        self.assertIs(server.listen(1), True)
        client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        client.connect(server.getsockname())
        conn, address = server.accept()
        self.assertIsInstance(conn, OptionSocket)
        self.assertEqual(address.unpack(), client.getsockname().unpack())
        for s in (client, conn, server):
            s.close()

    def test_construction_creates_descriptor(self):
        s = RecordingSocket(family=Sock.AF_INET, socket_type=Sock.SOCK_DGRAM)
        self.assertGreaterEqual(s.fileno(), 0)
        self.assertEqual(s.getsockopt(Sock.SOL_SOCKET, Sock.SO_TYPE), Sock.SOCK_DGRAM)
        s.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
