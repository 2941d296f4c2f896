"""Render: every output of a month (SPEC §6, §7) made from the MonthResult, and the 校验报告."""
