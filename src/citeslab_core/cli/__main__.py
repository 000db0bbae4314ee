"""``python -m citeslab_core.cli``: the ``citeslab`` command."""

import sys

from citeslab_core.cli import main

sys.exit(main())
