"""The web chat: a page server for the chat widget (webchat/server.py) and its files (webchat/static/)."""
