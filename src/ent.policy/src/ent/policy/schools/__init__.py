"""The schools of the County: their directory and their import from the official list."""
