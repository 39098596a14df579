"""Personal contact data of the cluster card (issue 16): never in a public output, shown to
signed-in users with a role.

A store (SQLite) gets planted contacts (a person, an e-mail and a phone) on a published
cluster, changed in a later version, and on a cluster registered by an import. Then every
public output is read and searched for them: the store's frames, CSV downloads and display
tables of every version, the changes of every version and between versions (the history
and changes pages and their CSV), a cluster's timeline, an import's preview, the dataset
the app, exports, API and command line read, every export format, ``clustermap
clusters``/``history``/``export``, the OGC API's collections in every format, and the
pages under AppTest as a viewer. Signed in, :meth:`Store.contacts` and the cluster page
show them; everyone without ``contacts.view`` is refused.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from geo.api import app as api_app, providers
from geo.cli import commands as cli
from geo.registry import auth, card, history, importer, sources, store
from geo.render.exports import formats
from tests.test_accounts import FAST, PW
from ui import navigation

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
BOOTSTRAP_PASSWORD = "bootstrap pass"

PERSON, EMAIL, PHONE = "Иван Секретов", "planted.secret@example.ru", "+7 (999) 000-11-22"
PERSON2, EMAIL2, PHONE2 = "Pyotr Hiddenov", "second.hidden@example.org", "8 800 555-35-35"
NEW_PERSON, NEW_EMAIL, NEW_PHONE = "Anna Privatova", "anna.private@example.com", "+44 20 7946 0958"
PLANTED = (PERSON, EMAIL, PHONE, PERSON2, EMAIL2, PHONE2, NEW_PERSON, NEW_EMAIL, NEW_PHONE)
NEEDLES = (*PLANTED, "Секретов", "planted.secret", "000-11-22", "Hiddenov", "555-35-35")
"""What must never appear (the values, and parts of them a format might split off)."""

NEW_CLUSTER = (
    "id,name_en,city,region_as_published,source_doc,source_ref,website,"
    "contact_person,contact_email,contact_phone\n"
    f"CL-0001,Privacy test cluster,Kazan,RU-TA,registry,test,https://cluster.example.ru,"
    f'{NEW_PERSON},{NEW_EMAIL},"{NEW_PHONE}"\n'
)


def leaks(text: str | bytes) -> list[str]:
    """The needles found in ``text`` (bytes are read as UTF-8 and as UTF-16)."""
    if isinstance(text, bytes):
        texts = [text.decode("utf-8", "ignore"), text.decode("utf-16-le", "ignore")]
    else:
        texts = [text]
    return [n for n in NEEDLES if any(n in t for t in texts)]


def archive_text(data: bytes) -> bytes:
    """A file's bytes, with every member of a ZIP (an export bundle, an XLSX) unpacked."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"\n".join(archive_text(archive.read(name)) for name in archive.namelist())


# --------------------------------------------------------------------------- the store


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[str, dict[str, auth.Principal]]:
    """The store's URL and principals: version 1 the seed; 2 contacts on PIC-01; 3 a new
    cluster with contacts (import); 4 PIC-01's contacts changed."""
    folder = tmp_path_factory.mktemp("privacy")
    url = f"sqlite:///{folder / 'store.db'}"
    db = store.Store.open(url)
    db.accounts.iterations, db.accounts.key_dir = FAST, folder
    operator = db.accounts.operator("test")
    for name, role in (("sub", "submitter"), ("mod", "moderator"), ("adm", "admin")):
        db.accounts.add(operator, name, PW, [role])
    who = {name: db.accounts.sign_in(name, PW).principal for name in ("sub", "mod", "adm")}
    mod = who["mod"]
    contacts = {"contact_person": PERSON, "contact_email": EMAIL, "contact_phone": PHONE}
    assert db.save_record(mod, "clusters", {"id": "PIC-01", **contacts}).version == 2
    parsed = importer.parse_bytes("new.csv", NEW_CLUSTER.encode(), "clusters", db.refs)
    assert db.import_file(mod, parsed).version == 3
    contacts = {"contact_person": PERSON2, "contact_email": EMAIL2, "contact_phone": PHONE2}
    assert db.save_record(mod, "clusters", {"id": "PIC-01", **contacts}).version == 4
    db.dispose()
    return url, who


@pytest.fixture(scope="module")
def db(planted) -> store.Store:
    opened = store.Store(planted[0])
    opened.accounts.iterations = FAST
    yield opened
    opened.dispose()


def test_the_contacts_are_stored(db):
    """The control: the planted values are in the store, so their absence below means
    they were left out, not lost."""
    values = db.state()["clusters"]["PIC-01"].values
    assert (values["contact_person"], values["contact_email"]) == (PERSON2, EMAIL2)
    assert db.state(2)["clusters"]["PIC-01"].values["contact_phone"] == PHONE
    assert db.state()["clusters"]["CL-0001"].values["contact_email"] == NEW_EMAIL


