"""Responses: the survey form built from a bank, admission (bots, repeats, rate limits), storing a
submission, and the office's corrections of a comment's themes."""
