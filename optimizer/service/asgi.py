"""The service as an import string for uvicorn's worker processes (`remise serve --workers N`):
each worker builds the app from the environment that `remise serve` set (REMISE_DB, ...)."""

from .app import create_app
from .settings import Settings

app = create_app(Settings.from_env())
