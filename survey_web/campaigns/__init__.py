"""Discharge follow-up campaigns: import the HIS discharge list, invite each patient once (and remind once),
honour 退订 at once, count response rates, and remove the contact data after the campaign's retention.

Modules: `importing` (CSV/XLSX with a column mapping), `contacts` (encryption and keyed hashes),
`sending` (exactly-once batches over `survey_web.channels`), `links` (what the invitation link does),
`rates` (invited, delivered, opened, answered, opted out), `lifecycle` (close and purge), `letters`
(the print run), `cli` (`flask followup ...`), `demo`.
"""
