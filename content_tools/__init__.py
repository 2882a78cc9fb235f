"""Tools for the content team: check the content, preview a summary, map the conversation.

None of these start a server; they read the same YAML files the assistant reads.
"""
import warnings

with warnings.catch_warnings(record=True):
    # spaCy, TensorFlow (pulled in by thinc) and Rasa print third-party deprecation
    # warnings on import; a writer running `make preview` should not have to read them.
    import rasa_sdk  # noqa: F401
    import spacy  # noqa: F401
