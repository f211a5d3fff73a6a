# run-chat.py SERVER_ARGV...: runs a chat server example end to end
#
# Starts the server with "127.0.0.1 0 3" appended (loopback, a port the
# system picks, exit after three clients), reads the port it reports, and
# plays three clients with Python's socket module: each sees the others
# join, their lines (one sent in pieces, two sent at once) and their
# leaving. The server must then exit by itself with status 0. Every wait is
# bounded in time.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import re
import socket
import subprocess
import sys

TIMEOUT = 10


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT)
        self.name = str(self.sock.getsockname())
        self.buffer = b''

    def line(self):
        while b'\n' not in self.buffer:
            data = self.sock.recv(4096)
            if not data:
                raise AssertionError('%s: the server closed the connection' % self.name)
            self.buffer += data
        line, self.buffer = self.buffer.split(b'\n', 1)
        return line.decode()

    def expect(self, expected):
        got = self.line()
        if got != expected:
            raise AssertionError('%s: got %r, expected %r' % (self.name, got, expected))
        print('%s got %r' % (self.name, got))


def play(port):
    alice = Client(port)
    bob = Client(port)
    alice.expect('*: %s joined' % bob.name)
    carol = Client(port)
    alice.expect('*: %s joined' % carol.name)
    bob.expect('*: %s joined' % carol.name)

    alice.sock.sendall(b'hello from alice\n')
    bob.expect('%s: hello from alice' % alice.name)
    carol.expect('%s: hello from alice' % alice.name)

    # A line in pieces, then two lines in one send.
    bob.sock.sendall(b'in ')
    bob.sock.sendall(b'pieces\nsecond\nthird\n')
    for other in (alice, carol):
        other.expect('%s: in pieces' % bob.name)
        other.expect('%s: second' % bob.name)
        other.expect('%s: third' % bob.name)

    carol.sock.close()
    alice.expect('*: %s left' % carol.name)
    bob.expect('*: %s left' % carol.name)
    bob.sock.close()
    alice.expect('*: %s left' % bob.name)
    alice.sock.close()


def main(argv):
    server = subprocess.Popen(argv + ['127.0.0.1', '0', '3'], stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline().strip()
        match = re.fullmatch(r'Listening on port (\d+)', first)
        if not match:
            print('the server did not report its port, it said %r' % first, file=sys.stderr)
            return 1
        play(int(match.group(1)))
        out, _ = server.communicate(timeout=TIMEOUT)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    print('server said:\n%s\n%s' % (first, out), end='')
    if server.returncode != 0:
        print('the server exited with status %d' % server.returncode, file=sys.stderr)
        return 1
    if out.count(' joined') != 3 or out.count(' left') != 3:
        print('the server did not report three clients joining and leaving', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
