# The asynchronous calls and watches from Python, on a GLib.MainLoop.
#
# Runs on the plain introspected API, and again with the override loaded
# (SOCK_TEST_OVERRIDE): the _async/_finish calls are the same either way;
# the helpers below only paper over what the override changes in the
# blocking calls (getsockname() returns a tuple there).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import unittest

from sockgi import GLib, Gio, Sock, bytes_of

LOOPBACK = '127.0.0.1'
# Every loop is bounded: a test that would hang fails instead.
LOOP_TIMEOUT = 20


def variant_address(sock):
    address = sock.getsockname()
    if isinstance(address, GLib.Variant):
        return address
    return GLib.Variant('(sq)', address)


def listener():
    server = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
    server.bind(GLib.Variant('(sq)', (LOOPBACK, 0)))
    server.listen(64)
    return server


class Loop:
    """A GLib.MainLoop that fails the test rather than run for ever."""

    def __init__(self):
        self.loop = GLib.MainLoop()
        self.timed_out = False

    def _expire(self):
        self.timed_out = True
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def run(self):
        timeout = GLib.timeout_add_seconds(LOOP_TIMEOUT, self._expire)
        self.loop.run()
        if self.timed_out:
            raise AssertionError('the main loop ran for %d s' % LOOP_TIMEOUT)
        GLib.source_remove(timeout)

    def quit(self):
        self.loop.quit()


class AsyncEchoTest(unittest.TestCase):

    def test_echo(self):
        """An async echo server and 20 async clients on one GLib.MainLoop."""
        loop = Loop()
        server = listener()
        address = variant_address(server)
        n_clients, rounds = 20, 3
        held = []
        results = {}

        def on_server_read(conn, result, _data):
            data = conn.recv_finish(result)
            if data.get_size() == 0:
                conn.close()
                return
            conn.sendall_async(data, 0, None, on_server_written, None)

        def on_server_written(conn, result, _data):
            conn.sendall_finish(result)
            conn.recv_async(1024, 0, None, on_server_read, None)

        def on_accepted(sock, result, _data):
            conn, _peer = sock.accept_finish(result)
            held.append(conn)
            conn.recv_async(1024, 0, None, on_server_read, None)
            if len(held) < n_clients:
                sock.accept_async(None, on_accepted, None)

        class Client:
            def __init__(self, index):
                self.index = index
                self.round = 0
                self.got = b''
                self.sock = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
                self.sock.connect_async(address, None, self.on_connected, None)

            def message(self):
                return ('client %d round %d ' % (self.index, self.round)).encode() * 10

            def on_connected(self, sock, result, _data):
                self.assert_true(sock.connect_finish(result))
                self.send_round()

            def assert_true(self, value):
                if not value:
                    raise AssertionError('unexpected failure')

            def send_round(self):
                self.got = b''
                self.sock.sendall_async(GLib.Bytes.new(self.message()), 0, None,
                                        self.on_sent, None)
                self.sock.recv_async(1024, 0, None, self.on_read, None)

            def on_sent(self, sock, result, _data):
                sock.sendall_finish(result)

            def on_read(self, sock, result, _data):
                self.got += bytes_of(sock.recv_finish(result))
                if len(self.got) < len(self.message()):
                    sock.recv_async(1024, 0, None, self.on_read, None)
                    return
                results.setdefault(self.index, []).append(self.got == self.message())
                self.round += 1
                if self.round < rounds:
                    self.send_round()
                else:
                    sock.close()
                    if len(results) == n_clients and all(
                            len(r) == rounds for r in results.values()):
                        loop.quit()

        server.accept_async(None, on_accepted, None)
        clients = [Client(i) for i in range(n_clients)]
        loop.run()
        self.assertEqual(len(clients), n_clients)
        self.assertTrue(all(all(r) for r in results.values()))
        server.close()

    def test_connect_localhost(self):
        """connect_async() resolves a name without blocking the loop."""
        loop = Loop()
        server = listener()
        port = variant_address(server).unpack()[1]
        client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        outcome = []

        def on_connected(sock, result, _data):
            outcome.append(sock.connect_finish(result))
            loop.quit()

        client.connect_async(GLib.Variant('(sq)', ('localhost', port)), None, on_connected, None)
        loop.run()
        self.assertEqual(outcome, [True])
        client.close()
        server.close()

    def test_connect_invalid_host(self):
        """An unknown host is a resolver error, from the callback."""
        loop = Loop()
        client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        errors = []

        def on_connected(sock, result, _data):
            try:
                sock.connect_finish(result)
            except GLib.Error as e:
                errors.append(e)
            loop.quit()

        client.connect_async(GLib.Variant('(sq)', ('no-such-host.invalid', 80)), None,
                             on_connected, None)
        loop.run()
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0].domain, GLib.quark_to_string(Sock.resolver_error_quark()))


