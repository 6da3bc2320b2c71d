"""``python -m kafka.consumer``: see :mod:`kafka.cli.consumer`."""

import sys

from kafka.cli.consumer import run_cli

if __name__ == '__main__':
    sys.exit(run_cli())
