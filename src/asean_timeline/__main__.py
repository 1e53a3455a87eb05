"""Allow ``python -m asean_timeline``."""

from asean_timeline.cli import main

main()