class AsyncRulesTest(unittest.TestCase):

    def setUp(self):
        self.loop = Loop()
        server = listener()
        self.client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.client.connect(variant_address(server))
        self.conn = server.accept()[0]
        server.close()

    def tearDown(self):
        self.client.close()
        self.conn.close()

    def finish_error(self, finish):
        """Runs the loop until the callback; returns the GLib.Error of finish."""
        errors = []

        def on_done(sock, result, _data):
            try:
                finish(sock, result)
            except GLib.Error as e:
                errors.append(e)
            self.loop.quit()

        return on_done, errors

    def test_cancel(self):
        cancellable = Gio.Cancellable()
        on_done, errors = self.finish_error(Sock.Object.recv_finish)
        self.conn.recv_async(1024, 0, cancellable, on_done, None)
        GLib.timeout_add(20, lambda: cancellable.cancel() or GLib.SOURCE_REMOVE)
        self.loop.run()
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))

    def test_pending(self):
        on_done, errors = self.finish_error(Sock.Object.recv_finish)
        self.conn.recv_async(1024, 0, None, lambda *args: None, None)
        self.conn.recv_async(1024, 0, None, on_done, None)
        self.loop.run()
        self.assertTrue(errors[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.PENDING))

    def test_close_pending(self):
        on_done, errors = self.finish_error(Sock.Object.recv_finish)
        self.conn.recv_async(1024, 0, None, on_done, None)
        GLib.idle_add(lambda: self.conn.close() or GLib.SOURCE_REMOVE)
        self.loop.run()
        self.assertEqual(errors[0].domain, GLib.quark_to_string(Sock.error_quark()))
        self.assertEqual(errors[0].code, errno.EBADF)

    def test_timeout(self):
        self.conn.settimeout(0.1)
        on_done, errors = self.finish_error(Sock.Object.recv_finish)
        self.conn.recv_async(1024, 0, None, on_done, None)
        self.loop.run()
        self.assertEqual(errors[0].code, errno.ETIMEDOUT)
        self.assertEqual(errors[0].message, 'timed out')

    def test_add_watch(self):
        """add_watch() takes a plain function; it fires on data, then on close."""
        seen = []

        def on_event(sock, condition, *data):
            seen.append(condition)
            if condition & GLib.IOCondition.NVAL:
                self.loop.quit()
                return GLib.SOURCE_REMOVE
            sock.recv(1024, 0)
            GLib.idle_add(lambda: sock.close() or GLib.SOURCE_REMOVE)
            return GLib.SOURCE_CONTINUE

        self.conn.add_watch(GLib.IOCondition.IN, GLib.PRIORITY_DEFAULT, on_event)
        self.client.sendall(b'ping', 0)
        self.loop.run()
        self.assertEqual(seen, [GLib.IOCondition.IN, GLib.IOCondition.NVAL])


class UpperCaseSocket(Sock.InetObject):
    """Replaces recv(): recv_async() then runs it in a worker thread."""

    __gtype_name__ = 'TestAsyncUpperCaseSocket'

    def do_recv(self, bufsize, flags):
        data = Sock.InetObject.do_recv(self, bufsize, flags)
        data = data.get_data() if isinstance(data, GLib.Bytes) else data
        return GLib.Bytes.new(data.upper())


class FallbackTest(unittest.TestCase):

    def test_recv_async_runs_the_override(self):
        loop = Loop()
        server = listener()
        client = UpperCaseSocket(family=Sock.AF_INET, socket_type=Sock.SOCK_STREAM)
        client.connect(variant_address(server))
        conn = server.accept()[0]
        got = []

        def on_read(sock, result, _data):
            got.append(bytes_of(sock.recv_finish(result)))
            loop.quit()

        client.recv_async(64, 0, None, on_read, None)
        conn.sendall(b'quiet', 0)
        loop.run()
        self.assertEqual(got, [b'QUIET'])
        for sock in (client, conn, server):
            sock.close()


if __name__ == '__main__':
    unittest.main()
