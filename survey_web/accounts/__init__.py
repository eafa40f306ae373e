"""Staff accounts: password hashing and policy, and what a user may see (hospital and department scope)."""
