"""Reporting: the indicator cube and its cache, figures, periods, summaries, report files and charts,
shared by the dashboard, the commission pages and `flask indicators`."""
