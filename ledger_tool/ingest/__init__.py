"""Crash logs become ledger entries."""
