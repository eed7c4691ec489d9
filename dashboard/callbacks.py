"""Callbacks, registered on the app object so the factory can run twice in one process."""


def register_callbacks(app, reader, report):
    pass
