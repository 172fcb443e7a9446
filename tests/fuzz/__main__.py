"""``python -m tests.fuzz --programs 20000``: the long fuzz profile (see ``long_profile.py``)."""

from __future__ import annotations

import sys

from .long_profile import main

sys.exit(main())
