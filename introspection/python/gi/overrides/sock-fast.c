/* sock-fast.c: gi.overrides._sock, the override's calls per message in C
 *
 * Copyright 2026 The sockobj authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The override (Sock.py) reaches the library through PyGObject, whose
 * generic invoke costs about a microsecond a call: as much as the system
 * call itself for a small message, which made the seed's echo through
 * the override 1.15-1.20x CPython's socket module. The calls a program
 * makes once per message, recv(), send() and sendall(), come here
 * instead: the same public C functions PyGObject would call
 * (sock_object_recv_data(), sock_object_send(), sock_object_sendall()),
 * with the same dispatch to a subclass's vfuncs, the interpreter lock
 * released around them as PyGObject releases it, and a failure raised as
 * the GLib.Error PyGObject would raise (pyg_error_check()), which the
 * override turns into its OSError as for every other call. Arguments
 * arrive already checked by the override; what it does not check (an
 * object that is not a Sock.Object, a size or flags out of range) raises
 * TypeError or OverflowError here, never reaches C.
 *
 * It also gives the library a check to run at each EINTR (see "Signals"
 * below), so that a Python signal handler that raises ends a blocking
 * call, for every call of the override; and socket(fileno=fd) a socket
 * that takes fd itself, as CPython's does (take_fd()).
 *
 * The override works without this module (it falls back to PyGObject's
 * calls, a handler's exception waits for the call to end, and
 * socket(fileno=fd) works on a duplicate of fd) and the tests run both
 * ways (SOCK_PYTHON_NO_FAST=1).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pygobject.h>

#include <errno.h>

#include <sockobj.h>

#include "sock-fromfd-private.h"
#include "sock-interrupt-private.h"

/* Signals --------------------------------------------------------------------
 *
 * CPython's socket calls end when a signal handler raises (Ctrl+C's
 * KeyboardInterrupt in a blocking accept() or recv()). The library retries
 * EINTR, so at each one it asks interrupt_check(), which runs the Python
 * handlers as CPython does there; when one raises, the call ends with
 * SOCK_ERROR / EINTR and the handler's exception waits here for the call
 * to raise it (take_interrupt(), or the calls of this module). Python runs
 * handlers only in its main thread; elsewhere the call goes on. */

static unsigned long main_thread_ident;
static gboolean have_main_thread;
static PyObject *interrupt_exception;   /* main thread only, with the GIL */

static gboolean
interrupt_check (void)
{
  PyGILState_STATE state;
  gboolean raised;

  if (!have_main_thread || !Py_IsInitialized () ||
      PyThread_get_thread_ident () != main_thread_ident)
    return FALSE;

  state = PyGILState_Ensure ();
  raised = PyErr_CheckSignals () < 0;
  if (raised)
    {
      PyObject *type, *value, *traceback;

      PyErr_Fetch (&type, &value, &traceback);
      PyErr_NormalizeException (&type, &value, &traceback);
      if (traceback != NULL)
        PyException_SetTraceback (value, traceback);
      Py_XSETREF (interrupt_exception, value);
      Py_XDECREF (type);
      Py_XDECREF (traceback);
    }
  PyGILState_Release (state);

  return raised;
}

/* The exception a handler raised during the last call, taken; or NULL.
 * Only the main thread's calls are ended for a handler. */
static PyObject *
take_interrupt_exception (void)
{
  PyObject *exception;

  if (!have_main_thread || PyThread_get_thread_ident () != main_thread_ident)
    return NULL;
  exception = interrupt_exception;
  interrupt_exception = NULL;
  return exception;
}

/* Raises a handler's exception that a call ended for but that did not reach
 * Python (a caller that caught the error): the next call of this module
 * raises it rather than let it be lost. FALSE with it set. */
static gboolean
no_interrupt_left (void)
{
  PyObject *exception;

  if (G_LIKELY (interrupt_exception == NULL) ||
      (exception = take_interrupt_exception ()) == NULL)
    return TRUE;
  PyErr_SetObject ((PyObject *) Py_TYPE (exception), exception);
  Py_DECREF (exception);
  return FALSE;
}

