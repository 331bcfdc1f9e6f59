"""What the tests share: the real services they start and the data they use."""
