"""Speed machinery that is not about the ward: how the app tunes Python's garbage collector.

Standard library only and nothing of the project, so any layer (the store's loader, the
report, the UI) may use it without depending on another.
"""
