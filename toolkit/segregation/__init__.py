"""Segregation of groups (women, men, ...) across units (occupations, employers, states, recruiters).

Long/tidy input everywhere: a DataFrame with a ``group`` column, a ``unit`` column and an optional
``weight`` column of counts (one row per person when ``weight`` is None). Results are DataFrames
indexed by ``stat`` with ``est``, and ``se``, ``ci_low``, ``ci_high``, ``bias`` when inference is
requested. The design follows the R package ``segregation`` (Elbers 2023), one module per family
as R splits its files; values agree with it (``tests/test_segregation_r_reference.py``) and with
PySAL ``segregation`` where they overlap (``tests/test_segregation.py`` uses PySAL as an oracle).

=======================  ===================================================================
module                   verbs
=======================  ===================================================================
``mutual``               ``mutual_total``, ``mutual_local``, ``mutual_within``, ``mutual_total_nested``
``dissimilarity``        ``dissimilarity``
``mutual_expected``      ``mutual_total_expected``, ``mutual_local_expected``, ``dissimilarity_expected``
``mutual_difference``    ``mutual_difference``
``ipf``                  ``ipf``
``entropy``              ``entropy``
``exposure``             ``exposure``, ``isolation``
``compression``          ``compress``, ``get_crosswalk``, ``merge_units``, ``scree_plot``
``plots``                ``segcurve``, ``segcurve_data``, ``segplot``, ``segplot_data``
``occupational``         ``occupational_indices``
``intervals``            the bootstrap, jackknife and analytic intervals; ``SPARSE_MEAN_CELL``
``coverage``             the coverage study that chose the intervals
``_core``                ``count_table`` and the statistics on count arrays every family shares
=======================  ===================================================================

References
----------
Elbers, B. (2023). A method for studying differences in segregation across time and space.
Sociological Methods & Research, 52(1), 5-42.
"""
from toolkit.segregation._core import count_table
from toolkit.segregation.compression import Compression, compress, get_crosswalk, merge_units, scree_plot
from toolkit.segregation.dissimilarity import dissimilarity
from toolkit.segregation.entropy import entropy
from toolkit.segregation.exposure import exposure, isolation
from toolkit.segregation.intervals import (MEASURE_METHODS, METHODS, NEAR_RANDOM_D, RESAMPLE, SPARSE_MEAN_CELL,
                                           WITHIN_METHODS, Method)
from toolkit.segregation.ipf import ipf
from toolkit.segregation.mutual import mutual_local, mutual_total, mutual_total_nested, mutual_within
from toolkit.segregation.mutual_difference import DIFF_METHODS, mutual_difference
from toolkit.segregation.mutual_expected import dissimilarity_expected, mutual_local_expected, mutual_total_expected
from toolkit.segregation.occupational import occupational_indices
from toolkit.segregation.plots import SEGPLOT_ORDER, segcurve, segcurve_data, segplot, segplot_data

__all__ = [
    "entropy",
    "mutual_total",
    "mutual_local",
    "mutual_within",
    "mutual_total_nested",
    "mutual_difference",
    "mutual_local_expected",
    "exposure",
    "isolation",
    "compress",
    "Compression",
    "get_crosswalk",
    "merge_units",
    "scree_plot",
    "segcurve",
    "segcurve_data",
    "segplot",
    "segplot_data",
    "dissimilarity",
    "dissimilarity_expected",
    "mutual_total_expected",
    "ipf",
    "occupational_indices",
    "count_table",
    "Method",
    "METHODS",
    "MEASURE_METHODS",
    "WITHIN_METHODS",
    "RESAMPLE",
    "SPARSE_MEAN_CELL",
    "NEAR_RANDOM_D",
    "DIFF_METHODS",
    "SEGPLOT_ORDER",
]
