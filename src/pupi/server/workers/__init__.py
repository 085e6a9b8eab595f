"""Running sessions: the worker pool and the code that runs one session."""
