"""Stores that Rasa loads by module path from an endpoints file (deploy/endpoints.scaled.yml)."""
