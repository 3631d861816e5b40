"""Mutant: one epoch is not enough to reach the expected accuracy."""
LOSES = ["Q4"]

EPOCHS = 1
