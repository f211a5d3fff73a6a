# Runs an echo example pair: run_echo.py SERVER_ARGV... -- CLIENT_ARGV...
#
# The server prints the port it bound (port 0: the system picks one) on its
# first line; the client gets it as its last argument. Both must succeed,
# the server must report the connection and the client the echoed text.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import subprocess
import sys

TIMEOUT = 30


def main(argv):
    split = argv.index('--')
    server_argv, client_argv = argv[:split], argv[split + 1:]

    server = subprocess.Popen(server_argv, stdout=subprocess.PIPE, text=True)
    try:
        port_line = server.stdout.readline().strip()
        if not port_line.isdigit():
            print('server did not print its port, got %r' % port_line, file=sys.stderr)
            return 1

        client = subprocess.run(client_argv + [port_line], capture_output=True,
                                text=True, timeout=TIMEOUT)
        server_out, _ = server.communicate(timeout=TIMEOUT)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    print('server said: port %s' % port_line)
    print(server_out, end='')
    print('client said:')
    print(client.stdout, end='')
    sys.stderr.write(client.stderr)

    ok = True
    if server.returncode != 0:
        print('server failed with status %d' % server.returncode, file=sys.stderr)
        ok = False
    if client.returncode != 0:
        print('client failed with status %d' % client.returncode, file=sys.stderr)
        ok = False
    if 'Connected by' not in server_out or '127.0.0.1' not in server_out:
        print('server did not report the connection', file=sys.stderr)
        ok = False
    if 'Hello, world' not in client.stdout:
        print('client did not receive the echo', file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
