"""coursekit: build, release and grade the course's notebooks."""
