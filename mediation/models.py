"""快调: committee, mediators, recusal, sessions, agreements (built in the mediation issue)."""
