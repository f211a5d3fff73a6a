# Shared set-up of the Python binding tests.
#
# Loads Sock from the build tree (GI_TYPELIB_PATH and LD_LIBRARY_PATH come
# from meson). The PyGObject override is kept out unless SOCK_TEST_OVERRIDE
# is set, so that these tests see the plain introspected API even where an
# override is installed. Every test process dies with a traceback rather
# than hang.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import contextlib
import faulthandler
import os
import shutil
import sys
import tempfile
import threading

faulthandler.dump_traceback_later(float(os.environ.get('SOCK_TEST_TIMEOUT', '60')), exit=True)

if not os.environ.get('SOCK_TEST_OVERRIDE'):
    # pkgutil.get_loader() reports no loader for a module mapped to None,
    # which is how PyGObject decides there is no override.
    sys.modules['gi.overrides.Sock'] = None

import gi  # noqa: E402

gi.require_version('Sock', '1.0')
gi.require_version('Gio', '2.0')

from gi.repository import GLib, Gio, GObject, Sock  # noqa: E402,F401

LOOPBACK = '127.0.0.1'
# How long a helper thread may take before a test gives up on it.
THREAD_TIMEOUT = 20


def inet_address(host, port):
    return GLib.Variant('(sq)', (host, port))


def loopback_any_port():
    return inet_address(LOOPBACK, 0)


def listening_socket(backlog=1):
    server = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
    server.bind(loopback_any_port())
    server.listen(backlog)
    return server


def connected_pair():
    """A connected TCP pair over loopback: (client, server-side conn)."""
    server = listening_socket()
    client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
    client.connect(server.getsockname())
    conn, _ = server.accept()
    server.close()
    return client, conn


def bytes_of(data):
    """The contents of a GLib.Bytes as bytes."""
    return data.get_data() or b''


@contextlib.contextmanager
def temp_dir():
    path = tempfile.mkdtemp(prefix='sock-gi-')
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class Worker(threading.Thread):
    """Runs a function in a thread and hands back its result or exception."""

    def __init__(self, func, *args):
        super().__init__(daemon=True)
        self._func = func
        self._args = args
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self._func(*self._args)
        except BaseException as e:  # re-raised in the test's thread
            self.error = e

    def finish(self):
        self.join(THREAD_TIMEOUT)
        if self.is_alive():
            raise TimeoutError('worker thread did not finish')
        if self.error is not None:
            raise self.error
        return self.result
