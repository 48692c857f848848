from tensorflow import keras

layer = keras.layers.Dense(2)
