# The seed's echo server and client, through the plain introspected API.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import unittest

from sockgi import GLib, Sock, Worker, bytes_of, loopback_any_port, temp_dir


def echo_server(s):
    """The seed's server loop: one client, echo until it closes."""
    conn, addr = s.accept()
    received = []
    while True:
        data = conn.recv(1024, 0)
        if data.get_size() == 0:
            break
        received.append(bytes_of(data))
        conn.send(bytes_of(data), 0)
    conn.close()
    return addr, b''.join(received)


def echo_client(family, address, message):
    s = Sock.socket(family, Sock.SOCK_STREAM, 0)
    s.connect(address)
    s.sendall(message, 0)
    s.shutdown(Sock.SHUT_WR)
    echoed = []
    while True:
        data = s.recv(1024, 0)
        if data.get_size() == 0:
            break
        echoed.append(bytes_of(data))
    s.close()
    return b''.join(echoed)


class EchoTest(unittest.TestCase):

    def run_echo(self, family, address, message):
        s = Sock.socket(family, Sock.SOCK_STREAM, 0)
        s.bind(address)
        s.listen(1)
        server = Worker(echo_server, s)
        server.start()
        echoed = echo_client(family, s.getsockname(), message)
        addr, received = server.finish()
        s.close()
        self.assertEqual(received, message)
        self.assertEqual(echoed, message)
        return addr

    def test_inet(self):
        addr = self.run_echo(Sock.AF_INET, loopback_any_port(), b'Hello, world')
        self.assertEqual(addr.get_type_string(), '(sq)')
        host, port = addr.unpack()
        self.assertEqual(host, '127.0.0.1')
        self.assertGreater(port, 0)

    def test_inet_long(self):
        # Several recv() calls on both sides.
        message = bytes(range(256)) * 200
        self.run_echo(Sock.AF_INET, loopback_any_port(), message)

    def test_unix(self):
        with temp_dir() as d:
            path = os.path.join(d, 'echo')
            addr = self.run_echo(Sock.AF_UNIX, GLib.Variant('s', path), b'Hello, world')
            # The client socket was not bound.
            self.assertEqual(addr.unpack(), '')

    def test_seed_client_shape(self):
        # The seed's client: one send(), one recv() of up to 1024 bytes.
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        s.bind(loopback_any_port())
        s.listen(1)
        server = Worker(echo_server, s)
        server.start()
        c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        c.connect(s.getsockname())
        self.assertEqual(c.send(b'Hello, world', 0), 12)
        data = c.recv(1024, 0)
        c.close()
        server.finish()
        s.close()
        self.assertIsInstance(data, GLib.Bytes)
        self.assertEqual(bytes_of(data), b'Hello, world')


if __name__ == '__main__':
    unittest.main(verbosity=2)
