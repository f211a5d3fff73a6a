#!/usr/bin/python3
# bench-python.py: the seed's echo ping-pong from Python, three ways
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The same 64-byte echo exchange as the seed's "Echo server program" and
# "Echo client program", written with CPython's socket module (the
# baseline), with sockobj through PyGObject and its override (Sock-1.0:
# the very same code, only the module differs), and with GIO through
# PyGObject (GSocketConnection streams). The harness is shared; the client
# and server loops are each written in the API they measure, the way a
# Python programmer would write them with it.
#
# Each server is a separate process running the seed's echo loop; client
# and servers share one CPU, as in the C benchmark (see pin_self() in
# bench.c for why). One run interleaves the three: every repetition visits
# each transport and, within it, the implementations in an order rotated by
# the repetition number. The figure reported is the median; a ratio is the
# median of each repetition's ratio.
#
# Needs PyGObject; finds Sock-1.0 through GI_TYPELIB_PATH, the library
# through LD_LIBRARY_PATH and the override through PYTHONPATH. Exits with
# status 77 when Sock-1.0 or its override is missing.

import argparse
import os
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import gi

gi.require_version('Gio', '2.0')
from gi.repository import Gio  # noqa: E402

SKIP = 77
MESSAGE = b'p' * 64
WATCHDOG_SECS = 300
TRANSPORTS = ('tcp', 'unix')


def load_sock():
    try:
        gi.require_version('Sock', '1.0')
        from gi.repository import Sock
    except (ValueError, ImportError) as e:
        return None, str(e)
    if sys.modules.get('gi.overrides.Sock') is None:
        return None, ('the Sock override (gi/overrides/Sock.py) is not on the path; set '
                      "PYTHONPATH to the build's introspection/python directory")
    if sys.modules['gi.overrides.Sock']._fast is None:
        print('bench-python: the override runs without its C half (gi.overrides._sock: not '
              'built, or SOCK_PYTHON_NO_FAST is set); pygobject-sockobj measures '
              "PyGObject's calls only", file=sys.stderr)
    return Sock, None


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def pin_to_one_cpu():
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})


def family_of(transport):
    return socket.AF_INET if transport == 'tcp' else socket.AF_UNIX


# Each implementation: how to listen, accept and connect (setup, not timed)
# and the two loops of the seed's programs (timed on the client side).

class CPythonSocket:
    name = 'cpython-socket'

    def listen(self, transport, path):
        s = socket.socket(family_of(transport), socket.SOCK_STREAM)
        s.bind(('127.0.0.1', 0) if transport == 'tcp' else path)
        s.listen(1)
        return s, s.getsockname()

    def accept(self, listener, transport):
        conn, _ = listener.accept()
        if transport == 'tcp':
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def connect(self, transport, address):
        s = socket.socket(family_of(transport), socket.SOCK_STREAM)
        s.connect(tuple(address) if transport == 'tcp' else address)
        if transport == 'tcp':
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def close(self, conn):
        conn.close()

    def echo(self, conn):
        while 1:
            data = conn.recv(1024)
            if not data:
                break
            conn.send(data)

    def client(self, conn, rounds):
        for _ in range(rounds):
            conn.send(MESSAGE)
            got = len(conn.recv(1024))
            while got < len(MESSAGE):
                got += len(conn.recv(1024))


class PyGObjectSock:
    """The seed's code as it is, on Sock through the PyGObject override."""

    name = 'pygobject-sockobj'

    def __init__(self, sock):
        self.Sock = sock

    def listen(self, transport, path):
        s = self.Sock.socket(family_of(transport), socket.SOCK_STREAM)
        s.bind(('127.0.0.1', 0) if transport == 'tcp' else path)
        s.listen(1)
        return s, s.getsockname()

    def accept(self, listener, transport):
        conn, _ = listener.accept()
        if transport == 'tcp':
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def connect(self, transport, address):
        s = self.Sock.socket(family_of(transport), socket.SOCK_STREAM)
        s.connect(tuple(address) if transport == 'tcp' else address)
        if transport == 'tcp':
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def close(self, conn):
        conn.close()

    def echo(self, conn):
        while 1:
            data = conn.recv(1024)
            if not data:
                break
            conn.send(data)

    def client(self, conn, rounds):
        for _ in range(rounds):
            conn.send(MESSAGE)
            got = len(conn.recv(1024))
            while got < len(MESSAGE):
                got += len(conn.recv(1024))


