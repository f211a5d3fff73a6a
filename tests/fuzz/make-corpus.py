#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets to tests/fuzz/corpus/<target>/.

Each seed is a well-formed input of the layout its target documents, so
that fuzzing starts from the shapes the library accepts and mutates from
there. Run it again after changing a layout; the files are checked in.

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import hashlib
import os
import struct
import sys

import gi
gi.require_version('GLib', '2.0')
from gi.repository import GLib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, data):
    directory = os.path.join(HERE, 'corpus', target)
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(directory, name), 'wb') as f:
        f.write(data)


def address_seed(family, op, type_string, value):
    data = GLib.Variant(type_string, value).get_data_as_bytes().get_data()
    header = bytes([(op << 4) | family, len(type_string)]) + type_string.encode()
    return header + data


INET, INET6, UNIX = 0, 1, 2
addresses = [
    (INET, '(sq)', ('127.0.0.1', 0)),
    (INET, '(sq)', ('', 0)),
    (INET, '(sq)', ('<broadcast>', 9)),
    (INET, '(sq)', ('127.1', 80)),
    (INET, '(sq)', ('localhost', 80)),
    (INET, '(si)', ('127.0.0.1', -1)),
    (INET, '(su)', ('0.0.0.0', 65536)),
    (INET, '(sx)', ('10.0.0.1', 2 ** 40)),
    (INET, '(sqq)', ('127.0.0.1', 1, 2)),
    (INET, 's', '127.0.0.1'),
    (INET6, '(sq)', ('::1', 0)),
    (INET6, '(squu)', ('::1', 0, 0, 0)),
    (INET6, '(squu)', ('fe80::1%lo', 0, 0xfffff, 1)),
    (INET6, '(squu)', ('::', 0, 0x100000, 0)),
    (INET6, '(sqt)', ('::ffff:127.0.0.1', 0, 1)),
    # Scopes the library reads itself (1.2).
    (INET6, '(sq)', ('::1%lo', 0)),
    (INET6, '(sq)', ('::1%1', 0)),
    (INET6, '(sq)', ('fe80::1%4294967295', 0)),
    (INET6, '(sq)', ('fe80::1%4294967296', 0)),
    (INET6, '(sq)', ('fe80::1%', 0)),
    (INET6, '(squu)', ('fe80::1%lo', 0, 0, 0)),
    (INET6, '(sq)', ('::ffff:1.2.3.4%lo', 0)),
    (UNIX, 's', '/nonexistent-sockobj-dir/socket'),
    (UNIX, 's', ''),
    (UNIX, 'ay', b'\0sockobj-fuzz'),
    (UNIX, 'ay', b'\0'),
    (UNIX, 'ay', b''),   # no data at all: once undefined behaviour (memchr of NULL)
    (UNIX, 'ay', b'relative\0'),
    (UNIX, 'ay', b'\0' + b'n' * 108),
]
for family, type_string, value in addresses:
    for op in range(4):
        write('fuzz-address', address_seed(family, op, type_string, value))

for text in [b'127.0.0.1', b'0x7f.1', b'1.2.3', b'255.255.255.255', b'0', b'1.2.3.4.5',
             b'\x7f\0\0\x01', b'', b'01.02.03.04', b'4294967295',
             # inet_pton / inet_ntop (1.2): IPv6 forms, 16 bytes.
             b'::', b'::1', b'fe80::1', b'1:2:3:4:5:6:7:8', b'::ffff:1.2.3.4',
             b'2001:db8::ff00:42:8329', b'fe80::1%lo', b'1::2::3', b'::ffff:1.2.3',
             b'\0' * 15 + b'\x01', b'\0' * 10 + b'\xff\xff\x7f\0\0\x01']:
    write('fuzz-inet', text)


# fuzz-resolver: getaddrinfo (byte 0 even: family, byte 1 type and NULLs,
# byte 2 flags, then "host\0port") and getnameinfo (byte 0 odd: flags, then
# the layout of fuzz-address from its byte 1).
def getaddrinfo_seed(family_index, type_index, flag_bits, host, port):
    data = bytes([family_index << 1, type_index, flag_bits]) + host
    if port is not None:
        data += b'\0' + port
    return data


for family_index in range(3):
    for host, port in [(b'127.0.0.1', b'80'), (b'::1', b'8080'), (b'fe80::1%lo', b'0'),
                       (b'localhost', b'http'), (b'', b''), (b'127.1', b'65536'),
                       (b'::ffff:127.0.0.1', None)]:
        for type_index, flag_bits in [(0, 0), (1, 0b10), (2, 0b1001), (0x40 | 1, 0b1)]:
            write('fuzz-resolver', getaddrinfo_seed(family_index, type_index, flag_bits,
                                                    host, port))


