"""REST services of the ENT, one folder per endpoint."""
