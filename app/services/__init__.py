"""Use cases. A service owns its transaction: views and store functions never commit."""
