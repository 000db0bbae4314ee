"""``python -m citeslab_core.cli``: the ``citeslab`` command."""

import sys

from citeslab_core.cli import main

if __name__ == "__main__":  # importing the module (a test's walk) runs nothing
    sys.exit(main())
