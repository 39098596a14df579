"""Safe writing of the files the command line writes (``geo.base.safefiles``), and the
command line's answer when a write is refused.

Regular files only (a device such as ``/dev/full``, a FIFO, a folder and a symbolic link to
any of them are refused and left as they are), ``-`` is standard output, the replace is
atomic within the target's folder, nothing is left behind on a failure (a full disk and a
missing permission are simulated with ``monkeypatch``; the real full disk and read-only
folder are tmpfs mounts in ``tests/test_hostile.py``), and the extension of ``-o`` must be
the format's. Run as root, the device cases use the real ``/dev/full`` and ``/dev/null``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from geo.base import safefiles
from geo.base.errors import localised
from geo.base.safefiles import FileRefused
from geo.cli import commands

EXPORT = ["export", "--territory", "RU-TA", "--exported-at", "2025-01-01T00:00:00Z"]


def _kind(path: Path | str) -> str:
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "fifo"
    return "folder" if stat.S_ISDIR(mode) else "file"


def _refusal(target: Path | str) -> str:
    with pytest.raises(FileRefused) as caught:
        safefiles.write_atomic(target, b"data")
    return localised(caught.value.args[0], "en")


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = commands.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------- the module


def test_write_atomic_replaces_a_regular_file_keeping_its_permissions(tmp_path):
    target = tmp_path / "x.png"
    target.write_bytes(b"old")
    target.chmod(0o640)
    assert safefiles.write_atomic(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
def test_a_device_is_refused_and_left_as_it_is(device):
    assert "is a device, not a regular file" in _refusal(device)
    assert _kind(device) == "device"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "is a named pipe (FIFO)" in _refusal(fifo)
    assert _kind(fifo) == "fifo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.csv"]


def test_a_folder_is_refused_as_a_file(tmp_path):
    assert "is a folder" in _refusal(tmp_path)


def test_a_symlink_to_a_device_is_refused_and_kept(tmp_path):
    link = tmp_path / "out.zip"
    link.symlink_to("/dev/null")
    assert "is a device" in _refusal(link)
    assert _kind(link) == "symlink" and os.readlink(link) == "/dev/null"


def test_a_symlink_to_a_regular_file_replaces_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    safefiles.write_atomic(link, b"new")
    assert _kind(link) == "symlink" and real.read_bytes() == b"new"


def test_a_missing_folder_is_named(tmp_path):
    text = _refusal(tmp_path / "nowhere" / "x.csv")
    assert "folder" in text and "nowhere" in text and "does not exist" in text


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "no space left on the disk"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "read-only"),
    ],
)
def test_a_failed_write_is_one_sentence_and_leaves_nothing(tmp_path, monkeypatch, code, words):
    """A full disk (or a missing permission) while the bytes are flushed: the old file is
    kept whole and no temporary ``.part`` file is left in the folder."""
    target = tmp_path / "x.png"
    target.write_bytes(b"old")

    def fail(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(safefiles.os, "fsync", fail)
    text = _refusal(target)
    assert text.startswith("cannot write '") and str(target) in text and words in text
    assert "\n" not in text
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png"]


def test_the_temporary_file_is_removed_on_an_interruption(tmp_path, monkeypatch):
    def interrupt(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(safefiles.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        safefiles.write_atomic(tmp_path / "x.csv", b"data")
    assert list(tmp_path.iterdir()) == []


def test_permission_denied_creating_the_temporary_file(tmp_path, monkeypatch):
    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(safefiles.tempfile, "mkstemp", denied)
    assert "permission denied" in _refusal(tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "extension", "ok"),
    [("ta.zip", "csv.zip", True), ("ta.csv.zip", "csv.zip", True), ("ta.csv", "csv.zip", False),
     ("ta.PNG", "png", True), ("ta.svg", "png", False), ("ta", "xlsx", False)],
)  # fmt: skip
def test_the_extension_must_be_the_formats(name, extension, ok):
    if ok:
        safefiles.check_suffix(Path(name), extension, "X")
        return
    with pytest.raises(FileRefused) as caught:
        safefiles.check_suffix(Path(name), extension, "CSV")
    text = localised(caught.value.args[0], "en")
    assert name in text and f".{extension}" in text and "CSV" in text


def test_dash_and_dev_stdout_mean_standard_output():
    assert safefiles.check_output("-") is None
    assert safefiles.check_output("/dev/stdout") is None


def test_a_binary_format_is_refused_on_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(FileRefused) as caught:
        safefiles.write_stdout(b"PK", "xlsx", binary=True)
    assert "standard output is a terminal" in localised(caught.value.args[0], "en")


def test_read_bounded_refuses_a_device_and_reports_the_real_size(tmp_path):
    with pytest.raises(FileRefused) as caught:
        safefiles.read_bounded("/dev/zero", 100)
    assert "device" in localised(caught.value.args[0], "en")
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(50 * 2**20)  # a sparse 50 MB file
    with pytest.raises(safefiles.FileTooLarge) as too_large:
        safefiles.read_bounded(big, 5 * 2**20)
    assert too_large.value.size == 50 * 2**20
    assert "50.0 MB" in localised(too_large.value.args[0], "en")


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    """An empty working directory and a store of the test's own."""
    monkeypatch.setenv("CLUSTERMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("CLUSTERMAP_LANG", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_export_to_dev_full_is_refused_and_the_device_kept(store_env, capsys):
    status, out, err = _cli([*EXPORT, "--format", "csv", "-o", "/dev/full"], capsys)
    assert status == 2 and out == ""
    assert "/dev/full" in err and "a device" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert _kind("/dev/full") == "device"


def test_export_csv_to_a_csv_name_is_refused_naming_both(store_env, capsys):
    status, _out, err = _cli([*EXPORT, "--format", "csv", "-o", "ta.csv"], capsys)
    assert status == 2 and "'ta.csv' does not end in .csv.zip" in err and "csv export" in err
    assert list(store_env.iterdir()) == []


def test_export_dash_writes_standard_output_and_no_file(store_env, capsysbinary):
    status = commands.main([*EXPORT, "--format", "geojson", "-o", "-"])
    out, _err = capsysbinary.readouterr()
    assert status == 0 and out.startswith(b"{") and b"FeatureCollection" in out
    assert list(store_env.iterdir()) == []


def test_export_on_a_full_disk_says_so_in_one_line_and_leaves_nothing(
    store_env, capsys, monkeypatch
):
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safefiles.os, "fsync", full)
    status, _out, err = _cli([*EXPORT, "--format", "png", "-o", "x.png"], capsys)
    assert status == 2 and "Traceback" not in err
    error = "clustermap: error: cannot write 'x.png': no space left on the disk (the disk is full)"
    assert err.strip().splitlines()[-1] == error  # after the line naming the data read
    assert list(store_env.iterdir()) == []  # no x.png, no x.png.part


def test_the_refusal_is_in_the_users_language(store_env, capsys, monkeypatch):
    monkeypatch.setenv("CLUSTERMAP_LANG", "ru")
    status, _out, err = _cli([*EXPORT, "--format", "csv", "-o", "ta.csv"], capsys)
    assert status == 2 and "не оканчивается на .csv.zip" in err


def test_history_records_to_a_file_is_atomic_and_formula_safe(store_env, capsys):
    status, _out, err = _cli(["history", "--records", "clusters", "-o", "c.csv"], capsys)
    assert status == 0 and "c.csv" in err
    assert (store_env / "c.csv").read_text(encoding="utf-8").startswith("id,")
    status, _out, err = _cli(["history", "--records", "clusters", "-o", "/dev/null"], capsys)
    assert status == 2 and "a device" in err
    status, _out, err = _cli(["history", "--records", "clusters", "-o", "c.xlsx"], capsys)
    assert status == 2 and "does not end in .csv" in err
