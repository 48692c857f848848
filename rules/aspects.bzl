"""The migration aspects this repository ships, ready to use on the command line.

    bazel build --aspects=//rules:aspects.bzl%keras_migrate --output_groups=keras_migrate_patch //pkg/...
"""

load("//rules:migrate.bzl", "keras_migrate_aspect")

# Multi-backend Keras 3 (JAX, TensorFlow, PyTorch): the default of //tools:migrate.
keras_migrate = keras_migrate_aspect(binary = Label("//tools:migrate_action"))

# Keras 3 on TensorFlow only: the smallest diff (guide part 1).
keras_migrate_tensorflow = keras_migrate_aspect(
    binary = Label("//tools:migrate_action"),
    mode = "tensorflow",
)
