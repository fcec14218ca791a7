"""The chain: viewflow flows, the router between tiers, queues and timers (later issues)."""
