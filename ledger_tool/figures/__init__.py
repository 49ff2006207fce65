"""Metrics and the weekly report."""
