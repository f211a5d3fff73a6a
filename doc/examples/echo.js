// The echo server and client of Python's socket documentation, in GJS.
//
//   gjs -m echo.js server          prints the port it listens on, serves one
//                                  client, echoing until the client is done
//   gjs -m echo.js client PORT     sends "Hello, world" and prints the echo
//
// The server binds loopback and port 0, so the system picks a free port.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

const HOST = '127.0.0.1';

function server() {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.bind(new GLib.Variant('(sq)', [HOST, 0]));
    s.listen(1);
    const [, port] = s.getsockname().deepUnpack();
    print(port);

    const [conn, addr] = s.accept();
    print('Connected by', addr.print(false));
    for (;;) {
        const data = conn.recv(1024, 0);
        if (data.get_size() === 0)
            break;
        conn.send(data.toArray(), 0);
    }
    conn.close();
    s.close();
}

function client(port) {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.connect(new GLib.Variant('(sq)', [HOST, port]));
    s.send(new TextEncoder().encode('Hello, world'), 0);
    const data = s.recv(1024, 0);
    s.close();
    print('Received', JSON.stringify(new TextDecoder().decode(data.toArray())));
}

const [mode, port] = ARGV;
if (mode === 'server') {
    server();
} else if (mode === 'client' && port !== undefined) {
    client(Number.parseInt(port, 10));
} else {
    printerr('usage: gjs -m echo.js server | client PORT');
    system.exit(2);
}
