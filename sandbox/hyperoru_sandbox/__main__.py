"""python3 -m hyperoru_sandbox: the same as the hyperoru-sandbox launcher."""

import sys

from .cli import main


sys.exit(main())
