# PyGObject override for Sock: the Python spelling of the socket module.
#
# With it, code written for Python's own socket module runs on Sock with
# only the import changed: addresses are plain tuples and strings, data is
# bytes, optional arguments are optional, results come back the way the
# socket module returns them, and every failure raises the exception the
# socket module raises (an OSError subclass chosen by errno that is also a
# GLib.Error). Everything the override does not touch is the plain
# introspected API.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import builtins
import enum
import errno as _errno
import functools
import io
import operator
import os
import stat as _stat
import sys
import types
import warnings

_builtin_type = builtins.type

from gi.module import get_introspection_module
from gi.overrides import override
from gi.repository import GLib, GObject

Sock = get_introspection_module('Sock')

__all__ = []

# The plain introspected class: its methods are the C functions, which the
# override's methods call without going through super().
_Plain = Sock.Object

# The module this override stands for, in reprs and error class names.
_MODULE = 'gi.repository.Sock'


# Constants -------------------------------------------------------------------

# The seed's constant groups, plus SHUT_* and the 1.2 groups; exported so
# that "from gi.repository.Sock import *" brings them in as
# "from socket import *" does.
_CONSTANT_PREFIXES = ('AF_', 'SOCK_', 'SO_', 'SOMAXCONN', 'MSG_', 'SOL_',
                      'IPPROTO_', 'IPPORT_', 'INADDR_', 'IP_', 'SHUT_', 'TCP_',
                      'IPV6_', 'AI_', 'NI_', 'EAI_', 'SCM_')

for _name in dir(Sock):
    if _name.startswith(_CONSTANT_PREFIXES) and (_name.isupper() or _name == 'AF_DECnet'):
        globals()[_name] = getattr(Sock, _name)
        __all__.append(_name)

# Lib/socket.py has these three from errno.
EBADF = _errno.EBADF
EAGAIN = _errno.EAGAIN
EWOULDBLOCK = _errno.EWOULDBLOCK
__all__ += ['EBADF', 'EAGAIN', 'EWOULDBLOCK']

# The enums Lib/socket.py makes of the same groups: AF_INET is
# AddressFamily.AF_INET here as there, and family, type, accept() and
# getaddrinfo() return members.
_constants = types.SimpleNamespace(**{n: v for n, v in globals().items()
                                      if n.startswith(_CONSTANT_PREFIXES)})
AddressFamily = enum.IntEnum._convert_('AddressFamily', __name__,
                       lambda C: C.startswith('AF_') and (C.isupper() or C == 'AF_DECnet'),
                       source=_constants)
SocketKind = enum.IntEnum._convert_('SocketKind', __name__,
                       lambda C: C.isupper() and C.startswith('SOCK_'), source=_constants)
MsgFlag = enum.IntFlag._convert_('MsgFlag', __name__,
                       lambda C: C.isupper() and C.startswith('MSG_'), source=_constants)
AddressInfo = enum.IntFlag._convert_('AddressInfo', __name__,
                       lambda C: C.isupper() and C.startswith('AI_'), source=_constants)
AddressFamily.__module__ = SocketKind.__module__ = _MODULE
MsgFlag.__module__ = AddressInfo.__module__ = _MODULE
__all__ += ['AddressFamily', 'SocketKind', 'MsgFlag', 'AddressInfo']
del _constants


def _intenum(value, enum_class):
    """A member of enum_class for value, or value itself if it is none."""
    try:
        return enum_class(value)
    except ValueError:
        return value


# Errors ----------------------------------------------------------------------
#
# A failure raises what CPython's socket module raises: an OSError subclass
# chosen by errno as OSError(errno, strerror) chooses it, TimeoutError('timed
# out') for an expired timeout, gaierror and herror for the resolver. Each
# is raised as a class that derives from that exception and from GLib.Error
# as well, with GLib.Error's domain, code and message, so code written for
# the plain introspected API ("except GLib.Error", e.matches(...)) keeps
# working.

# socket.error and socket.timeout are these aliases since Python 3.3/3.10.
error = OSError
timeout = TimeoutError


class _GiveupOnSendfile(Exception):
    """sendfile() goes on with send() (Lib/socket.py's name)."""


class herror(OSError):
    """A failure of gethostbyaddr(), as socket.herror: (h_errno, message)."""


class gaierror(OSError):
    """A failure of getaddrinfo() or getnameinfo(), as socket.gaierror:
    (EAI_* code, message); errno is the EAI_* value, such as EAI_NONAME."""


herror.__module__ = gaierror.__module__ = _MODULE
__all__ += ['error', 'timeout', 'herror', 'gaierror']

_ERROR_DOMAIN = GLib.quark_to_string(Sock.error_quark())
_RESOLVER_DOMAIN = GLib.quark_to_string(Sock.resolver_error_quark())
_IO_DOMAIN = 'g-io-error-quark'

_glib_classes = {}


def _glib_class(base):
    """The class raised for base: base with GLib.Error mixed in."""
    cls = _glib_classes.get(base)
    if cls is None:
        cls = type(base.__name__, (base, GLib.Error), {
            '__module__': _MODULE,
            '__doc__': '%s that is also a GLib.Error (domain, code, message).'
                       % base.__name__,
            # OSError's, not GLib.Error's: these are what socket users see.
            '__repr__': BaseException.__repr__,
            '__str__': base.__str__,
            # Unpickles as the plain exception.
            '__reduce__': lambda self: (base, self.args),
        })
        _glib_classes[base] = cls
    return cls


def _errno_class(code):
    # OSError(code, ...) picks the subclass (ConnectionRefusedError, ...).
    return _glib_class(type(OSError(code, '')))


# The GIO error codes a makefile() stream reports, back to errno values for
# the few that are not worded with the system's text.
_GIO_ERRNO = {
    'FAILED': _errno.EIO, 'NOT_FOUND': _errno.ENOENT, 'EXISTS': _errno.EEXIST,
    'INVALID_ARGUMENT': _errno.EINVAL, 'PERMISSION_DENIED': _errno.EACCES,
    'NOT_SUPPORTED': _errno.EOPNOTSUPP, 'CLOSED': _errno.EBADF,
    'TIMED_OUT': _errno.ETIMEDOUT, 'WOULD_BLOCK': _errno.EAGAIN,
    'ADDRESS_IN_USE': _errno.EADDRINUSE, 'CONNECTION_REFUSED': _errno.ECONNREFUSED,
    'NOT_CONNECTED': _errno.ENOTCONN, 'BROKEN_PIPE': _errno.EPIPE,
    'CONNECTION_CLOSED': _errno.EPIPE, 'MESSAGE_TOO_LARGE': _errno.EMSGSIZE,
    'NETWORK_UNREACHABLE': _errno.ENETUNREACH, 'HOST_UNREACHABLE': _errno.EHOSTUNREACH,
    'NO_SPACE': _errno.ENOSPC, 'BUSY': _errno.EBUSY, 'CANCELLED': _errno.ECANCELED,
}
_strerror_errno = {}


def _gio_errno(e):
    if not _strerror_errno:
        for code in sorted(_errno.errorcode, reverse=True):
            _strerror_errno[os.strerror(code)] = code
    # "Error receiving data: Connection reset by peer", or the text alone.
    code = _strerror_errno.get(e.message.rpartition(': ')[2])
    if code is None:
        from gi.repository import Gio
        try:
            code = _GIO_ERRNO.get(Gio.IOErrorEnum(e.code).value_nick.upper().replace('-', '_'))
        except ValueError:
            code = None
    return code


# h_errno values (netdb.h) for the resolver's 1.0 codes, and their texts.
_H_ERRORS = {
    Sock.ResolverError.NOT_FOUND: (1, 'Unknown host'),
    Sock.ResolverError.TEMPORARY_FAILURE: (2, 'Host name lookup failure'),
    Sock.ResolverError.FAILED: (3, 'Unknown server error'),
}
# EAI_* values for resolver failures that carry none.
_EAI_FOR = {
    Sock.ResolverError.NOT_FOUND: Sock.EAI_NONAME,
    Sock.ResolverError.TEMPORARY_FAILURE: Sock.EAI_AGAIN,
    Sock.ResolverError.FAILED: Sock.EAI_FAIL,
}


