"""Exception types. Every message says which file, row or column and what was expected."""
from __future__ import annotations

__all__ = [
    "ToolkitError",
    "SchemaError",
    "DataValidationError",
    "CatalogError",
    "FetchError",
    "ChecksumError",
    "StoreError",
    "PrivacyError",
    "ReportError",
    "RequestError",
]


class ToolkitError(Exception):
    """Base class: the CLI prints these as a one-line cause and exits 1."""


class SchemaError(ToolkitError):
    """A file's layout (columns, sheet, header) is not one the toolkit recognizes."""


class DataValidationError(ToolkitError, ValueError):
    """Values break the canonical schema (bad codes, types, ranges). Names the column and rows."""


class CatalogError(ToolkitError):
    """A data-catalog entry is missing, duplicated or malformed."""


class FetchError(ToolkitError):
    """A download failed; the message says which URL to fetch by hand and where to put the file."""


class ChecksumError(FetchError):
    """A file's sha256 differs from the catalog's."""


class StoreError(ToolkitError):
    """The Parquet store is missing, empty for the request, or inconsistent."""


class PrivacyError(ToolkitError):
    """An output would reveal a small cell or a person's identifier."""


class ReportError(ToolkitError):
    """A report could not be rendered (template, kernel, converter)."""


class RequestError(ToolkitError, ValueError):
    """A request (program, years, states, languages, k, files) that cannot be served: the message
    names the option, the bad value and what is allowed."""
