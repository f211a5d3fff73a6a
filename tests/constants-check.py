#!/usr/bin/env python3
# Checks the generated sock-constants.h against the running CPython's socket
# module: every constant CPython defines in the seed's groups (plus SHUT_*)
# and in the groups added in 1.2 (TCP_*, IPV6_*, AI_*, NI_*, EAI_*, SCM_*) must be
# there as SOCK_<NAME> with the same value. Output is TAP, one test
# per group; a failing group lists each missing or different name.
#
# Usage: constants-check.py <builddir>/include/sockobj/sock-constants.h
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import re
import socket
import sys

GROUPS = ['AF_', 'SOCK_', 'SO_', 'SOMAXCONN', 'MSG_', 'SOL_', 'IPPROTO_',
          'IPPORT_', 'INADDR_', 'IP_', 'SHUT_',
          # 1.2
          'TCP_', 'IPV6_', 'AI_', 'NI_', 'EAI_', 'SCM_']

DEFINE = re.compile(r'^\s*#\s*define\s+SOCK_(\w+)\s+(.+?)\s*$')
# A literal, optionally negative, optionally with C integer suffixes.
LITERAL = re.compile(r'^(-?)\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$')
# A cast such as (guint32) or (gint64) in front of the literal.
CAST = re.compile(r'^\(\s*[A-Za-z_][\w ]*\)\s*')


def c_value(text):
    """The integer a generated #define stands for, or None if it is not a
    plain (possibly cast or parenthesized) integer literal."""
    text = text.split('/*', 1)[0].strip()
    for _ in range(8):
        before = text
        if text.startswith('(') and text.endswith(')'):
            # Only strip parentheses that enclose the whole expression.
            depth = 0
            for i, ch in enumerate(text):
                depth += ch == '('
                depth -= ch == ')'
                if depth == 0 and i != len(text) - 1:
                    break
            else:
                text = text[1:-1].strip()
        match = CAST.match(text)
        if match:
            text = text[match.end():].strip()
        if text == before:
            break
    match = LITERAL.match(text)
    if not match:
        return None
    value = int(match.group(2), 0)
    return -value if match.group(1) else value


def group_of(name):
    # Longest prefix wins, so SOCK_STREAM is in SOCK_ and SO_TYPE in SO_.
    best = None
    for group in GROUPS:
        if group == 'SOMAXCONN':
            if name == 'SOMAXCONN':
                return group
        elif name.startswith(group) and (best is None or len(group) > len(best)):
            best = group
    return best


def python_constants():
    found = {}
    for name in dir(socket):
        group = group_of(name)
        if group is None:
            continue
        value = getattr(socket, name)
        # Enum members are ints; classes and functions are not constants.
        if isinstance(value, bool) or not isinstance(value, int):
            continue
        found[name] = int(value)
    return found


def header_constants(path):
    found = {}
    unparsed = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            match = DEFINE.match(line)
            if not match:
                continue
            value = c_value(match.group(2))
            if value is None:
                unparsed[match.group(1)] = match.group(2)
            else:
                found[match.group(1)] = value
    return found, unparsed


def main(argv):
    if len(argv) != 2:
        print('Bail out! usage: constants-check.py sock-constants.h')
        return 1

    try:
        header, unparsed = header_constants(argv[1])
    except OSError as e:
        print('Bail out! cannot read %s: %s' % (argv[1], e))
        return 1

    python = python_constants()
    print('# CPython %s, socket module %s' % (sys.version.split()[0], socket.__file__))
    print('# %d constants in the header, %d in the checked groups of CPython'
          % (len(header), len(python)))
    print('1..%d' % (len(GROUPS) + 1))

    failed = False
    for number, group in enumerate(GROUPS, 1):
        names = sorted(n for n in python if group_of(n) == group)
        problems = []
        for name in names:
            expected = python[name]
            if name in unparsed:
                problems.append('SOCK_%s: not a plain integer in the header: %s '
                                '(CPython %s = %d)'
                                % (name, unparsed[name], name, expected))
            elif name not in header:
                problems.append('SOCK_%s: missing (CPython %s = %d)'
                                % (name, name, expected))
            elif header[name] != expected:
                problems.append('SOCK_%s: header has %d, CPython %s = %d'
                                % (name, header[name], name, expected))
        label = '%s* (%d names)' % (group, len(names)) if group != 'SOMAXCONN' \
            else 'SOMAXCONN'
        if problems:
            failed = True
            print('not ok %d - %s' % (number, label))
            for problem in problems:
                print('#   %s' % problem)
        else:
            print('ok %d - %s' % (number, label))

    # The header must not be empty of the basics either, whatever CPython has.
    basics = ['AF_INET', 'AF_UNIX', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOL_SOCKET',
              'SO_REUSEADDR', 'SHUT_RD', 'SHUT_WR', 'SHUT_RDWR', 'SOMAXCONN',
              'SOCK_NONBLOCK', 'SOCK_CLOEXEC', 'TCP_NODELAY', 'IPV6_V6ONLY',
              'AI_PASSIVE', 'NI_NUMERICHOST', 'EAI_NONAME']
    missing = [b for b in basics if b not in header]
    if missing:
        failed = True
        print('not ok %d - basic constants present' % (len(GROUPS) + 1))
        print('#   missing: %s' % ', '.join('SOCK_' + m for m in missing))
    else:
        print('ok %d - basic constants present' % (len(GROUPS) + 1))

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
