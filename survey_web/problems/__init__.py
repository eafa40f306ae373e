"""The monthly problem list (整改问题清单) and its ledger: drafting from the month's figures, the item
lifecycle, follow-up figures, the document files and the operator commands (`flask problem-list`)."""
