// The module functions added in 1.2, from GJS: IPv6, getaddrinfo and
// getnameinfo, inet_pton and inet_ntop, interfaces and create_server.
// Loopback only, ports from binding port 0.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Sock from 'gi://Sock?version=1.0';
import system from 'system';

import {assert, assertEqual, assertThrows, done, test} from './jsutil.js';

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

function expectCode(code) {
    return e => {
        assert(e instanceof GLib.Error, `a GLib.Error, not ${e}`);
        assertEqual(e.domain, Sock.error_quark(), 'domain');
        assertEqual(e.code, code, `code of "${e.message}"`);
    };
}

test('inet_pton and inet_ntop', () => {
    const v4 = Sock.inet_pton(Sock.AF_INET, '1.2.3.4').toArray();
    assertEqual(Array.from(v4).join('.'), '1.2.3.4');
    const v6 = Sock.inet_pton(Sock.AF_INET6, '::ffff:127.0.0.1').toArray();
    assertEqual(v6.length, 16);
    assertEqual(v6[10], 0xff);
    assertEqual(v6[15], 1);
    assertEqual(Sock.inet_ntop(Sock.AF_INET6, v6), '::ffff:127.0.0.1');
    assertEqual(Sock.inet_ntop(Sock.AF_INET, v4), '1.2.3.4');
    assertEqual(Sock.inet_ntop(Sock.AF_INET6, new Uint8Array(16)), '::');
});

test('inet_pton and inet_ntop refuse bad input', () => {
    assertThrows(() => Sock.inet_pton(Sock.AF_INET, '127.1'), expectCode(Sock.Error.EINVAL));
    assertThrows(() => Sock.inet_pton(Sock.AF_UNIX, '::1'),
        expectCode(Sock.Error.EAFNOSUPPORT));
    assertThrows(() => Sock.inet_ntop(Sock.AF_INET6, new Uint8Array(4)),
        expectCode(Sock.Error.EINVAL));
    assertThrows(() => Sock.inet_ntop(Sock.AF_UNIX, new Uint8Array(4)),
        expectCode(Sock.Error.EINVAL));
});

test('getaddrinfo gives (family, type, proto, canonname, address) tuples', () => {
    const infos = Sock.getaddrinfo('127.0.0.1', '8080', Sock.AF_INET, Sock.SOCK_STREAM, 0,
        Sock.AI_NUMERICHOST | Sock.AI_CANONNAME);
    assertEqual(infos.get_type_string(), 'a(iiisv)');
    const [[family, type, proto, canonname, address]] = infos.deepUnpack();
    assertEqual(family, Sock.AF_INET);
    assertEqual(type, Sock.SOCK_STREAM);
    assertEqual(proto, Sock.IPPROTO_TCP);
    assertEqual(canonname, '127.0.0.1');
    assertEqual(JSON.stringify(address.deepUnpack()), JSON.stringify(['127.0.0.1', 8080]));

    const [[family6, , , , address6]] = Sock.getaddrinfo('::1', '80', Sock.AF_INET6,
        Sock.SOCK_DGRAM, 0, Sock.AI_NUMERICHOST).deepUnpack();
    assertEqual(family6, Sock.AF_INET6);
    assertEqual(JSON.stringify(address6.deepUnpack()), JSON.stringify(['::1', 80, 0, 0]));
});

test('getaddrinfo failures carry the EAI code', () => {
    assertThrows(() => Sock.getaddrinfo('localhost', '80', 0, 0, 0, Sock.AI_NUMERICHOST), e => {
        assert(e instanceof GLib.Error, 'a GLib.Error');
        assert(e.matches(Sock.ResolverError, Sock.ResolverError.NOT_FOUND), 'NOT_FOUND');
        assertEqual(Sock.resolver_error_get_eai_code(e), Sock.EAI_NONAME);
    });
    assertThrows(() => Sock.getaddrinfo('127.0.0.1', 'no-such-service', 0,
        Sock.SOCK_STREAM, 0, 0), e => {
        assertEqual(Sock.resolver_error_get_eai_code(e), Sock.EAI_SERVICE);
    });
});

test('getnameinfo', () => {
    // GJS 1.74 puts the boolean that mirrors the error in front.
    const result = Sock.getnameinfo(new GLib.Variant('(sq)', ['127.0.0.1', 80]),
        Sock.NI_NUMERICHOST | Sock.NI_NUMERICSERV);
    const [host, port] = result.slice(-2);
    assertEqual(host, '127.0.0.1');
    assertEqual(port, '80');
    assertThrows(() => Sock.getnameinfo(new GLib.Variant('(sq)', ['localhost', 80]), 0),
        e => assertEqual(Sock.resolver_error_get_eai_code(e), Sock.EAI_NONAME));
    assertThrows(() => Sock.getnameinfo(new GLib.Variant('(squu)', ['127.0.0.1', 80, 0, 0]),
        0), expectCode(Sock.Error.EINVAL));
});

test('interfaces by name and index', () => {
    const list = Sock.if_nameindex();
    assertEqual(list.get_type_string(), 'a(us)');
    const pairs = list.deepUnpack();
    assert(pairs.length >= 1, 'at least one interface');
    for (const [index, name] of pairs) {
        assertEqual(Sock.if_nametoindex(name), index);
        assertEqual(Sock.if_indextoname(index), name);
    }
    assertThrows(() => Sock.if_nametoindex('no-such-interface'),
        expectCode(Sock.Error.ENODEV));
    assertThrows(() => Sock.if_indextoname(0), expectCode(Sock.Error.ENXIO));
});

test('create_server listens, with SO_REUSEADDR', () => {
    const server = Sock.create_server(new GLib.Variant('(sq)', ['127.0.0.1', 0]),
        Sock.AF_INET, -1, false);
    assert(server instanceof Sock.InetObject, 'an InetObject');
    const value = result => result[result.length - 1];
    assertEqual(value(server.getsockopt(Sock.SOL_SOCKET, Sock.SO_ACCEPTCONN)), 1);
    assertEqual(value(server.getsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR)), 1);
    const client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    client.connect(server.getsockname());
    const [conn] = server.accept();
    [client, conn, server].forEach(s => s.close());
});

test('create_connection connects to a resolved host, with a timeout', () => {
    const server = Sock.create_server(new GLib.Variant('(sq)', ['127.0.0.1', 0]),
        Sock.AF_INET, -1, false);
    const [, port] = server.getsockname().deepUnpack();
    const client = Sock.create_connection(new GLib.Variant('(sq)', ['localhost', port]), 5.0);
    assertEqual(client.gettimeout(), 5.0);
    const [conn] = server.accept();
    [client, conn, server].forEach(s => s.close());
});

test('create_server is dual-stack for a v4-mapped address', () => {
    if (!haveIPv6())
        return;
    const server = Sock.create_server(new GLib.Variant('(sq)', ['::ffff:127.0.0.1', 0]),
        Sock.AF_INET6, 1, false);
    const [, port] = server.getsockname().deepUnpack();
    const client = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0);
    client.connect(new GLib.Variant('(sq)', ['127.0.0.1', port]));
    const [conn, address] = server.accept();
    assertEqual(address.deepUnpack()[0], '::ffff:127.0.0.1');
    [client, conn, server].forEach(s => s.close());
});

test('create_server failures', () => {
    assertThrows(() => Sock.create_server(new GLib.Variant('s', '127.0.0.1'), Sock.AF_INET,
        -1, false), expectCode(Sock.Error.EINVAL));
});

system.exit(done());
