"""Where data, the store and caches live.

Defaults to a per-user data directory (``platformdirs``); ``H2GENDER_DATA_DIR`` or the CLI option
``--data-dir`` overrides it. Nothing is ever written inside the installed package.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_DATA_DIR", "data_dir", "raw_dir", "store_dir", "cache_dir", "shared_data_dir", "resource_dir"]

ENV_DATA_DIR = "H2GENDER_DATA_DIR"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data directory: ``override``, else ``$H2GENDER_DATA_DIR``, else the user data dir.

    The directory is not created here; writers create what they write.
    """
    if override is not None:
        return Path(override).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("h2gender", appauthor=False))


def raw_dir(override: str | os.PathLike | None = None) -> Path:
    """Downloaded source files, as published (``<data_dir>/raw``)."""
    return data_dir(override) / "raw"


def store_dir(override: str | os.PathLike | None = None) -> Path:
    """The harmonized Parquet store (``<data_dir>/store``)."""
    return data_dir(override) / "store"


def cache_dir() -> Path:
    """Per-user cache for derived, re-creatable files."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("h2gender", appauthor=False))


def shared_data_dir() -> Path | None:
    """``../shared/data`` next to a source checkout (tests and development only), or None."""
    here = Path(__file__).resolve().parents[1]
    candidate = here.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def resource_dir(name: str) -> Path | None:
    """A project folder the toolkit reads at run time (``data_catalog``, ``reports/templates``).

    From a source checkout (editable install) the folder in the repository; from an installed
    wheel the copy under ``<prefix>/share/h2gender/`` (``[tool.setuptools.data-files]``). None when
    neither exists.
    """
    import sys

    here = Path(__file__).resolve().parents[1] / name
    if here.is_dir():
        return here
    installed = Path(sys.prefix) / "share" / "h2gender" / Path(name).name
    return installed if installed.is_dir() else None

