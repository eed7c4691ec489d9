"""Production files: ``serve.py`` (the launcher ``make serve`` runs) and the nginx config template it renders."""
