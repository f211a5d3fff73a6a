// The seed's echo server and client in GJS, in one process: the server
// socket listens, the client connects and sends, and the server's side of
// the connection echoes. Blocking calls need no main loop because each
// step only waits for data the previous one already sent.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

import {LOOPBACK, assert, assertEqual, bytes, done, inet, test, text} from './jsutil.js';

function echoAll(conn) {
    // The seed's server loop.
    for (;;) {
        const data = conn.recv(1024, 0);
        if (data.get_size() === 0)
            break;
        conn.send(data.toArray(), 0);
    }
    conn.close();
}

function runEcho(family, address, message) {
    const s = Sock.socket(family, Sock.SOCK_STREAM, 0);
    s.bind(address);
    s.listen(1);

    const c = Sock.socket(family, Sock.SOCK_STREAM, 0);
    c.connect(s.getsockname());
    const [conn, addr] = s.accept();

    c.sendall(bytes(message), 0);
    c.shutdown(Sock.SHUT_WR);
    echoAll(conn);

    let echoed = '';
    for (;;) {
        const data = c.recv(1024, 0);
        if (data.get_size() === 0)
            break;
        echoed += text(data);
    }
    c.close();
    s.close();
    return [echoed, addr];
}

test('inet echo', () => {
    const [echoed, addr] = runEcho(Sock.AF_INET, inet(LOOPBACK, 0), 'Hello, world');
    assertEqual(echoed, 'Hello, world');
    assertEqual(addr.get_type_string(), '(sq)');
    const [host, port] = addr.deepUnpack();
    assertEqual(host, LOOPBACK);
    assert(port > 0, 'a port');
});

test('inet echo, several recv() calls', () => {
    const message = '0123456789'.repeat(500);
    assertEqual(runEcho(Sock.AF_INET, inet(LOOPBACK, 0), message)[0], message);
});

test('unix echo', () => {
    const dir = GLib.dir_make_tmp('sock-gjs-XXXXXX');
    const path = GLib.build_filenamev([dir, 'echo']);
    try {
        const [echoed, addr] = runEcho(Sock.AF_UNIX, new GLib.Variant('s', path), 'Hello, world');
        assertEqual(echoed, 'Hello, world');
        assertEqual(addr.deepUnpack(), '');
    } finally {
        GLib.unlink(path);
        GLib.rmdir(dir);
    }
});

test('the seed client: send() then one recv()', () => {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.bind(inet(LOOPBACK, 0));
    s.listen(1);
    const c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    c.connect(s.getsockname());
    const [conn] = s.accept();
    assertEqual(c.send(bytes('Hello, world'), 0), 12);
    const got = conn.recv(1024, 0);
    conn.send(got.toArray(), 0);
    assertEqual(text(c.recv(1024, 0)), 'Hello, world');
    conn.close();
    c.close();
    s.close();
});

test('datagrams with recvfrom()', () => {
    const a = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0);
    const b = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0);
    a.bind(inet(LOOPBACK, 0));
    b.bind(inet(LOOPBACK, 0));
    assertEqual(a.sendto(bytes('ping'), 0, b.getsockname()), 4);
    const [data, addr] = b.recvfrom(64, 0);
    assertEqual(text(data), 'ping');
    assertEqual(addr.print(false), a.getsockname().print(false));
    a.close();
    b.close();
});

test('recv_data() and recvfrom_data() give a Uint8Array in one call (1.2)', () => {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.bind(inet(LOOPBACK, 0));
    s.listen(1);
    const c = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    c.connect(s.getsockname());
    const [conn] = s.accept();
    c.sendall(bytes('Hello, world'), 0);
    const got = conn.recv_data(1024, 0);
    assert(got instanceof Uint8Array, 'recv_data() returns a Uint8Array');
    assertEqual(new TextDecoder().decode(got), 'Hello, world');
    c.shutdown(Sock.SHUT_WR);
    assertEqual(conn.recv_data(1024, 0).length, 0);
    conn.close();
    c.close();
    s.close();

    const a = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0);
    const b = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0);
    a.bind(inet(LOOPBACK, 0));
    b.bind(inet(LOOPBACK, 0));
    a.sendto(bytes('pong'), 0, b.getsockname());
    const [data, addr] = b.recvfrom_data(64, 0);
    assertEqual(new TextDecoder().decode(data), 'pong');
    assertEqual(addr.print(false), a.getsockname().print(false));
    a.close();
    b.close();
});

system.exit(done());
