"""The Digit Reader dashboard: Dash UI and its JSON API, on Dash's own Flask server or mounted in yours.

    from dashboard import create_app, init_dashboard
    app = create_app()                                   # standalone: app.run(), app.server for WSGI
    init_dashboard(flask_app, url_base_pathname="/digits/")   # inside an existing Flask app

Run it with ``python -m dashboard`` (Werkzeug) or ``gunicorn -c gunicorn.conf.py`` (production,
serving ``dashboard.wsgi:server``). Settings (``DIGIT_READER_*``) are listed in dashboard/settings.py.
"""

from dashboard.app import create_app, init_dashboard

__all__ = ["create_app", "init_dashboard"]
