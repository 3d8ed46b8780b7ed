"""One module per sub-command of the CLI; each exposes ``register(app)``."""
