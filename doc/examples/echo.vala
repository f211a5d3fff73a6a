/* echo.vala: the echo server and client of Python's socket documentation,
 * in Vala on sockobj-1.vapi.
 *
 *   echo-vala server         listens on 127.0.0.1, port 0, and prints the port
 *   echo-vala client PORT    sends "Hello, world" and prints the echo
 *
 * Build: valac --pkg sockobj-1 echo.vala (the vapi is installed with the
 * library). Errors are GLib.Error, with the errno value as the code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

int serve () throws GLib.Error {
    var s = Sock.socket (Sock.AF_INET, Sock.SOCK_STREAM, 0);
    s.bind (new Variant ("(sq)", "127.0.0.1", (uint16) 0));
    s.listen (1);

    uint16 port;
    s.getsockname ().get ("(sq)", null, out port);
    print ("%u\n", port);
    stdout.flush ();

    Variant address;
    var conn = s.accept (out address);
    print ("Connected by %s\n", address.print (false));
    while (true) {
        uint8[] data = conn.recv_data (1024, 0);
        if (data.length == 0)
            break;
        conn.sendall (data, 0);
    }
    conn.close ();
    s.close ();
    return 0;
}

int client (uint16 port) throws GLib.Error {
    var s = Sock.socket (Sock.AF_INET, Sock.SOCK_STREAM, 0);
    try {
        s.connect (new Variant ("(sq)", "127.0.0.1", port));
    } catch (GLib.Error e) {
        if (e.domain == Sock.Error.quark () && e.code == Sock.Error.ECONNREFUSED)
            stderr.printf ("nobody listens on port %u\n", port);
        throw e;
    }
    s.sendall ("Hello, world".data, 0);
    Bytes data = s.recv (1024, 0);
    s.close ();
    // A GBytes is not NUL-terminated: copy exactly its length.
    var text = new StringBuilder ();
    text.append_len ((string) data.get_data (), (ssize_t) data.get_size ());
    print ("Received '%s'\n", text.str);
    return 0;
}

int main (string[] args) {
    try {
        if (args.length == 2 && args[1] == "server")
            return serve ();
        if (args.length == 3 && args[1] == "client")
            return client ((uint16) int.parse (args[2]));
    } catch (GLib.Error e) {
        stderr.printf ("%s\n", e.message);
        return 1;
    }
    stderr.printf ("usage: %s server | client PORT\n", args[0]);
    return 2;
}
