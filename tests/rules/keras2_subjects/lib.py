"""A library of the keras2 subjects (its content does not matter: only its tags do)."""

VALUE = 1
