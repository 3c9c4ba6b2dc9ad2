#!/usr/bin/env python3
"""Fill a deploy template: every ${UPPER_CASE} name from KEY=VALUE arguments or the environment.

    python3 deploy/render.py deploy/nginx/portal.conf.template SERVER_NAME=portal.blitarkab.go.id ... > site.conf

Lower-case $names (nginx variables) are left alone; a missing upper-case name is an error,
so a half-filled configuration is never written.
"""

import os
import re
import sys

PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def render(text, values):
    missing = sorted({name for name in PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise SystemExit(f"render.py: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    values = dict(os.environ)
    values.update(arg.split("=", 1) for arg in argv[2:])
    with open(argv[1], encoding="utf-8") as template:
        sys.stdout.write(render(template.read(), values))


if __name__ == "__main__":
    main(sys.argv)
