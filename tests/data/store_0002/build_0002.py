"""Build ``store.db``, a registry store of schema 0002 written by the code of main at
f3bd5a5 (accounts, before the submissions), and ``states.json``, what that code reads at
each version.

Run once, with that code first on the path (not this tree's)::

    git archive f3bd5a5 | tar -x -C /tmp/main-f3bd5a5
    PYTHONPATH=/tmp/main-f3bd5a5 python tests/data/store_0002/build_0002.py tests/data/store_0002

tests/test_submissions.py upgrades a copy to 0003 (SQLite, and PostgreSQL after copying
its rows) and checks that every row of every table, version and record is kept.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from geo.registry import importer, store

PW = "correct horse battery"
NEW_CLUSTER = (
    "id,name_en,city,region_as_published,source_doc,source_ref\n"
    "CL-0100,Kazan test cluster,Kazan,RU-TA,registry,test\n"
)


def build(folder: Path) -> None:
    """Seed; accounts of each role (one pending request, one disabled); an import, an
    edit, a registration and a restore by signed-in accounts."""
    path = folder / "store.db"
    path.unlink(missing_ok=True)
    db = store.Store.open(f"sqlite:///{path}")
    acc = db.accounts
    acc.iterations, acc.key_dir = 1000, folder
    acc.add(acc.operator("build"), "root", PW, ["admin"])
    admin = acc.sign_in("root", PW).principal
    acc.add(admin, "mod", PW, ["moderator"], email="mod@example.org")
    acc.add(admin, "sub", PW, ["submitter"], clusters=["PIC-01", "PIC-02"])
    acc.add(admin, "gone", PW, ["moderator"])
    acc.disable(admin, "gone")
    acc.request("asker", PW, display_name="Аскер", email="a@example.org")
    mod = acc.sign_in("mod", PW).principal
    parsed = importer.parse_bytes("new.csv", NEW_CLUSTER.encode(), "clusters", db.refs)
    assert db.import_file(mod, parsed).ok
    assert db.save_record(mod, "clusters", {"id": "PIC-01", "participants": "41"}).ok
    values = {"name_en": "Registered", "city": "Kazan", "region_as_published": "RU-TA",
              "source_doc": "registry", "source_ref": "form"}  # fmt: skip
    assert db.register_cluster(admin, values).ok
    assert db.restore(admin, 3).ok
    states = {str(v.id): fingerprint(db.state(v.id)) for v in db.versions()}
    db.dispose()
    (folder / "secret_key").unlink(missing_ok=True)
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
