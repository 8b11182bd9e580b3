"""Where the project's corpus lives (the ``data/`` folder beside the code)."""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DOCUMENTS_FILE = DATA_DIR / "documents.jsonl"
ANNOTATIONS_DIR = DATA_DIR / "annotations"
PARTIES_FILE = DATA_DIR / "parties.json"
SPLITS_FILE = DATA_DIR / "splits.json"
AUTHORED_DIR = DATA_DIR / "authored"
