"""The occupational-segregation family: two groups, a focal group (women) against the rest.

References
----------
Karmel, T., & MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
Economic Record, 64(3), 187-195.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.segregation._core import count_table, _mh_counts

__all__ = ["occupational_indices"]


# the occupational-segregation family (two groups: a focal group against the rest)
def occupational_indices(data: pd.DataFrame, group: str, unit: str, weight: str | None = None, *,
                         focal: object = "F", atkinson_b: float = 0.5) -> pd.DataFrame:
    """Two-group occupational segregation indices of the focal group (women) against the rest.

    With F_u, M_u focal and other counts in unit u, T_u = F_u + M_u, a = F/T, f_u = F_u/F,
    m_u = M_u/M, p_u = F_u/T_u:

    - ``D``   = 1/2 sum_u |f_u - m_u|                             (Duncan & Duncan 1955)
    - ``IP``  = 1/T sum_u |(1-a) F_u - a M_u| = 2 a (1-a) D        (Karmel & MacLachlan 1988)
    - ``D_size_standardized`` = 1/2 sum_u |p_u / sum_v p_v - (1-p_u) / sum_v (1-p_v)|  (Gibbs 1965)
    - ``Gini`` = sum_u sum_v T_u T_v |p_u - p_v| / (2 T^2 a (1-a))  (Duncan & Duncan 1955)
    - ``Hutchens`` = 1 - sum_u sqrt(f_u m_u)                       (Hutchens 2004)
    - ``Atkinson`` = 1 - a/(1-a) |sum_u (1-p_u)^(1-b) p_u^b T_u / (a T)|^(1/(1-b))  (Atkinson 1970)
    - ``H`` and ``M``: Theil's information index and mutual information (nats).

    References
    ----------
    Karmel, T., & MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
    Economic Record, 64(3), 187-195.
    Gibbs, J. P. (1965). Occupations and segregation. American Journal of Sociology, 70(4).
    Hutchens, R. M. (2004). One measure of segregation. International Economic Review, 45(2),
    555-578.
    Atkinson, A. B. (1970). On the measurement of inequality. Journal of Economic Theory, 2(3),
    244-263; as a segregation index: James, D. R., & Taeuber, K. E. (1985). Measures of
    segregation. Sociological Methodology, 15, 1-32.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("FMFM"), "n": [30, 10, 10, 50]})
    >>> occupational_indices(d, "g", "u", "n").loc[["D", "IP", "H"], "est"].round(4).tolist()
    [0.5833, 0.28, 0.2641]
    """
    if not 0 < atkinson_b < 1:
        raise ValueError(f"atkinson_b must be between 0 and 1, got {atkinson_b}")
    wide = count_table(data, group, unit, weight)
    if focal not in wide.columns:
        raise ValueError(f"focal group {focal!r} not found in {group!r}; groups: {list(wide.columns)}")
    f = wide[focal].to_numpy(float)
    m = wide.drop(columns=focal).sum(axis=1).to_numpy(float)
    big_f, big_m = f.sum(), m.sum()
    if big_f == 0 or big_m == 0:
        raise ValueError("both the focal group and the rest need positive counts")
    t = f + m
    keep = t > 0
    f, m, t = f[keep], m[keep], t[keep]
    big_t = big_f + big_m
    a = big_f / big_t
    fu, mu, pu = f / big_f, m / big_m, f / t
    d = 0.5 * np.abs(fu - mu).sum()
    ip = np.abs((1 - a) * f - a * m).sum() / big_t
    ds = 0.5 * np.abs(pu / pu.sum() - (1 - pu) / (1 - pu).sum()).sum()
    gini = (np.abs(pu[:, None] - pu[None, :]) * t[:, None] * t[None, :]).sum() / (2 * big_t**2 * a * (1 - a))
    hutchens = 1 - np.sqrt(fu * mu).sum()
    b = atkinson_b
    atk = 1 - a / (1 - a) * abs(((1 - pu) ** (1 - b) * pu**b * t).sum() / (a * big_t)) ** (1 / (1 - b))
    mh = _mh_counts(np.column_stack([f, m]))
    stats_ = {"D": d, "IP": ip, "D_size_standardized": ds, "Gini": gini, "Hutchens": hutchens,
              "Atkinson": atk, "H": mh[1], "M": mh[0]}
    return pd.DataFrame({"est": [float(v) for v in stats_.values()]}, index=pd.Index(list(stats_), name="stat"))
