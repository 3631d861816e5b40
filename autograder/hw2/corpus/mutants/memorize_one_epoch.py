"""Mutant: a memorization setting far too short to fit random inputs."""

LOSES = ["f"]
MAY_ALSO_LOSE = []

MEMORIZE = {"epochs": 1}
