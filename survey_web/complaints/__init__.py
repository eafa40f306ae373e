"""Complaint cases: intake, 首诉负责制 ownership, working-day deadlines, the register and the analysis."""
