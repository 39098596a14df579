"""The registration/editing page and the import/history page under AppTest.

Each test gets its own SQLite store (``CLUSTERMAP_DATABASE_URL``) and one bootstrap editor
in ``CLUSTERMAP_EDITORS`` (a moderator); ``accounts`` adds database accounts of each role.
The pages are run through the app's navigation (:data:`ui.navigation.PAGES`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.registry import auth, store
from geo.registry.accounts import ENV_SECRET_KEY, Accounts
from tests.support import browser_pages as bp, serve
from tests.test_accounts import Clock
from tests.test_browser import APP_IDLE, guarded_page
from ui import navigation, signin

sync_api, browser = bp.sync_api, bp.browser  # the shared browser fixtures (module scope)

TIMEOUT = 120
ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
PASSWORD = "s3cret pass"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", 1000)  # the app's store: no rehash to 600k
    encoded = auth.hash_password(PASSWORD, iterations=1000)
    monkeypatch.setenv(auth.ENV_EDITORS, f"alice:{encoded}")
    return url


def open_page(page: str, lang: str = "en") -> AppTest:
    """The page ``page`` (a name of :data:`ui.navigation.PAGES`) in ``lang``, through the
    app's navigation."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(navigation.file(page))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_in(
    at: AppTest, user: str = "alice", password: str = PASSWORD, button: str = "Sign in"
) -> AppTest:
    at.text_input(key="sign_in_user").input(user)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == button).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote as Markdown, captions, alerts."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for kind in ("info", "success", "error", "warning") for a in at.get(kind)]
    return "\n".join(parts)


def test_a_viewer_sees_no_form_and_cannot_save(db_url):
    at = open_page("edit")
    assert "Viewing only" in texts(at)
    labels = {b.label for b in at.button}
    assert not labels & {"Save changes", "Register the cluster", "Add the link"}
    assert [t.key for t in at.text_input] == ["sign_in_user", "sign_in_password"]


def test_a_wrong_password_does_not_sign_in(db_url):
    at = sign_in(open_page("edit"), password="wrong")
    assert "Unknown user or wrong password." in texts(at)
    assert "Viewing only" in texts(at)


def test_an_editor_edits_a_cluster_and_a_new_version_records_who(db_url):
    at = sign_in(open_page("edit"))
    assert "Signed in as alice" in texts(at)
    at.selectbox(key="edit_pick").select("PIC-01")
    at.run()
    at.text_input(key="cluster_PIC-01_participants").input("77")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert not at.exception
    assert "Saved as version 2." in texts(at)
    db = store.Store(db_url)
    assert db.state()["clusters"]["PIC-01"].values["participants"] == 77.0
    assert db.version(2).author == "alice"
    assert [(c.key, c.change) for c in db.changes(2)] == [("PIC-01", "changed")]


def test_a_registered_script_name_is_shown_as_text_never_as_markup(db_url):
    at = sign_in(open_page("edit"))
    at.text_input(key="cluster___new___name_en").input("<script>alert(1)</script>")
    at.text_input(key="cluster___new___region_as_published").input("Республика Татарстан")
    assert at.text_input(key="cluster___new___source_doc").value == "registry"  # prefilled
    at.text_input(key="cluster___new___source_ref").input("form")
    next(b for b in at.button if b.label == "Register the cluster").click()
    at.run()
    assert not at.exception
    assert "Saved as version 2." in texts(at)
    db = store.Store(db_url)
    assert db.state()["clusters"]["CL-0001"].values["name_en"] == "<script>alert(1)</script>"
    at.run()
    options = at.selectbox(key="edit_pick").options
    assert "CL-0001: <script>alert(1)</script>" in options  # a plain-text option
    assert "<script>" not in texts(at)


def test_an_invalid_edit_changes_nothing_and_says_why(db_url):
    at = sign_in(open_page("edit"))
    at.selectbox(key="edit_pick").select("PIC-01")
    at.run()
    at.text_input(key="cluster_PIC-01_participants").input("many")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert "Nothing was saved: 1 problem(s)." in texts(at)
    report = at.dataframe[-1].value
    assert report.loc[0, "column"] == "participants" and "not a number" in report.loc[0, "problem"]
    assert store.Store(db_url).head() == 1


