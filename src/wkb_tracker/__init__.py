"""wkb: a compliance tracker for 武科函〔2021〕10号, kept as plain files in git."""

__version__ = "0.1.0"
