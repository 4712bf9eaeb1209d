"""Governance: bodies, meetings, decisions, action items, escalation, ALV, work plan, agreements."""
