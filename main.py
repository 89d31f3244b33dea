"""Open the cspm desktop window: `python main.py [--db URL] [--demo] [--today DATE]`."""

from cspm.cli import gui_main

if __name__ == "__main__":
    raise SystemExit(gui_main())
