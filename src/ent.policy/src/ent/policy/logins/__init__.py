"""Log-ins: well-formed credentials, throttling of failed log-ins, tokens that end with the account."""
