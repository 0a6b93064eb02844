"""Staff account pages: two-factor sign-in (two_factor), staff sign-in for the administrator
(staff) and the audit log (audit)."""
