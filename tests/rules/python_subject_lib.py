"""Subject of //tests/rules:python_test (analysis only; never run)."""