def _os_error(e, resolver=None):
    """The exception CPython raises for the GLib.Error e.

    resolver names what a SOCK_RESOLVER_ERROR without an EAI_* code stands
    for: 'herror' (gethostbyaddr), or a message for a plain OSError
    (getservbyname, getprotobyname); by default it is a gaierror.
    """
    if isinstance(e, OSError):
        return e
    domain = e.domain
    if domain == _ERROR_DOMAIN:
        code = e.code
        if code == _errno.ETIMEDOUT and e.message == 'timed out':
            exc = _glib_class(TimeoutError)('timed out')
        elif code == _errno.EINVAL and 'cannot allocate' in e.message:
            # A size the library cannot allocate, where CPython's allocation
            # fails.
            return MemoryError()
        else:
            exc = _errno_class(code)(code, os.strerror(code))
    elif domain == _RESOLVER_DOMAIN:
        eai = Sock.resolver_error_get_eai_code(e)
        if eai:
            exc = _glib_class(gaierror)(eai, e.message.rpartition(': ')[2])
        elif resolver == 'herror':
            exc = _glib_class(herror)(*_H_ERRORS.get(e.code, _H_ERRORS[Sock.ResolverError.FAILED]))
        elif resolver is not None:
            exc = _glib_class(OSError)(resolver)
        else:
            eai = _EAI_FOR.get(e.code, Sock.EAI_FAIL)
            exc = _glib_class(gaierror)(eai, e.message.rpartition(': ')[2])
    elif domain == _IO_DOMAIN:
        from gi.repository import Gio
        if e.code == Gio.IOErrorEnum.TIMED_OUT:
            exc = _glib_class(TimeoutError)('timed out')
        else:
            code = _gio_errno(e)
            if code is None:
                return e
            exc = _errno_class(code)(code, os.strerror(code))
    else:
        return e
    if exc.errno == _errno.EINTR and _fast is not None:
        # Ended for a signal handler that raised (sock-fast.c), on the
        # socket or a makefile() stream: the call raises what the handler
        # did, as in CPython.
        interrupt = _fast.take_interrupt()
        if interrupt is not None:
            return interrupt
    exc.message = e.message
    exc.domain = e.domain
    exc.code = e.code
    return exc


# PyGObject's GLib.Error.__init__, where a signal handler's exception
# surfaces during the conversion of a call's GError.
_GERROR_INIT_CODE = GLib.Error.__init__.__code__


def _interrupted(e):
    """The exception a Python signal handler raised during a failed call,
    for the RuntimeError e PyGObject raised instead; or e.

    A signal that arrives during a blocking call runs its Python handler
    when the call returns (the library retries EINTR). When the call
    failed, that is while PyGObject builds the GLib.Error, in
    GLib.Error.__init__; an exception from the handler makes that fail, and
    PyGObject prints it, leaves it in sys.last_value (PyErr_Print) and
    raises RuntimeError('Converting the GError failed'). The handler's
    exception is what the socket module lets through, as CPython's
    ZeroDivisionError or KeyboardInterrupt from a call a signal interrupts.
    """
    if _builtin_type(e) is not RuntimeError or e.args != ('Converting the GError failed',):
        return e
    exc = getattr(sys, 'last_value', None)
    tb = getattr(exc, '__traceback__', None)
    if tb is None or tb.tb_frame.f_code is not _GERROR_INIT_CODE:
        return e
    # PyErr_Print put it there for an interactive session's pdb.pm(); it is
    # raised instead.
    for name in ('last_type', 'last_value', 'last_traceback', 'last_exc'):
        try:
            delattr(sys, name)
        except AttributeError:
            pass
    return exc


# Arguments -------------------------------------------------------------------
#
# CPython's argument parsing, for the calls where PyGObject's differs: it
# takes a float for an int, a sequence of ints for data, and raises
# OverflowError where CPython raises ValueError. The hot paths check the
# common case inline and call these only when it does not hold.

_SSIZE_MAX = sys.maxsize
_INT_MIN = -2**31
_INT_MAX = 2**31 - 1


def _c_int(value):
    """An int argument as CPython's "i" format converts it."""
    value = operator.index(value)
    if value > _INT_MAX:
        raise OverflowError('signed integer is greater than maximum')
    if value < _INT_MIN:
        raise OverflowError('signed integer is less than minimum')
    return value


def _size(value, what):
    """A buffer size as CPython's recv() and friends take it."""
    value = operator.index(value)
    if value > _SSIZE_MAX:
        raise OverflowError('Python int too large to convert to C ssize_t')
    if value < 0:
        raise ValueError('negative buffersize in %s' % what)
    return value


def _data(data):
    """Bytes for a bytes-like argument (CPython's "y*"), or TypeError."""
    if isinstance(data, bytes):
        return bytes(data)
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'"
                        % type(data).__name__) from None
    with view:
        if not view.c_contiguous:
            raise BufferError('memoryview: underlying buffer is not C-contiguous')
        return view.tobytes()


def _writable_view(buffer, what):
    """A writable byte view of buffer (CPython's "w*"), or TypeError."""
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError("%s() argument 'buffer' must be read-write bytes-like "
                        "object, not %s" % (what, type(buffer).__name__)) from None
    if view.readonly:
        view.release()
        raise TypeError("%s() argument 'buffer' must be read-write bytes-like "
                        "object, not %s" % (what, type(buffer).__name__))
    if not view.c_contiguous:
        view.release()
        raise BufferError('memoryview: underlying buffer is not C-contiguous')
    return view.cast('B') if view.format != 'B' or view.ndim != 1 else view


# Addresses -------------------------------------------------------------------

_UNIX_PATH_MAX = 108

# A few of the variants made lately, for programs that send to or connect to
# the same address over and over; a GVariant never changes.
_variant_cache = {}


def _host(host, caller, family_name):
    """A host as CPython's idna_converter takes it."""
    if isinstance(host, str):
        if not host.isascii():
            host = host.encode('idna').decode('ascii')
    elif isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode('ascii', 'surrogateescape')
        if not host.isascii():
            # Only an ASCII name can be resolved through GVariant's UTF-8;
            # as CPython, the lookup fails.
            raise _glib_class(gaierror)(Sock.EAI_NONAME, 'Name or service not known')
    else:
        raise TypeError('str, bytes or bytearray expected, not %s' % type(host).__name__)
    if '\0' in host:
        raise TypeError('host name must not contain null character')
    return host


def _to_variant(family, address, caller):
    """Turns a socket-module address into the variant Sock takes."""
    if isinstance(address, GLib.Variant):
        return address
    # The types are part of the key: ('h', 80.0) equals ('h', 80), but only
    # the second is an address.
    key = (family, address, tuple(map(_builtin_type, address)) if _builtin_type(address) is tuple
           else _builtin_type(address))
    try:
        cached = _variant_cache.get(key)
    except TypeError:  # unhashable: a list, a bytearray
        cached = key = None
    if cached is not None:
        return cached

    if family == Sock.AF_UNIX:
        if isinstance(address, str):
            path = os.fsencode(address)
        else:
            try:
                path = _data(address)
            except TypeError:
                raise TypeError('%s(): AF_UNIX address must be str or bytes, not %s'
                                % (caller, type(address).__name__)) from None
        if len(path) > _UNIX_PATH_MAX:
            raise OSError('AF_UNIX path too long')
        variant = GLib.Variant('ay', path)
    elif family == Sock.AF_INET or family == Sock.AF_INET6:
        name = 'AF_INET' if family == Sock.AF_INET else 'AF_INET6'
        if not isinstance(address, tuple):
            raise TypeError('%s(): %s address must be tuple, not %s'
                            % (caller, name, type(address).__name__))
        if family == Sock.AF_INET and len(address) != 2:
            raise TypeError('%s(): AF_INET address must be a pair (host, port)' % caller)
        if family == Sock.AF_INET6 and not 2 <= len(address) <= 4:
            raise TypeError('%s(): AF_INET6 address must be a tuple '
                            '(host, port[, flowinfo[, scopeid]])' % caller)
        host = _host(address[0], caller, name)
        port = _c_int(address[1])
        if not 0 <= port <= 0xffff:
            raise OverflowError('%s(): port must be 0-65535.' % caller)
        if len(address) == 2:
            variant = GLib.Variant('(sq)', (host, port))
        else:
            # "I": unsigned, masked as CPython masks it.
            flowinfo = operator.index(address[2]) & 0xffffffff
            scope_id = operator.index(address[3]) & 0xffffffff if len(address) > 3 else 0
            if flowinfo > 0xfffff:
                raise OverflowError('%s(): flowinfo must be 0-1048575.' % caller)
            variant = GLib.Variant('(squu)', (host, port, flowinfo, scope_id))
    else:
        raise OSError(_errno.EAFNOSUPPORT, '%s(): bad family' % caller)

    if key is not None:
        if len(_variant_cache) >= 64:
            _variant_cache.clear()
        _variant_cache[key] = variant
    return variant


