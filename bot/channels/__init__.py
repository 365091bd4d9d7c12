"""Hiring channels: loopbot must be in one before a digest can be posted there."""
