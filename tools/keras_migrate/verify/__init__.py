"""`keras-migrate verify`: differential parity of a program against Keras 2.

The original program runs under genuine Keras 2 (tf_keras), its migrated copy under
Keras 3 on each backend, both with a recorder installed from outside (_recorder); the
records are compared (_compare) and the verdict reported per backend (_run).

Kept import-light: the child process imports keras_migrate.verify._child only.
"""
