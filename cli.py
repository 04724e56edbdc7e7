"""Thin entry point: `python cli.py ...` from a checkout, same as `remise ...`."""

from optimizer.cli import app

if __name__ == "__main__":
    app()
