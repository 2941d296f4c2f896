"""Compute: the engines of SPEC §2, one module per rule family, and the MonthResult they make (assemble.py)."""
