"""python -m training.export --out DIR [--database-url URL]

Writes the collected drawings as training data: MNIST's IDX files, gzipped
(collected-images-idx3-ubyte.gz, collected-labels-idx1-ubyte.gz), which any MNIST loader reads,
and collected.npz (the same arrays plus each drawing's metadata). The same files the admin's
``GET /api/drawings/export`` serves: store/export.py makes both.

The database is ``--database-url``, else ``DIGIT_READER_DATABASE_URL``, else the dashboard's
embedded SQLite file (instance/digit_reader.sqlite3 in a checkout).
"""

import argparse
import gzip
import sys
from pathlib import Path

from store import Database, StoreUnavailable, export_files
from store.database import normalise_url
from store.export import LABELS_FILE
from store.migrate import url_from_environment


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m training.export", description=__doc__.split("\n\n")[1])
    parser.add_argument("--out", required=True, type=Path, help="the folder to write the files into")
    parser.add_argument("--database-url", help="default: DIGIT_READER_DATABASE_URL, else the embedded SQLite file")
    args = parser.parse_args(argv)

    url = args.database_url or url_from_environment()
    try:
        url = normalise_url(url)
        if url.get_backend_name() == "sqlite" and not Path(url.database).exists():
            raise StoreUnavailable(f"there is no database at {url.database} (nothing collected yet?)")
        database = Database.open(url, upgrade=False)
        files = export_files(database)
        database.dispose()
    except (ValueError, StoreUnavailable) as error:
        print(f"Cannot export: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_bytes(content)
    count = len(gzip.decompress(files[LABELS_FILE])) - 8        # the labels file: an 8-byte header, a byte each
    print(f"Wrote {count} drawings to {args.out}: {', '.join(sorted(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
