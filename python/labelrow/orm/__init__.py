"""Record types describing label rows and storage items (mirrors ``encord.orm``)."""
