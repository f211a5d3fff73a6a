# Echo server program: the seed's, on Sock instead of the socket module.
# Changes from the seed: the import lines, Python 3 print(), and the address:
# loopback and port 0 (the system picks a free port, printed for the
# client) instead of the fixed 50007.
# Run with the PyGObject override installed (or on PYTHONPATH).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import gi
gi.require_version('Sock', '1.0')
from gi.repository.Sock import *
HOST = '127.0.0.1'        # Loopback only
PORT = 0                  # Let the system pick a free port
s = socket(AF_INET, SOCK_STREAM)
s.bind((HOST, PORT))
s.listen(1)
print(s.getsockname()[1])  # the port, for the client
conn, addr = s.accept()
print('Connected by', addr)
while 1:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