/* install_interrupt_check(main_thread_ident): called once by the override. */
static PyObject *
fast_install_interrupt_check (PyObject *module,
                              PyObject *arg)
{
  unsigned long ident = PyLong_AsUnsignedLong (arg);

  if (ident == (unsigned long) -1 && PyErr_Occurred ())
    return NULL;
  main_thread_ident = ident;
  have_main_thread = TRUE;
  _sock_set_interrupt_check (interrupt_check);
  Py_RETURN_NONE;
}

/* take_interrupt() -> the exception a signal handler raised during the call
 * that just failed with EINTR, or None. */
static PyObject *
fast_take_interrupt (PyObject *module,
                     PyObject *unused)
{
  PyObject *exception = take_interrupt_exception ();

  if (exception == NULL)
    Py_RETURN_NONE;
  return exception;
}

/* The SockObject a Python argument wraps, or NULL with TypeError set. */
static SockObject *
sock_from_py (PyObject *arg)
{
  GObject *object;

  if (!PyObject_TypeCheck (arg, &PyGObject_Type) ||
      (object = pygobject_get (arg)) == NULL ||
      !SOCK_IS_OBJECT (object))
    {
      PyErr_Format (PyExc_TypeError, "a Sock.Object is required, not %.200s",
                    Py_TYPE (arg)->tp_name);
      return NULL;
    }
  return SOCK_OBJECT (object);
}

/* A C int from a Python int, or -1 with OverflowError/TypeError set. */
static gboolean
flags_from_py (PyObject *arg,
               gint     *flags)
{
  long value = PyLong_AsLong (arg);

  if (value == -1 && PyErr_Occurred ())
    return FALSE;
  if (value < G_MININT || value > G_MAXINT)
    {
      PyErr_SetString (PyExc_OverflowError, "flags out of range for a C int");
      return FALSE;
    }
  *flags = (gint) value;
  return TRUE;
}

/* Raises @error (which the call failed with) as PyGObject would, and
 * returns NULL for the caller to return. */
static PyObject *
raise_error (GError *error)
{
  PyObject *exception = g_error_matches (error, SOCK_ERROR, EINTR)
                        ? take_interrupt_exception () : NULL;

  /* A signal handler raised and the call ended for it: that is what the
   * call raises. Otherwise a handler that has not run yet (the check is
   * not installed, or the signal came as the call returned) runs now, and
   * what it raises wins over the call's error, as in CPython. */
  if (exception != NULL)
    {
      PyErr_SetObject ((PyObject *) Py_TYPE (exception), exception);
      Py_DECREF (exception);
      g_clear_error (&error);
      return NULL;
    }
  if (PyErr_CheckSignals () < 0)
    {
      g_clear_error (&error);
      return NULL;
    }
  /* The library never fails without an error; if it ever did, this is
   * still an exception rather than a NULL return with none set. */
  if (!pyg_error_check (&error))
    PyErr_SetString (PyExc_SystemError, "sockobj: a call failed without an error");
  return NULL;
}

static gboolean
check_nargs (Py_ssize_t   nargs,
             const gchar *name)
{
  if (nargs == 3)
    return TRUE;
  PyErr_Format (PyExc_TypeError, "%s() takes 3 arguments (%zd given)", name, nargs);
  return FALSE;
}

/* recv(sock, bufsize, flags) -> bytes */
static PyObject *
fast_recv (PyObject         *module,
           PyObject *const  *args,
           Py_ssize_t        nargs)
{
  SockObject *self;
  GError *error = NULL;
  gsize bufsize;
  gsize length = 0;
  guint8 *data;
  PyObject *result;
  gint flags;

  if (!check_nargs (nargs, "recv") ||
      (self = sock_from_py (args[0])) == NULL ||
      !no_interrupt_left ())
    return NULL;
  bufsize = PyLong_AsSize_t (args[1]);
  if (bufsize == (gsize) -1 && PyErr_Occurred ())
    return NULL;
  if (!flags_from_py (args[2], &flags))
    return NULL;

  Py_BEGIN_ALLOW_THREADS
  data = sock_object_recv_data (self, bufsize, flags, &length, &error);
  Py_END_ALLOW_THREADS

  if (data == NULL)
    return raise_error (error);
  result = PyBytes_FromStringAndSize ((const char *) data, (Py_ssize_t) length);
  g_free (data);
  return result;
}

/* The bytes-like args[1] of send() and sendall(), with the object and
 * flags, or FALSE with an exception set. */
