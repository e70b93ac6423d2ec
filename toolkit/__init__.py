"""h2gender toolkit: evidence of occupational segregation and recruitment discrimination by sex
in US H-2A (agricultural) and H-2B (non-agricultural) temporary-visa data.

Data flows one way (see README): data_catalog -> toolkit.catalog -> toolkit.dol / toolkit.workers /
toolkit.benchmarks (canonical tidy tables) -> toolkit.store -> toolkit.analysis -> toolkit.segregation /
toolkit.discrimination / toolkit.language -> toolkit.figures / toolkit.geo -> notebooks and toolkit.report.

Importing the package does no I/O and prints nothing; submodules are imported on demand.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
