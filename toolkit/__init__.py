"""h2gender toolkit: evidence of occupational segregation and recruitment discrimination by sex
in US H-2A (agricultural) and H-2B (non-agricultural) temporary-visa data.

Data flows one way (see CONTRIBUTING.md): readers (``dol``, ``workers``, ``occupation_shares``) -> ``store``
-> ``dataset.Request`` / ``dataset.load`` -> ``evidence.build`` (pure statistics: ``analysis``,
``segregation``, ``discrimination``, ``language``) -> ``present`` (words, numbers, figures) ->
``report`` (HTML/PDF) and ``h2gender analyze``.

Importing the package does no I/O and prints nothing; submodules are imported on demand.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