static gboolean
send_args (PyObject *const  *args,
           Py_ssize_t        nargs,
           const gchar      *name,
           SockObject      **self,
           Py_buffer        *view,
           gint             *flags)
{
  if (!check_nargs (nargs, name) ||
      (*self = sock_from_py (args[0])) == NULL ||
      !flags_from_py (args[2], flags) ||
      !no_interrupt_left ())
    return FALSE;
  return PyObject_GetBuffer (args[1], view, PyBUF_SIMPLE) == 0;
}

/* send() and sendall(): @all sends every byte (None) rather than what one
 * send takes (its count). */
static PyObject *
call_send (PyObject *const  *args,
           Py_ssize_t        nargs,
           gboolean          all)
{
  SockObject *self;
  GError *error = NULL;
  Py_buffer view;
  gssize sent;
  gint flags;

  if (!send_args (args, nargs, all ? "sendall" : "send", &self, &view, &flags))
    return NULL;

  Py_BEGIN_ALLOW_THREADS
  if (all)
    sent = sock_object_sendall (self, view.buf, (gsize) view.len, flags, &error) ? 0 : -1;
  else
    sent = sock_object_send (self, view.buf, (gsize) view.len, flags, &error);
  Py_END_ALLOW_THREADS

  PyBuffer_Release (&view);
  if (sent < 0)
    return raise_error (error);
  if (all)
    Py_RETURN_NONE;
  return PyLong_FromSsize_t (sent);
}

/* send(sock, data, flags) -> int */
static PyObject *
fast_send (PyObject         *module,
           PyObject *const  *args,
           Py_ssize_t        nargs)
{
  return call_send (args, nargs, FALSE);
}

/* sendall(sock, data, flags) -> None */
static PyObject *
fast_sendall (PyObject         *module,
              PyObject *const  *args,
              Py_ssize_t        nargs)
{
  return call_send (args, nargs, TRUE);
}

/* take_fd(fd, family, type, proto) -> Sock.Object: socket(fileno=fd),
 * which owns fd itself, with -1 for what to read from fd
 * (_sock_fromfd_take()). */
static PyObject *
fast_take_fd (PyObject *module,
              PyObject *args)
{
  GError *error = NULL;
  SockObject *sock;
  PyObject *wrapper;
  gint fd, family, type, proto;

  if (!PyArg_ParseTuple (args, "iiii:take_fd", &fd, &family, &type, &proto))
    return NULL;

  if ((sock = _sock_fromfd_take (fd, family, type, proto, &error)) == NULL)
    return raise_error (error);

  /* The wrapper holds its own reference. Without one, fd goes back to
   * the caller open, as on every failure. */
  if ((wrapper = pygobject_new (G_OBJECT (sock))) == NULL)
    sock_object_detach (sock);
  g_object_unref (sock);
  return wrapper;
}

static PyMethodDef fast_methods[] = {
  { "recv", (PyCFunction) (void (*) (void)) fast_recv, METH_FASTCALL,
    "recv(sock, bufsize, flags) -> bytes: sock_object_recv_data()" },
  { "send", (PyCFunction) (void (*) (void)) fast_send, METH_FASTCALL,
    "send(sock, data, flags) -> int: sock_object_send()" },
  { "sendall", (PyCFunction) (void (*) (void)) fast_sendall, METH_FASTCALL,
    "sendall(sock, data, flags): sock_object_sendall()" },
  { "install_interrupt_check", fast_install_interrupt_check, METH_O,
    "install_interrupt_check(main_thread_ident): end calls a signal handler raises in" },
  { "take_fd", fast_take_fd, METH_VARARGS,
    "take_fd(fd, family, type, proto) -> a socket object that owns fd: socket(fileno=fd)" },
  { "take_interrupt", fast_take_interrupt, METH_NOARGS,
    "take_interrupt() -> what a signal handler raised during the call that failed, or None" },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef fast_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "gi.overrides._sock",
  .m_doc = "The Sock override's calls per message, in C.",
  .m_size = -1,
  .m_methods = fast_methods,
};

PyMODINIT_FUNC PyInit__sock (void);

PyMODINIT_FUNC
PyInit__sock (void)
{
  /* PyGObject's C API: the version the override is written for. */
  if (pygobject_init (3, 42, 0) == NULL)
    return NULL;
  return PyModule_Create (&fast_module);
}
