"""Words, list rows and columns of the assessed ward: pure (imports only `clinical`)."""
