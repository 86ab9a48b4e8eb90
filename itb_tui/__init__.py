"""itb-tui: intrathecal baclofen pump refill safety on the ward round."""

__version__ = "0.1.0"
