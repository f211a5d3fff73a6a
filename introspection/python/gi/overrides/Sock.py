# PyGObject override for Sock: the Python spelling of the socket module.
#
# With it, code written for Python's own socket module runs on Sock with
# only the import changed: addresses are plain tuples and strings, data is
# bytes, optional arguments are optional, and results come back the way
# the socket module returns them. Everything the override does not touch
# is the plain introspected API.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import functools
import os
import types

from gi.module import get_introspection_module
from gi.overrides import override
from gi.repository import GLib, GObject

Sock = get_introspection_module('Sock')

__all__ = []

# The seed's constant groups, plus SHUT_*; exported so that
# "from gi.repository.Sock import *" brings them in as "from socket import *"
# does.
_CONSTANT_PREFIXES = ('AF_', 'SOCK_', 'SO_', 'SOMAXCONN', 'MSG_', 'SOL_',
                      'IPPROTO_', 'IPPORT_', 'INADDR_', 'IP_', 'SHUT_', 'TCP_',
                      'IPV6_', 'AI_', 'NI_', 'EAI_')

for _name in dir(Sock):
    if _name.startswith(_CONSTANT_PREFIXES) and _name.isupper():
        globals()[_name] = getattr(Sock, _name)
        __all__.append(_name)

# socket.error: every failure arrives as a GLib.Error (domain sock-error-quark
# with the errno as code, or sock-resolver-error-quark).
error = GLib.Error
__all__.append('error')


def _to_variant(family, address):
    """Turns a socket-module address into the variant Sock takes."""
    if isinstance(address, GLib.Variant):
        return address
    if family == Sock.AF_UNIX:
        if isinstance(address, (bytes, bytearray, memoryview)):
            return GLib.Variant('ay', bytes(address))
        return GLib.Variant('s', os.fspath(address))
    if family in (Sock.AF_INET, Sock.AF_INET6):
        if not isinstance(address, tuple):
            raise TypeError('%s address must be a tuple, not %s'
                            % ('AF_INET' if family == Sock.AF_INET else 'AF_INET6',
                               type(address).__name__))
        if family == Sock.AF_INET and len(address) != 2:
            raise TypeError('AF_INET address must be a pair (host, port)')
        if family == Sock.AF_INET6 and not 2 <= len(address) <= 4:
            raise TypeError('AF_INET6 address must be a tuple '
                            '(host, port[, flowinfo[, scopeid]])')
        host, port = address[0], address[1]
        if isinstance(host, (bytes, bytearray)):
            host = bytes(host).decode('idna')
        if not isinstance(host, str):
            raise TypeError('host must be str, not %s' % type(host).__name__)
        port = int(port)
        if not 0 <= port <= 0xffff:
            raise OverflowError('port must be 0-65535.')
        if len(address) == 2:
            return GLib.Variant('(sq)', (host, port))
        flowinfo = int(address[2])
        scope_id = int(address[3]) if len(address) > 3 else 0
        if not 0 <= flowinfo <= 0xfffff:
            raise OverflowError('flowinfo must be 0-1048575.')
        return GLib.Variant('(squu)', (host, port, flowinfo, scope_id))
    raise OSError('address family %d has no address conversion' % family)


def _from_variant(address):
    """Turns an address variant into what the socket module returns."""
    if address is None:
        return None
    if address.get_type_string() == 'ay':
        return bytes(address.unpack())
    return address.unpack()


def _bytes(data):
    """GLib.Bytes (or None) to bytes."""
    if data is None:
        return b''
    return data.get_data() or b''


# Virtual methods overridden in Python.
#
# PyGObject 3.42 wants a do_* method to return what the C virtual function
# returns followed by its out values, as a tuple, even where the method's
# return is (skip)ped: do_getsockopt must return (True, value). Anything else
# fails the C call without a GError, and a tuple that is too short crashes.
# The override lets a subclass return what the override's own methods return
# instead, and turns it into PyGObject's shape:
#
#   bind, close, connect, listen, sendall, setblocking, setsockopt,
#   setsockopt_bytes, shutdown       None (or True)
#   getsockopt                       the value (or (True, value))
#   getsockopt_bytes, recv           bytes-like (or GLib.Bytes)
#   getsockname, getpeername,
#   address_from_native              an address tuple, str or bytes (or a
#                                    GLib.Variant)
#   accept                           (conn, address)
#   recvfrom                         (data, address)
#   connect_ex, fileno, send, sendto, makefile   unchanged
#
# An OSError with an errno raised by a do_* method becomes the GLib.Error
# the C caller would get from the socket (domain sock-error-quark, the errno
# as code), which PyGObject passes on; PyGObject only prints other
# exceptions.


