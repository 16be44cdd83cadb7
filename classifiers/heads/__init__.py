"""Heads trained on the project's dev split, shipped per model (see classifiers.training)."""