def test_history_is_public_but_restore_needs_an_editor(db_url):
    at = open_page("import_data")
    history = at.dataframe[0].value
    assert list(history["version"]) == [1]
    editor = auth.authenticate("alice", PASSWORD, auth.editor_credentials())
    db = store.Store(db_url)
    db.save_record(editor, "clusters", {"id": "PIC-02", "participants": "5"})
    at.run()
    at.selectbox(key="history_version").select(1)
    at.run()
    assert "Sign in as an editor (sidebar) to restore a version." in texts(at)
    assert not [b for b in at.button if b.key == "restore"]
    sign_in(at)
    at.selectbox(key="history_version").select(1)
    at.run()
    next(b for b in at.button if b.key == "restore").click()
    at.run()
    assert "Version 1 restored as version 3." in texts(at)
    assert db.state() == db.state(1)
    assert db.version(3).author == "alice"


def preview_script() -> None:
    """Runs inside AppTest: the import page's preview of an uploaded file's bytes (the
    file uploader itself cannot be driven by AppTest), signed in when the test says so."""
    import os

    from app_pages.import_data import preview_and_import
    from geo.registry import auth, importer
    from geo.registry.store import default_url
    from ui.dataset import open_store

    store = open_store(default_url())
    editor = None
    if os.environ.get("TEST_SIGNED_IN") == "1":
        editor = auth.authenticate("alice", os.environ["TEST_PASSWORD"], auth.editor_credentials())
    data = os.environ["TEST_UPLOAD"].encode("cp1251")
    parsed = importer.parse_bytes("upload.csv", data, "clusters", store.refs)
    preview_and_import(store, editor, parsed, "upsert")


UPLOAD_OK = (
    "Идентификатор;Название;Город;Регион;Статус;Число участников;Источник;Ссылка на источник\n"
    "CL-0001;Тестовый кластер;Казань;RU-TA;кластер-лидер;12;registry;анкета\n"
)


