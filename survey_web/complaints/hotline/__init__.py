"""12345/12320 hotline work orders: read a platform's export, check every row, store the good ones as
complaint cases in one transaction, and write the replies back in the platform's own columns.

Platforms differ in their headings, so each has a small YAML file in `formats/` (`formats.py` reads it).
"""
