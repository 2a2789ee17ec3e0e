import sys

from chungtay.cli import main

sys.exit(main())
