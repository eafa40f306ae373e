"""Helpers the staff blueprints share (no blueprint of its own): paging, staff error pages, query-string
arguments, and how times and labels are shown."""
