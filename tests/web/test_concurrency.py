"""Nobody's request is answered with someone else's result: 16 threads, 16 different digits, at once."""

import threading

import numpy as np
import pytest
import requests

from tests.support.encoders import canvas_png, data_url
from tests.support.http import PREDICT

THREADS = 16
ROUNDS = 6


@pytest.fixture(scope="module")
def sixteen_digits(mnist_test):
    """16 real test digits, covering all ten classes, as drawing-pad PNG data URLs."""
    images, labels = mnist_test
    chosen = [int(np.flatnonzero(labels == digit)[0]) for digit in range(10)]
    chosen += [i for i in range(100) if i not in chosen][: THREADS - len(chosen)]
    return [data_url(canvas_png(images[i])) for i in chosen]


def test_sixteen_threads_each_get_exactly_their_own_answer(live_server, sixteen_digits):
    # Every other thread asks for a saliency map too: the two compiled paths run side by side.
    payloads = [{"image": image, **({"saliency": "vanilla"} if i % 2 else {})} for i, image in enumerate(sixteen_digits)]
    alone = [requests.post(live_server + PREDICT, json=payload, timeout=30).json() for payload in payloads]
    assert len({answer["digit"] for answer in alone}) == 10

    start = threading.Barrier(THREADS)
    answers = [[] for _ in range(THREADS)]

    def client(index):
        with requests.Session() as session:
            start.wait(timeout=30)
            for _ in range(ROUNDS):
                response = session.post(live_server + PREDICT, json=payloads[index], timeout=60)
                answers[index].append((response.status_code, response.json()))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    for index in range(THREADS):
        assert len(answers[index]) == ROUNDS
        for status, answer in answers[index]:
            assert status == 200
            assert answer == alone[index], f"thread {index} got another request's answer"
