// A chat server on the main loop, in GJS, with sockobj's async calls.
//
//   gjs -m chat.js [HOST [PORT [CLIENTS]]]
//
// Binds HOST (default 127.0.0.1) and PORT (default 0: the system picks
// one), prints "Listening on port N", and relays every line a client sends
// to all the others, as "('host', port): line". With CLIENTS, it exits once
// that many clients have come and gone.
//
// Gio._promisify() turns each _async/_finish pair into a method returning a
// promise, so each client is one async function that awaits its lines.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

for (const name of ['accept', 'recv', 'sendall'])
    Gio._promisify(Sock.Object.prototype, `${name}_async`, `${name}_finish`);

const [host = '127.0.0.1', port = '0', count = '0'] = ARGV;
const loop = new GLib.MainLoop(null, false);
const clients = new Set();
let clientsLeft = Number.parseInt(count, 10);

class Client {
    constructor(sock, name) {
        this.sock = sock;
        this.name = name;
        // One write at a time per socket: lines go out in order.
        this.sending = Promise.resolve();
    }

    send(line) {
        const data = new GLib.Bytes(new TextEncoder().encode(line));
        this.sending = this.sending
            .then(() => this.sock.sendall_async(data, 0, null))
            .catch(() => {});  // A client that went away is dropped by its reader.
    }
}

function broadcast(from, text) {
    const line = `${from ? from.name : '*'}: ${text}\n`;
    for (const to of clients) {
        if (to !== from)
            to.send(line);
    }
}

async function serve(client) {
    // Bytes, not text, until a line is whole: a character may come in pieces.
    const decoder = new TextDecoder();
    let input = new Uint8Array(0);
    for (;;) {
        let data;
        try {
            data = await client.sock.recv_async(4096, 0, null);
        } catch (e) {
            break;
        }
        if (data.get_size() === 0)
            break;
        const joined = new Uint8Array(input.length + data.get_size());
        joined.set(input);
        joined.set(data.toArray(), input.length);
        input = joined;
        let newline;
        while ((newline = input.indexOf(10)) >= 0) {
            broadcast(client, decoder.decode(input.subarray(0, newline)).trimEnd());
            input = input.slice(newline + 1);
        }
    }
    print(`${client.name} left`);
    clients.delete(client);
    broadcast(null, `${client.name} left`);
    client.sock.close();
    if (clientsLeft > 0 && --clientsLeft === 0 && clients.size === 0)
        loop.quit();
}

async function accept(listener) {
    for (;;) {
        const [sock, address] = await listener.accept_async(null);
        const client = new Client(sock, address.print(false));
        print(`${client.name} joined`);
        broadcast(null, `${client.name} joined`);
        clients.add(client);
        serve(client).catch(logError);
    }
}

const listener = Sock.create_server(new GLib.Variant('(sq)', [host, Number.parseInt(port, 10)]),
    Sock.AF_INET, -1, false);
print(`Listening on port ${listener.getsockname().deepUnpack()[1]}`);
accept(listener).catch(e => {
    if (!e.matches(Sock.error_quark(), Sock.Error.EBADF))
        logError(e);
});
loop.run();
listener.close();
system.exit(0);
