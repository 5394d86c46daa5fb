"""Certified data erasure: the rules a certificate satisfies, its PDF, and the public page that
checks a certificate against the register."""
