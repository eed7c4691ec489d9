"""Inside the network: what every convolutional layer of the CNN outputs for one model input.

The model is a stack of conv-BN-ReLU layers (training/train.py); each layer's post-ReLU output is
reported as one small heat map per channel, ``(channels, height, width)``, from 26x26x32 down to
the 1x1x128 layer the logits read: about 56,000 floats in all, every layer from one compiled call.
Nothing here runs unless asked for: the reading itself never computes activations.

``sprite`` lays a layer's channels out as one grid image, so a page can show them with one PNG.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class LayerActivations:
    name: str            # "conv 3: 5x5, stride 2, 32 channels"
    maps: np.ndarray     # (channels, height, width) float32, post-ReLU, so >= 0

    @property
    def low(self):
        return float(self.maps.min())

    @property
    def high(self):
        return float(self.maps.max())

    def channel_range(self, channel):
        """``(low, high)`` of one channel's map: what an enlarged channel is labelled with."""
        channel_map = self.maps[channel]
        return float(channel_map.min()), float(channel_map.max())


def build_activations_graph(tf, keras_model):
    """``(graph, names)``: ``graph`` is a tf.function of one (28, 28) input that answers every conv
    layer's post-ReLU output as ``(channels, height, width)``, in order; ``names`` describe the layers."""
    import keras

    layers, names, conv = [], [], None
    for layer in keras_model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            conv = layer
        elif isinstance(layer, keras.layers.ReLU) and conv is not None:
            layers.append(layer)
            names.append(_describe(len(names) + 1, conv))
            conv = None
    outputs_model = keras.Model(keras_model.inputs, [layer.output for layer in layers])

    # XLA-compiled like the forward-only graph: the same convolutions, seven outputs instead of one.
    @tf.function(input_signature=[tf.TensorSpec((28, 28), tf.float32)], jit_compile=True)
    def graph(image):
        outputs = outputs_model(image[None, :, :, None], training=False)
        return [tf.transpose(output[0], (2, 0, 1)) for output in outputs]

    return graph, tuple(names)


def activations(graph, names, image):
    """One (28, 28) float32 model input -> ``[LayerActivations, ...]``, first layer first."""
    outputs = graph(np.asarray(image, np.float32))
    return [LayerActivations(name, output.numpy()) for name, output in zip(names, outputs)]


def sprite(layer, columns=8, gap=1):
    """A layer's channels as one uint8 grid image, ``columns`` maps a row with ``gap`` black pixels
    between them, each map scaled by the layer's own range (0 stays black, the layer's top is 255)."""
    maps = layer.maps
    channels, height, width = maps.shape
    rows = -(-channels // columns)
    top = layer.high
    scaled = np.zeros_like(maps) if top <= 0 else maps / top
    grid = np.zeros((rows * (height + gap) - gap, columns * (width + gap) - gap), np.float32)
    for channel in range(channels):
        row, column = divmod(channel, columns)
        y, x = row * (height + gap), column * (width + gap)
        grid[y:y + height, x:x + width] = scaled[channel]
    return np.round(grid * 255).astype(np.uint8)


def _describe(number, conv):
    config = conv.get_config()
    kernel = "x".join(str(k) for k in config["kernel_size"])
    stride = max(config["strides"])
    return (f"conv {number}: {kernel}{f', stride {stride}' if stride > 1 else ''}, "
            f"{config['filters']} channels")
