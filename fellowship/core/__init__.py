"""Shared building blocks used by every domain; depends on no domain."""
