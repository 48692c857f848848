from keras_migrate.rules.model_training_flag import ModelTrainingFlag
from keras_migrate.testing import assert_migrates


def test_mixin_only_on_the_class_deriving_from_model():
    # Child's own train_step asks for the mixin: it goes on Base, since Child(Keras2Training,
    # Base) with Base(Keras2Training, keras.Model) has no consistent MRO.
    assert_migrates(
        """
        import keras

        class Base(keras.Model):
            def call(self, x, /):
                return self.dense(x)

        class Child(Base):
            def train_step(self, data):
                return {"loss": 0.0}
        """,
        """
        import keras
        from keras_migrate_runtime import Keras2Training

        class Base(Keras2Training, keras.Model):
            def call(self, x, /, training=None):
                return self.dense(x)

        class Child(Base):
            def train_step(self, data):
                return {"loss": 0.0}
        """,
        rules=[ModelTrainingFlag],
        mode="tensorflow",
    )
