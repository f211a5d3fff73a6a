# Every module function of the seed, through the plain introspected API,
# checked against CPython's socket module where both answer the question.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import errno
import os
import socket
import unittest

from sockgi import GLib, Sock, bytes_of

RESOLVER_DOMAIN = 'sock-resolver-error-quark'
SOCK_DOMAIN = 'sock-error-quark'


class SocketTest(unittest.TestCase):

    def test_inet(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertIsInstance(s, Sock.InetObject)
        self.assertIsInstance(s, Sock.Object)
        self.assertEqual(s.get_family(), Sock.AF_INET)
        self.assertEqual(s.get_socket_type(), Sock.SOCK_STREAM)
        self.assertEqual(s.get_proto(), 0)
        self.assertGreaterEqual(s.fileno(), 0)
        s.close()

    def test_inet_dgram_proto(self):
        s = Sock.socket(Sock.AF_INET, Sock.SOCK_DGRAM, Sock.IPPROTO_UDP)
        self.assertEqual(s.get_socket_type(), Sock.SOCK_DGRAM)
        self.assertEqual(s.get_proto(), Sock.IPPROTO_UDP)
        s.close()

    def test_unix(self):
        s = Sock.socket(Sock.AF_UNIX, Sock.SOCK_STREAM, 0)
        self.assertIsInstance(s, Sock.UnixObject)
        self.assertEqual(s.get_family(), Sock.AF_UNIX)
        s.close()

    @unittest.skipUnless(socket.has_ipv6, 'no IPv6')
    def test_inet6(self):
        try:
            s = Sock.socket(Sock.AF_INET6, Sock.SOCK_STREAM, 0)
        except GLib.Error as e:
            self.skipTest('IPv6 sockets unavailable: %s' % e.message)
        self.assertIsInstance(s, Sock.InetObject)
        self.assertEqual(s.get_family(), Sock.AF_INET6)
        s.close()

    def test_bad_family(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.socket(-1, Sock.SOCK_STREAM, 0)
        self.assertEqual(cm.exception.domain, SOCK_DOMAIN)

    def test_bad_type(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.socket(Sock.AF_INET, 12345, 0)
        self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
        self.assertEqual(cm.exception.code, errno.EINVAL)

    def test_fromfd(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as py:
            py.bind(('127.0.0.1', 0))
            s = Sock.fromfd(py.fileno(), Sock.AF_INET, Sock.SOCK_DGRAM, 0)
            self.assertIsInstance(s, Sock.InetObject)
            # A duplicate, not the same descriptor.
            self.assertNotEqual(s.fileno(), py.fileno())
            self.assertEqual(s.getsockname().unpack(), py.getsockname())
        # Closing the original left the duplicate working.
        self.assertEqual(s.getsockname().unpack()[0], '127.0.0.1')
        s.close()

    def test_fromfd_bad(self):
        r, w = os.pipe()
        os.close(r)
        os.close(w)
        with self.assertRaises(GLib.Error) as cm:
            Sock.fromfd(r, Sock.AF_INET, Sock.SOCK_STREAM, 0)
        self.assertEqual(cm.exception.code, errno.EBADF)


def have_ipv6_loopback():
    """Whether ::1 can be bound here."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(('::1', 0))
        return True
    except OSError:
        return False


class IPv6Test(unittest.TestCase):

    def test_has_ipv6(self):
        self.assertIsInstance(Sock.has_ipv6(), bool)
        if have_ipv6_loopback():
            self.assertTrue(Sock.has_ipv6())

    @unittest.skipUnless(have_ipv6_loopback(), 'no IPv6 on ::1')
    def test_scope_in_host(self):
        s = Sock.socket(Sock.AF_INET6, Sock.SOCK_DGRAM, 0)
        s.bind(GLib.Variant('(sq)', ('::1%lo', 0)))
        self.assertEqual(s.getsockname().unpack()[0], '::1')
        s.close()

    @unittest.skipUnless(have_ipv6_loopback(), 'no IPv6 on ::1')
    def test_bad_scope(self):
        s = Sock.socket(Sock.AF_INET6, Sock.SOCK_DGRAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            s.bind(GLib.Variant('(sq)', ('::1%no-such-interface', 0)))
        self.assertEqual(cm.exception.domain, RESOLVER_DOMAIN)
        self.assertEqual(Sock.resolver_error_get_eai_code(cm.exception), socket.EAI_NONAME)
        s.close()

    @unittest.skipUnless(have_ipv6_loopback(), 'no IPv6 on ::1')
    def test_flowinfo_range(self):
        s = Sock.socket(Sock.AF_INET6, Sock.SOCK_DGRAM, 0)
        with self.assertRaises(GLib.Error) as cm:
            s.bind(GLib.Variant('(squu)', ('::1', 0, 0x100000, 0)))
        self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
        self.assertEqual(cm.exception.code, errno.EINVAL)
        self.assertIn('flowinfo', cm.exception.message)
        s.close()


class CreateServerTest(unittest.TestCase):

    def test_create_server(self):
        server = Sock.create_server(GLib.Variant('(sq)', ('127.0.0.1', 0)), Sock.AF_INET, -1,
                                    False)
        self.assertIsInstance(server, Sock.InetObject)
        self.assertEqual(server.getsockopt(Sock.SOL_SOCKET, Sock.SO_ACCEPTCONN), 1)
        self.assertEqual(server.getsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR), 1)
        host, port = server.getsockname().unpack()
        # A CPython client reaches it.
        with socket.create_connection((host, port), timeout=10):
            conn, address = server.accept()
            self.assertEqual(address.unpack()[0], '127.0.0.1')
            conn.close()
        server.close()

    def test_create_connection(self):
        server = Sock.create_server(GLib.Variant('(sq)', ('127.0.0.1', 0)), Sock.AF_INET, -1,
                                    False)
        port = server.getsockname().unpack()[1]
        client = Sock.create_connection(GLib.Variant('(sq)', ('localhost', port)), 5.0)
        self.assertEqual(client.gettimeout(), 5.0)
        conn, _ = server.accept()
        client.sendall(b'cc', 0)
        self.assertEqual(conn.recv(2, 0).get_data(), b'cc')
        for s in (client, conn, server):
            s.close()
        with self.assertRaises(GLib.Error) as cm:
            Sock.create_connection(GLib.Variant('(sq)', ('127.0.0.1', port)), -1)
        self.assertEqual(cm.exception.code, errno.ECONNREFUSED)

    def test_reuse_port(self):
        first = Sock.create_server(GLib.Variant('(sq)', ('127.0.0.1', 0)), 0, 5, True)
        self.assertEqual(first.getsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEPORT), 1)
        second = Sock.create_server(first.getsockname(), 0, 5, True)
        with self.assertRaises(GLib.Error) as cm:
            Sock.create_server(first.getsockname(), 0, 5, False)
        self.assertEqual(cm.exception.code, errno.EADDRINUSE)
        first.close()
        second.close()

    @unittest.skipUnless(have_ipv6_loopback(), 'no IPv6 on ::1')
    def test_dual_stack_v4_mapped(self):
        server = Sock.create_server(GLib.Variant('(sq)', ('::ffff:127.0.0.1', 0)),
                                    Sock.AF_INET6, -1, False)
        self.assertEqual(server.getsockopt(Sock.IPPROTO_IPV6, Sock.IPV6_V6ONLY), 0)
        port = server.getsockname().unpack()[1]
        with socket.create_connection(('127.0.0.1', port), timeout=10) as client:
            conn, address = server.accept()
            self.assertEqual(address.unpack(), ('::ffff:127.0.0.1', client.getsockname()[1],
                                                0, 0))
            conn.close()
        server.close()

    @unittest.skipUnless(have_ipv6_loopback(), 'no IPv6 on ::1')
    def test_ipv6_only(self):
        server = Sock.create_server(GLib.Variant('(sq)', ('::1', 0)), Sock.AF_INET6, -1, False)
        self.assertEqual(server.getsockopt(Sock.IPPROTO_IPV6, Sock.IPV6_V6ONLY), 1)
        server.close()


class ResolverTest(unittest.TestCase):

    def test_gethostname(self):
        self.assertEqual(Sock.gethostname(), socket.gethostname())

    def test_getfqdn(self):
        self.assertEqual(Sock.getfqdn(None), socket.getfqdn())
        self.assertEqual(Sock.getfqdn(''), socket.getfqdn(''))
        self.assertEqual(Sock.getfqdn('localhost'), socket.getfqdn('localhost'))

    def test_gethostbyname(self):
        self.assertEqual(Sock.gethostbyname('127.0.0.1'), '127.0.0.1')
        self.assertEqual(Sock.gethostbyname('localhost'), socket.gethostbyname('localhost'))
        self.assertEqual(Sock.gethostbyname(''), '0.0.0.0')
        self.assertEqual(Sock.gethostbyname('<broadcast>'), '255.255.255.255')

    def test_gethostbyname_ex(self):
        # The seed's shape: name, aliases, addresses = gethostbyname_ex(host)
        name, aliases, addresses = Sock.gethostbyname_ex('localhost')
        py_name, py_aliases, py_addresses = socket.gethostbyname_ex('localhost')
        self.assertEqual(name, py_name)
        self.assertEqual(sorted(aliases), sorted(py_aliases))
        self.assertEqual(sorted(addresses), sorted(py_addresses))
        self.assertIn('127.0.0.1', addresses)

    def test_gethostbyaddr(self):
        name, aliases, addresses = Sock.gethostbyaddr('127.0.0.1')
        py_name, py_aliases, py_addresses = socket.gethostbyaddr('127.0.0.1')
        self.assertEqual(name, py_name)
        self.assertEqual(sorted(aliases), sorted(py_aliases))
        self.assertEqual(sorted(addresses), sorted(py_addresses))

    def test_getprotobyname(self):
        for name in ('tcp', 'udp', 'icmp'):
            self.assertEqual(Sock.getprotobyname(name), socket.getprotobyname(name))

    def test_getprotobyname_unknown(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.getprotobyname('no-such-protocol')
        self.assertEqual(cm.exception.domain, RESOLVER_DOMAIN)
        self.assertEqual(cm.exception.code, Sock.ResolverError.NOT_FOUND)
        self.assertTrue(cm.exception.matches(Sock.resolver_error_quark(),
                                             Sock.ResolverError.NOT_FOUND))

    def test_getservbyname(self):
        self.assertEqual(Sock.getservbyname('http', 'tcp'), socket.getservbyname('http', 'tcp'))
        self.assertEqual(Sock.getservbyname('domain', 'udp'), socket.getservbyname('domain', 'udp'))
        self.assertEqual(Sock.getservbyname('http', None), socket.getservbyname('http'))

    def test_getservbyname_unknown(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.getservbyname('no-such-service', 'tcp')
        self.assertEqual(cm.exception.domain, RESOLVER_DOMAIN)
        self.assertEqual(cm.exception.code, Sock.ResolverError.NOT_FOUND)


class AddrinfoTest(unittest.TestCase):

    def test_getaddrinfo_like_cpython(self):
        for args in (('localhost', '80', Sock.AF_INET, Sock.SOCK_STREAM, 0, 0),
                     ('127.0.0.1', '8080', 0, 0, 0, Sock.AI_NUMERICHOST),
                     ('::1', 'http', Sock.AF_INET6, Sock.SOCK_STREAM, 0, 0),
                     (None, '0', Sock.AF_INET, Sock.SOCK_DGRAM, 0, Sock.AI_PASSIVE),
                     ('127.0.0.1', '80', Sock.AF_INET6, 0, 0, Sock.AI_V4MAPPED),
                     ('localhost', None, Sock.AF_INET, Sock.SOCK_STREAM, 0,
                      Sock.AI_CANONNAME)):
            infos = Sock.getaddrinfo(*args)
            self.assertEqual(infos.get_type_string(), 'a(iiisv)')
            # socket.getaddrinfo gives enums and tuples; unpack() gives ints
            # and tuples.
            expected = [(int(f), int(t), p, c, a)
                        for f, t, p, c, a in socket.getaddrinfo(*args)]
            self.assertEqual(infos.unpack(), expected, args)

    def test_getaddrinfo_fails(self):
        for args in (('nonexistent.invalid', '80', 0, 0, 0, 0),
                     ('localhost', 'no-such-service', 0, Sock.SOCK_STREAM, 0, 0),
                     ('localhost', '80', 12345, 0, 0, 0),
                     ('localhost', '80', 0, 0, 0, -1),
                     (None, None, 0, 0, 0, 0)):
            with self.assertRaises(socket.gaierror) as py:
                socket.getaddrinfo(*args)
            with self.assertRaises(GLib.Error) as cm:
                Sock.getaddrinfo(*args)
            self.assertEqual(cm.exception.domain, RESOLVER_DOMAIN)
            # PyGObject rebuilds the error; the code still comes back.
            self.assertEqual(Sock.resolver_error_get_eai_code(cm.exception),
                             py.exception.errno, args)
            self.assertEqual(Sock.ResolverError.get_eai_code(cm.exception),
                             py.exception.errno, args)

    def test_eai_code_of_a_python_error(self):
        # An error built in Python reaches C as a new GError: the code comes
        # from the message, and nothing breaks when it is freed.
        e = GLib.Error('getaddrinfo: Name or service not known',
                       RESOLVER_DOMAIN, Sock.ResolverError.NOT_FOUND)
        self.assertEqual(Sock.resolver_error_get_eai_code(e), socket.EAI_NONAME)
        self.assertEqual(Sock.resolver_error_get_eai_code(
            GLib.Error('Name or service not known', SOCK_DOMAIN, errno.EINVAL)), 0)
        self.assertEqual(Sock.resolver_error_get_eai_code(
            GLib.Error('anything', RESOLVER_DOMAIN, 0)), 0)

    def test_getaddrinfo_port_range(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.getaddrinfo('127.0.0.1', '65536', 0, 0, 0, 0)
        self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
        self.assertEqual(cm.exception.code, errno.EINVAL)

    def test_getnameinfo_like_cpython(self):
        for address, flags in ((('127.0.0.1', 80), 0),
                               (('127.0.0.1', 80), socket.NI_NUMERICHOST),
                               (('127.0.0.1', 53), socket.NI_DGRAM),
                               (('127.1', 22), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
                               (('::1', 80, 0, 0), socket.NI_NUMERICHOST),
                               (('fe80::1', 80, 0, 1), socket.NI_NUMERICHOST)):
            variant = GLib.Variant('(sq)' if len(address) == 2 else '(squu)', address)
            host, port = Sock.getnameinfo(variant, flags)
            self.assertEqual((host, port), socket.getnameinfo(address, flags), address)

    def test_getnameinfo_needs_a_numeric_host(self):
        with self.assertRaises(socket.gaierror) as py:
            socket.getnameinfo(('localhost', 80), 0)
        with self.assertRaises(GLib.Error) as cm:
            Sock.getnameinfo(GLib.Variant('(sq)', ('localhost', 80)), 0)
        self.assertEqual(cm.exception.domain, RESOLVER_DOMAIN)
        self.assertEqual(Sock.resolver_error_get_eai_code(cm.exception), py.exception.errno)

    def test_getnameinfo_bad_address(self):
        # CPython: OSError('IPv4 sockaddr must be 2 tuple'), OverflowError.
        for address in (GLib.Variant('(squu)', ('127.0.0.1', 80, 0, 0)),
                        GLib.Variant('(squu)', ('::1', 80, 0x100000, 0)),
                        GLib.Variant('s', '127.0.0.1')):
            with self.assertRaises(GLib.Error) as cm:
                Sock.getnameinfo(address, 0)
            self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
            self.assertEqual(cm.exception.code, errno.EINVAL)


class InterfaceTest(unittest.TestCase):

    def test_if_nameindex(self):
        names = Sock.if_nameindex()
        self.assertEqual(names.get_type_string(), 'a(us)')
        self.assertEqual(names.unpack(), socket.if_nameindex())

    def test_if_nametoindex(self):
        for index, name in socket.if_nameindex():
            self.assertEqual(Sock.if_nametoindex(name), index)
            self.assertEqual(Sock.if_indextoname(index), name)

    def test_unknown(self):
        with self.assertRaises(OSError):
            socket.if_nametoindex('no-such-interface')
        with self.assertRaises(GLib.Error) as cm:
            Sock.if_nametoindex('no-such-interface')
        self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
        self.assertEqual(cm.exception.code, errno.ENODEV)

        with self.assertRaises(OSError) as py:
            socket.if_indextoname(0)
        with self.assertRaises(GLib.Error) as cm:
            Sock.if_indextoname(0)
        self.assertEqual(cm.exception.code, py.exception.errno)
        self.assertEqual(cm.exception.code, errno.ENXIO)


class ConvertTest(unittest.TestCase):

    def test_byte_order(self):
        for x in (0, 1, 0x1234, 0xffff):
            self.assertEqual(Sock.htons(x), socket.htons(x))
            self.assertEqual(Sock.ntohs(x), socket.ntohs(x))
        for x in (0, 1, 0x12345678, 0xffffffff):
            self.assertEqual(Sock.htonl(x), socket.htonl(x))
            self.assertEqual(Sock.ntohl(x), socket.ntohl(x))
        self.assertEqual(Sock.ntohl(Sock.htonl(0x01020304)), 0x01020304)

    def test_inet_aton(self):
        for text in ('123.45.67.89', '127.1', '0x7f.1', '255.255.255.255', '0.0.0.0'):
            packed = Sock.inet_aton(text)
            self.assertIsInstance(packed, GLib.Bytes)
            self.assertEqual(bytes_of(packed), socket.inet_aton(text))

    def test_inet_aton_bad(self):
        with self.assertRaises(GLib.Error) as cm:
            Sock.inet_aton('not an address')
        self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
        self.assertEqual(cm.exception.code, errno.EINVAL)

    def test_inet_ntoa(self):
        for packed in (b'\x7b\x2d\x43\x59', b'\x00\x00\x00\x00', b'\xff\xff\xff\xff'):
            self.assertEqual(Sock.inet_ntoa(packed), socket.inet_ntoa(packed))

    def test_inet_ntoa_bad_length(self):
        for packed in (b'', b'\x01\x02\x03', b'\x01\x02\x03\x04\x05'):
            with self.assertRaises(GLib.Error) as cm:
                Sock.inet_ntoa(packed)
            self.assertEqual(cm.exception.code, errno.EINVAL)


    def test_inet_pton(self):
        for family, text in ((Sock.AF_INET, '1.2.3.4'), (Sock.AF_INET, '0.0.0.0'),
                             (Sock.AF_INET6, '::1'), (Sock.AF_INET6, 'fe80::1'),
                             (Sock.AF_INET6, '::ffff:1.2.3.4'),
                             (Sock.AF_INET6, '2001:db8::ff00:42:8329')):
            packed = Sock.inet_pton(family, text)
            self.assertIsInstance(packed, GLib.Bytes)
            self.assertEqual(bytes_of(packed), socket.inet_pton(family, text))

    def test_inet_pton_bad(self):
        for family, text in ((Sock.AF_INET, '127.1'), (Sock.AF_INET6, '1.2.3.4'),
                             (Sock.AF_INET6, 'fe80::1%lo'), (Sock.AF_INET, '')):
            with self.assertRaises(OSError):
                socket.inet_pton(family, text)
            with self.assertRaises(GLib.Error) as cm:
                Sock.inet_pton(family, text)
            self.assertEqual(cm.exception.domain, SOCK_DOMAIN)
            self.assertEqual(cm.exception.code, errno.EINVAL)

    def test_inet_pton_bad_family(self):
        with self.assertRaises(OSError) as py:
            socket.inet_pton(socket.AF_UNIX, '1.2.3.4')
        with self.assertRaises(GLib.Error) as cm:
            Sock.inet_pton(Sock.AF_UNIX, '1.2.3.4')
        self.assertEqual(cm.exception.code, py.exception.errno)
        self.assertEqual(cm.exception.code, errno.EAFNOSUPPORT)

    def test_inet_ntop(self):
        for family, packed in ((Sock.AF_INET, b'\x7b\x2d\x43\x59'),
                               (Sock.AF_INET6, bytes(15) + b'\x01'),
                               (Sock.AF_INET6, bytes(10) + b'\xff\xff\x7f\x00\x00\x01'),
                               (Sock.AF_INET6, b'\x20\x01\x0d\xb8' + bytes(11) + b'\x01')):
            self.assertEqual(Sock.inet_ntop(family, packed), socket.inet_ntop(family, packed))

    def test_inet_ntop_bad(self):
        for family, packed in ((Sock.AF_INET, b'\x01\x02\x03'), (Sock.AF_INET6, bytes(4)),
                               (Sock.AF_INET6, b''), (Sock.AF_UNIX, bytes(4))):
            with self.assertRaises(ValueError):
                socket.inet_ntop(family, packed)
            with self.assertRaises(GLib.Error) as cm:
                Sock.inet_ntop(family, packed)
            self.assertEqual(cm.exception.code, errno.EINVAL)


class ErrorDomainTest(unittest.TestCase):

    def test_quarks(self):
        self.assertEqual(GLib.quark_to_string(Sock.error_quark()), SOCK_DOMAIN)
        self.assertEqual(GLib.quark_to_string(Sock.resolver_error_quark()), RESOLVER_DOMAIN)

    def test_error_enum_is_errno(self):
        for name in ('ECONNREFUSED', 'EINVAL', 'EBADF', 'EADDRINUSE', 'EAGAIN', 'EPIPE'):
            self.assertEqual(int(getattr(Sock.Error, name)), getattr(errno, name))
        for code, name in errno.errorcode.items():
            self.assertEqual(int(getattr(Sock.Error, name)), code, name)


if __name__ == '__main__':
    unittest.main(verbosity=2)
