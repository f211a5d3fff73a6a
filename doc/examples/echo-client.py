# Echo client program: the seed's, on Sock instead of the socket module.
# Changes from the seed: the import lines, Python 3 print() and bytes, and
# the address: loopback, with the port the server printed as argument.
# Run with the PyGObject override installed (or on PYTHONPATH).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import sys
import gi
gi.require_version('Sock', '1.0')
from gi.repository.Sock import *
HOST = '127.0.0.1'        # The server runs on this machine
PORT = int(sys.argv[1])   # The port the server printed
s = socket(AF_INET, SOCK_STREAM)
s.connect((HOST, PORT))
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
