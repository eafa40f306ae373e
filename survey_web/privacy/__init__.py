"""The respondent's rights and data minimisation (PIPL): receipt codes to see, export and erase a response,
retention of free text and contacts, and the daily keys that hash device cookies."""
