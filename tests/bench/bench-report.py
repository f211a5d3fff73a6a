#!/usr/bin/env python3
# bench-report.py: turns one tools/bench run into doc/performance.md and a plot
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Reads the tab-separated results of sockobj-bench and bench-python.py and
# the callgrind outputs of sockobj-bench --callgrind, prints the combined
# table, and writes the Markdown page, the gnuplot data and script, and the
# SVG. Standard library only.

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

INSTR_TARGET = 100
# The callgrind runs tools/bench makes, by the label of their output file:
# blocking descriptors, compared with raw; and with a timeout that never
# expires, compared with raw-poll (the same timeout done by hand).
CALLGRIND_BLOCKING = ('raw', 'gio', 'sockobj')
CALLGRIND_TIMEOUT = ('raw-poll-timeout', 'gio-timeout', 'sockobj-timeout')
# The rows every other row of a workload is measured against.
BASELINES = ('raw', 'cpython-socket')
PLOT_SERIES = [
    # (column title, implementations plotted in that column, colour)
    ('raw by hand (timeout: raw-poll; sendfile: read + send)', ('raw-poll', 'raw-read-send'),
     '#59a14f'),
    ('GIO (sendfile: read + sendall)', ('gio', 'pygobject-gio', 'read-sendall'), '#4e79a7'),
    ('sockobj', ('sockobj', 'pygobject-sockobj'), '#f28e2b'),
    ('sockobj, buffered makefile', ('sockobj-buffered',), '#e15759'),
]


def read_tsv(path):
    with open(path) as f:
        lines = f.read().splitlines()
    header = lines[0].split('\t')
    return [dict(zip(header, line.split('\t'))) for line in lines[1:] if line]


