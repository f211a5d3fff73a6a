// The asynchronous calls from GJS: Gio._promisify() turns each _async and
// _finish pair into a method returning a promise, so `await` reads like the
// blocking call. An async echo server and its clients share the main loop.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

import {LOOPBACK, assert, assertEqual, bytes, inet, text} from './jsutil.js';

for (const name of ['accept', 'connect', 'recv', 'recvfrom', 'send', 'sendall', 'sendto'])
    Gio._promisify(Sock.Object.prototype, `${name}_async`, `${name}_finish`);

const loop = new GLib.MainLoop(null, false);
let failures = 0;
let count = 0;

// Runs one named asynchronous check, TAP style.
async function test(name, func) {
    count++;
    try {
        await func();
        print(`ok ${count} - ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${count} - ${name}`);
        printerr(`# ${name}: ${e}\n${e.stack ?? ''}`);
    }
}

function listener() {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.bind(inet(LOOPBACK, 0));
    s.listen(64);
    return s;
}

async function serve(conn) {
    // The seed's echo loop, asynchronous.
    for (;;) {
        const data = await conn.recv_async(1024, 0, null);
        if (data.get_size() === 0)
            break;
        await conn.sendall_async(data, 0, null);
    }
    conn.close();
}

async function client(address, index, rounds) {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    await s.connect_async(address, null);
    for (let round = 0; round < rounds; round++) {
        const message = `client ${index} round ${round} `.repeat(8);
        const [, echoed] = await Promise.all([
            s.sendall_async(new GLib.Bytes(bytes(message)), 0, null),
            (async () => {
                let got = '';
                while (got.length < message.length)
                    got += text(await s.recv_async(1024, 0, null));
                return got;
            })(),
        ]);
        assertEqual(echoed, message);
    }
    s.close();
    return index;
}

async function main() {
    await test('an async echo server and 20 clients on one main loop', async () => {
        const server = listener();
        const address = server.getsockname();
        const n = 20;
        const serving = [];
        const accepting = (async () => {
            for (let i = 0; i < n; i++) {
                const [conn, peer] = await server.accept_async(null);
                assertEqual(peer.get_type_string(), '(sq)');
                serving.push(serve(conn));
            }
        })();
        const clients = [];
        for (let i = 0; i < n; i++)
            clients.push(client(address, i, 3));
        const done = await Promise.all(clients);
        assertEqual(done.length, n);
        await accepting;
        await Promise.all(serving);
        server.close();
    });

    await test('connect_async() resolves localhost', async () => {
        const server = listener();
        const [, port] = server.getsockname().deepUnpack();
        const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
        assert(await s.connect_async(inet('localhost', port), null), 'connected');
        s.close();
        server.close();
    });

    await test('a cancelled recv_async() rejects with G_IO_ERROR_CANCELLED', async () => {
        const server = listener();
        const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
        await s.connect_async(server.getsockname(), null);
        const cancellable = new Gio.Cancellable();
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20, () => {
            cancellable.cancel();
            return GLib.SOURCE_REMOVE;
        });
        try {
            await s.recv_async(1024, 0, cancellable);
            throw new Error('not cancelled');
        } catch (e) {
            assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `${e}`);
        }
        s.close();
        server.close();
    });

    await test('datagrams with sendto_async() and recvfrom_async()', async () => {
        const a = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0);
        const b = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, 0);
        a.bind(inet(LOOPBACK, 0));
        b.bind(inet(LOOPBACK, 0));
        const receiving = b.recvfrom_async(64, 0, null);
        assertEqual(await a.sendto_async(new GLib.Bytes(bytes('ping')), 0, b.getsockname(), null), 4);
        const [data, sender] = await receiving;
        assertEqual(text(data), 'ping');
        assertEqual(sender.print(false), a.getsockname().print(false));
        a.close();
        b.close();
    });

    await test('add_watch() takes a plain function', async () => {
        const server = listener();
        const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
        s.connect(server.getsockname());
        const [conn] = server.accept();
        const seen = await new Promise(resolve => {
            const conditions = [];
            conn.add_watch(GLib.IOCondition.IN, GLib.PRIORITY_DEFAULT, (sock, condition) => {
                conditions.push(condition);
                if (condition & GLib.IOCondition.NVAL) {
                    resolve(conditions);
                    return GLib.SOURCE_REMOVE;
                }
                assertEqual(text(sock.recv(64, 0)), 'ping');
                GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
                    sock.close();
                    return GLib.SOURCE_REMOVE;
                });
                return GLib.SOURCE_CONTINUE;
            });
            s.send(bytes('ping'), 0);
        });
        assertEqual(seen.length, 2);
        assertEqual(seen[0], GLib.IOCondition.IN);
        assertEqual(seen[1], GLib.IOCondition.NVAL);
        s.close();
        server.close();
    });
}

GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 30, () => {
    printerr('# the tests took more than 30 s');
    system.exit(1);
});
main().catch(e => {
    failures++;
    printerr(`# ${e}\n${e.stack ?? ''}`);
}).finally(() => loop.quit());
loop.run();

print(`1..${count}`);
system.exit(failures === 0 ? 0 : 1);