def _success(sock, result):
    return True if result is None else result


def _value(sock, result):
    if isinstance(result, (tuple, list)):
        if len(result) != 2:
            raise TypeError('expected the value or (success, value), not a sequence of %d'
                            % len(result))
        return tuple(result)
    return True, result


def _data(sock, result):
    if isinstance(result, (bytes, bytearray, memoryview)):
        return GLib.Bytes.new(bytes(result))
    return result


def _address(sock, address):
    if address is None:
        return None
    return _to_variant(sock.get_family(), address)


def _pair(convert):
    def pair(sock, result):
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise TypeError('expected a pair (%s, address), not %s'
                            % ('conn' if convert is None else 'data', type(result).__name__))
        first, address = result
        if convert is not None:
            first = convert(sock, first)
        return first, _address(sock, address)
    return pair


_VFUNC_RESULTS = {
    'accept': _pair(None),
    'address_from_native': _address,
    'bind': _success,
    'close': _success,
    'connect': _success,
    'getpeername': _address,
    'getsockname': _address,
    'getsockopt': _value,
    'getsockopt_bytes': _data,
    'listen': _success,
    'recv': _data,
    'recvfrom': _pair(_data),
    'sendall': _success,
    'setblocking': _success,
    'setsockopt': _success,
    'setsockopt_bytes': _success,
    'shutdown': _success,
}


# The virtual functions of SockObjectClass a Python subclass can override,
# and whether they report errors.
_VFUNC_THROWS = {info.get_name(): info.can_throw_gerror()
                 for info in Sock.Object.__info__.get_vfuncs()}


def _wrap_vfunc(cls, name, func):
    """Wraps a do_* method so that C callers get PyGObject's shape."""
    vfunc_name = name[len('do_'):]
    convert = _VFUNC_RESULTS.get(vfunc_name)
    throws = _VFUNC_THROWS[vfunc_name]

    @functools.wraps(func)
    def vfunc(self, *args):
        try:
            result = func(self, *args)
        except GLib.Error:
            raise
        except OSError as e:
            if not throws or e.errno is None:
                raise
            raise GLib.Error.new_literal(Sock.error_quark(),
                                         e.strerror or os.strerror(e.errno),
                                         e.errno) from e
        if convert is None:
            return result
        try:
            return convert(self, result)
        except (TypeError, ValueError, OverflowError, OSError) as e:
            raise TypeError('%s.%s returned an unusable value: %s'
                            % (cls.__qualname__, name, e)) from None

    vfunc._sock_vfunc_wrapper = True
    return vfunc