def run_preview(monkeypatch, text: str, signed_in: bool, lang: str = "en") -> AppTest:
    monkeypatch.setenv("TEST_UPLOAD", text)
    monkeypatch.setenv("TEST_PASSWORD", PASSWORD)
    monkeypatch.setenv("TEST_SIGNED_IN", "1" if signed_in else "0")
    monkeypatch.syspath_prepend(str(ROOT))
    at = AppTest.from_function(preview_script, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_upload_preview_reports_problems_and_offers_no_import(db_url, monkeypatch):
    bad = UPLOAD_OK.replace(";12;", ";двенадцать;").replace("RU-TA", "Атлантида")
    at = run_preview(monkeypatch, bad, signed_in=True)
    assert "2 problem(s): nothing will be imported" in texts(at)
    report = at.dataframe[-1].value
    assert set(report["column"]) == {"Регион", "Число участников"}  # the file's own headers
    assert set(report["row"]) == {2}
    assert not [b for b in at.button if b.label == "Import as a new version"]
    assert store.Store(db_url).head() == 1


def test_upload_preview_for_a_viewer_and_import_for_an_editor(db_url, monkeypatch):
    viewer = run_preview(monkeypatch, UPLOAD_OK, signed_in=False)
    assert "Valid: 1 to add" in texts(viewer)
    assert "Sign in as an editor (sidebar) to import this file." in texts(viewer)
    assert not [b for b in viewer.button if b.label == "Import as a new version"]
    at = run_preview(monkeypatch, UPLOAD_OK, signed_in=True)
    next(b for b in at.button if b.label == "Import as a new version").click()
    at.run()
    assert "Saved as version 2." in texts(at)
    db = store.Store(db_url)
    assert db.state()["clusters"]["CL-0001"].values["status"] == "leading"
    assert db.version(2).author == "alice"


def test_an_editor_adds_and_removes_an_mne_link(db_url):
    at = sign_in(open_page("edit"))
    at.selectbox(key="edit_pick").select("PIC-01")
    at.run()
    at.text_input(key="link_PIC-01_mne_name").input("Siemens")
    at.text_input(key="link_PIC-01_hq_country").input("Германия")
    at.selectbox(key="link_PIC-01_presence").select("present")
    at.text_input(key="link_PIC-01_source_ref").input("form")
    next(b for b in at.button if b.label == "Add the link").click()
    at.run()
    assert "Saved as version 2." in texts(at)
    db = store.Store(db_url)
    link = db.links()["MNE-09"]
    assert (link.values["cluster_id"], link.values["hq_country"]) == ("PIC-01", "Germany")
    at.run()
    at.selectbox(key="remove_link_PIC-01").select("MNE-09")
    next(b for b in at.button if b.label == "Remove the link").click()
    at.run()
    assert "Saved as version 3." in texts(at)
    assert "MNE-09" not in db.links()


def test_an_edit_in_the_store_shows_on_every_page(db_url) -> None:
    """The app shows the store's latest version: a cluster registered by an editor is on
    the data page and the map at once, with nothing restarted."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.switch_page(navigation.file("data")).run()
    assert not at.exception, [e.message for e in at.exception]
    before = {m.label: m.value for m in at.metric}["Clusters"]

    opened = store.Store.open(db_url)
    editor = auth.authenticate("alice", PASSWORD, auth.parse_editors(os.environ[auth.ENV_EDITORS]))
    assert editor is not None
    result = opened.register_cluster(
        editor,
        {
            "name_en": "Kazan test cluster <b>bold</b>",
            "city": "Kazan",
            "region_as_published": "Republic of Tatarstan",
            "industry_group": "Nuclear industries",
            "source_doc": "registry",
            "source_ref": "test",
        },
    )
    assert result.version == opened.head()

    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = {m.label: m.value for m in at.metric}["Clusters"]
    assert int(after) == int(before) + 1


# ------------------------------------------------------------------ the pages in Russian


def test_the_edit_page_in_russian_for_a_viewer(db_url):
    at = open_page("edit", lang="ru")
    assert at.title[0].value == "Регистрация и редактирование кластеров"
    assert "Только просмотр" in texts(at)
    assert "Viewing only" not in texts(at)
    assert [t.label for t in at.text_input] == ["Имя пользователя", "Пароль"]
    assert "Войти" in {b.label for b in at.button}


def test_an_editor_edits_in_russian(db_url):
    at = sign_in(open_page("edit", lang="ru"), button="Войти")
    assert "Вы вошли как alice" in texts(at)
    at.selectbox(key="edit_pick").select("PIC-01")
    at.run()
    assert "Общие сведения" in [h.value for h in at.subheader]
    assert at.text_input(key="cluster_PIC-01_participants").label == "Участники"
    status = at.selectbox(key="cluster_PIC-01_status")
    assert status.label == "Статус" and "кластер-лидер" in status.options
    assert "нет данных" in status.options  # the empty choice
    at.text_input(key="cluster_PIC-01_participants").input("много")
    next(b for b in at.button if b.label == "Сохранить изменения").click()
    at.run()
    assert "Ничего не сохранено: ошибок — 1." in texts(at)
    report = at.dataframe[-1].value
    assert report["problem"].tolist() == ["«много» — не число"]  # the problem in Russian
    at.text_input(key="cluster_PIC-01_participants").input("77")
    next(b for b in at.button if b.label == "Сохранить изменения").click()
    at.run()
    assert "Сохранено как версия 2." in texts(at)
    assert store.Store(db_url).state()["clusters"]["PIC-01"].values["participants"] == 77.0


def test_the_import_page_in_russian(db_url):
    at = open_page("import_data", lang="ru")
    assert at.title[0].value == "Импорт и история"
    assert [t.label for t in at.tabs] == ["Импорт", "История"]
    assert at.selectbox[0].label == "Вид записей"
    assert at.selectbox[0].options == [
        "Кластеры",
        "Связи с ТНК",
        "Региональные показатели",
        "Организации",
        "Участие в кластерах",
    ]
    assert "Это последняя версия." in texts(at)
    history = at.dataframe[0]
    assert list(history.value["version"]) == [1]  # the frame keeps its column names
    assert list(history.value["action"]) == ["опубликованные данные"]
    assert history.value.loc[0, "summary"].startswith("опубликованные записи документов")
    headers = json.loads(history.proto.columns)  # the column_config Streamlit sends
    assert headers["version"]["label"] == "Версия" and headers["author"]["label"] == "Автор"
    assert "This is the latest version." not in texts(at)


def test_upload_preview_in_russian(db_url, monkeypatch):
    bad = UPLOAD_OK.replace(";12;", ";двенадцать;")
    at = run_preview(monkeypatch, bad, signed_in=False, lang="ru")
    assert "Ошибок: 1; ничего не будет импортировано." in texts(at)
    viewer = run_preview(monkeypatch, UPLOAD_OK, signed_in=False, lang="ru")
    assert "Ошибок нет: добавить — 1" in texts(viewer)
    assert "Войдите как редактор (боковая панель), чтобы импортировать этот файл." in texts(viewer)


def test_upload_problems_in_the_page_language(db_url, monkeypatch):
    """The validation report says what is wrong in Russian or English; the file's own
    headers and cells stay as the file has them."""
    bad = UPLOAD_OK.replace(";12;", ";двенадцать;").replace("RU-TA", "Атлантида")
    russian = run_preview(monkeypatch, bad, signed_in=False, lang="ru")
    report = russian.dataframe[-1].value.set_index("column")["problem"]
    assert report["Число участников"] == "«двенадцать» — не число"
    assert report["Регион"] == (
        "неизвестный регион «Атлантида» (не код, не название и не известное написание региона)"
    )
    statuses = set(russian.dataframe[0].value["status"])  # how the columns were read
    assert statuses == {"сопоставлен"}
    english = run_preview(monkeypatch, bad, signed_in=False, lang="en")
    report = english.dataframe[-1].value.set_index("column")["problem"]
    assert report["Число участников"] == "'двенадцать' is not a number"
    assert report["Регион"] == (
        "unknown region 'Атлантида' (not a region code, name or known alias)"
    )
    assert set(english.dataframe[0].value["status"]) == {"mapped"}


def test_the_changes_of_an_upload_in_russian(db_url, monkeypatch):
    at = run_preview(monkeypatch, UPLOAD_OK, signed_in=False, lang="ru")
    changes = at.dataframe[-1].value
    assert set(changes["change"]) == {"добавлена"} and "Казань" in set(changes["after"])
    assert "нет данных" in set(changes["after"])  # a column the file does not give
    assert "not reported" not in set(changes["after"])


# ------------------------------------------------------------------ database accounts and roles

ACCOUNT_PASSWORD = "long enough password"


@pytest.fixture
def accounts(db_url) -> store.Store:
    """An admin ``root``, a moderator ``mod``, a submitter ``sub`` managing PIC-01, and a
    pending request ``asker``."""
    db = store.Store.open(db_url)
    db.accounts.iterations = 1000
    operator = db.accounts.operator("test")
    db.accounts.add(operator, "root", ACCOUNT_PASSWORD, ["admin"])
    db.accounts.add(operator, "mod", ACCOUNT_PASSWORD, ["moderator"])
    db.accounts.add(operator, "sub", ACCOUNT_PASSWORD, ["submitter"], clusters=["PIC-01"])
    db.accounts.request(
        "asker", ACCOUNT_PASSWORD, display_name="**Asker**", email="a@example.org",
        organisation="<b>Org</b>",
    )  # fmt: skip
    return db


def test_a_submitter_signs_in_but_gets_no_write_form(accounts):
    at = sign_in(open_page("edit"), "sub", ACCOUNT_PASSWORD)
    assert "Signed in as sub (submitter): this needs a moderator or an admin." in texts(at)
    assert not {b.label for b in at.button} & {"Save changes", "Register the cluster"}
    at = sign_in(open_page("import_data"), "sub", ACCOUNT_PASSWORD)
    accounts.save_record(
        accounts.accounts.sign_in("mod", ACCOUNT_PASSWORD).principal,
        "clusters",
        {"id": "PIC-02", "participants": "5"},
    )
    at.run()
    at.selectbox(key="history_version").select(1)
    at.run()
    assert not [b for b in at.button if b.key == "restore"]
    assert accounts.head() == 2


def test_a_moderator_edits_and_the_version_names_the_account(accounts):
    at = sign_in(open_page("edit"), "mod", ACCOUNT_PASSWORD)
    assert "Signed in as mod (moderator)" in texts(at)
    at.selectbox(key="edit_pick").select("PIC-01")
    at.run()
    at.text_input(key="cluster_PIC-01_participants").input("12")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert "Saved as version 2." in texts(at)
    assert accounts.version(2).author == "mod"


def test_a_disabled_account_is_signed_out_at_the_next_click(accounts):
    at = sign_in(open_page("edit"), "mod", ACCOUNT_PASSWORD)
    assert "Signed in as mod" in texts(at)
    admin = accounts.accounts.sign_in("root", ACCOUNT_PASSWORD).principal
    accounts.accounts.disable(admin, "mod")
    at.run()
    assert "Viewing only" in texts(at) and "Signed in as mod" not in texts(at)
    at = sign_in(at, "mod", ACCOUNT_PASSWORD)
    assert "This account is disabled." in texts(at)


def test_repeated_failures_make_the_sign_in_wait(accounts):
    at = open_page("edit")
    for _ in range(3):
        at = sign_in(at, "mod", "wrong")
        assert "Unknown user or wrong password." in texts(at)
    at = sign_in(at, "mod", ACCOUNT_PASSWORD)  # the right password, too soon
    assert "Too many failed sign-ins: try again in 1 s." in texts(at)
    assert "Signed in as" not in texts(at)


def test_a_pending_request_cannot_sign_in(accounts):
    at = sign_in(open_page("edit"), "asker", ACCOUNT_PASSWORD)
    assert "waiting for a moderator" in texts(at)


def test_the_accounts_page_for_each_role(accounts):
    viewer = open_page("accounts")
    assert "Sign in as a moderator or an admin" in texts(viewer)
    assert not viewer.dataframe
    submitter = sign_in(open_page("accounts"), "sub", ACCOUNT_PASSWORD)
    assert "this needs a moderator or an admin" in texts(submitter)
    assert not submitter.dataframe
    assert not [b for b in submitter.button if b.key and b.key != "sign_out"]
    moderator = sign_in(open_page("accounts"), "mod", ACCOUNT_PASSWORD)
    assert "\\*\\*Asker\\*\\*" in texts(moderator)  # request text shown literally
    assert "<b>" not in texts(moderator)
    assert {"Save the clusters"} <= {b.label for b in moderator.button}
    assert "Save the roles" not in {b.label for b in moderator.button}  # admins only
    moderator.button(key="accept_asker").click()
    moderator.run()
    assert "Done: asker." in texts(moderator)
    assert accounts.accounts.sign_in("asker", ACCOUNT_PASSWORD).principal is not None
    listing = moderator.dataframe[0].value
    assert list(listing["name"]) == ["asker", "mod", "root", "sub"]


def test_an_admin_sets_roles_and_disables_on_the_accounts_page(accounts):
    at = sign_in(open_page("accounts"), "root", ACCOUNT_PASSWORD)
    at.selectbox(key="account_pick").select("sub")
    at.run()
    at.multiselect(key="account_roles_sub").select("moderator")
    next(b for b in at.button if b.label == "Save the roles").click()
    at.run()
    assert "Done: sub." in texts(at)
    assert accounts.accounts.sign_in("sub", ACCOUNT_PASSWORD).principal.roles == {
        "submitter",
        "moderator",
    }
    at.selectbox(key="account_pick").select("mod")
    at.run()
    at.button(key="account_disable_mod").click()
    at.run()
    assert accounts.accounts.sign_in("mod", ACCOUNT_PASSWORD).outcome == "disabled"
    at.selectbox(key="account_pick").select("root")
    at.run()
    at.button(key="account_disable_root").click()
    at.run()
    assert "this would leave no active admin" in texts(at)


def test_an_admin_unlocks_a_locked_account_on_the_accounts_page(accounts, tmp_path):
    later = Clock(time.time())  # ten failures, each past the delay of the one before
    hurried = Accounts(accounts.engine, key_dir=tmp_path, clock=later)
    for _ in range(10):
        later.now += 100
        hurried.sign_in("mod", "wrong")
    assert accounts.accounts.sign_in("mod", ACCOUNT_PASSWORD).outcome == "locked"
    at = sign_in(open_page("accounts"), "root", ACCOUNT_PASSWORD)
    listing = at.dataframe[0].value.set_index("name")
    assert listing.loc["mod", "locked"] and listing.loc["mod", "failures"] == 10
    at.selectbox(key="account_pick").select("mod")
    at.run()
    at.button(key="account_unlock_mod").click()
    at.run()
    assert "Done: mod." in texts(at)
    assert not at.dataframe[0].value.set_index("name").loc["mod", "locked"]
    assert accounts.accounts.sign_in("mod", ACCOUNT_PASSWORD).principal is not None


def test_the_accounts_page_in_russian(accounts):
    at = sign_in(open_page("accounts", lang="ru"), "root", ACCOUNT_PASSWORD, button="Войти")
    assert at.title[0].value == "Учётные записи"
    assert "Вы вошли как root (администратор)" in texts(at)
    assert [h.value for h in at.header][:2] == ["Заявки на учётные записи", "Все учётные записи"]
    assert {"Принять", "Отклонить", "Сохранить роли"} <= {b.label for b in at.button}


def fill_request(at: AppTest, **changes: str) -> AppTest:
    values = {
        "request_name": "newbie",
        "request_display_name": "Новый Участник",
        "request_email": "new@example.org",
        "request_organisation": "Кластер",
        "request_password": ACCOUNT_PASSWORD,
        "request_repeat": ACCOUNT_PASSWORD,
    }
    values.update(changes)
    for key, value in values.items():
        at.text_input(key=key).input(value)
    at.multiselect(key="request_clusters").select("PIC-02")
    at.button[0].click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_anyone_requests_an_account_and_it_waits(accounts):
    at = fill_request(open_page("request_account"), request_repeat="something else")
    assert "The passwords differ." in texts(at)
    at = fill_request(at, request_email="not an address")
    assert "'not an address' is not an e-mail address" in texts(at)
    assert not accounts.accounts.exists("newbie")
    at = fill_request(at)
    assert "Request sent." in texts(at)
    admin = accounts.accounts.sign_in("root", ACCOUNT_PASSWORD).principal
    info = {a.name: a for a in accounts.accounts.listing(admin)}["newbie"]
    assert (info.status, info.manages, info.organisation) == ("pending", ("PIC-02",), "Кластер")


def test_the_request_page_in_russian(accounts):
    at = open_page("request_account", lang="ru")
    assert at.title[0].value == "Запросить учётную запись"
    at = fill_request(at, request_name="x")
    assert "имя пользователя «x»: от 2 до 64 латинских букв" in texts(at)


# ------------------------------------------------------------- staying signed in across a reload

SECRET = "a test secret of more than thirty-two characters"
COOKIE_SET = re.compile(r"clustermap_session=([A-Za-z0-9._-]*); Max-Age=(\d+);")


def cookie_of(at: AppTest) -> tuple[str, int] | None:
    """The session cookie this run asks the browser to set: (token, Max-Age), if any."""
    found = [COOKIE_SET.search(h.value) for h in at.html]
    written = [(m.group(1), int(m.group(2))) for m in found if m]
    assert len(written) <= 1
    return written[0] if written else None


def reloaded(monkeypatch, token: str, page: str = "edit") -> AppTest:
    """The page opened in a new session whose browser sends ``token`` as its cookie (what
    a reload or a new tab does; AppTest cannot send cookies, so ``session_cookie`` stands
    in for the browser)."""
    monkeypatch.setattr(signin, "session_cookie", lambda: token)
    return open_page(page)


def test_a_sign_in_survives_a_reload_until_signed_out(accounts, monkeypatch):
    monkeypatch.setenv(ENV_SECRET_KEY, SECRET)
    at = sign_in(open_page("edit"), "mod", ACCOUNT_PASSWORD)
    token, max_age = cookie_of(at)
    assert ACCOUNT_PASSWORD not in token and token.count(".") == 3
    assert auth.SESSION_SECONDS - 60 <= max_age <= auth.SESSION_SECONDS  # bounded: 8 h
    again = reloaded(monkeypatch, token)
    assert "Signed in as mod (moderator)" in texts(again)
    assert cookie_of(again) is None  # nothing new to write
    again.selectbox(key="edit_pick").select("PIC-01")
    again.run()
    again.text_input(key="cluster_PIC-01_participants").input("12")
    next(b for b in again.button if b.label == "Save changes").click()
    again.run()
    assert "Saved as version 2." in texts(again) and accounts.version(2).author == "mod"
    at.button(key="sign_out").click()
    at.run()
    assert cookie_of(at) == ("", 0)  # the browser deletes the cookie
    assert "Signed in as" not in texts(at)
    for page in (reloaded(monkeypatch, token), again):  # and the server forgot the session
        page.run()
        assert "Signed in as" not in texts(page) and "Save changes" not in texts(page)


def test_an_expired_forged_or_revoked_token_signs_nobody_in(accounts, monkeypatch):
    monkeypatch.setenv(ENV_SECRET_KEY, SECRET)
    token, _ = cookie_of(sign_in(open_page("edit"), "mod", ACCOUNT_PASSWORD))
    version, session, expires, mac = token.split(".")
    key = hashlib.sha256(SECRET.encode()).digest()
    for bad in (
        auth.sign_token(key, session, time.time() - 1),  # expired
        f"{version}.{session}.{int(expires) + 3600}.{mac}",  # expiry moved
        auth.sign_token(b"another server's secret.........", session, float(expires)),
        "garbage",
    ):
        assert "Signed in as" not in texts(reloaded(monkeypatch, bad)), bad
    assert "Signed in as mod" in texts(reloaded(monkeypatch, token))
    admin = accounts.accounts.sign_in("root", ACCOUNT_PASSWORD).principal
    accounts.accounts.disable(admin, "mod")  # revoked by an admin
    assert "Signed in as" not in texts(reloaded(monkeypatch, token))


@pytest.mark.browser
def test_in_a_browser_a_reload_keeps_the_sign_in_and_signing_out_ends_it(
    accounts, monkeypatch, browser
):
    """The real cookie path on a served app: the page's script sets the cookie, the next
    page load sends it, signing out deletes it and revokes the session."""
    monkeypatch.setenv(ENV_SECRET_KEY, SECRET)
    with serve.served_app(timeout_s=60) as app:  # inherits the test's store and secret
        outside_requests: list[str] = []
        page = guarded_page(browser, outside_requests)
        try:
            page.goto(app.url + "/edit?lang=en")
            page.wait_for_selector(APP_IDLE)
            sidebar = page.locator("[data-testid='stSidebar']")
            sidebar.get_by_label("User name").fill("mod")
            sidebar.get_by_label("Password", exact=True).fill(ACCOUNT_PASSWORD)
            sidebar.get_by_role("button", name="Sign in", exact=True).click()
            sidebar.get_by_text("Signed in as mod (moderator)").wait_for()
            cookie = wait_for_cookie(page, present=True)
            assert cookie["sameSite"] == "Strict" and ACCOUNT_PASSWORD not in cookie["value"]
            assert 0 < cookie["expires"] - time.time() <= auth.SESSION_SECONDS
            page.reload()
            page.wait_for_selector(APP_IDLE)
            sidebar.get_by_text("Signed in as mod (moderator)").wait_for()
            sidebar.get_by_role("button", name="Sign out").click()
            sidebar.get_by_role("button", name="Sign in", exact=True).wait_for()
            wait_for_cookie(page, present=False)
            page.context.add_cookies([{**cookie, "expires": time.time() + 3600}])  # kept copy
            page.reload()
            page.wait_for_selector(APP_IDLE)
            sidebar.get_by_role("button", name="Sign in", exact=True).wait_for()
            assert sidebar.get_by_text("Signed in as").count() == 0  # revoked on the server
        finally:
            page.context.close()
    assert outside_requests == []


def wait_for_cookie(page, *, present: bool, timeout_s: float = 30.0) -> dict:
    """The session cookie once the page has set it (or ``{}`` once it has deleted it)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [c for c in page.context.cookies() if c["name"] == signin.COOKIE]
        if bool(found) == present:
            return dict(found[0]) if found else {}
        assert time.monotonic() < deadline, f"session cookie present={not present} still"
        time.sleep(0.1)


# --------------------------------------------------------------------------- the full card


def test_a_moderator_fills_in_the_card_and_the_level_records_who_and_when(db_url):
    """The card's fields are on the form; a changed development level is stored with the
    editor as its assessor and today as its date; the contacts are stored but the
    public download has none of them; a bad INN is refused naming the field."""
    at = sign_in(open_page("edit"))
    at.selectbox(key="edit_pick").select("PIC-02")
    at.run()
    key = "cluster_PIC-02_"
    at.text_input(key=key + "manager_inn").input("7707083894")  # wrong check digit
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert not at.exception
    assert "check digit" in texts(at) + "".join(d.value.to_csv() for d in at.dataframe)
    db = store.Store(db_url)
    assert db.head() == 1
    at.text_input(key=key + "manager_inn").input("7707083893")
    at.text_input(key=key + "website").input("https://cluster.example.ru")
    at.text_input(key=key + "founded_year").input("2012")
    at.text_input(key=key + "contact_email").input("hidden.person@example.ru")
    at.text_area(key=key + "description_ru").input("Строка 1\nСтрока 2")
    at.selectbox(key=key + "org_level").select("high")
    at.text_area(key=key + "org_level_basis").input("Cluster Map criteria")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert not at.exception
    assert "Saved as version 2." in texts(at)
    values = db.state()["clusters"]["PIC-02"].values
    assert values["manager_inn"] == "7707083893" and values["founded_year"] == 2012.0
    assert values["org_level"] == "high" and values["org_level_assessed_by"] == "alice"
    assert values["org_level_assessed_at"] == time.strftime("%Y-%m-%d", time.gmtime())
    assert values["description_ru"] == "Строка 1\nСтрока 2"
    assert values["contact_email"] == "hidden.person@example.ru"
    assert "hidden.person" not in db.export("clusters")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_cluster_page_shows_the_card_with_each_fields_source(db_url, lang):
    db = store.Store.open(db_url)
    db.accounts.iterations = 1000
    editor = auth.authenticate("alice", PASSWORD, signin.bootstrap_editors())
    sources = "founded_year | Register of industrial clusters | 2024-05-01"
    values = {"id": "PIC-03", "founded_year": "2011", "field_sources": sources}
    assert db.save_record(editor, "clusters", values).ok
    at = open_page("cluster", lang)
    at.query_params["id"] = "PIC-03"
    at.run()
    assert not at.exception
    frames = "".join(d.value.to_csv() for d in at.dataframe)
    assert "2011" in frames and "Register of industrial clusters, 2024-05-01" in frames
    assert ("Год создания" if lang == "ru" else "Founding year") in frames