class PyGObjectGio:
    name = 'pygobject-gio'

    def _socket(self, transport):
        family = Gio.SocketFamily.IPV4 if transport == 'tcp' else Gio.SocketFamily.UNIX
        return Gio.Socket.new(family, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT)

    def _address(self, transport, address):
        if transport == 'tcp':
            return Gio.InetSocketAddress.new_from_string(address[0], address[1])
        return Gio.UnixSocketAddress.new(address)

    def listen(self, transport, path):
        s = self._socket(transport)
        s.bind(self._address(transport, ('127.0.0.1', 0) if transport == 'tcp' else path), False)
        s.listen()
        local = s.get_local_address()
        if transport == 'tcp':
            return s, ('127.0.0.1', local.get_port())
        return s, local.get_path()

    def _streams(self, sock, transport):
        if transport == 'tcp':
            sock.set_option(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock.connection_factory_create_connection()

    def accept(self, listener, transport):
        return self._streams(listener.accept(None), transport)

    def connect(self, transport, address):
        s = self._socket(transport)
        s.connect(self._address(transport, address), None)
        return self._streams(s, transport)

    def close(self, conn):
        conn.close(None)

    def echo(self, conn):
        istream = conn.get_input_stream()
        ostream = conn.get_output_stream()
        while 1:
            data = istream.read_bytes(1024, None)
            if data.get_size() == 0:
                break
            ostream.write_all(data.get_data(), None)

    def client(self, conn, rounds):
        istream = conn.get_input_stream()
        ostream = conn.get_output_stream()
        for _ in range(rounds):
            ostream.write_all(MESSAGE, None)
            got = istream.read_bytes(1024, None).get_size()
            while got < len(MESSAGE):
                got += istream.read_bytes(1024, None).get_size()


def implementations():
    sock, _ = load_sock()
    return {impl.name: impl for impl in (CPythonSocket(), PyGObjectGio(), PyGObjectSock(sock))}


def serve(args):
    """The seed's echo server: one connection after another, then exit."""
    signal.alarm(WATCHDOG_SECS)
    pin_to_one_cpu()
    impl = implementations()[args.serve]
    listener, address = impl.listen(args.transport, args.path)
    if args.transport == 'tcp':
        print(address[1], flush=True)
    else:
        print(address, flush=True)
    for _ in range(args.connections):
        conn = impl.accept(listener, args.transport)
        impl.echo(conn)
        impl.close(conn)
    listener.close()


def start_server(impl, transport, connections, tmp_dir):
    path = os.path.join(tmp_dir, '%s-%s.sock' % (impl.name, transport))
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                             '--serve', impl.name, '--transport', transport,
                             '--connections', str(connections), '--path', path],
                            stdout=subprocess.PIPE, text=True)
    # Bounded wait for the address line.
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline().strip() if ready else ''
    if not line:
        proc.kill()
        sys.exit('bench-python: the %s server for %s did not start' % (impl.name, transport))
    address = ('127.0.0.1', int(line)) if transport == 'tcp' else line
    return proc, address


def measure(impl, transport, address, rounds):
    conn = impl.connect(transport, address)
    start = now_ns()
    impl.client(conn, rounds)
    elapsed = now_ns() - start
    impl.close(conn)
    return elapsed / 1e3 / rounds


def judge(ratio_base, ratio_gio):
    verdict = ('pass' if ratio_base <= 1.10 else 'FAIL') + '/' + \
              ('pass' if ratio_gio < 1.0 else 'FAIL')
    return '<= 1.10x cpython, < gio', verdict


