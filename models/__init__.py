"""Neural models: the embedded Chinese encoder and what is built on it."""
