# check-listings.py PAGE FILE...: the page shows each FILE as it is
#
# A listing in PAGE is a fenced code block right after a line
# "<!-- listing: NAME -->"; each FILE must have one, equal to the file.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import sys


def main(page_path, files):
    with open(page_path) as f:
        page = f.read()
    listings = dict(re.findall(r'<!-- listing: (\S+) -->\n```\w*\n(.*?)```\n', page, re.S))
    ok = True
    for path in files:
        name = os.path.basename(path)
        with open(path) as f:
            content = f.read()
        if name not in listings:
            print('%s has no listing of %s' % (page_path, name), file=sys.stderr)
            ok = False
        elif listings[name] != content:
            print('%s shows an old %s: copy the file into it again' % (page_path, name),
                  file=sys.stderr)
            ok = False
        else:
            print('%s: the listing of %s is up to date' % (page_path, name))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2:]))