def main():
    parser = argparse.ArgumentParser(description='Python echo ping-pong: CPython socket, '
                                     'sockobj and GIO through PyGObject')
    parser.add_argument('--rounds', type=int, default=20000)
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--tsv')
    parser.add_argument('--serve', help=argparse.SUPPRESS)
    parser.add_argument('--transport', help=argparse.SUPPRESS)
    parser.add_argument('--connections', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--path', help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve(args)
        return 0

    sock, problem = load_sock()
    if sock is None:
        print('bench-python: Sock-1.0 not usable (%s); set GI_TYPELIB_PATH to the '
              "build's introspection directory, LD_LIBRARY_PATH to its sockobj "
              'directory and PYTHONPATH to its introspection/python directory' % problem,
              file=sys.stderr)
        return SKIP
    if args.quick:
        args.rounds, args.reps = 200, 1
    if not 1 <= args.reps <= 101 or args.rounds < 1:
        parser.error('--reps must be 1..101 and --rounds positive')

    signal.alarm(WATCHDOG_SECS)
    pin_to_one_cpu()
    impls = list(implementations().values())
    samples = {(t, i.name): [] for t in TRANSPORTS for i in impls}
    servers = {}
    start = now_ns()

    with tempfile.TemporaryDirectory(prefix='sockobj-bench-py-') as tmp_dir:
        try:
            for transport in TRANSPORTS:
                for impl in impls:
                    servers[transport, impl.name] = start_server(impl, transport,
                                                                 args.reps + 1, tmp_dir)
            print('warm-up', flush=True)
            for transport in TRANSPORTS:
                for impl in impls:
                    measure(impl, transport, servers[transport, impl.name][1],
                            max(1, args.rounds // 10))
            for rep in range(args.reps):
                print('repetition %d/%d' % (rep + 1, args.reps), flush=True)
                for transport in TRANSPORTS:
                    for j in range(len(impls)):
                        impl = impls[(j + rep) % len(impls)]
                        address = servers[transport, impl.name][1]
                        samples[transport, impl.name].append(
                            measure(impl, transport, address, args.rounds))
        except BaseException:
            for proc, _ in servers.values():
                proc.kill()
                proc.wait()
            raise
        # Every server has had its last connection and is exiting.
        for (transport, name), (proc, _) in servers.items():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.returncode != 0:
                sys.exit('bench-python: the %s server for %s failed' % (name, transport))

    rows = []
    for transport in TRANSPORTS:
        def ratios(name, base):
            # Each repetition's two samples were measured one after the
            # other: the median of their ratios cancels the machine's drift
            # between repetitions, which a ratio of two medians does not.
            return [a / b for a, b in zip(samples[transport, name], samples[transport, base])]

        for impl in impls:
            median = statistics.median(samples[transport, impl.name])
            base_ratios = ratios(impl.name, 'cpython-socket')
            ratio_base = statistics.median(base_ratios)
            ratio_gio, target, verdict = '', '', ''
            if impl.name == 'pygobject-sockobj':
                gio = statistics.median(ratios(impl.name, 'pygobject-gio'))
                ratio_gio = '%.3f' % gio
                target, verdict = judge(ratio_base, gio)
            rows.append(['python-echo', transport, impl.name, '%.4f' % median,
                         'us/round-trip', 'lower', '%.4f' % ratio_base, ratio_gio,
                         target, verdict,
                         ','.join('%.4f' % v for v in samples[transport, impl.name]),
                         ','.join('%.4f' % v for v in base_ratios)])

    print('\n%-12s %-9s %-18s %10s %-14s %10s %7s  %-24s %s' %
          ('workload', 'transport', 'implementation', 'median', 'unit',
           'vs cpython', 'vs gio', 'target', 'verdict'))
    for r in rows:
        print('%-12s %-9s %-18s %10.2f %-14s %10.3f %7s  %-24s %s' %
              (r[0], r[1], r[2], float(r[3]), r[4], float(r[6]), r[7], r[8], r[9]))
    print('\n%d repetitions of %d round trips, implementations rotated each repetition; '
          'median shown; %.1f s' % (args.reps, args.rounds, (now_ns() - start) / 1e9))

    if args.tsv:
        with open(args.tsv, 'w') as f:
            f.write('workload\ttransport\timplementation\tmedian\tunit\tbetter\t'
                    'ratio_raw\tratio_gio\ttarget\tverdict\tsamples\tratio_samples\n')
            for r in rows:
                f.write('\t'.join(r) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
