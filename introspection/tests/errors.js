// The error path in GJS: failures are thrown as GLib.Error whose domain is
// Sock's and whose code is the errno value, which Sock.Error names.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

import {LOOPBACK, assert, assertEqual, assertThrows, bytes, done, inet,
    listeningSocket, test} from './jsutil.js';

function closedPort() {
    const s = listeningSocket();
    const [, port] = s.getsockname().deepUnpack();
    s.close();
    return port;
}

function expectErrno(code) {
    return e => {
        assert(e instanceof GLib.Error, `a GLib.Error, not ${e}`);
        assertEqual(e.domain, Sock.error_quark(), 'domain');
        assertEqual(e.code, code, `code of "${e.message}"`);
        assert(e.matches(Sock.Error, code), 'matches(Sock.Error, code)');
    };
}

test('connection refused', () => {
    const c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    assertThrows(() => c.connect(inet(LOOPBACK, closedPort())), e => {
        expectErrno(Sock.Error.ECONNREFUSED)(e);
        assert(e.message.includes('127.0.0.1'), 'the address in the message');
    });
    c.close();
});

test('connect_ex returns the errno instead', () => {
    const c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    assertEqual(c.connect_ex(inet(LOOPBACK, closedPort())), Sock.Error.ECONNREFUSED);
    c.close();
});

test('address in use', () => {
    const a = listeningSocket();
    const b = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    assertThrows(() => b.bind(a.getsockname()), expectErrno(Sock.Error.EADDRINUSE));
    a.close();
    b.close();
});

test('wrong address shape is EINVAL', () => {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    assertThrows(() => s.bind(new GLib.Variant('s', LOOPBACK)), expectErrno(Sock.Error.EINVAL));
    assertThrows(() => s.bind(new GLib.Variant('(si)', [LOOPBACK, 70000])),
        expectErrno(Sock.Error.EINVAL));
    s.close();
});

test('closed socket is EBADF', () => {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.close();
    assertEqual(s.fileno, -1);
    assertThrows(() => s.send(bytes('x'), 0), expectErrno(Sock.Error.EBADF));
    assertThrows(() => s.recv(1, 0), expectErrno(Sock.Error.EBADF));
    assertThrows(() => s.bind(inet(LOOPBACK, 0)), expectErrno(Sock.Error.EBADF));
});

test('non-blocking accept is EAGAIN', () => {
    const s = listeningSocket();
    s.setblocking(false);
    assertThrows(() => s.accept(), expectErrno(Sock.Error.EAGAIN));
    s.close();
});

test('inet_ntoa of the wrong length is EINVAL', () => {
    assertThrows(() => Sock.inet_ntoa(new Uint8Array([1, 2, 3])), expectErrno(Sock.Error.EINVAL));
});

test('resolver errors have their own domain', () => {
    assertThrows(() => Sock.getprotobyname('no-such-protocol'), e => {
        assert(e instanceof GLib.Error, 'a GLib.Error');
        assertEqual(e.domain, Sock.resolver_error_quark(), 'domain');
        assert(e.matches(Sock.ResolverError, Sock.ResolverError.NOT_FOUND), 'NOT_FOUND');
    });
});

system.exit(done());
