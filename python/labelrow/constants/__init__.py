"""Constants shared across labelrow (mirrors ``encord.constants``)."""
