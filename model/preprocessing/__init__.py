"""From anything drawn to the model's 28x28 input: images and strokes become ink (``images``,
``strokes``), and the MNIST recipe turns ink into the model input (``recipe``)."""

from model.preprocessing.images import decode_image, ink_from_image
from model.preprocessing.recipe import Preprocessed, to_mnist
from model.preprocessing.strokes import rasterize_strokes

__all__ = ["Preprocessed", "decode_image", "ink_from_image", "rasterize_strokes", "to_mnist"]
