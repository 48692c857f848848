from keras_migrate.rules.mixed_precision_steps import MixedPrecisionSteps
from keras_migrate.testing import assert_migrates


def test_policy_setters_become_the_runtime_function():
    for before, after in (
        ('import tensorflow as tf\ntf.keras.mixed_precision.set_global_policy("mixed_float16")\n',
         'from keras_migrate_runtime import set_global_policy as keras2_set_global_policy\n'
         'keras2_set_global_policy("mixed_float16")\n'),
        ('from tensorflow.keras.mixed_precision import set_global_policy\nset_global_policy(policy)\n',
         'from keras_migrate_runtime import set_global_policy as keras2_set_global_policy\n'
         'keras2_set_global_policy(policy)\n'),
        ('from tensorflow.keras import mixed_precision\nmixed_precision.set_global_policy("mixed_float16")\n'
         'print(mixed_precision.global_policy())\n',
         'from tensorflow.keras import mixed_precision\n'
         'from keras_migrate_runtime import set_global_policy as keras2_set_global_policy\n'
         'keras2_set_global_policy("mixed_float16")\nprint(mixed_precision.global_policy())\n'),
    ):
        assert_migrates(before, after, rules=[MixedPrecisionSteps])
