"""The HTTP API beside the dashboard: JSON routes under ``<prefix>api/`` and the seed form route."""

from dashboard.api.legacy import create_legacy_blueprint
from dashboard.api.routes import create_api_blueprint

__all__ = ["create_api_blueprint", "create_legacy_blueprint"]
