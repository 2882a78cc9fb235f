"""Changes to how the Rasa server behaves, installed by scripts/rasa_server.py before it starts.

Rasa 3.6 offers no hooks for these, so each one wraps a single Rasa method, and says why.
"""
