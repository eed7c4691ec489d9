"""Slow clients as an attacker runs them (slowloris): connections that trickle a request's head, or
its body, a little at a time and never finish it, to hold whatever the server gives each connection.
Used by tests/web/test_serve.py and ``python -m benchmarks.load``."""

import contextlib
import socket
import threading

TRICKLES = ("headers", "body")


class SlowClients:
    """``count`` connections to ``host:port``, each sending one more piece of its unfinished request
    every ``interval_s`` seconds from a background thread until ``close()``."""

    def __init__(self, host, port, count=16, trickle="headers", interval_s=1.0):
        if trickle not in TRICKLES:
            raise ValueError(f"trickle is one of {TRICKLES}")
        head = f"POST /api/predict HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        if trickle == "headers":      # a head that never ends: one more header line each time
            self.opening, self.piece = head.encode(), b"X-Trickle: 1\r\n"
        else:                         # a whole head, then a body of 64 KiB that arrives a byte at a time
            self.opening, self.piece = (head + "Content-Length: 65536\r\n\r\n{").encode(), b" "
        self.interval_s = interval_s
        self.connections = [socket.create_connection((host, port), timeout=10) for _ in range(count)]
        for connection in self.connections:
            connection.sendall(self.opening)
            connection.settimeout(None)   # blocking: a timeout would make held()'s MSG_DONTWAIT peek wait
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self):
        while not self._stop.wait(self.interval_s):
            for connection in self.connections:
                try:
                    connection.sendall(self.piece)
                except OSError:
                    pass              # closed by the server: held() reports it

    def held(self):
        """How many connections the server still holds open, neither answered nor closed."""
        return sum(_still_waiting(connection) for connection in self.connections)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=10)
        for connection in self.connections:
            connection.close()


def _still_waiting(connection):
    try:
        connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return True                   # nothing to read: the server is still waiting for the rest
    except OSError:
        return False                  # reset
    return False                      # an answer (a 408, say) or the server's close


@contextlib.contextmanager
def slow_clients(host, port, count=16, trickle="headers", interval_s=1.0):
    """``SlowClients`` for the duration of a ``with`` block."""
    clients = SlowClients(host, port, count, trickle, interval_s)
    try:
        yield clients
    finally:
        clients.close()
