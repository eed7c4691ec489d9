"""python -m dashboard --host 127.0.0.1 --port 8050 [--model PATH] [--debug]

Werkzeug's threaded server, for development and small deployments; production uses gunicorn
(``gunicorn -c gunicorn.conf.py``). A missing or corrupt model, or a malformed setting, stops
start-up with a one-line reason and exit status 2.
"""

import argparse
import sys

from dashboard.settings import SettingsError

EXIT_CONFIG_ERROR = 2


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Run the Digit Reader dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--model", help="a .keras model with its evaluation report beside it")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading (never in production)")
    args = parser.parse_args(argv)

    from dashboard.app import create_app   # after argument parsing: --help answers without loading TensorFlow
    from dashboard.security import BannerlessRequestHandler
    from model.artifacts import ModelError

    try:
        app = create_app({"DIGIT_READER_DEBUG": True} if args.debug else None, model_path=args.model)
    except (SettingsError, ModelError) as error:
        print(f"Digit Reader cannot start: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    app.run(host=args.host, port=args.port, debug=app.server.debug, request_handler=BannerlessRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
