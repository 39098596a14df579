"""Cluster Map core: regions, records, joins, indices, maps and exports.

Plain Python over pandas/GeoPandas frames. Nothing here imports Streamlit: the pages
and the ``clustermap`` command line are thin layers over these functions.
"""

__version__ = "0.1.0"
