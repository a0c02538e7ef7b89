"""pyrules: checks election data-handling declarations against the EDHS standard."""

__version__ = "0.1.0"
