"""python -m dashboard --host 127.0.0.1 --port 8050 [--model PATH] [--debug]"""

import argparse

from dashboard import create_app


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Run the Digit Reader dashboard.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--model", help="a .keras model with its evaluation report beside it")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading (never in production)")
    args = parser.parse_args(argv)
    app = create_app(model_path=args.model)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
