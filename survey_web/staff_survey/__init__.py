"""The staff satisfaction survey (医务人员满意度): rounds, department links, anonymous storage, results
that never show a group under 10 (`groups`), staff-comment themes, `flask staff-survey`."""
