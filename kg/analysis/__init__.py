"""Influence analysis on kg's graphs, with networkx.

One module per method; each works on any networkx graph and knows nothing of files,
RDF or CLIs (:mod:`kg.analysis.graphs` builds the graphs from RDF):

* :mod:`~kg.analysis.graphs` — influence network, entity network, coverage graph; export
* :mod:`~kg.analysis.centrality`, :mod:`~kg.analysis.micmac`, :mod:`~kg.analysis.fcm`,
  :mod:`~kg.analysis.loops`, :mod:`~kg.analysis.indices`, :mod:`~kg.analysis.communities`
* :mod:`~kg.analysis.coverage` — recommendation leverage and gaps
* :mod:`~kg.analysis.explain` — strongest and shortest influence paths
* :mod:`~kg.analysis.audit` — the report's figures and repetitions
"""
