"""The service-credit ledger: a kernel that home care (and later meals and renovation) draw on."""
