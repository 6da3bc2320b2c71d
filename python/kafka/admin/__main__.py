"""``python -m kafka.admin``: see :mod:`kafka.cli.admin`."""

import sys

from kafka.cli.admin import run_cli

if __name__ == '__main__':
    sys.exit(run_cli())
