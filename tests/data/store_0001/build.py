"""Build ``store.db``, a registry store of schema 0001 written by the code of main at
25673ac (before the accounts), and ``states.json``, what that code reads at each version.

Run once, with that code first on the path (not this tree's)::

    git archive 25673ac | tar -x -C /tmp/main-25673ac
    PYTHONPATH=/tmp/main-25673ac python tests/data/store_0001/build.py tests/data/store_0001

tests/test_accounts.py upgrades a copy (SQLite, and PostgreSQL after copying its rows) and
checks that every row, version and record is kept.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from geo.registry import auth, importer, store

NEW_CLUSTER = (
    "id,name_en,city,region_as_published,source_doc,source_ref\n"
    "CL-0100,Kazan test cluster,Kazan,RU-TA,registry,test\n"
)
LINK = {
    "cluster_id": "PIC-01", "mne_name": "Siemens", "hq_country": "Germany",
    "presence": "present", "source_doc": "registry", "source_ref": "form",
}  # fmt: skip


def build(folder: Path) -> None:
    """Seed, import, edit, register a link, remove it, restore: every kind of write."""
    path = folder / "store.db"
    path.unlink(missing_ok=True)
    db = store.Store.open(f"sqlite:///{path}")
    encoded = auth.hash_password("an editor's password", iterations=1000)
    editor = auth.authenticate("alice", "an editor's password", {"alice": encoded})
    parsed = importer.parse_bytes("new.csv", NEW_CLUSTER.encode(), "clusters", db.refs)
    assert db.import_file(editor, parsed).ok
    assert db.save_record(editor, "clusters", {"id": "PIC-01", "participants": "41"}).ok
    assert db.save_record(editor, "clusters", {"id": "PIC-02", "notes": "правка"}).ok
    assert db.register_mne_link(editor, LINK).ok
    added = set(db.state()["mne_links"]) - set(db.state(4)["mne_links"])
    assert db.remove(editor, "mne_links", sorted(added)).ok
    assert db.restore(editor, 2).ok
    states = {str(v.id): fingerprint(db.state(v.id)) for v in db.versions()}
    db.dispose()
    text = json.dumps(states, sort_keys=True, indent=1) + "\n"
    (folder / "states.json").write_text(text, encoding="utf-8")


def fingerprint(state: dict) -> dict[str, object]:
    """How many records of each kind, and the SHA-256 of every record's values and
    missing-value markers in a canonical JSON (the same in the test, with today's code)."""
    canonical = {
        kind: {key: [entry.values, entry.markers] for key, entry in rows.items()}
        for kind, rows in state.items()
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    counts = {kind: len(rows) for kind, rows in state.items()}
    return {"counts": counts, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


if __name__ == "__main__":
    build(Path(sys.argv[1]))
