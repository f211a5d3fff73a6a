// Descriptors and messages from GJS: socketpair, sendmsg/recvmsg with
// SCM_RIGHTS, send_fds/recv_fds, the CMSG helpers, dup/detach, fromfd
// detection and sendfile.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

import {assert, assertEqual, assertThrows, bytes, done, test, text} from './jsutil.js';

// GJS 1.74 puts the skipped boolean in front of the out values.
function unixPair(type = Sock.SOCK_STREAM) {
    return Sock.socketpair(Sock.AF_UNIX, type, 0).slice(-2);
}

function rightsOf(ancdata) {
    const fds = [];
    for (const [level, type, data] of ancdata.deepUnpack()) {
        if (level === Sock.SOL_SOCKET && type === Sock.SCM_RIGHTS)
            fds.push(...new Int32Array(data.buffer, data.byteOffset, data.length / 4));
    }
    return fds;
}

test('socketpair gives two connected AF_UNIX sockets', () => {
    const [a, b] = unixPair();
    assert(a instanceof Sock.UnixObject, 'a UnixObject');
    assertEqual(b.get_socket_type(), Sock.SOCK_STREAM);
    a.sendall(bytes('pair'), 0);
    assertEqual(text(b.recv(16, 0)), 'pair');
    [a, b].forEach(x => x.close());
});

test('sendmsg gathers Uint8Arrays; recvmsg returns data, ancdata, flags, address', () => {
    const [a, b] = unixPair(Sock.SOCK_SEQPACKET);
    assertEqual(a.sendmsg([bytes('one '), bytes('message')], null, 0, null), 11);
    const [data, ancdata, msgFlags, address] = b.recvmsg(64, 64, 0);
    assertEqual(text(data), 'one message');
    assertEqual(ancdata.deepUnpack().length, 0);
    assertEqual(msgFlags, 0);
    assertEqual(address.deepUnpack(), '');
    [a, b].forEach(x => x.close());
});

test('SCM_RIGHTS ancillary data passes a descriptor', () => {
    const [a, b] = unixPair();
    const [c, d] = unixPair();
    const fd = new Int32Array([c.fileno]);
    const ancdata = new GLib.Variant('a(iiay)',
        [[Sock.SOL_SOCKET, Sock.SCM_RIGHTS, new Uint8Array(fd.buffer)]]);
    assertEqual(a.sendmsg([bytes('fd')], ancdata, 0, null), 2);
    const [data, received, msgFlags] = b.recvmsg(16, Sock.cmsg_space(4), 0);
    assertEqual(text(data), 'fd');
    assertEqual(msgFlags, 0);
    const fds = rightsOf(received);
    assertEqual(fds.length, 1);
    // The received descriptor is c's socket: what goes in comes out of d.
    const copy = Sock.fromfd(fds[0], 0, 0, 0);
    copy.sendall(bytes('through'), 0);
    assertEqual(text(d.recv(16, 0)), 'through');
    // fromfd works on a duplicate: the received descriptor is ours to close.
    GLib.close(fds[0]);
    [a, b, c, d, copy].forEach(x => x.close());
});

test('send_fds and recv_fds; more than max_fds is EMSGSIZE', () => {
    const [a, b] = unixPair();
    const [c, d] = unixPair();
    assert(a.send_fds(bytes('two'), [c.fileno, d.fileno]), 'sent');
    const [data, fds] = b.recv_fds(16, 4);
    assertEqual(text(data), 'two');
    assertEqual(fds.length, 2);
    fds.forEach(fd => GLib.close(fd));
    a.send_fds(bytes('x'), [c.fileno, d.fileno]);
    // EMSGSIZE is 90 on Linux.
    assertThrows(() => b.recv_fds(16, 1), e => assert(e.matches(Sock.error_quark(), 90),
        `EMSGSIZE, not ${e}`));
    [a, b, c, d].forEach(x => x.close());
});

test('cmsg_len and cmsg_space', () => {
    assertEqual(Sock.cmsg_len(0), 16);
    assertEqual(Sock.cmsg_len(4), 20);
    assertEqual(Sock.cmsg_space(4), 24);
    assertEqual(Sock.cmsg_space(2 ** 31), 0);
});

test('dup keeps the timeout; detach hands out the descriptor', () => {
    const [a, b] = unixPair();
    a.settimeout(2.5);
    const c = a.dup();
    assertEqual(c.gettimeout(), 2.5);
    assert(c.fileno !== a.fileno, 'another descriptor');
    assert(!c.get_inheritable(), 'close-on-exec');
    const fd = c.detach();
    assertEqual(c.fileno, -1);
    const again = Sock.fromfd(fd, 0, 0, 0);
    GLib.close(fd);
    again.sendall(bytes('detached'), 0);
    assertEqual(text(b.recv(16, 0)), 'detached');
    [a, b, again].forEach(x => x.close());
});

test('sendfile from a file', () => {
    const [a, b] = unixPair();
    const [fd, path] = GLib.file_open_tmp('sock-gjs-XXXXXX');
    new Gio.UnixOutputStream({fd, close_fd: false}).write_all(bytes('0123456789'), null);
    assertEqual(a.sendfile(fd, 2, 5), 5);
    assertEqual(text(b.recv(16, 0)), '23456');
    GLib.close(fd);
    GLib.unlink(path);
    [a, b].forEach(x => x.close());
});

system.exit(done());
