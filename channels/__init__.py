"""Input and output channels of the assistant beyond Rasa's own (see credentials.yml)."""
