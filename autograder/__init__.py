"""Hidden checks, the grading engine and the Gradescope packaging."""