@pytest.mark.parametrize("version", [2, 3, 4])
def test_downloads_tables_and_frames_of_every_version_leave_them_out(db, version):
    assert leaks(db.export("clusters", version)) == []
    assert leaks(db.table("clusters", version, "ru").to_csv()) == []
    frames = db.frames(version)
    assert leaks(frames["clusters"].to_csv()) == []
    assert not set(card.PRIVATE_FIELDS["clusters"]) & set(frames["clusters"].columns)
    assert leaks(db.changes_frame(version).to_csv()) == []
    assert leaks(db.changes_frame(version, "ru").to_csv()) == []


def test_history_changes_and_timelines_leave_them_out(db):
    assert leaks(db.history().to_csv()) == []
    for old, new in ((1, 4), (2, 4), (4, 1), (1, 3)):
        span = history.changes_between(db, old, new)
        assert leaks(history.changes_csv(span)) == []
        for lang in (None, "en", "ru"):
            assert leaks(history.changes_table(span.changes, lang).to_csv()) == []
    for cluster in ("PIC-01", "CL-0001"):
        for lang in ("en", "ru"):
            assert leaks(history.cluster_timeline(db, cluster, lang).to_csv()) == []


def test_the_changes_of_a_version_show_a_contact_change_only_to_those_who_may(db):
    """Version 4 changed only PIC-01's contacts: the record is listed as changed, with no
    field; asked for the private cells (a moderator's review), they are there."""
    (change,) = db.changes(4)
    assert (change.key, change.change, change.cells()) == ("PIC-01", "changed", [])
    assert {c for c, _, _ in change.cells(private=True)} == set(card.PRIVATE_FIELDS["clusters"])


def test_an_import_preview_does_not_show_the_stored_contacts(db):
    """Anyone may preview an import: a file changing a cluster's e-mail must not show the
    stored one as "before"."""
    text = "id,contact_email\nPIC-01,someone.else@example.ru\n"
    plan = db.preview(importer.parse_bytes("c.csv", text.encode(), "clusters", db.refs))
    assert plan.ok and plan.counts()["changed"] == 1
    assert leaks(importer.changes_frame(plan.changes, "en").to_csv()) == []
    assert "someone.else" not in importer.changes_frame(plan.changes).to_csv()


def test_an_exported_file_imports_back_keeping_the_contacts(db):
    """The public CSV has no contact columns; importing it back changes nothing (columns
    a file lacks keep their stored values), in upsert and in replace mode."""
    text = db.export("clusters")
    for mode in ("upsert", "replace"):
        plan = db.preview(importer.parse_bytes("c.csv", text.encode(), "clusters", db.refs), mode)
        assert plan.ok and plan.changes == (), mode


def test_the_dataset_every_output_reads_has_no_contacts(db):
    data = sources.dataset_from_store(db)
    assert leaks(data.clusters.drop(columns="geometry").to_csv()) == []
    assert "website" in data.clusters.columns  # the public card is there
    row = data.clusters.set_index("id").loc["CL-0001"]
    assert row["website"] == "https://cluster.example.ru"


# --------------------------------------------------------------------------- the guarded read


def test_contacts_are_read_only_with_contacts_view(db, planted):
    _, who = planted
    for name in ("sub", "mod", "adm"):
        got = db.contacts(who[name], "PIC-01")
        assert got == {"contact_email": EMAIL2, "contact_person": PERSON2, "contact_phone": PHONE2}
    assert db.contacts(who["mod"], "PIC-01", 2)["contact_email"] == EMAIL
    assert db.contacts(who["sub"], "PIC-02") == dict.fromkeys(card.PRIVATE_FIELDS["clusters"])
    forged = auth.Principal("adm", who["adm"].signed_in_at, b"\0" * 32, frozenset({"admin"}))
    for nobody in (None, "adm", {"name": "adm", "roles": ["admin"]}, forged):
        with pytest.raises(auth.NotAuthorised):
            db.contacts(nobody, "PIC-01")
    with pytest.raises(KeyError):
        db.contacts(who["mod"], "CL-0001", 2)  # not in version 2


# --------------------------------------------------------------------------- command line


@pytest.fixture
def shell(planted, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(store.ENV_DATABASE_URL, planted[0])
    monkeypatch.setenv("CLUSTERMAP_LANG", "en")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["clusters", "--format", "csv"],
        ["clusters", "--format", "md"],
        ["clusters", "--format", "json"],
        ["history"],
        ["history", "4"],
        ["history", "3"],
        ["history", "4", "--records", "clusters"],
        ["scenarios", "--format", "csv"],
        ["joins", "--format", "csv"],
    ],
    ids=" ".join,
)
def test_command_line_outputs_leave_them_out(shell, capsys, argv):
    code = cli.main(argv)
    out = capsys.readouterr()
    assert code == 0, out.err
    assert leaks(out.out + out.err) == []


