"""Thin entry point: `python cli.py ...` from a checkout, same as `remise ...`."""

from optimizer.entry import main

if __name__ == "__main__":
    main()
