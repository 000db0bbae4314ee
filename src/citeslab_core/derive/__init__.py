"""Derivation: what the records imply and never store (pathways, the référent's rules,
the follow-up list, the permanences' occurrences). The package imports nothing: import
its modules."""