def _from_variant(address):
    """Turns an address variant into what the socket module returns."""
    if address is None:
        return None
    if address.get_type_string() == 'ay':
        path = bytes(address.unpack())
        # Linux's abstract names come back as bytes, paths as str.
        if path[:1] == b'\0':
            return path
        return os.fsdecode(path)
    return address.unpack()


# Virtual methods overridden in Python ----------------------------------------
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


def _bytes_result(sock, result):
    if isinstance(result, (bytes, bytearray, memoryview)):
        return GLib.Bytes.new(bytes(result))
    return result


def _address(sock, address):
    if address is None:
        return None
    return _to_variant(sock.get_family(), address, 'address')


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
    'getsockopt_bytes': _bytes_result,
    'listen': _success,
    'recv': _bytes_result,
    'recvfrom': _pair(_bytes_result),
    'sendall': _success,
    'setblocking': _success,
    'setsockopt': _success,
    'setsockopt_bytes': _success,
    'settimeout': _success,
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
            if not throws:
                raise
            code = e.errno
            message = e.strerror
            if code is None and isinstance(e, TimeoutError):
                code, message = _errno.ETIMEDOUT, 'timed out'
            if code is None:
                raise
            raise GLib.Error.new_literal(Sock.error_quark(),
                                         message or os.strerror(code), code) from e
        if convert is None:
            return result
        try:
            return convert(self, result)
        except (TypeError, ValueError, OverflowError, OSError) as e:
            raise TypeError('%s.%s returned an unusable value: %s'
                            % (cls.__qualname__, name, e)) from None

    vfunc._sock_vfunc_wrapper = True
    return vfunc


# The socket object -----------------------------------------------------------

# The C calls of the hot paths, looked up once. recv, send and sendall go
# through gi.overrides._sock (sock-fast.c) where it was built: the same C
# functions without PyGObject's generic invoke, which costs as much as the
# system call for a small message. SOCK_PYTHON_NO_FAST=1 makes the override
# use PyGObject's calls, as it does without the module.
_recv_data = _Plain.recv_data
_recvfrom_data = _Plain.recvfrom_data
_send = _Plain.send
_sendall = _Plain.sendall
_sendto = _Plain.sendto
_fast = None
if not os.environ.get('SOCK_PYTHON_NO_FAST'):
    try:
        from gi.overrides import _sock as _fast
    except ImportError:
        pass
if _fast is not None:
    _recv_data, _send, _sendall = _fast.recv, _fast.send, _fast.sendall
    # A Python signal handler that raises ends the blocking call it
    # interrupted, as in CPython (Ctrl+C in accept()); see sock-fast.c.
    import threading as _threading
    _fast.install_interrupt_check(_threading.main_thread().ident)
    # A child forked from another thread has that thread as its main one.
    os.register_at_fork(
        after_in_child=lambda: _fast.install_interrupt_check(_threading.get_ident()))


