"""On the path only when references of a `keras2_extras=1` program are recorded: Keras 2
libraries (TF Addons) `import keras`, which meant Keras 2 then, i.e. tf_keras now (what
keras-migrate verify does for its Keras 2 runs)."""
import os

if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    from keras_migrate.verify._child import alias_keras_to_tf_keras

    alias_keras_to_tf_keras()
