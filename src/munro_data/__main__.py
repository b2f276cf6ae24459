"""``python -m munro_data validate [DATA_DIR]``."""

import sys

from .cli import main

sys.exit(main())
