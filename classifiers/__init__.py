"""Classifiers: taxonomy, text normalisation, narrative tagging, evaluation."""
