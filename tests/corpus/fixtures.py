"""Synthetic data for the keras-io corpus scripts (verify --synthetic-data --fixtures).

Each builder answers one download the scripts make with small deterministic data of the
layout the script expects (columns, file names, archive structure). Builders receive
(url, path to write, numpy RandomState seeded by the URL).
"""

BUILDERS = []
