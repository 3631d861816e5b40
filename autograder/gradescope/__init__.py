"""Gradescope packaging: the scripts in this folder and the entry point they call."""
