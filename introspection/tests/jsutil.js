// Small helpers shared by the GJS binding tests.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Sock from 'gi://Sock?version=1.0';

export const LOOPBACK = '127.0.0.1';

let failures = 0;
let count = 0;

// Runs one named check, TAP style; a thrown error fails it.
export function test(name, func) {
    count++;
    try {
        func();
        print(`ok ${count} - ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${count} - ${name}`);
        printerr(`# ${name}: ${e}\n${e.stack ?? ''}`);
    }
}

export function done() {
    print(`1..${count}`);
    return failures === 0 ? 0 : 1;
}

export function assert(condition, message) {
    if (!condition)
        throw new Error(`assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message = '') {
    if (actual !== expected)
        throw new Error(`${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function assertThrows(func, check) {
    try {
        func();
    } catch (e) {
        check(e);
        return;
    }
    throw new Error('nothing was thrown');
}

export function inet(host, port) {
    return new GLib.Variant('(sq)', [host, port]);
}

export function listeningSocket() {
    const s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.bind(inet(LOOPBACK, 0));
    s.listen(1);
    return s;
}

export function bytes(text) {
    return new TextEncoder().encode(text);
}

export function text(glibBytes) {
    return new TextDecoder().decode(glibBytes.toArray());
}
