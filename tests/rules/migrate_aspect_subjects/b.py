import tensorflow as tf

x = tf.keras.layers.LeakyReLU(alpha=0.2)
