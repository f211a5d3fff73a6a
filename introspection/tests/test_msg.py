# Descriptors and messages through the plain introspected API: socketpair,
# sendmsg/recvmsg with ancillary data, descriptor passing (also with
# CPython's socket module on the other end), the CMSG helpers, dup/detach,
# fromfd detection, the inheritable flag and sendfile.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import array
import errno
import os
import socket
import struct
import tempfile
import unittest

from sockgi import GLib, Sock, bytes_of, connected_pair


def unix_pair(kind=None):
    a, b = Sock.socketpair(Sock.AF_UNIX, kind or Sock.SOCK_STREAM, 0)
    return a, b


def rights(*fds):
    return GLib.Variant('a(iiay)', [(Sock.SOL_SOCKET, Sock.SCM_RIGHTS,
                                     array.array('i', fds).tobytes())])


def fds_of(ancdata):
    """The descriptors of the SCM_RIGHTS items of an a(iiay)."""
    fds = array.array('i')
    for level, kind, data in ancdata.unpack():
        if level == Sock.SOL_SOCKET and kind == Sock.SCM_RIGHTS:
            fds.frombytes(bytes(data))
    return list(fds)


def assert_same_pipe(test, received, read_end):
    os.write(received, b'pipe')
    test.assertEqual(os.read(read_end, 16), b'pipe')


