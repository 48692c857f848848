"""RandomCrop with Keras 2's inference behaviour.

Keras 2's RandomCrop, at inference (and in training when the image is smaller than the
crop), returned the largest centred window of the target aspect ratio resized to
(height, width): always the target size. Keras 3 (3.15) returns the image unchanged at
inference, so a model with a RandomCrop predicts on full-size images (another shape, or
a crash in the next layer). Training-time crops are Keras 3's own.
"""

import keras

__all__ = ["Keras2RandomCrop"]


class Keras2RandomCrop(keras.layers.RandomCrop):
    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None  # inference never crops at random (and Keras 3's centre needs a static shape)
        return super().get_random_transformation(data, training=training, seed=seed)

    def transform_images(self, images, transformation, training=True):
        if training and not self._smaller_than_crop(images):
            return super().transform_images(images, transformation, training=training)
        images = self.backend.cast(images, self.compute_dtype)
        images = self.backend.image.resize(images, size=(self.height, self.width), interpolation="bilinear",
                                           crop_to_aspect_ratio=True, data_format=self.data_format)
        return self.backend.cast(images, self.compute_dtype)

    def _smaller_than_crop(self, images):
        shape = self.backend.shape(images)
        height, width = shape[self.height_axis], shape[self.width_axis]
        if not isinstance(height, int) or not isinstance(width, int):
            return False  # a dynamic TensorFlow shape: Keras 3's own crop (it resizes as needed)
        return height < self.height or width < self.width
