"""cspm: a Customer Success portfolio manager."""

__version__ = "0.1.0"
