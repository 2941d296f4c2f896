"""Load: every input file read by its bytes, recognised by its shape and typed into the datasets of SPEC §1."""