FORMATS = [
    pytest.param(entry, marks=[pytest.mark.slow] if entry.layouts else [], id=entry.key)
    for entry in formats.ENTRIES  # the static maps (layouts) take seconds each: slow
]


@pytest.mark.parametrize("entry", FORMATS)
def test_every_export_format_leaves_them_out(shell, capsys, entry):
    fmt = entry.key
    target = shell / f"export.{entry.extension}"
    argv = ["export", "--territory", "RU-TA", "--format", fmt, "-o", str(target)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    written = [target] if target.is_file() else sorted(p for p in shell.rglob("*") if p.is_file())
    assert written
    for path in written:
        assert leaks(archive_text(path.read_bytes())) == [], path.name


# --------------------------------------------------------------------------- the API


@pytest.fixture(scope="module")
def api(planted) -> TestClient:
    app = api_app.app_for(providers.StoreProvider(planted[0]))
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "path",
    [
        "/collections/clusters/items?limit=10000&f=json",
        "/collections/clusters/items?f=csv",
        "/collections/clusters/items?limit=10000&f=html",
        "/collections/clusters/items/PIC-01?f=json",
        "/collections/clusters/items/CL-0001?f=html",
        "/collections/clusters/items?version=2&f=csv",
        "/collections/clusters/schema",
        "/collections/clusters/queryables",
        "/collections/mne_links/items?f=csv",
        "/collections/regions/items?limit=100&f=json",
    ],
)
def test_api_collections_leave_them_out(api, path):
    response = api.get(path)
    assert response.status_code == 200, response.text[:300]
    assert leaks(response.content) == []


def test_api_clusters_carry_no_contact_property(api):
    doc = api.get("/collections/clusters/items/PIC-01?f=json").json()
    assert not set(card.PRIVATE_FIELDS["clusters"]) & set(doc["properties"])


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def site(planted, monkeypatch) -> str:
    url = planted[0]
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", 1000)
    encoded = auth.hash_password(BOOTSTRAP_PASSWORD, iterations=1000)
    monkeypatch.setenv(auth.ENV_EDITORS, f"boot:{encoded}")
    return url


def page(name: str, params: dict[str, str] | None = None, at: AppTest | None = None) -> AppTest:
    """``name`` of :data:`ui.navigation.PAGES` (in an existing session ``at``, if given)."""
    if at is None:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.query_params["lang"] = "en"
        at.run()
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(navigation.file(name))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def everything(at: AppTest) -> str:
    """All text a page shows: Markdown, captions, alerts, headers, metrics, tables."""
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader")
             for e in at.get(kind)]  # fmt: skip
    parts += [a.value for kind in ("info", "success", "error", "warning") for a in at.get(kind)]
    parts += [str(m.value) for m in at.metric]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [str(getattr(w, "value", "")) for w in at.text_input]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("cluster", {"id": "PIC-01"}),
        ("cluster", {"id": "CL-0001"}),
        ("cluster", {"id": "PIC-01", "version": "2"}),
        ("registry", {}),
        ("changes", {"from": "1", "to": "4"}),
        ("import_data", {}),
        ("compare", {"clusters": "PIC-01,CL-0001"}),
        ("region", {"code": "RU-TA"}),
    ],
)
def test_public_pages_as_a_viewer_leave_them_out(site, name, params):
    at = page(name, params)
    assert leaks(everything(at)) == []


def test_a_signed_in_user_sees_the_contacts_on_the_cluster_page(site):
    """Signed in (the bootstrap editor: a moderator) on the edit page, then the cluster
    page of the same session shows the contacts, as a plain-text table."""
    at = page("edit")
    at.text_input(key="sign_in_user").input("boot")
    at.text_input(key="sign_in_password").input(BOOTSTRAP_PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    at = page("cluster", {"id": "PIC-01"}, at)
    shown = everything(at)
    assert EMAIL2 in shown and PHONE2 in shown and PERSON2 in shown
    assert "Contacts of the management organisation" in shown
    at = page("cluster", {"id": "CL-0001"}, at)
    assert NEW_EMAIL in everything(at)


def test_the_api_and_exports_carry_the_public_card_beside_no_contact(api, shell, capsys):
    """The control of the searches above: the card's public fields of the same cluster
    (its web site) are served and exported, so the contacts are left out by choice, not
    because the card is left out altogether."""
    props = api.get("/collections/clusters/items/CL-0001?f=json").json()["properties"]
    assert props["website"] == "https://cluster.example.ru"
    assert not set(card.PRIVATE_FIELDS["clusters"]) & set(props)
    target = shell / "export.csv.zip"
    argv = ["export", "--territory", "RU-TA", "--format", "csv", "-o", str(target)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    text = archive_text(target.read_bytes()).decode("utf-8", "ignore")
    assert "https://cluster.example.ru" in text and leaks(text) == []
