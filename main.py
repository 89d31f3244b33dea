"""Open the cspm desktop window: `python main.py [--db URL] [--demo] [--today DATE]`."""

from cspm.ui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
