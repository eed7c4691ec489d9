"""Offline jobs: train the CNN and write its evaluation report."""