def getnameinfo_seed(flags, type_string, value):
    data = GLib.Variant(type_string, value).get_data_as_bytes().get_data()
    return bytes([(flags << 1) | 1, len(type_string)]) + type_string.encode() + data


for flags in (0, 1, 3, 8):
    for type_string, value in [('(sq)', ('127.0.0.1', 80)), ('(sq)', ('::1', 80)),
                               ('(squu)', ('fe80::1', 80, 0, 1)),
                               ('(squu)', ('127.0.0.1', 80, 0, 0)),
                               ('(sq)', ('fe80::1%lo', 80)), ('(si)', ('127.1', -1)),
                               ('(squu)', ('::1', 1, 0x100000, 0)), ('(sq)', ('localhost', 1)),
                               ('s', '127.0.0.1')]:
        write('fuzz-resolver', getnameinfo_seed(flags, type_string, value))

for mode in [None, 'r', 'w', 'rw', 'r+', 'w+', 'rb', 'wb', 'rwb', 'r+b', 'w+b', 'br', 'x', '']:
    for bufsize in [-1, 0, 1, 8192, 70 * 1024 * 1024]:
        flag = 1 if mode is None else 0
        write('fuzz-makefile', struct.pack('<iB', bufsize, flag) + (mode or '').encode())

for kind in range(5):
    for option in (0, 4, 6, 10, 25, 44, 54, 58):
        for op in range(4):
            write('fuzz-sockopt', bytes([kind, option, op]) + struct.pack('<i', 1) +
                  struct.pack('<ii', 1, 5))
        write('fuzz-sockopt', bytes([kind, option, 0x83]) + struct.pack('<I', 0xffffffff))

# fuzz-cmsg (1.2): byte 0 bit 0 raw control data, bit 1 send for real; then as
# fuzz-address: the type string and the serialised variant.
def cmsg_seed(flags, type_string, value):
    data = GLib.Variant(type_string, value).get_data_as_bytes().get_data()
    return bytes([flags, len(type_string)]) + type_string.encode() + data


SOL_SOCKET, SCM_RIGHTS, SCM_CREDENTIALS = 1, 1, 2
fd_bytes = struct.pack('<3i', 0, 1, 2)
# Fixed values, so the seeds stay the same (the kernel refuses another pid).
credentials = struct.pack('<iII', 1, 0, 0)
for flags in (0, 2):
    for type_string, value in [
            ('a(iiay)', []),
            ('a(iiay)', [(SOL_SOCKET, SCM_RIGHTS, fd_bytes[:4])]),
            ('a(iiay)', [(SOL_SOCKET, SCM_RIGHTS, fd_bytes)]),
            ('a(iiay)', [(SOL_SOCKET, SCM_RIGHTS, fd_bytes[:3])]),
            ('a(iiay)', [(SOL_SOCKET, SCM_CREDENTIALS, credentials)]),
            ('a(iiay)', [(SOL_SOCKET, SCM_RIGHTS, fd_bytes[:8]),
                         (SOL_SOCKET, SCM_CREDENTIALS, credentials),
                         (SOL_SOCKET, SCM_RIGHTS, fd_bytes[8:])]),
            ('a(iiay)', [(0, 0, b''), (-1, -1, b'x' * 100), (41, 50, b'\0' * 20)]),
            ('a(iay)', [(SOL_SOCKET, fd_bytes)]),
            ('(iiay)', (SOL_SOCKET, SCM_RIGHTS, fd_bytes)),
            ('aay', [fd_bytes]),
            ('a(uuay)', [(1, 1, fd_bytes)])]:
        write('fuzz-cmsg', cmsg_seed(flags, type_string, value))


# Raw control data as the kernel lays it out (64-bit: a 16-byte header).
def cmsghdr(level, kind, data, length=None):
    length = 16 + len(data) if length is None else length
    padded = data + b'\0' * (-len(data) % 8)
    return struct.pack('<Qii', length, level, kind) + padded


for raw in [cmsghdr(SOL_SOCKET, SCM_RIGHTS, fd_bytes[:4]),
            cmsghdr(SOL_SOCKET, SCM_RIGHTS, fd_bytes) + cmsghdr(SOL_SOCKET, SCM_CREDENTIALS,
                                                                credentials),
            cmsghdr(SOL_SOCKET, SCM_RIGHTS, fd_bytes, length=1000),
            cmsghdr(SOL_SOCKET, SCM_RIGHTS, b'', length=8),
            cmsghdr(SOL_SOCKET, SCM_RIGHTS, fd_bytes)[:20],
            cmsghdr(SOL_SOCKET, SCM_RIGHTS, fd_bytes, length=2 ** 64 - 1),
            b'\0' * 15]:
    write('fuzz-cmsg', bytes([1]) + raw)

sys.exit(0)
