"""Keras 2's keras.preprocessing.image / .text / .sequence utilities that Keras 3 dropped
from its API: ImageDataGenerator and its iterators, the image augmentation functions,
Tokenizer and the text functions, TimeseriesGenerator.

Keras 3 still ships them (keras.src.legacy.preprocessing: what `tf.keras` maps them to
under TensorFlow 2.16+), NumPy-only and on every backend, with tf_keras 2.21's numbers
(seeded augmentations included: np.random draws in the same order). They are taken from
there; the iterators a generator returns, and TimeseriesGenerator, are read by fit(),
evaluate() and predict() as Keras 2 read a Sequence (see sequence.py).
"""

from keras.src.legacy.preprocessing import image as _image
from keras.src.legacy.preprocessing import sequence as _sequence
from keras.src.legacy.preprocessing import text as _text

from .sequence import Keras2Sequence

__all__ = [
    "DataFrameIterator", "DirectoryIterator", "ImageDataGenerator", "Iterator", "NumpyArrayIterator",
    "TimeseriesGenerator",
    "Tokenizer", "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift", "hashing_trick",
    "random_brightness", "random_channel_shift", "random_rotation", "random_shear", "random_shift",
    "random_zoom", "text_one_hot", "text_to_word_sequence", "tokenizer_from_json",
]

apply_affine_transform = _image.apply_affine_transform
apply_brightness_shift = _image.apply_brightness_shift
apply_channel_shift = _image.apply_channel_shift
random_brightness = _image.random_brightness
random_channel_shift = _image.random_channel_shift
random_rotation = _image.random_rotation
random_shear = _image.random_shear
random_shift = _image.random_shift
random_zoom = _image.random_zoom
Tokenizer = _text.Tokenizer
hashing_trick = _text.hashing_trick
text_one_hot = _text.one_hot  # keras.preprocessing.text.one_hot (not the tensor op)
text_to_word_sequence = _text.text_to_word_sequence
tokenizer_from_json = _text.tokenizer_from_json


def _read_as_keras2(legacy):
    """`legacy` read as Keras 2 read Sequences; iterated (`for batch in it`, next()) as
    Keras 2's iterators were (without end)."""
    namespace = {"__getitem__": legacy.__getitem__, "on_epoch_end": legacy.on_epoch_end, "__doc__": legacy.__doc__,
                 "__module__": __name__}
    if "__iter__" in vars(_image.Iterator) and issubclass(legacy, _image.Iterator):
        namespace["__iter__"] = _image.Iterator.__iter__
    return type(legacy.__name__, (Keras2Sequence, legacy), namespace)


Iterator = _read_as_keras2(_image.Iterator)
NumpyArrayIterator = _read_as_keras2(_image.NumpyArrayIterator)
DirectoryIterator = _read_as_keras2(_image.DirectoryIterator)
DataFrameIterator = _read_as_keras2(_image.DataFrameIterator)
TimeseriesGenerator = _read_as_keras2(_sequence.TimeseriesGenerator)
_OURS = {_image.NumpyArrayIterator: NumpyArrayIterator, _image.DirectoryIterator: DirectoryIterator,
         _image.DataFrameIterator: DataFrameIterator}


def _ours(iterator):
    # The generator builds Keras' iterator classes: same state, our reading.
    ours = _OURS.get(type(iterator))
    if ours is not None:
        iterator.__class__ = ours
    return iterator


class ImageDataGenerator(_image.ImageDataGenerator):
    __doc__ = _image.ImageDataGenerator.__doc__

    def flow(self, *args, **kwargs):
        return _ours(super().flow(*args, **kwargs))

    def flow_from_directory(self, *args, **kwargs):
        return _ours(super().flow_from_directory(*args, **kwargs))

    def flow_from_dataframe(self, *args, **kwargs):
        return _ours(super().flow_from_dataframe(*args, **kwargs))
