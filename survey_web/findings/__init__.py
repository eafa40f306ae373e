"""Findings: problems heard at forums (座谈会, 两代表一委员), from 行风监督员 and on staff walk-throughs
(就医流程体验), recorded as short notes with a department and themes, for the monthly problem list."""