class Object(Sock.Object):
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)

    A socket, spelled as Python's socket objects are. Also Sock.socket and
    Sock.SocketType: calling it as socket.socket() is called creates a
    socket of the class for the family (InetObject or UnixObject), or of a
    Python subclass; with GObject properties (socket_type=...) it builds
    the object as any GObject. With fileno, the socket takes that
    descriptor, as CPython's does: its fileno() is fd, and closing the
    socket closes fd. The family, type and protocol are read from it where
    not given. (Without the override's C half, gi.overrides._sock, it
    works on a duplicate of fd instead, which the caller still closes.)
    """

    def __new__(cls, *args, **kwargs):
        if not _socket_style(args, kwargs):
            return super().__new__(cls)
        return _new_socket(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        # A socket made by __new__ is complete.
        if not _socket_style(args, kwargs):
            super().__init__(**kwargs)

    @property
    def family(self):
        """The address family, such as AF_INET (an AddressFamily)."""
        return _intenum(self.get_family(), AddressFamily)

    @property
    def type(self):
        """The socket type, such as SOCK_STREAM (a SocketKind)."""
        return _intenum(self.get_socket_type(), SocketKind)

    @property
    def proto(self):
        """The protocol number."""
        return self.get_proto()

    @property
    def _closed(self):
        # Lib/socket.py's attribute, which subclasses and reprs read.
        return _Plain.fileno(self) == -1

    @property
    def timeout(self):
        """The timeout in seconds, None for none (read-only, as socket's)."""
        return _timeout_value(_Plain.gettimeout(self))

    def __init_subclass__(cls, **kwargs):
        # Runs before GObjectMeta hooks the do_* methods up as virtual
        # functions, so that it hooks up the wrappers.
        super().__init_subclass__(**kwargs)
        for name, value in list(cls.__dict__.items()):
            if (name.startswith('do_') and name[len('do_'):] in _VFUNC_THROWS
                    and isinstance(value, types.FunctionType)
                    and not getattr(value, '_sock_vfunc_wrapper', False)):
                setattr(cls, name, _wrap_vfunc(cls, name, value))

    def __repr__(self):
        cls = type(self)
        module = cls.__module__
        if module == _MODULE:
            module = 'Sock'
        fd = self.fileno()
        closed = fd == -1
        text = '<%s.%s%s fd=%i, family=%s, type=%s, proto=%i' % (
            module, cls.__qualname__, ' [closed]' if closed else '', fd,
            self.family, self.type, self.proto)
        if not closed:
            try:
                laddr = self.getsockname()
                if laddr:
                    text += ', laddr=%s' % str(laddr)
            except OSError:
                pass
            try:
                raddr = self.getpeername()
                if raddr:
                    text += ', raddr=%s' % str(raddr)
            except OSError:
                pass
        return text + '>'

    def __del__(self):
        # As CPython's socket: a socket collected while still open is a
        # ResourceWarning. Only when this wrapper holds the last reference:
        # the GObject may live on in C, or under another wrapper.
        try:
            if self.__grefcount__ == 1 and _Plain.fileno(self) != -1:
                warnings.warn('unclosed %r' % (self,), ResourceWarning, source=self)
        except Exception:
            pass

    def __getstate__(self):
        raise TypeError("cannot pickle '%s' object" % type(self).__name__)

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle '%s' object" % type(self).__name__)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def accept(self):
        """accept() -> (socket object, address info), as socket.accept()."""
        try:
            conn, address = _Plain.accept(self)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None
        return conn, _from_variant(address)

    def bind(self, address):
        """Binds the socket to address, as socket.bind()."""
        variant = _to_variant(self.get_family(), address, 'bind')
        try:
            _Plain.bind(self, variant)
        except GLib.Error as e:
            raise _os_error(e) from None

    # Open makefile() files, as Lib/socket.py counts them.
    _io_refs = 0

    def _decref_socketios(self):
        # A makefile() file closed: the last one ends a close() put off.
        if self._io_refs > 0:
            self._io_refs -= 1
        if self.__dict__.pop('_close_pending', False):
            self.close()

    def close(self):
        """Closes the socket, as socket.close(); closing twice is harmless.

        As CPython's, while files of makefile() are open the socket stays
        open (and usable) until the last of them is closed.
        """
        if self._io_refs > 0:
            self._close_pending = True
            return
        try:
            _Plain.close(self)
        except GLib.Error as e:
            exc = _os_error(e)
            # As CPython: the descriptor is gone whatever close() says, and
            # ECONNRESET only means the peer went first.
            if getattr(exc, 'errno', None) != _errno.ECONNRESET:
                raise exc from None

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
        variant = _to_variant(self.get_family(), args[0], 'connect')
        try:
            _Plain.connect(self, variant)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    def connect_ex(self, address):
        """Connects, returning 0 or the errno, as socket.connect_ex()."""
        variant = _to_variant(self.get_family(), address, 'connect_ex')
        try:
            result = _Plain.connect_ex(self, variant)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None
        # Ended for a signal handler that raised (sock-fast.c): that is
        # what connect_ex() raises, as in CPython.
        if result == _errno.EINTR and _fast is not None:
            interrupt = _fast.take_interrupt()
            if interrupt is not None:
                raise interrupt
        return result

    def getpeername(self):
        try:
            return _from_variant(_Plain.getpeername(self))
        except GLib.Error as e:
            raise _os_error(e) from None

    def getsockname(self):
        try:
            return _from_variant(_Plain.getsockname(self))
        except GLib.Error as e:
            raise _os_error(e) from None

    def getsockopt(self, level, optname, buflen=0):
        """The option's int value, or with buflen its bytes, as
        socket.getsockopt()."""
        level, optname, buflen = _c_int(level), _c_int(optname), _c_int(buflen)
        try:
            if buflen == 0:
                return _Plain.getsockopt(self, level, optname)
            if not 0 < buflen <= 1024:
                raise OSError('getsockopt buflen out of range')
            data = _Plain.getsockopt_bytes(self, level, optname, buflen)
        except GLib.Error as e:
            raise _os_error(e) from None
        return data.get_data() or b''

    def getblocking(self):
        """False only when the socket is non-blocking (timeout 0)."""
        return self.get_blocking()

    def listen(self, *args):
        """listen([backlog]): SOMAXCONN or 128 by default, as socket.listen()."""
        if len(args) > 1:
            raise TypeError('listen expected at most 1 argument, got %d' % len(args))
        backlog = max(_c_int(args[0]), 0) if args else min(Sock.SOMAXCONN, 128)
        try:
            _Plain.listen(self, backlog)
        except GLib.Error as e:
            raise _os_error(e) from None

    def makefile(self, mode='r', buffering=None, *, encoding=None, errors=None,
                 newline=None):
        """A file object for the socket, as socket.makefile() returns.

        The raw file reads and writes the GIOStream of makefile_stream()
        (unbuffered, as Python's io layers do the buffering): binary modes
        give an io.BufferedReader, BufferedWriter or BufferedRWPair (the raw
        file itself for buffering=0), text modes an io.TextIOWrapper.
        """
        if not set(mode) <= {'r', 'w', 'b'}:
            raise ValueError('invalid mode %r (only r, w, b allowed)' % (mode,))
        writing = 'w' in mode
        reading = 'r' in mode or not writing
        binary = 'b' in mode
        rawmode = ''
        if reading:
            rawmode += 'r'
        if writing:
            rawmode += 'w'
        raw = StreamIO(self, rawmode)
        self._io_refs += 1
        if buffering is None:
            buffering = -1
        if buffering < 0:
            buffering = io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if not binary:
                raise ValueError('unbuffered streams must be binary')
            return raw
        if reading and writing:
            buffer = io.BufferedRWPair(raw, raw, buffering)
        elif reading:
            buffer = io.BufferedReader(raw, buffering)
        else:
            buffer = io.BufferedWriter(raw, buffering)
        if binary:
            return buffer
        encoding = io.text_encoding(encoding)
        text = io.TextIOWrapper(buffer, encoding, errors, newline)
        text.mode = mode
        return text

    def makefile_stream(self, mode='r', bufsize=-1):
        """The Gio.IOStream of sock_object_makefile(), for GIO use.

        What the plain API's makefile() returns: a stream over a duplicate
        of the descriptor, for Gio.DataInputStream, splice and TLS
        (Gio.TlsClientConnection.new(s.makefile_stream('rw'), ...)). mode is
        'r', 'w', 'rw', 'r+' or 'w+', with an optional 'b'; bufsize 0 is
        unbuffered, 1 line-buffered output, < 0 the default.
        """
        try:
            return _Plain.makefile(self, mode, bufsize)
        except GLib.Error as e:
            raise _os_error(e) from None

    def recv(self, bufsize, flags=0):
        """recv(bufsize[, flags]) -> data, as socket.recv(); b'' at the end."""
        if type(bufsize) is not int or not 0 <= bufsize <= _SSIZE_MAX or type(flags) is not int:
            bufsize, flags = _size(bufsize, 'recv'), _c_int(flags)
        try:
            return _recv_data(self, bufsize, flags)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    def recvfrom(self, bufsize, flags=0):
        """recvfrom(bufsize[, flags]) -> (data, address), as socket.recvfrom()."""
        if type(bufsize) is not int or not 0 <= bufsize <= _SSIZE_MAX or type(flags) is not int:
            bufsize, flags = _size(bufsize, 'recvfrom'), _c_int(flags)
        try:
            data, address = _recvfrom_data(self, bufsize, flags)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None
        return data, _from_variant(address)

    def recv_into(self, buffer, nbytes=0, flags=0):
        """recv_into(buffer[, nbytes[, flags]]) -> nbytes received."""
        view = _writable_view(buffer, 'recv_into')
        with view:
            nbytes, flags = _size(nbytes, 'recv_into'), _c_int(flags)
            if nbytes == 0:
                nbytes = len(view)
            elif nbytes > len(view):
                raise ValueError('buffer too small for requested bytes')
            try:
                data = _recv_data(self, nbytes, flags)
            except GLib.Error as e:
                raise _os_error(e) from None
            except RuntimeError as e:
                raise _interrupted(e) from None
            view[:len(data)] = data
            return len(data)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        """recvfrom_into(buffer[, nbytes[, flags]]) -> (nbytes, address)."""
        view = _writable_view(buffer, 'recvfrom_into')
        with view:
            nbytes, flags = _size(nbytes, 'recvfrom_into'), _c_int(flags)
            if nbytes == 0:
                nbytes = len(view)
            elif nbytes > len(view):
                raise ValueError('nbytes is greater than the length of the buffer')
            try:
                data, address = _recvfrom_data(self, nbytes, flags)
            except GLib.Error as e:
                raise _os_error(e) from None
            except RuntimeError as e:
                raise _interrupted(e) from None
            view[:len(data)] = data
            return len(data), _from_variant(address)

    def send(self, data, flags=0):
        """send(data[, flags]) -> count of bytes sent, as socket.send()."""
        if type(data) is not bytes:
            data = _data(data)
        if type(flags) is not int:
            flags = _c_int(flags)
        try:
            return _send(self, data, flags)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    def sendall(self, data, flags=0):
        """sendall(data[, flags]): sends all of data, as socket.sendall()."""
        if type(data) is not bytes:
            data = _data(data)
        if type(flags) is not int:
            flags = _c_int(flags)
        try:
            _sendall(self, data, flags)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    def sendto(self, *args):
        """sendto(data[, flags], address) -> count, as socket.sendto()."""
        if len(args) == 2:
            data, address = args
            flags = 0
        elif len(args) == 3:
            data, flags, address = args
        else:
            raise TypeError('sendto() takes 2 or 3 arguments (%d given)' % len(args))
        data = _data(data)
        flags = _c_int(flags)
        variant = _to_variant(self.get_family(), address, 'sendto')
        try:
            return _sendto(self, data, flags, variant)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    def sendfile(self, file, offset=0, count=None):
        """sendfile(file[, offset[, count]]) -> bytes sent, as socket.sendfile().

        Zero-copy where the library has sock_object_sendfile() and file is
        a regular file, with send() otherwise, as CPython falls back.
        """
        try:
            return self._sendfile_use_sendfile(file, offset, count)
        except _GiveupOnSendfile:
            return self._sendfile_use_send(file, offset, count)

    def _check_sendfile_params(self, file, offset, count):
        if 'b' not in getattr(file, 'mode', 'b'):
            raise ValueError('file should be opened in binary mode')
        if not self.type & Sock.SOCK_STREAM:
            raise ValueError('only SOCK_STREAM type sockets are supported')
        if count is not None:
            if not isinstance(count, int):
                raise TypeError('count must be a positive integer (got {!r})'.format(count))
            if count <= 0:
                raise ValueError('count must be a positive integer (got {!r})'.format(count))

    def _sendfile_use_sendfile(self, file, offset=0, count=None):
        if not hasattr(_Plain, 'sendfile'):
            raise _GiveupOnSendfile('the library has no sendfile()')
        try:
            fileno = file.fileno()
        except (AttributeError, io.UnsupportedOperation) as err:
            raise _GiveupOnSendfile(err)
        try:
            fsize = os.fstat(fileno).st_size
        except OSError as err:
            raise _GiveupOnSendfile(err)
        if not fsize:
            return 0
        self._check_sendfile_params(file, offset, count)
        if self.gettimeout() == 0:
            raise ValueError('non-blocking sockets are not supported')
        try:
            sent = _Plain.sendfile(self, fileno, offset, -1 if count is None else count)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None
        finally:
            pass
        if sent > 0:
            file.seek(offset + sent)
        return sent

    def _sendfile_use_send(self, file, offset=0, count=None):
        self._check_sendfile_params(file, offset, count)
        if self.gettimeout() == 0:
            raise ValueError('non-blocking sockets are not supported')
        if offset:
            file.seek(offset)
        blocksize = min(count, 8192) if count else 8192
        total_sent = 0
        try:
            while True:
                if count:
                    blocksize = min(count - total_sent, blocksize)
                    if blocksize <= 0:
                        break
                data = memoryview(file.read(blocksize))
                if not data:
                    break
                while True:
                    try:
                        sent = self.send(data)
                    except BlockingIOError:
                        continue
                    total_sent += sent
                    if sent < len(data):
                        data = data[sent:]
                    else:
                        break
            return total_sent
        finally:
            if total_sent > 0 and hasattr(file, 'seek'):
                file.seek(offset + total_sent)

    def setblocking(self, flag):
        """setblocking(flag): settimeout(None) or settimeout(0.0)."""
        try:
            # A C long, as CPython takes it (None is a TypeError).
            flag = operator.index(flag)
            if not -2**63 <= flag < 2**63:
                raise OverflowError('Python int too large to convert to C long')
            _Plain.setblocking(self, bool(flag))
        except GLib.Error as e:
            raise _os_error(e) from None

    def settimeout(self, value):
        """settimeout(seconds or None), as socket.settimeout()."""
        try:
            _Plain.settimeout(self, _timeout_seconds(value))
        except GLib.Error as e:
            raise _os_error(e) from None

    def gettimeout(self):
        """The timeout in seconds, or None for none."""
        return _timeout_value(_Plain.gettimeout(self))

    def setsockopt(self, level, optname, value, optlen=None):
        """setsockopt(level, option, value: int | bytes) or
        setsockopt(level, option, None, optlen), as socket.setsockopt()."""
        level, optname = _c_int(level), _c_int(optname)
        try:
            if optlen is not None:
                if value is not None:
                    raise TypeError('setsockopt() takes a None value with optlen')
                # No data of optlen bytes: zeroes, which the kernel reads the
                # same for the options that take this form (AF_ALG).
                _Plain.setsockopt_bytes(self, level, optname, bytes(_size(optlen, 'setsockopt')))
            elif isinstance(value, int):
                try:
                    value = _c_int(value)
                except OverflowError:
                    # CPython tries the bytes form last, and reports that.
                    raise TypeError("a bytes-like object is required, not 'int'") from None
                _Plain.setsockopt(self, level, optname, value)
            else:
                _Plain.setsockopt_bytes(self, level, optname, _data(value))
        except GLib.Error as e:
            raise _os_error(e) from None

    def shutdown(self, how):
        """shutdown(SHUT_RD, SHUT_WR or SHUT_RDWR), as socket.shutdown()."""
        try:
            _Plain.shutdown(self, _c_int(how))
        except GLib.Error as e:
            raise _os_error(e) from None

    # Calls of sockobj 1.2 that a build may not have yet; each is wrapped
    # where the library has it.
    if hasattr(_Plain, 'dup'):
        def dup(self):
            """A new socket object for a duplicate of the descriptor."""
            try:
                return _Plain.dup(self)
            except GLib.Error as e:
                raise _os_error(e) from None

    if hasattr(_Plain, 'detach'):
        def detach(self):
            """Gives the descriptor up without closing it, and returns it."""
            return _Plain.detach(self)

    if hasattr(_Plain, 'sendmsg'):
        def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
            """sendmsg(buffers[, ancdata[, flags[, address]]]) -> bytes sent.

            ancdata is a list of (level, type, data) tuples, as CPython's.
            """
            data = [GLib.Bytes.new(_data(buffer)) for buffer in buffers]
            items = [_ancillary_item(item) for item in ancdata]
            anc = GLib.Variant('a(iiay)', items) if items else None
            variant = None if address is None else \
                _to_variant(self.get_family(), address, 'sendmsg')
            try:
                return _Plain.sendmsg(self, data, anc, _c_int(flags), variant)
            except GLib.Error as e:
                raise _os_error(e) from None
            except RuntimeError as e:
                raise _interrupted(e) from None

    if hasattr(_Plain, 'recvmsg'):
        def recvmsg(self, bufsize, ancbufsize=0, flags=0):
            """recvmsg(bufsize[, ancbufsize[, flags]]) ->
            (data, ancdata, msg_flags, address), as CPython's."""
            bufsize = _size(bufsize, 'recvmsg')
            ancbufsize = operator.index(ancbufsize)
            if ancbufsize < 0:
                raise ValueError('negative buffer size in recvmsg()')
            try:
                data, anc, msg_flags, address = _Plain.recvmsg(self, bufsize, ancbufsize,
                                                               _c_int(flags))
            except GLib.Error as e:
                raise _os_error(e) from None
            except RuntimeError as e:
                raise _interrupted(e) from None
            items = [(level, kind, bytes(cdata)) for level, kind, cdata in anc.unpack()] \
                if anc is not None else []
            return (data.get_data() or b'') if data is not None else b'', items, msg_flags, \
                _from_variant(address)

        def recvmsg_into(self, buffers, ancbufsize=0, flags=0):
            """recvmsg_into(buffers[, ancbufsize[, flags]]) ->
            (nbytes, ancdata, msg_flags, address): recvmsg() scattered into
            the buffers."""
            views = [_writable_view(buffer, 'recvmsg_into') for buffer in buffers]
            try:
                data, anc, msg_flags, address = self.recvmsg(sum(len(v) for v in views),
                                                             ancbufsize, flags)
                offset = 0
                for view in views:
                    part = data[offset:offset + len(view)]
                    view[:len(part)] = part
                    offset += len(part)
                return len(data), anc, msg_flags, address
            finally:
                for view in views:
                    view.release()

    if hasattr(_Plain, 'get_inheritable'):
        def get_inheritable(self):
            return _Plain.get_inheritable(self)

        def set_inheritable(self, inheritable):
            try:
                _Plain.set_inheritable(self, bool(inheritable))
            except GLib.Error as e:
                raise _os_error(e) from None


def _ancillary_item(item):
    """A sendmsg() (level, type, data) item as CPython's "(iiy*)" takes it:
    a TypeError for anything but a sequence of three."""
    if isinstance(item, (str, bytes, bytearray)) or not hasattr(item, '__len__') \
            or not hasattr(item, '__getitem__'):
        raise TypeError('[sendmsg() ancillary data items]() argument must be sequence '
                        'of length 3, not %s' % _builtin_type(item).__name__)
    if len(item) != 3:
        raise TypeError('[sendmsg() ancillary data items]() argument must be sequence '
                        'of length 3, not %d' % len(item))
    level, kind, data = item
    return _c_int(level), _c_int(kind), _data(data)


def _timeout_seconds(value):
    """CPython's timeout argument: None (no timeout) or seconds >= 0."""
    if value is None:
        return -1.0
    if isinstance(value, (str, bytes)) or not isinstance(value, (int, float)) and \
            not hasattr(value, '__float__') and not hasattr(value, '__index__'):
        raise TypeError("'%s' object cannot be interpreted as an integer"
                        % type(value).__name__)
    seconds = float(value)
    if seconds != seconds:
        raise ValueError('Invalid value NaN (not a number)')
    if seconds < 0:
        raise ValueError('Timeout value out of range')
    if seconds > _TIMEOUT_MAX:
        raise OverflowError('timeout doesn\'t fit into C timeval')
    return seconds


# CPython keeps timeouts as nanoseconds in 64 bits.
_TIMEOUT_MAX = (2**63 - 1) / 1e9


def _timeout_value(seconds):
    return None if seconds < 0 else seconds


Object = override(Object)
__all__.append('Object')

# socket.socket and socket.SocketType: the same class here.
socket = Object
SocketType = Object
__all__ += ['socket', 'SocketType']


# makefile() ------------------------------------------------------------------

class StreamIO(io.RawIOBase):
    """The raw file of makefile(): socket.SocketIO over a GIOStream.

    Reads and writes the streams of sock_object_makefile(), unbuffered, on a
    duplicate of the socket's descriptor. As CPython's, a socket closed
    while files of its makefile() are open stays open until the last of
    them closes (the files themselves never depend on the socket's
    descriptor, which CPython's read). As SocketIO, it follows the socket's
    timeout, read and write return None where a non-blocking socket has
    nothing to give or no room, and after a timeout the file refuses to
    read on.
    """

    def __init__(self, sock, mode):
        if mode not in ('r', 'w', 'rw', 'rb', 'wb', 'rwb'):
            raise ValueError('invalid mode: %r' % mode)
        io.RawIOBase.__init__(self)
        self._stream = sock.makefile_stream(mode.replace('b', ''), 0)
        self._sock = sock
        if 'b' not in mode:
            mode += 'b'
        self._mode = mode
        self._reading = 'r' in mode
        self._writing = 'w' in mode
        self._input = self._stream.get_input_stream() if self._reading else None
        self._output = self._stream.get_output_stream() if self._writing else None
        self._stream_fd = -1
        for half in (self._input, self._output):
            if half is not None and hasattr(half, 'get_fd'):
                self._stream_fd = half.get_fd()
                break
        self._timeout_occurred = False

    @property
    def stream(self):
        """The Gio.IOStream underneath."""
        return self._stream

    def _nonblocking(self):
        return _Plain.gettimeout(self._sock) == 0

    def readinto(self, b):
        self._checkClosed()
        self._checkReadable()
        if self._timeout_occurred:
            raise OSError('cannot read from timed out object')
        with memoryview(b) as view, view.cast('B') as view:
            try:
                # A GIO read blocks; a non-blocking socket's file reads only
                # what is there.
                if self._nonblocking() and not self._input.is_readable():
                    return None
                data = self._input.read_bytes(len(view), None).get_data() or b''
            except GLib.Error as e:
                exc = _os_error(e)
                if isinstance(exc, TimeoutError):
                    self._timeout_occurred = True
                elif isinstance(exc, BlockingIOError):
                    return None
                raise exc from None
            except RuntimeError as e:
                raise _interrupted(e) from None
            view[:len(data)] = data
            return len(data)

    def write(self, b):
        self._checkClosed()
        self._checkWritable()
        data = _data(b)
        try:
            if self._nonblocking() and not self._output.is_writable():
                return None
            return self._output.write(data, None)
        except GLib.Error as e:
            exc = _os_error(e)
            if isinstance(exc, BlockingIOError):
                return None
            raise exc from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    def readable(self):
        if self.closed:
            raise ValueError('I/O operation on closed socket.')
        return self._reading

    def writable(self):
        if self.closed:
            raise ValueError('I/O operation on closed socket.')
        return self._writing

    def seekable(self):
        if self.closed:
            raise ValueError('I/O operation on closed socket.')
        return super().seekable()

    def fileno(self):
        """The socket's descriptor, as SocketIO's; the stream's own duplicate
        once the socket is closed."""
        self._checkClosed()
        fd = _Plain.fileno(self._sock)
        return fd if fd != -1 else self._stream_fd

    @property
    def name(self):
        if not self.closed:
            return self.fileno()
        return -1

    @property
    def mode(self):
        return self._mode

    def close(self):
        if self.closed:
            return
        io.RawIOBase.close(self)
        sock, self._sock = self._sock, None
        try:
            self._stream.close(None)
        except GLib.Error as e:
            raise _os_error(e) from None
        finally:
            if hasattr(sock, '_decref_socketios'):
                sock._decref_socketios()


SocketIO = StreamIO
__all__ += ['StreamIO', 'SocketIO']


# Module functions ------------------------------------------------------------

# socket.socket() takes these; anything else is a GObject property.
_SOCKET_ARGS = frozenset(('family', 'type', 'proto', 'fileno'))


def _socket_style(args, kwargs):
    return bool(args) or not kwargs.keys() - _SOCKET_ARGS


def _family_classes():
    # Looked up when first needed: during the override's own import,
    # gi.repository.Sock would give them the plain Object as their base.
    from gi.repository import Sock as repository
    return {Sock.AF_INET: repository.InetObject, Sock.AF_INET6: repository.InetObject,
            Sock.AF_UNIX: repository.UnixObject}


def _is_python_subclass(cls):
    return cls is not Object and '__info__' not in vars(cls)


_family_subclasses = {}


def _new_socket(cls, family=-1, type=-1, proto=-1, fileno=None):
    """socket.socket(family, type, proto, fileno) for cls."""
    classes = _family_classes()
    if fileno is not None:
        if _is_python_subclass(cls):
            raise TypeError('%s(fileno=...) is only for the library\'s own classes'
                            % cls.__name__)
        return _socket_from_fd(fileno, family, type, proto)
    if family == -1:
        family = Sock.AF_UNIX if issubclass(cls, classes[Sock.AF_UNIX]) else Sock.AF_INET
    family = _c_int(family)
    type = Sock.SOCK_STREAM if type == -1 else _c_int(type)
    proto = 0 if proto == -1 else _c_int(proto)
    try:
        if not _is_python_subclass(cls):
            # The library picks the class for the family.
            return Sock.socket(family, type, proto)
        if not issubclass(cls, tuple(classes.values())):
            # A Python subclass of socket itself: give it the family's
            # address handling through a class that derives from both.
            base = classes.get(family)
            if base is None:
                raise OSError(_errno.EAFNOSUPPORT, os.strerror(_errno.EAFNOSUPPORT))
            key = (cls, base)
            combined = _family_subclasses.get(key)
            if combined is None:
                namespace = {'__module__': cls.__module__, '__qualname__': cls.__qualname__,
                             '__gtype_name__': 'SockPy_%s_%s_%x' % (
                                 cls.__name__, base.__name__, id(cls))}
                # PyGObject hooks up the do_* methods a class defines itself.
                for klass in reversed(cls.__mro__):
                    if _is_python_subclass(klass) and issubclass(klass, Object):
                        namespace.update({name: value for name, value in vars(klass).items()
                                          if name.startswith('do_')})
                combined = _family_subclasses[key] = _builtin_type(cls.__name__, (base, cls),
                                                                   namespace)
            cls = combined
        return cls(family=family, socket_type=type, proto=proto)
    except GLib.Error as e:
        raise _os_error(e) from None


def _socket_from_fd(fileno, family, type, proto):
    if isinstance(fileno, float):
        raise TypeError("'float' object cannot be interpreted as an integer")
    fd = _c_int(fileno)
    if fd < 0:
        raise ValueError('negative file descriptor')
    # As CPython's: the socket takes fd itself, which the C half checks and
    # reads what was not given from.
    if _fast is not None:
        try:
            return _fast.take_fd(fd, family, type, proto)
        except GLib.Error as e:
            raise _os_error(e) from None
    # Without it, a duplicate is all PyGObject can reach.
    # As CPython's getsockname() check: a descriptor that is not open, or
    # not a socket, is refused before anything touches it (the probe below
    # would make it non-blocking under a default timeout).
    try:
        mode, code = os.fstat(fd).st_mode, _errno.ENOTSOCK
    except OSError as e:
        mode, code = None, e.errno
    if mode is None or not _stat.S_ISSOCK(mode):
        raise _os_error(GLib.Error('socket: descriptor %d: %s' % (fd, os.strerror(code)),
                                   _ERROR_DOMAIN, code))
    try:
        # Whatever the caller says, read what the descriptor is, as CPython
        # does where it is not given.
        probe = Sock.fromfd(fd, Sock.AF_INET, Sock.SOCK_STREAM, 0)
        try:
            real = (probe.getsockopt(Sock.SOL_SOCKET, Sock.SO_DOMAIN),
                    probe.getsockopt(Sock.SOL_SOCKET, Sock.SO_TYPE),
                    probe.getsockopt(Sock.SOL_SOCKET, Sock.SO_PROTOCOL))
        finally:
            probe.close()
        family = real[0] if family == -1 else family
        type = real[1] if type == -1 else type
        proto = real[2] if proto == -1 else proto
        return Sock.fromfd(fd, family, type, proto)
    except GLib.Error as e:
        raise _os_error(e) from None


def fromfd(fd, family, type, proto=0):
    """Makes a socket object for a duplicate of fd, as socket.fromfd() does."""
    try:
        return Sock.fromfd(_c_int(fd), _c_int(family), _c_int(type), _c_int(proto))
    except GLib.Error as e:
        raise _os_error(e) from None


if hasattr(Sock, 'socketpair'):
    def socketpair(family=None, type=Sock.SOCK_STREAM, proto=0):
        """socketpair([family[, type[, proto]]]) -> (socket, socket)."""
        if family is None:
            family = Sock.AF_UNIX
        try:
            return Sock.socketpair(_c_int(family), _c_int(type), _c_int(proto))
        except GLib.Error as e:
            raise _os_error(e) from None
    __all__.append('socketpair')


if hasattr(Sock, 'cmsg_len'):
    def _cmsg_size(compute, length, name):
        # CPython's "n" argument, and OverflowError for any length no
        # control message can carry, negative ones included.
        length = operator.index(length)
        if length > _SSIZE_MAX or length < -_SSIZE_MAX - 1:
            raise OverflowError('Python int too large to convert to C ssize_t')
        result = compute(length) if length >= 0 else 0
        if result == 0:
            raise OverflowError('%s() argument out of range' % name)
        return result

    def CMSG_LEN(length):
        """The cmsg_len of a control message carrying length bytes."""
        return _cmsg_size(Sock.cmsg_len, length, 'CMSG_LEN')

    # CPython's bound for CMSG_SPACE(), a few bytes below the library's:
    # room for the padding before and after the data.
    _CMSG_SPACE_MAX = _INT_MAX - Sock.cmsg_space(1)

    def CMSG_SPACE(length):
        """The buffer space a control message carrying length bytes takes."""
        return _cmsg_size(lambda n: Sock.cmsg_space(n) if n <= _CMSG_SPACE_MAX else 0,
                          length, 'CMSG_SPACE')

    __all__ += ['CMSG_LEN', 'CMSG_SPACE']


if hasattr(_Plain, 'sendmsg') and hasattr(_Plain, 'recvmsg'):
    # Lib/socket.py's, on sendmsg() and recvmsg().
    _SCM_RIGHTS = getattr(Sock, 'SCM_RIGHTS', 1)

    def send_fds(sock, buffers, fds, flags=0, address=None):
        """send_fds(sock, buffers, fds[, flags[, address]]) -> bytes sent."""
        import array
        return sock.sendmsg(buffers, [(Sock.SOL_SOCKET, _SCM_RIGHTS, array.array('i', fds))],
                           flags, address)

    def recv_fds(sock, bufsize, maxfds, flags=0):
        """recv_fds(sock, bufsize, maxfds[, flags]) -> (data, fds, msg_flags, address)."""
        import array
        fds = array.array('i')
        msg, ancdata, flags, addr = sock.recvmsg(bufsize,
                                                 Sock.cmsg_len(maxfds * fds.itemsize)
                                                 if hasattr(Sock, 'cmsg_len')
                                                 else 16 + maxfds * fds.itemsize)
        for level, kind, data in ancdata:
            if level == Sock.SOL_SOCKET and kind == _SCM_RIGHTS:
                fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
        return msg, list(fds), flags, addr

    __all__ += ['send_fds', 'recv_fds']


def getfqdn(name=''):
    """The fully qualified domain name of name, as socket.getfqdn(); that
    of this host for '', '0.0.0.0' or '::'."""
    name = name.strip()
    if name in ('0.0.0.0', '::'):
        name = ''
    return Sock.getfqdn(name or None)


def gethostname():
    try:
        return Sock.gethostname()
    except GLib.Error as e:
        raise _os_error(e) from None


def gethostbyname(hostname):
    try:
        return Sock.gethostbyname(_host(hostname, 'gethostbyname', None))
    except GLib.Error as e:
        raise _os_error(e) from None


def gethostbyname_ex(hostname):
    try:
        name, aliases, addresses = Sock.gethostbyname_ex(_host(hostname, 'gethostbyname_ex',
                                                               None))
    except GLib.Error as e:
        raise _os_error(e) from None
    return name, list(aliases or []), list(addresses or [])


def gethostbyaddr(ip_address):
    try:
        name, aliases, addresses = Sock.gethostbyaddr(_host(ip_address, 'gethostbyaddr', None))
    except GLib.Error as e:
        raise _os_error(e, 'herror') from None
    return name, list(aliases or []), list(addresses or [])


def getprotobyname(name):
    if not isinstance(name, str):
        raise TypeError('getprotobyname() argument must be str, not %s' % type(name).__name__)
    try:
        return Sock.getprotobyname(name)
    except GLib.Error as e:
        raise _os_error(e, 'protocol not found') from None


def getservbyname(servicename, protocolname=None):
    if not isinstance(servicename, str):
        raise TypeError('getservbyname() argument 1 must be str, not %s'
                        % type(servicename).__name__)
    if protocolname is not None and not isinstance(protocolname, str):
        raise TypeError('getservbyname() argument 2 must be str, not %s'
                        % type(protocolname).__name__)
    try:
        return Sock.getservbyname(servicename, protocolname)
    except GLib.Error as e:
        raise _os_error(e, 'service/proto not found') from None


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """getaddrinfo(host, port[, family, type, proto, flags]) -> list of
    (family, type, proto, canonname, sockaddr), as socket.getaddrinfo()."""
    if host is not None:
        host = _host(host, 'getaddrinfo', None)
    if isinstance(port, int):
        port = str(port)
    elif isinstance(port, bytes):
        port = port.decode('ascii')
    elif port is not None and not isinstance(port, str):
        raise OSError('Int or String expected')
    family, type, proto, flags = _c_int(family), _c_int(type), _c_int(proto), _c_int(flags)
    try:
        infos = Sock.getaddrinfo(host, port, family, type, proto, flags)
    except GLib.Error as e:
        raise _os_error(e) from None
    except RuntimeError as e:
        raise _interrupted(e) from None
    return [(_intenum(f, AddressFamily), _intenum(t, SocketKind), p, c, a)
            for f, t, p, c, a in infos.unpack()]


def getnameinfo(sockaddr, flags):
    """getnameinfo((host, port[, flowinfo, scope_id]), flags) -> (host, port)."""
    if not isinstance(sockaddr, tuple):
        name = type(sockaddr).__name__
        # The traceback keeps this frame: it must not keep the argument.
        sockaddr = None
        raise TypeError('getnameinfo() argument 1 must be a tuple, not %s' % name)
    if not 2 <= len(sockaddr) <= 4:
        raise TypeError('getnameinfo(): illegal sockaddr argument')
    host = sockaddr[0]
    if not isinstance(host, str):
        raise TypeError('getnameinfo(): illegal sockaddr argument')
    family = Sock.AF_INET6 if len(sockaddr) > 2 or ':' in host else Sock.AF_INET
    address = _to_variant(family, sockaddr, 'getnameinfo')
    try:
        return Sock.getnameinfo(address, _c_int(flags))
    except GLib.Error as e:
        raise _os_error(e) from None


def inet_aton(ip_string):
    if not isinstance(ip_string, str):
        raise TypeError('inet_aton() argument 1 must be str, not %s' % type(ip_string).__name__)
    try:
        return Sock.inet_aton(ip_string).get_data()
    except GLib.Error:
        raise OSError('illegal IP address string passed to inet_aton') from None


def inet_ntoa(packed_ip):
    packed = _data(packed_ip)
    if len(packed) != 4:
        raise OSError('packed IP wrong length for inet_ntoa')
    try:
        return Sock.inet_ntoa(packed)
    except GLib.Error as e:
        raise _os_error(e) from None


def inet_pton(address_family, ip_string):
    if not isinstance(ip_string, str):
        raise TypeError('inet_pton() argument 2 must be str, not %s' % type(ip_string).__name__)
    try:
        return Sock.inet_pton(_c_int(address_family), ip_string).get_data()
    except GLib.Error as e:
        exc = _os_error(e)
        if getattr(exc, 'errno', None) == _errno.EINVAL:
            raise OSError('illegal IP address string passed to inet_pton') from None
        raise exc from None


def inet_ntop(address_family, packed_ip):
    packed = _data(packed_ip)
    family = _c_int(address_family)
    if family == Sock.AF_INET and len(packed) != 4 or \
            family == Sock.AF_INET6 and len(packed) != 16:
        raise ValueError('invalid length of packed IP address string')
    try:
        return Sock.inet_ntop(family, packed)
    except GLib.Error as e:
        raise _os_error(e) from None


def _byte_order(convert, bits, name):
    limit = 1 << bits

    def function(x):
        x = operator.index(x)
        if x < 0:
            raise OverflowError("%s: can't convert negative Python int to C %d-bit "
                                "unsigned integer" % (name, bits))
        if x >= limit:
            raise OverflowError('%s: Python int too large to convert to C %d-bit '
                                'unsigned integer' % (name, bits))
        return convert(x)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = '%s(integer) -> integer: byte order conversion, as socket.%s().' % (
        name, name)
    return function


# Ordinary (hashable, introspectable) functions, not gi.FunctionInfo objects.
htonl = _byte_order(Sock.htonl, 32, 'htonl')
htons = _byte_order(Sock.htons, 16, 'htons')
ntohl = _byte_order(Sock.ntohl, 32, 'ntohl')
ntohs = _byte_order(Sock.ntohs, 16, 'ntohs')


def if_nameindex():
    """[(index, name), ...] of the network interfaces."""
    try:
        return [tuple(pair) for pair in Sock.if_nameindex().unpack()]
    except GLib.Error as e:
        raise _os_error(e) from None


def if_nametoindex(if_name):
    if not isinstance(if_name, str):
        raise TypeError('if_nametoindex(): argument must be str, not %s'
                        % type(if_name).__name__)
    try:
        return Sock.if_nametoindex(if_name)
    except GLib.Error as e:
        if e.domain == _ERROR_DOMAIN and e.code == _errno.ENODEV:
            raise OSError('no interface with this name') from None
        raise _os_error(e) from None


def if_indextoname(if_index):
    index = operator.index(if_index)
    if not 0 <= index < 2**64:
        raise OverflowError('Python int too large to convert to C unsigned long' if index > 0
                            else "can't convert negative int to unsigned")
    try:
        # if_indextoname() takes an unsigned int, which CPython's cast cuts
        # the value to.
        return Sock.if_indextoname(index & 0xffffffff)
    except GLib.Error as e:
        raise _os_error(e) from None


class _HasIPv6(int):
    """socket.has_ipv6, a truth value; calling it works too (Sock.has_ipv6())."""

    def __call__(self):
        return bool(self)

    def __repr__(self):
        return repr(bool(self))

    __str__ = __repr__


has_ipv6 = _HasIPv6(Sock.has_ipv6())


def has_dualstack_ipv6():
    """Whether an AF_INET6 stream socket can take IPv4 connections too."""
    if not has_ipv6:
        return False
    try:
        with socket(Sock.AF_INET6, Sock.SOCK_STREAM) as sock:
            sock.setsockopt(Sock.IPPROTO_IPV6, Sock.IPV6_V6ONLY, 0)
            return True
    except OSError:
        return False


# socket.create_connection()'s "timeout not given".
_GLOBAL_DEFAULT_TIMEOUT = object()


def _public_socket_class():
    # gi.repository.Sock, the module users import and patch, is PyGObject's
    # proxy holding copies of this module's names.
    module = sys.modules.get('gi.repository.Sock')
    return getattr(module, 'socket', socket) if module is not None else socket


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT, source_address=None, *,
                      all_errors=False):
    """Connects to (host, port) and returns the socket, as
    socket.create_connection(): each resolved address in turn."""
    host, port = address
    # The library's own connect loop, unless the module's socket class has
    # been replaced (a test's mock.patch), which Lib/socket.py's loop below
    # creates as CPython's does.
    socket_class = _public_socket_class()
    if source_address is None and not all_errors and socket_class is Object:
        seconds = Sock.getdefaulttimeout() if timeout is _GLOBAL_DEFAULT_TIMEOUT \
            else _timeout_seconds(timeout)
        try:
            return Sock.create_connection(_to_variant(Sock.AF_INET6 if ':' in str(host)
                                                      else Sock.AF_INET,
                                                      (host, port), 'create_connection'),
                                          seconds)
        except GLib.Error as e:
            raise _os_error(e) from None
        except RuntimeError as e:
            raise _interrupted(e) from None

    # A source address or every error: Lib/socket.py's loop.
    exceptions = []
    for af, socktype, proto, canonname, sa in getaddrinfo(host, port, 0, Sock.SOCK_STREAM):
        sock = None
        try:
            sock = socket_class(af, socktype, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            exceptions.clear()
            return sock
        except OSError as exc:
            if not all_errors:
                exceptions.clear()
            exceptions.append(exc)
            if sock is not None:
                sock.close()
    if exceptions:
        try:
            if not all_errors:
                raise exceptions[0]
            raise ExceptionGroup('create_connection failed', exceptions)
        finally:
            exceptions.clear()
    raise OSError('getaddrinfo returns an empty list')


def create_server(address, *, family=Sock.AF_INET, backlog=None, reuse_port=False,
                  dualstack_ipv6=False):
    """A listening stream socket bound to address, as socket.create_server().

    As CPython: SO_REUSEADDR, an AF_INET6 socket is IPv6-only unless
    dualstack_ipv6 is true.
    """
    if dualstack_ipv6:
        if not has_dualstack_ipv6():
            raise ValueError('dualstack_ipv6 not supported on this platform')
        if family != Sock.AF_INET6:
            raise ValueError('dualstack_ipv6 requires AF_INET6 family')
    sock = socket(family, Sock.SOCK_STREAM)
    try:
        try:
            sock.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEADDR, 1)
        except OSError:
            pass
        if reuse_port:
            sock.setsockopt(Sock.SOL_SOCKET, Sock.SO_REUSEPORT, 1)
        if has_ipv6 and family == Sock.AF_INET6:
            sock.setsockopt(Sock.IPPROTO_IPV6, Sock.IPV6_V6ONLY, 0 if dualstack_ipv6 else 1)
        try:
            sock.bind(address)
        except OSError as err:
            msg = '%s (while attempting to bind on address %r)' % (err.strerror, address)
            raise OSError(err.errno, msg) from None
        if backlog is None:
            sock.listen()
        else:
            sock.listen(backlog)
        return sock
    except OSError:
        sock.close()
        raise


def setdefaulttimeout(timeout):
    """Sets the timeout new sockets start with, as socket.setdefaulttimeout()."""
    Sock.setdefaulttimeout(_timeout_seconds(timeout))


def getdefaulttimeout():
    """The timeout new sockets start with, None for none."""
    return _timeout_value(Sock.getdefaulttimeout())


def close(fd):
    """Closes a socket's file descriptor, as socket.close(fd)."""
    os.close(_c_int(fd))


__all__ += ['fromfd', 'getfqdn', 'gethostbyname', 'gethostbyname_ex',
            'gethostname', 'gethostbyaddr', 'getprotobyname', 'getservbyname',
            'getaddrinfo', 'getnameinfo', 'htonl', 'htons', 'ntohl', 'ntohs',
            'inet_aton', 'inet_ntoa', 'inet_pton', 'inet_ntop', 'if_nameindex',
            'if_nametoindex', 'if_indextoname', 'has_ipv6', 'has_dualstack_ipv6',
            'create_connection', 'create_server', 'setdefaulttimeout',
            'getdefaulttimeout', 'close']
