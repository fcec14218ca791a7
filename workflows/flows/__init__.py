"""The viewflow flows of the chain: who acts next in each tier, drawn as a chart.

``Case.status`` stays the business status; a flow's process points at its case and its
gateways read the case's state, so the flow never disagrees with the case file.
"""
