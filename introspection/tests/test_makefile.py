# makefile() from Python: a Gio.IOStream over a duplicate of the socket,
# read through Gio.DataInputStream and written with write_all().
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

from sockgi import GLib, Gio, Sock, bytes_of, connected_pair


class MakefileTest(unittest.TestCase):

    def setUp(self):
        self.client, self.conn = connected_pair()

    def tearDown(self):
        self.client.close()
        self.conn.close()

    def test_data_input_stream_lines(self):
        self.client.sendall(b'first line\nsecond line\nno newline', 0)
        self.client.shutdown(Sock.SHUT_WR)
        stream = self.conn.makefile('r', -1)
        self.assertIsInstance(stream, Gio.IOStream)
        data = Gio.DataInputStream.new(stream.get_input_stream())
        lines = []
        while True:
            line, length = data.read_line_utf8(None)
            if line is None:
                break
            lines.append(line)
        self.assertEqual(lines, ['first line', 'second line', 'no newline'])
        stream.close(None)

    def test_default_mode(self):
        self.client.sendall(b'x\n', 0)
        stream = self.conn.makefile(None, -1)
        data = Gio.DataInputStream.new(stream.get_input_stream())
        self.assertEqual(data.read_line_utf8(None)[0], 'x')
        stream.close(None)

    def test_write_all(self):
        stream = self.conn.makefile('wb', 0)
        out = stream.get_output_stream()
        ok, written = out.write_all(b'through the stream\n', None)
        self.assertTrue(ok)
        self.assertEqual(written, 19)
        out.flush(None)
        self.assertEqual(bytes_of(self.client.recv(64, 0)), b'through the stream\n')
        stream.close(None)

    def test_line_buffered_output(self):
        stream = self.conn.makefile('w', 1)
        out = stream.get_output_stream()
        out.write_all(b'one line\n', None)
        # A full line goes out without flush().
        self.assertEqual(bytes_of(self.client.recv(64, 0)), b'one line\n')
        stream.close(None)

    def test_read_write_stream(self):
        stream = self.conn.makefile('rwb', -1)
        data = Gio.DataInputStream.new(stream.get_input_stream())
        out = stream.get_output_stream()
        self.client.sendall(b'question\n', 0)
        self.assertEqual(data.read_line_utf8(None)[0], 'question')
        out.write_all(b'answer\n', None)
        out.flush(None)
        self.assertEqual(bytes_of(self.client.recv(64, 0)), b'answer\n')
        stream.close(None)

    def test_stream_outlives_socket(self):
        # The stream works on a dup(): closing the socket leaves it working.
        stream = self.conn.makefile('r', -1)
        self.conn.close()
        self.client.sendall(b'after close\n', 0)
        data = Gio.DataInputStream.new(stream.get_input_stream())
        self.assertEqual(data.read_line_utf8(None)[0], 'after close')
        stream.close(None)

    def test_half_not_granted(self):
        stream = self.conn.makefile('r', -1)
        with self.assertRaises(GLib.Error) as cm:
            stream.get_output_stream().write_all(b'x', None)
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(),
                                             Gio.IOErrorEnum.NOT_SUPPORTED))
        stream.close(None)

    def test_pollable(self):
        stream = self.conn.makefile('rw', -1)
        self.assertIsInstance(stream.get_input_stream(), Gio.PollableInputStream)
        self.assertIsInstance(stream.get_output_stream(), Gio.PollableOutputStream)
        stream.close(None)


if __name__ == '__main__':
    unittest.main(verbosity=2)