def run(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ''


def machine(outputs):
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    commit = run(['git', 'rev-parse', '--short', 'HEAD'])
    # The run rewrites its own outputs; they do not make the tree dirty.
    if commit and run(['git', 'status', '--porcelain', '--untracked-files=no', '--', '.'] +
                      [':!' + os.path.relpath(path) for path in outputs]):
        commit += ' (with uncommitted changes)'
    return [
        ('date', datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')),
        ('nproc', str(len(os.sched_getaffinity(0)))),
        ('CPU', cpu or 'unknown'),
        ('kernel', '%s %s' % (platform.system(), platform.release())),
        ('distribution', run(['sh', '-c', '. /etc/os-release && echo "$PRETTY_NAME"'])),
        ('compiler', run(['cc', '--version']).split('\n')[0]),
        ('GLib', run(['pkg-config', '--modversion', 'glib-2.0'])),
        ('commit', commit or 'unknown'),
    ]


def spread(row):
    """The interquartile range over the median: how far to trust a figure.

    For a baseline, that of its samples; for the others, that of the ratios
    to the baseline, one a round, which is what the verdict rests on."""
    ratios = [float(v) for v in row.get('ratio_samples', '').split(',') if v]
    if ratios and row['implementation'] not in BASELINES:
        values = ratios
    else:
        values = [float(v) for v in row['samples'].split(',') if v]
    median = statistics.median(values) if values else 0
    if len(values) < 2 or median == 0:
        return ''
    q1, _, q3 = statistics.quantiles(values, n=4)
    return '%.1f%%' % (100 * (q3 - q1) / median)


def callgrind_total(path):
    """The instruction count of the toggled function, from the totals line."""
    with open(path) as f:
        for line in f:
            if line.startswith(('totals:', 'summary:')):
                return int(line.split()[1])
    raise SystemExit('bench-report: no totals in %s' % path)


def callgrind_hotspots(path, count=14):
    """The functions with the most instructions of their own."""
    text = run(['callgrind_annotate', '--threshold=100', path])
    rows = []
    for line in text.splitlines():
        # "1,340,000 (15.44%)  file:function [object]"
        m = re.match(r'\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*):(\S+)(?: \[(.*)\])?\s*$', line)
        if m:
            where = os.path.basename(m.group(4) or m.group(2))
            rows.append((int(m.group(1).replace(',', '')), '%s (%s)' % (m.group(3), where)))
    return rows[:count]


def instruction_rows(args, labels, with_target):
    """(label, per call, more than the first label, target, verdict) rows."""
    totals = {}
    for label in labels:
        path = os.path.join(args.callgrind_dir, 'callgrind.out.' + label)
        if os.path.exists(path):
            totals[label] = callgrind_total(path)
    base = labels[0]
    if base not in totals:
        return []
    calls = 2 * args.calls
    rows = []
    for label, total in totals.items():
        extra = (total - totals[base]) / calls
        target = verdict = ''
        if with_target and label == 'sockobj':
            target = '< %d' % INSTR_TARGET
            verdict = 'pass' if extra < INSTR_TARGET else 'FAIL'
        rows.append((label, total / calls, extra, target, verdict))
    return rows


def instructions(args):
    if not args.callgrind_dir:
        return None
    result = {'calls': args.calls,
              'rows': instruction_rows(args, CALLGRIND_BLOCKING, True),
              'timeout_rows': instruction_rows(args, CALLGRIND_TIMEOUT, False)}
    if not result['rows']:
        return None
    path = os.path.join(args.callgrind_dir, 'callgrind.out.sockobj')
    result['hotspots'] = callgrind_hotspots(path) if os.path.exists(path) else []
    return result


def fmt_median(row):
    value = float(row['median'])
    return '%.0f' % value if row['unit'] in ('MiB/s', 'bytes/connection') else '%.2f' % value


def print_table(rows, instr):
    print('%-21s %-10s %-18s %10s %-14s %7s %8s %7s  %-30s %s' %
          ('workload', 'transport', 'implementation', 'median', 'unit', 'vs base',
           'vs peer', 'spread', 'target', 'verdict'))
    for r in rows:
        print('%-21s %-10s %-18s %10s %-14s %7.3f %8s %7s  %-30s %s' %
              (r['workload'], r['transport'], r['implementation'], fmt_median(r),
               r['unit'], float(r['ratio_raw']), r['ratio_gio'], spread(r),
               r['target'], r['verdict']))
    if instr:
        print('\ninstructions per send/recv call above the system call '
              '(%d sends + %d recvs, callgrind):' % (instr['calls'], instr['calls']))
        for impl, per_call, extra, target, verdict in instr['rows']:
            print('  %-16s %8.1f per call, %+8.1f vs raw       %s %s' %
                  (impl, per_call, extra, target, verdict))
        for impl, per_call, extra, target, verdict in instr['timeout_rows']:
            print('  %-16s %8.1f per call, %+8.1f vs raw-poll  %s %s' %
                  (impl, per_call, extra, target, verdict))


def relative_cost(row):
    """Cost relative to the baseline, lower is better, whatever the unit."""
    ratio = float(row['ratio_raw'])
    return 1 / ratio if row['better'] == 'higher' else ratio


def write_plot(rows, data_path, script_path, svg_path):
    # Memory is no time: raw's few bytes per connection would dwarf the rest.
    rows = [r for r in rows if r['unit'] != 'bytes/connection']
    cases = []
    for r in rows:
        key = (r['workload'], r['transport'])
        if key not in cases:
            cases.append(key)
    with open(data_path, 'w') as f:
        f.write('case\t' + '\t'.join('"%s"' % s[0] for s in PLOT_SERIES) + '\n')
        for workload, transport in cases:
            cells = []
            for _, impls, _ in PLOT_SERIES:
                match = [r for r in rows if r['workload'] == workload and
                         r['transport'] == transport and r['implementation'] in impls]
                cells.append('%.4f' % relative_cost(match[0]) if match else '-')
            f.write('"%s %s"\t%s\n' % (workload, transport, '\t'.join(cells)))
    top = max([relative_cost(r) for r in rows] + [1.2])
    with open(script_path, 'w') as f:
        f.write('''# Generated by tests/bench/bench-report.py
set terminal svg size 1100,520 dynamic font "sans,11" background rgb "white"
set output "%(svg)s"
set title "Cost relative to raw BSD sockets (python-echo: relative to CPython's socket module); lower is better"
set ylabel "time ratio (rates inverted)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set datafile missing "-"
set datafile separator "\\t"
set key top left
set grid ytics
set yrange [0:%(top).2f]
set xtics rotate by -30 font ",9" nomirror
set bmargin 8
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb "black"
plot %(plots)s
''' % {'svg': svg_path, 'data': data_path, 'top': top * 1.1,
       'plots': ', \\\n     '.join(
           '%s using %d%s title columnheader(%d) lc rgb "%s"' %
           ('"%s"' % data_path if i == 0 else '""', i + 2, ':xtic(1)' if i == 0 else '',
            i + 2, colour)
           for i, (_, _, colour) in enumerate(PLOT_SERIES))})
    subprocess.run(['gnuplot', script_path], check=True)


def read_loop_costs(path):
    if not path or not os.path.exists(path):
        return {}
    return {r['cost']: float(r['ns']) for r in read_tsv(path)}


def async_note(w, rows, args):
    """Where the async echo stands against raw epoll, and why."""
    costs = read_loop_costs(args.loop_costs)
    echo = [r for r in rows if r['workload'].startswith('async-echo-')
            and r['implementation'] == 'sockobj']
    if not echo:
        return
    w('## The async workloads against raw epoll')
    w('')
    w('Each round trip of **async-echo** is four asynchronous operations (the client\'s '
      'send and receive, the server\'s receive and send), and, as GIO\'s conventions '
      'want, each is a `GTask` whose callback runs from the loop. The system calls are '
      'raw\'s: per round trip two sends, two receives and, at N = 1, two polls (`strace '
      '-c` on the workload; beyond N = 1 one poll serves many round trips). What '
      'sockobj adds is user-space work in each operation.')
    w('')
    if costs:
        w('Measured alone by `sockobj-bench --loop-costs` (one thread, an eventfd that '
          'stays readable):')
        w('')
        w('| | ns |')
        w('| --- | ---: |')
        w('| `epoll_wait()`, one ready descriptor | %.0f |' % costs.get('epoll_wait', 0))
        w('| `poll()`, one ready descriptor | %.0f |' % costs.get('poll', 0))
        w('| `g_main_context_iteration()`, one ready fd source that may recurse, as '
          'sockobj\'s are | %.0f |' % costs.get('iteration', 0))
        w('| a `GTask`: new, returned from a dispatch, callback, freed | %.0f |'
          % costs.get('gtask', 0))
        w('')
        w('A `GMainContext` iteration costs about what `epoll_wait()` does (a source '
          'that may not recurse costs three more system calls per dispatch: GLib '
          'removes and re-adds its descriptor and signals its wakeup eventfd each '
          'time, which GIO\'s sources pay). The four tasks of a round trip cost '
          '%.1f µs.' % (4 * costs.get('gtask', 0) / 1000))
        w('')
    lines = []
    for r in echo:
        raw = [x for x in rows if x['workload'] == r['workload'] and
               x['transport'] == r['transport'] and x['implementation'] == 'raw']
        if not raw or not r['target'] or 'FAIL' not in r['verdict'].split('/')[0]:
            continue
        gap = float(r['median']) - float(raw[0]['median'])
        line = ('- %s over %s: %.2fx raw against a target of %s, %.1f µs per round trip '
                'above raw' % (r['workload'], r['transport'], float(r['ratio_raw']),
                               r['target'].split(',')[0].replace('<=', '≤'), gap))
        if costs.get('gtask'):
            tasks = 4 * costs['gtask'] / 1000
            line += ('; the four GTasks account for %.1f µs of it, the rest (%.1f µs) is '
                     'the library\'s own work in each operation and the allocation of '
                     'each result'
                     % (tasks, max(gap - tasks, 0)))
        lines.append(line + '.')
    if lines:
        w('Targets missed:')
        w('')
        for line in lines:
            w(line)
        w('')


def markdown(args, rows, instr, info):
    out = []
    w = out.append
    w('# Performance')
    w('')
    w('Generated by `%s` on %s; do not edit by hand, run it again.' %
      (args.command, dict(info)['date']))
    w('')
    w('sockobj against the limit (raw BSD socket calls) and against the ecosystem '
      'peer (GIO\'s blocking `GSocket` and its `GSocketConnection` streams), through '
      'workloads written once in `tests/bench/bench.c` with one operations table per '
      'implementation.')
    w('')
    w('## Machine')
    w('')
    w('| | |')
    w('| --- | --- |')
    for key, value in info:
        w('| %s | %s |' % (key, value))
    w('')
    w('## Method')
    w('')
    w('- One process runs every workload for every implementation, interleaved: each '
      'repetition visits every case, and within a case makes one round, or three for the '
      'workloads that run on one connection or pair made beforehand (ping-pong, bulk, '
      'their timeout variants, makefile-stream, datagram, sendfile, fd-passing: short '
      'samples, which three rounds make %s of). A round visits the implementations in an '
      'order rotated by its number, so drift affects all of them alike. The others keep one '
      'round: connect-accept-close and create-connection leave thousands of TCP connections '
      'in TIME_WAIT per sample, which slow the connects that follow, and the asynchronous '
      'and idle-connections workloads open up to 10,000 connections per sample. One unrecorded '
      'pass at a quarter of the size warms up first. The figure is the median of the %s '
      'repetitions\' samples. A ratio is the median of the rounds\' ratios: in each '
      'round the two implementations ran one right after the other, so the '
      'machine\'s drift between rounds cancels out, which it does not in a ratio '
      'of two medians. *spread* is the interquartile range over the median of a '
      'baseline\'s samples, and of the other rows\' ratios to their baseline.'
      % (int(args.reps) * 3, args.reps))
    w('- Time is `clock_gettime(CLOCK_MONOTONIC)` in the process. Loopback only: TCP on '
      '127.0.0.1 with `TCP_NODELAY` on both ends, AF_UNIX in a temporary directory, ports '
      'from binding port 0.')
    w('- Client and server are threads (Python: processes) pinned to one CPU. Across CPUs '
      'on this virtual machine a wakeup costs tens of microseconds, and whether it happens '
      'depends on where the scheduler last left each side: the same raw ping-pong measured '
      '8 or 50 us per round trip from one repetition to the next. On one CPU a figure '
      'measures code: system calls, context switches and what each implementation adds.')
    w('- **ping-pong**: 64-byte messages, 20,000 round trips, the echo server in the same '
      'implementation. **bulk**: 64 MiB in 64 KiB `sendall` / `recv_into` calls '
      '(GIO: a `g_socket_send` loop / `g_socket_receive`). **ping-pong-timeout** and '
      '**bulk-timeout**: the same two workloads with a 30 s timeout, which never expires, '
      'set on both ends once connected: `sock_object_settimeout (s, 30.0, &error)` for '
      'sockobj (a non-blocking descriptor underneath, each call trying first and polling on '
      'a deadline fixed when it starts; a receive whose last try found nothing polls first, '
      'until a poll finds the socket ready at once), `g_socket_set_timeout (s, 30)` for '
      'GIO. *raw* '
      'stays a blocking descriptor with no timeout: the targets are stated against blocking '
      'calls. *raw-poll* is the same timeout done by hand (`O_NONBLOCK`, the call tried '
      'first, on `EAGAIN` a `poll` for what is left of a `CLOCK_MONOTONIC` deadline read '
      'when the call starts, one deadline for a whole `sendall`), shown with no target so '
      'that what a timeout costs anyway can be told from what the library adds; divide '
      'sockobj\'s *vs base* by raw-poll\'s for that. **makefile-stream**: the same '
      '64 MiB through `g_output_stream_write_all` / `g_input_stream_read` on '
      '`sock_object_makefile (s, "rwb", 0)` (*sockobj*) and with the default buffer '
      '(*sockobj-buffered*), on GIO\'s `GSocketConnection` streams, and for raw on '
      '`write` / `read`; the sender\'s close, where a buffer flushes, is timed. '
      '**connect-accept-close**: 2,000 cycles of socket + connect, accept, server close, '
      'client reads end of stream, client close (no data, so no `TCP_NODELAY`). '
      '**create-connection**: the same cycles with the client made by '
      '`sock_create_connection ((\"127.0.0.1\", port), -1)` (for a numeric host, '
      'socket + connect without a lookup), against raw socket + connect; GIO has no '
      'call of that shape that hands back a plain socket. '
      '**datagram**: 20,000 round trips of 64 bytes from a connected client to a server '
      'answering with `recvfrom` / `sendto` (an AF_UNIX datagram client binds a path to '
      'be answered at; sockobj\'s server uses `sock_object_recvfrom_into`, which fills the '
      'caller\'s buffer and allocates nothing but the sender\'s address `GVariant`, and '
      'answers that address with `sock_object_sendto`); target ≤ 1.03x raw. '
      '**sendfile**: a 256 MiB file (made once, in the page cache) sent whole over a '
      'connected socket: raw `sendfile(2)` in a loop, `sock_object_sendfile` (*sockobj*), '
      '*read-sendall*, sockobj without `sendfile`: `read` of 64 KiB and '
      '`sock_object_sendall` in a loop, and *raw-read-send*, the same loop with raw `send`; '
      'the receiver reads with 64 KiB `recv_into`. Target '
      '≥ 0.98x raw. Its ratio to *read-sendall* (the *vs peer* column) is recorded, '
      'not judged: the issue expected it above 1, and over AF_UNIX it is about 2, but over '
      'TCP loopback the kernel\'s `sendfile(2)` itself moves less than `read` + `send`, '
      'as *raw-read-send*\'s *vs base* (raw against raw, no library involved) shows: the '
      'receiver\'s copy dominates both, and the sender\'s copy that `sendfile(2)` saves is '
      'outweighed by splicing page-cache pages into socket buffers. **fd-passing**: 100,000 times one descriptor sent with one byte '
      'over an AF_UNIX pair and received, then closed, in one thread: raw `sendmsg` / '
      '`recvmsg` with `SCM_RIGHTS` and `MSG_CMSG_CLOEXEC`, against '
      '`sock_unix_object_send_fds` / `sock_unix_object_recv_fds` (a new `GBytes` and '
      '`GArray` per message); target ≤ 1.10x raw. '
      '**python-echo**: the seed\'s echo client and server, 20,000 round '
      'trips, with CPython\'s `socket`, with `Sock` through PyGObject and its override '
      '(whose `recv`, `send` and `sendall` go through the override\'s C half, '
      '`gi.overrides._sock`, rather than PyGObject\'s generic invoke; see '
      '`doc/porting.md`), and with GIO through PyGObject (`GSocketConnection` streams).')
    w('- **async-echo-N**: an echo server and N clients in one thread and one loop '
      '(the thread-default `GMainContext`; for raw, one level-triggered `epoll` loop on '
      'non-blocking descriptors), each client making round trips of 64 bytes one at a '
      'time, 20,000 in all; timed from every connection being open to the last echo, '
      'and divided by the round trips made (at N = 1 a round trip\'s latency, beyond '
      'the loop\'s cost per message). sockobj: `accept_async`, and per connection '
      '`recv_async` then `sendall_async` of the echo (clients: `connect_async`, '
      '`send_async` and `recv_async`). GIO: a `GSocketService` whose `incoming` handler '
      'reads with `g_input_stream_read_async` and echoes with '
      '`g_output_stream_write_all_async` (clients from a `GSocketClient`). '
      '**idle-connections**: 10,000 connections held by each async server with a read '
      'of 1 KiB pending on each (GIO: the read buffer is the caller\'s, so each '
      'connection has one; sockobj allocates it only once data arrives; raw shares '
      'one), in bytes of resident memory per connection: a fresh process '
      '(`sockobj-bench --idle`) reads its RSS before and after a forked child opens the '
      'connections. Not plotted.')
    w('- Ratios are in the unit\'s own sense (a time ratio above 1 is slower, a rate ratio '
      'below 1 is slower). *vs base* is against raw, or for python-echo against CPython\'s '
      'socket module; *vs peer* is against GIO (or GIO from PyGObject), for sendfile '
      'against read + sendall, and empty where there is no second baseline '
      '(create-connection, fd-passing).')
    w('')
    w('## Results')
    w('')
    w('![Cost relative to raw](performance.svg)')
    w('')
    w('| workload | transport | implementation | median | unit | vs base | vs peer '
      '| spread | target | verdict |')
    w('| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- |')
    for r in rows:
        w('| %s | %s | %s | %s | %s | %.3f | %s | %s | %s | %s |' %
          (r['workload'], r['transport'], r['implementation'], fmt_median(r),
           r['unit'].replace('us/', 'µs/'), float(r['ratio_raw']), r['ratio_gio'],
           spread(r), r['target'].replace('<=', '≤').replace('>=', '≥'), r['verdict']))
    if args.python_skipped:
        w('')
        w('python-echo was not run: %s' % args.python_skipped)
    w('')
    async_note(w, rows, args)
    w('## Instructions per call')
    w('')
    if instr:
        w('`valgrind --tool=callgrind` counts the user-space instructions of %d '
          '`send` + %d `recv_into` calls of 64 bytes on an AF_UNIX socketpair in one thread '
          '(`sockobj-bench --callgrind IMPL`, collection toggled on for the loop only). The '
          'kernel is not counted, so raw\'s figure is the libc wrapper plus the loop; the '
          'difference to raw is what the library adds to each call.' %
          (instr['calls'], instr['calls']))
        w('')
        w('| implementation | instructions per call | more than raw | target | verdict |')
        w('| --- | ---: | ---: | --- | --- |')
        for impl, per_call, extra, target, verdict in instr['rows']:
            w('| %s | %.1f | %+.1f | %s | %s |' % (impl, per_call, extra, target, verdict))
        if instr['timeout_rows']:
            w('')
            w('The same loop with a 30 s timeout set on both ends first '
              '(`--callgrind IMPL --timeout 30`): the path of a call with a deadline that '
              'never expires, against raw-poll, the timeout done by hand. Under valgrind '
              '`clock_gettime` is a system call rather than the vDSO, so reading the clock '
              'counts only its libc wrapper here.')
            w('')
            w('| implementation, 30 s timeout | instructions per call | more than raw-poll |')
            w('| --- | ---: | ---: |')
            for impl, per_call, extra, _, _ in instr['timeout_rows']:
                w('| %s | %.1f | %+.1f |' % (impl[:-len('-timeout')], per_call, extra))
        if instr['hotspots']:
            w('')
            w('Where sockobj\'s loop spends its instructions (self cost; an address stands '
              'for a static function of a library without debug symbols):')
            w('')
            w('| instructions | per call (sends and receives averaged) | function |')
            w('| ---: | ---: | --- |')
            for ir, fn in instr['hotspots']:
                w('| %s | %.1f | `%s` |' % (format(ir, ','), ir / (2 * instr['calls']), fn))
    else:
        w('Not measured in this run.')
    w('')
    return '\n'.join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--c-tsv', required=True)
    parser.add_argument('--python-tsv')
    parser.add_argument('--python-skipped')
    parser.add_argument('--callgrind-dir')
    parser.add_argument('--loop-costs')
    parser.add_argument('--calls', type=int, default=0)
    parser.add_argument('--reps', default='5')
    parser.add_argument('--command', required=True)
    parser.add_argument('--markdown', required=True)
    parser.add_argument('--svg', required=True)
    parser.add_argument('--work-dir', required=True)
    args = parser.parse_args()

    info = machine([args.markdown, args.svg])
    rows = read_tsv(args.c_tsv)
    if args.python_tsv:
        rows += read_tsv(args.python_tsv)
    instr = instructions(args)

    print()
    print_table(rows, instr)

    if not shutil.which('gnuplot'):
        sys.exit('bench-report: gnuplot is not installed')
    # The page links the plot by its file name, so keep them side by side.
    write_plot(rows, os.path.join(args.work_dir, 'performance.dat'),
               os.path.join(args.work_dir, 'performance.gnuplot'), args.svg)
    with open(args.markdown, 'w') as f:
        f.write(markdown(args, rows, instr, info))
    print('\nwrote %s and %s' % (args.markdown, args.svg))


if __name__ == '__main__':
    main()