class Object(Sock.Object):
    """A socket, spelled as Python's socket objects are."""

    family = property(Sock.Object.get_family,
                      doc='The address family, such as AF_INET.')
    type = property(Sock.Object.get_socket_type,
                    doc='The socket type, such as SOCK_STREAM.')
    proto = property(Sock.Object.get_proto, doc='The protocol number.')

    def __init_subclass__(cls, **kwargs):
        # Runs before GObjectMeta hooks the do_* methods up as virtual
        # functions, so that it hooks up the wrappers.
        super().__init_subclass__(**kwargs)
        for name, value in list(cls.__dict__.items()):
            if (name.startswith('do_') and name[len('do_'):] in _VFUNC_THROWS
                    and isinstance(value, types.FunctionType)
                    and not getattr(value, '_sock_vfunc_wrapper', False)):
                setattr(cls, name, _wrap_vfunc(cls, name, value))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _address(self, address):
        return _to_variant(self.get_family(), address)

    def accept(self):
        conn, address = super().accept()
        return conn, _from_variant(address)

    def bind(self, address):
        super().bind(self._address(address))

    def close(self):
        super().close()

    def connect(self, *args):
        """connect(address) connects the socket, as socket.connect() does.

        connect(detailed_signal, handler, *data) is GObject's: with two or
        more arguments and a callable second one, it connects the handler to
        a signal, such as 'notify::blocking', and returns the handler id.
        """
        if len(args) >= 2 and isinstance(args[0], str) and callable(args[1]):
            return GObject.Object.connect(self, *args)
        if len(args) != 1:
            raise TypeError('connect() takes exactly one argument (%d given)' % len(args))
        super().connect(self._address(args[0]))

    def connect_ex(self, address):
        return super().connect_ex(self._address(address))

    def getpeername(self):
        return _from_variant(super().getpeername())

    def getsockname(self):
        return _from_variant(super().getsockname())

    def getsockopt(self, level, optname, buflen=None):
        if buflen is None:
            return super().getsockopt(level, optname)
        return _bytes(self.getsockopt_bytes(level, optname, buflen))

    def listen(self, backlog=None):
        if backlog is None:
            backlog = min(Sock.SOMAXCONN, 128)
        super().listen(backlog)

    def makefile(self, mode='r', bufsize=-1):
        return super().makefile(mode, bufsize)

    def recv(self, bufsize, flags=0):
        return _bytes(super().recv(bufsize, flags))

    def recvfrom(self, bufsize, flags=0):
        data, address = super().recvfrom(bufsize, flags)
        return _bytes(data), _from_variant(address)

    def recv_into(self, buffer, nbytes=0, flags=0):
        view = memoryview(buffer).cast('B')
        data = self.recv(nbytes or len(view), flags)
        view[:len(data)] = data
        return len(data)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        view = memoryview(buffer).cast('B')
        data, address = self.recvfrom(nbytes or len(view), flags)
        view[:len(data)] = data
        return len(data), address

    def send(self, data, flags=0):
        return super().send(bytes(data), flags)

    def sendall(self, data, flags=0):
        super().sendall(bytes(data), flags)

    def sendto(self, data, flags_or_address, address=None):
        if address is None:
            flags, address = 0, flags_or_address
        else:
            flags = flags_or_address
        return super().sendto(bytes(data), flags, self._address(address))

    def setblocking(self, flag):
        super().setblocking(bool(flag))

    def settimeout(self, value):
        super().settimeout(_timeout_seconds(value))

    def gettimeout(self):
        return _timeout_value(super().gettimeout())

    def setsockopt(self, level, optname, value):
        if isinstance(value, (bytes, bytearray, memoryview)):
            super().setsockopt_bytes(level, optname, bytes(value))
        else:
            super().setsockopt(level, optname, int(value))

    def shutdown(self, how):
        super().shutdown(how)


def _timeout_seconds(value):
    """CPython's timeout argument: None (no timeout) or seconds >= 0."""
    if value is None:
        return -1.0
    if isinstance(value, (str, bytes)):
        raise TypeError('Timeout value must be int, float or None')
    seconds = float(value)
    if seconds < 0:
        raise ValueError('Timeout value out of range')
    return seconds


def _timeout_value(seconds):
    return None if seconds < 0 else seconds


Object = override(Object)
__all__.append('Object')

SocketType = Object
__all__.append('SocketType')


def socket(family=Sock.AF_INET, type=Sock.SOCK_STREAM, proto=0):
    """Creates a socket, as socket.socket() does."""
    return Sock.socket(family, type, proto)


def fromfd(fd, family, type, proto=0):
    """Makes a socket object for a duplicate of fd, as socket.fromfd() does."""
    return Sock.fromfd(fd, family, type, proto)


def getfqdn(name=''):
    return Sock.getfqdn(name or None)


def gethostbyname_ex(hostname):
    name, aliases, addresses = Sock.gethostbyname_ex(hostname)
    return name, list(aliases or []), list(addresses or [])


def gethostbyaddr(ip_address):
    name, aliases, addresses = Sock.gethostbyaddr(ip_address)
    return name, list(aliases or []), list(addresses or [])


def getservbyname(servicename, protocolname=None):
    return Sock.getservbyname(servicename, protocolname)


def inet_aton(ip_string):
    return _bytes(Sock.inet_aton(ip_string))


def inet_ntoa(packed_ip):
    return Sock.inet_ntoa(bytes(packed_ip))


def setdefaulttimeout(timeout):
    """Sets the timeout new sockets start with, as socket.setdefaulttimeout()."""
    Sock.setdefaulttimeout(_timeout_seconds(timeout))


def getdefaulttimeout():
    """The timeout new sockets start with, None for none."""
    return _timeout_value(Sock.getdefaulttimeout())


# Unchanged, but exported for "from gi.repository.Sock import *".
gethostbyname = Sock.gethostbyname
gethostname = Sock.gethostname
getprotobyname = Sock.getprotobyname
htonl = Sock.htonl
htons = Sock.htons
ntohl = Sock.ntohl
ntohs = Sock.ntohs

__all__ += ['socket', 'fromfd', 'getfqdn', 'gethostbyname', 'gethostbyname_ex',
            'gethostname', 'gethostbyaddr', 'getprotobyname', 'getservbyname',
            'htonl', 'htons', 'ntohl', 'ntohs', 'inet_aton', 'inet_ntoa',
            'setdefaulttimeout', 'getdefaulttimeout']
