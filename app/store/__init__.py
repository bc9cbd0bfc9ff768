"""Queries. Store functions read and write through the session but never commit."""