class SocketpairTest(unittest.TestCase):

    def test_shape(self):
        a, b = Sock.socketpair(0, 0, 0)
        self.assertIsInstance(a, Sock.UnixObject)
        self.assertEqual(a.get_family(), Sock.AF_UNIX)
        self.assertEqual(b.get_socket_type(), Sock.SOCK_STREAM)
        a.sendall(b'hello', 0)
        self.assertEqual(bytes_of(b.recv(16, 0)), b'hello')
        a.close()
        b.close()

    def test_inet_is_refused(self):
        with self.assertRaises(GLib.Error) as caught:
            Sock.socketpair(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertEqual(caught.exception.code, errno.EOPNOTSUPP)


class MessageTest(unittest.TestCase):

    def test_sendmsg_recvmsg_shape(self):
        a, b = unix_pair(Sock.SOCK_SEQPACKET)
        sent = a.sendmsg([GLib.Bytes.new(b'one '), GLib.Bytes.new(b'message')], None, 0,
                         None)
        self.assertEqual(sent, 11)
        data, ancdata, msg_flags, address = b.recvmsg(64, 64, 0)
        self.assertEqual(bytes_of(data), b'one message')
        self.assertEqual(ancdata.unpack(), [])
        self.assertEqual(msg_flags, 0)
        self.assertEqual(address.unpack(), '')
        a.close()
        b.close()

    def test_scm_rights(self):
        a, b = unix_pair()
        r, w = os.pipe()
        self.assertEqual(a.sendmsg([GLib.Bytes.new(b'fd')], rights(w), 0, None), 2)
        data, ancdata, msg_flags, _ = b.recvmsg(16, Sock.cmsg_space(4), 0)
        self.assertEqual(bytes_of(data), b'fd')
        self.assertEqual(msg_flags, 0)
        [received] = fds_of(ancdata)
        self.assertFalse(os.get_inheritable(received))
        assert_same_pipe(self, received, r)
        for fd in (received, r, w):
            os.close(fd)
        a.close()
        b.close()

    def test_ctrunc(self):
        a, b = unix_pair()
        r, w = os.pipe()
        a.sendmsg([GLib.Bytes.new(b'x')], rights(r, w, r), 0, None)
        data, ancdata, msg_flags, _ = b.recvmsg(16, Sock.cmsg_len(4), 0)
        self.assertEqual(msg_flags & Sock.MSG_CTRUNC, Sock.MSG_CTRUNC)
        received = fds_of(ancdata)
        self.assertEqual(len(received), 1)
        for fd in received + [r, w]:
            os.close(fd)
        a.close()
        b.close()

    def test_bad_ancdata(self):
        a, b = unix_pair()
        with self.assertRaises(GLib.Error) as caught:
            a.sendmsg([GLib.Bytes.new(b'x')], GLib.Variant('a(iay)', [(1, b'1234')]), 0, None)
        self.assertEqual(caught.exception.code, errno.EINVAL)
        a.close()
        b.close()

    def test_cmsg_helpers_match_cpython(self):
        for length in list(range(0, 100)) + [2 ** 20, 2 ** 31 - 1 - 24]:
            self.assertEqual(Sock.cmsg_len(length), socket.CMSG_LEN(length))
            self.assertEqual(Sock.cmsg_space(length), socket.CMSG_SPACE(length))
        for length in (2 ** 31 - 16, 2 ** 40):
            with self.assertRaises(OverflowError):
                socket.CMSG_LEN(length)
            self.assertEqual(Sock.cmsg_len(length), 0)
            self.assertEqual(Sock.cmsg_space(length), 0)


class DescriptorPassingTest(unittest.TestCase):

    def test_send_fds_recv_fds(self):
        a, b = unix_pair()
        r, w = os.pipe()
        self.assertTrue(a.send_fds(b'two', [r, w]))
        data, fds = b.recv_fds(16, 4)
        self.assertEqual(bytes_of(data), b'two')
        self.assertEqual(len(fds), 2)
        assert_same_pipe(self, fds[1], fds[0])
        for fd in fds + [r, w]:
            os.close(fd)
        a.close()
        b.close()

    def test_more_than_max_fds(self):
        a, b = unix_pair()
        r, w = os.pipe()
        a.send_fds(b'x', [r, w, r])
        with self.assertRaises(GLib.Error) as caught:
            b.recv_fds(16, 1)
        self.assertEqual(caught.exception.code, errno.EMSGSIZE)
        for fd in (r, w):
            os.close(fd)
        a.close()
        b.close()

    def test_with_cpython_socket(self):
        a, b = unix_pair()
        peer = socket.socket(fileno=b.detach())
        r, w = os.pipe()

        # sockobj to CPython.
        a.send_fds(b'to cpython', [w])
        msg, fds, flags, _ = socket.recv_fds(peer, 64, 4)
        self.assertEqual(msg, b'to cpython')
        assert_same_pipe(self, fds[0], r)
        os.close(fds[0])

        # CPython to sockobj, with sendmsg's own ancillary data.
        socket.send_fds(peer, [b'to sock'], [r])
        data, ancdata, msg_flags, _ = a.recvmsg(64, socket.CMSG_SPACE(4), 0)
        self.assertEqual(bytes_of(data), b'to sock')
        [received] = fds_of(ancdata)
        os.write(w, b'xy')
        self.assertEqual(os.read(received, 2), b'xy')
        for fd in (received, r, w):
            os.close(fd)
        peer.close()
        a.close()


class DescriptorTest(unittest.TestCase):

    def test_dup_detach(self):
        a, b = unix_pair()
        a.settimeout(2.5)
        c = a.dup()
        self.assertIsInstance(c, Sock.UnixObject)
        self.assertEqual(c.gettimeout(), 2.5)
        self.assertNotEqual(c.fileno(), a.fileno())
        a.close()
        c.sendall(b'dup', 0)
        self.assertEqual(bytes_of(b.recv(16, 0)), b'dup')
        fd = c.detach()
        self.assertEqual(c.fileno(), -1)
        self.assertEqual(c.detach(), -1)
        os.write(fd, b'raw')
        self.assertEqual(bytes_of(b.recv(16, 0)), b'raw')
        os.close(fd)
        b.close()

    def test_fromfd_detects(self):
        for family, kind in [(socket.AF_INET, socket.SOCK_STREAM),
                             (socket.AF_INET, socket.SOCK_DGRAM),
                             (socket.AF_UNIX, socket.SOCK_SEQPACKET)]:
            with socket.socket(family, kind) as native, \
                    socket.socket(fileno=os.dup(native.fileno())) as detected:
                made = Sock.fromfd(native.fileno(), 0, 0, 0)
                # As CPython's socket(fileno=fd) detects them.
                self.assertEqual(made.get_family(), detected.family)
                self.assertEqual(made.get_socket_type(), detected.type)
                self.assertEqual(made.get_proto(), detected.proto)
                made.close()

    def test_inheritable(self):
        a, b = unix_pair()
        self.assertFalse(a.get_inheritable())
        a.set_inheritable(True)
        self.assertTrue(os.get_inheritable(a.fileno()))
        self.assertTrue(a.get_inheritable())
        a.set_inheritable(False)
        self.assertFalse(os.get_inheritable(a.fileno()))
        a.close()
        b.close()


class SendfileTest(unittest.TestCase):

    def test_sendfile(self):
        client, conn = connected_pair()
        with tempfile.TemporaryFile() as f:
            f.write(b'0123456789' * 1000)
            f.flush()
            self.assertEqual(client.sendfile(f.fileno(), 5, 100), 100)
            self.assertEqual(f.tell(), 105)
            received = b''
            while len(received) < 100:
                received += bytes_of(conn.recv(4096, 0))
            self.assertEqual(received, (b'0123456789' * 11)[5:105])
            self.assertEqual(client.sendfile(f.fileno(), 10000, -1), 0)
        client.close()
        conn.close()

    def test_sendfile_from_pipe(self):
        a, b = unix_pair()
        r, w = os.pipe()
        os.write(w, b'piped')
        os.close(w)
        self.assertEqual(a.sendfile(r, 0, -1), 5)
        self.assertEqual(bytes_of(b.recv(16, 0)), b'piped')
        os.close(r)
        a.close()
        b.close()


class Counting(Sock.UnixObject):
    """Overrides the sendmsg primitive from Python."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = []

    # PyGObject passes the array's length too; chaining up takes the array.
    def do_sendmsg(self, buffers, n_buffers, ancdata, flags, address):
        self.calls.append(('sendmsg', n_buffers, fds_of(ancdata) != []))
        return Sock.UnixObject.do_sendmsg(self, buffers, ancdata, flags, address)


class SubclassTest(unittest.TestCase):

    def test_send_fds_through_do_sendmsg(self):
        name = b'\0sock-gi-msg-%d' % os.getpid()
        listener = Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)
        listener.bind(GLib.Variant('ay', name))
        listener.listen(1)
        s = Counting(family=Sock.AF_UNIX, socket_type=Sock.SOCK_STREAM)
        s.connect(GLib.Variant('ay', name))
        conn, _ = listener.accept()
        r, w = os.pipe()
        self.assertTrue(s.send_fds(b'sub', [w]))
        self.assertEqual(s.calls, [('sendmsg', 1, True)])
        data, fds = conn.recv_fds(16, 1)
        self.assertEqual(bytes_of(data), b'sub')
        for fd in fds + [r, w]:
            os.close(fd)
        for sock in (s, conn, listener):
            sock.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
