# Sock and CPython's own socket module as the two ends of a connection.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import socket
import unittest

from sockgi import GLib, Sock, Worker, bytes_of, inet_address, loopback_any_port, temp_dir

TIMEOUT = 20


def py_echo_once(server):
    conn, addr = server.accept()
    with conn:
        conn.settimeout(TIMEOUT)
        chunks = []
        while True:
            data = conn.recv(4096)
            if not data:
                break
            chunks.append(data)
            conn.sendall(data)
    return addr, b''.join(chunks)


def sock_echo_once(server):
    conn, addr = server.accept()
    chunks = []
    while True:
        data = conn.recv(4096, 0)
        if data.get_size() == 0:
            break
        chunks.append(bytes_of(data))
        conn.sendall(bytes_of(data), 0)
    conn.close()
    return addr.unpack(), b''.join(chunks)


class InteropTest(unittest.TestCase):

    def test_sock_client_cpython_server(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.settimeout(TIMEOUT)
            server.bind(('127.0.0.1', 0))
            server.listen(1)
            worker = Worker(py_echo_once, server)
            worker.start()
            c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
            c.connect(inet_address(*server.getsockname()))
            message = b'from Sock to CPython' * 100
            c.sendall(message, 0)
            c.shutdown(Sock.SHUT_WR)
            echoed = b''
            while True:
                data = c.recv(4096, 0)
                if data.get_size() == 0:
                    break
                echoed += bytes_of(data)
            addr, received = worker.finish()
            self.assertEqual(received, message)
            self.assertEqual(echoed, message)
            self.assertEqual(addr, c.getsockname().unpack())
            c.close()

    def test_cpython_client_sock_server(self):
        server = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        server.bind(loopback_any_port())
        server.listen(1)
        worker = Worker(sock_echo_once, server)
        worker.start()
        with socket.create_connection(server.getsockname().unpack(), timeout=TIMEOUT) as c:
            self.assertEqual(c.getpeername(), server.getsockname().unpack())
            message = b'from CPython to Sock' * 100
            c.sendall(message)
            c.shutdown(socket.SHUT_WR)
            echoed = b''
            while True:
                data = c.recv(4096)
                if not data:
                    break
                echoed += data
            addr, received = worker.finish()
            self.assertEqual(received, message)
            self.assertEqual(echoed, message)
            self.assertEqual(addr, c.getsockname())
        server.close()

    def test_datagrams_both_ways(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0)
        s.bind(loopback_any_port())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as py:
            py.settimeout(TIMEOUT)
            py.bind(('127.0.0.1', 0))
            py.sendto(b'to Sock', s.getsockname().unpack())
            data, addr = s.recvfrom(64, 0)
            self.assertEqual(bytes_of(data), b'to Sock')
            self.assertEqual(addr.unpack(), py.getsockname())
            s.sendto(b'to CPython', 0, addr)
            data, addr = py.recvfrom(64)
            self.assertEqual(data, b'to CPython')
            self.assertEqual(addr, s.getsockname().unpack())
        s.close()

    def test_unix_stream(self):
        with temp_dir() as d:
            path = os.path.join(d, 'interop')
            server = Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)
            server.bind(GLib.Variant('s', path))
            server.listen(1)
            worker = Worker(sock_echo_once, server)
            worker.start()
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
                c.settimeout(TIMEOUT)
                c.connect(path)
                self.assertEqual(c.getpeername(), path)
                c.sendall(b'over AF_UNIX')
                c.shutdown(socket.SHUT_WR)
                self.assertEqual(c.recv(64), b'over AF_UNIX')
                addr, received = worker.finish()
                self.assertEqual(received, b'over AF_UNIX')
                self.assertEqual(addr, c.getsockname())
            server.close()

    def test_sockopt_values_agree(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        s.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1)
        # TCP_* is outside the seed's groups: CPython's number works as well.
        s.setsockopt(Sock.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The same descriptor, seen by CPython.
        with socket.socket(fileno=os.dup(s.fileno())) as py:
            self.assertEqual(py.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1)
            self.assertEqual(py.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1)
            self.assertEqual(py.family, socket.AF_INET)
            self.assertEqual(py.type, socket.SOCK_STREAM)
        s.close()

    def test_fromfd_of_cpython_socket(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as py_server:
            py_server.settimeout(TIMEOUT)
            py_server.bind(('127.0.0.1', 0))
            py_server.listen(1)
            s = Sock.fromfd(py_server.fileno(), Sock.AF_INET, Sock.SOCK_STREAM, 0)
            self.assertEqual(s.getsockname().unpack(), py_server.getsockname())
            # A CPython socket with a timeout has a non-blocking descriptor,
            # and the duplicate shares that flag.
            self.assertFalse(s.get_blocking())
            s.setblocking(True)
            # Sock accepts on CPython's listening socket.
            worker = Worker(s.accept)
            worker.start()
            with socket.create_connection(py_server.getsockname(), timeout=TIMEOUT) as c:
                conn, addr = worker.finish()
                self.assertEqual(addr.unpack(), c.getsockname())
                conn.close()
            s.close()

    def test_inet_helpers_agree(self):
        for text in ('10.0.0.1', '192.168.255.254'):
            packed = bytes_of(Sock.inet_aton(text))
            self.assertEqual(socket.inet_ntoa(packed), text)
            self.assertEqual(Sock.inet_ntoa(socket.inet_aton(text)), text)


if __name__ == '__main__':
    unittest.main(verbosity=2)
