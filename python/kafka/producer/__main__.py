"""``python -m kafka.producer``: see :mod:`kafka.cli.producer`."""

import sys

from kafka.cli.producer import run_cli

if __name__ == '__main__':
    sys.exit(run_cli())
