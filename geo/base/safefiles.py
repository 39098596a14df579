"""Reading and writing the files a person names on the command line, safely.

Reading (:func:`read_bounded`): only a regular file is opened (a folder, a device such as
``/dev/zero``, a named pipe or a socket is refused by name, and a pipe is never opened, so
nothing blocks), and at most ``limit + 1`` bytes are read, so an endless or huge file
cannot exhaust memory; a file over the limit is reported with its real size.

Writing (:func:`check_output`, :func:`write_atomic`, :func:`write_stdout`): output goes to
regular files only. An existing target that is not one (a device like ``/dev/full`` or
``/dev/null``, a named pipe, a socket) is refused rather than replaced; a symbolic link is
followed to the file it names, which is replaced and the link kept; ``-`` (and
``/dev/stdout``) means standard output. The bytes are written to a temporary file in the
target's own folder and renamed over the target only when complete (an atomic replace:
never a half-written file under the final name), and the temporary file is removed on
every failure, an interruption included. A full disk, a read-only folder, a missing
permission or a name too long is one sentence naming the path (:class:`FileRefused`).

Every refusal is a :class:`FileRefused` (a ``ValueError``) whose message is a translatable
:class:`geo.base.errors.Message`; the command line prints it as one line and exits with
status 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from geo.base.catalogue import N_
from geo.base.errors import Message, Number
from geo.base.shown import LONG, shown

__all__ = [
    "STDOUT",
    "FileRefused",
    "FileTooLarge",
    "check_output",
    "check_suffix",
    "display_name",
    "read_bounded",
    "write_atomic",
    "write_stdout",
]

STDOUT: frozenset[str] = frozenset({"-", "/dev/stdout"})
"""Output names that mean standard output."""

MESSAGES: dict[str, str] = {
    "folder": N_("'{path}' is a folder, not a file"),
    "not_regular": N_("'{path}' is not a regular file: it is {what}"),
    "too_large": N_("'{path}' has {size} MB; at most {limit} MB can be read"),
    "cannot_read": N_("cannot read '{path}': {reason}"),
    "cannot_write": N_("cannot write '{path}': {reason}"),
    "target": N_(
        "cannot write to '{path}': it is {what}, not a regular file; give a file name "
        "(or '-' for standard output)"
    ),
    "no_folder": N_("cannot write '{path}': folder '{folder}' does not exist"),
    "suffix": N_(
        "'{path}' does not end in .{extension}: a {format} export is a .{extension} file "
        "(the extension must match the format)"
    ),
    "terminal": N_(
        "a {format} export is binary and standard output is a terminal; "
        "give a file name with -o, or redirect the output"
    ),
}
"""Every refusal of this module (English msgids)."""

WHAT: dict[str, str] = {
    "folder": N_("a folder"),
    "device": N_("a device"),
    "fifo": N_("a named pipe (FIFO)"),
    "socket": N_("a socket"),
    "other": N_("a special file"),
}
"""What a path is when it is not a regular file."""

REASONS: dict[int, str] = {
    errno.ENOSPC: N_("no space left on the disk (the disk is full)"),
    errno.EDQUOT: N_("no space left on the disk (the disk quota is full)"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENAMETOOLONG: N_("the file name is too long"),
    errno.ENOENT: N_("no such file or folder"),
    errno.ENOTDIR: N_("not a directory: a part of the path is a file"),
    errno.ELOOP: N_("too many levels of symbolic links (a loop)"),
    errno.EISDIR: N_("it is a folder"),
    errno.EIO: N_("input/output error"),
}
"""Why an operating-system call failed, by ``errno`` (others: the system's own words)."""


class FileRefused(ValueError):
    """A file that cannot be read or written; ``args[0]`` is the translatable sentence."""


class FileTooLarge(FileRefused):
    """A file over the size limit; ``size`` is its real size in bytes."""

    def __init__(self, message: Message, size: int):
        super().__init__(message)
        self.size = size


def display_name(path: Path | str) -> str:
    """``path`` as text that can always be printed: bytes of a name that are not UTF-8
    (which Python keeps as lone surrogates) become U+FFFD."""
    text = os.fspath(path)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no byte stands for
        return text.encode("utf-8", "replace").decode("utf-8")


def _shown_path(path: Path | str) -> str:
    return shown(display_name(path), 4 * LONG)


def _reason(error: OSError) -> str:
    """Why ``error`` happened, in a few words (translatable for the usual causes)."""
    template = REASONS.get(error.errno or 0)
    if template is not None:
        return Message(template)
    return error.strerror or str(error)


def _what(mode: int) -> str:
    """What a non-regular file is, as a translatable phrase."""
    if stat.S_ISDIR(mode):
        key = "folder"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        key = "device"
    elif stat.S_ISFIFO(mode):
        key = "fifo"
    elif stat.S_ISSOCK(mode):
        key = "socket"
    else:
        key = "other"
    return Message(WHAT[key])


def _say(key: str, /, **values: object) -> Message:
    return Message(MESSAGES[key], **values)


# --------------------------------------------------------------------------- reading


def _check_readable(path: Path | str, mode: int, size: int, limit: int) -> None:
    """Refuse a non-regular file and one over ``limit`` bytes (with its real size)."""
    if stat.S_ISDIR(mode):
        raise FileRefused(_say("folder", path=_shown_path(path)))
    if not stat.S_ISREG(mode):
        raise FileRefused(_say("not_regular", path=_shown_path(path), what=_what(mode)))
    if size > limit:
        raise FileTooLarge(_too_large(path, size, limit), size)


def _too_large(path: Path | str, size: int, limit: int) -> Message:
    megabytes, most = Number(size / 2**20, 1), Number(limit / 2**20, 0)
    return _say("too_large", path=_shown_path(path), size=megabytes, limit=most)


def read_bounded(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`FileRefused` for a folder, a device, a pipe, a socket, a missing or
    unreadable path (naming the reason), and :class:`FileTooLarge` (with the real size) for
    a file over ``limit`` bytes, also one that grows while it is read.
    """
    try:
        info = os.stat(path)
        _check_readable(path, info.st_mode, info.st_size, limit)
        # O_NONBLOCK: a FIFO swapped in after the check cannot block the open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        reason = _reason(error)
        raise FileRefused(_say("cannot_read", path=_shown_path(path), reason=reason)) from None
    try:
        info = os.fstat(fd)
        _check_readable(path, info.st_mode, info.st_size, limit)
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        reason = _reason(error)
        raise FileRefused(_say("cannot_read", path=_shown_path(path), reason=reason)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        size = max(os.stat(path).st_size if os.path.exists(path) else 0, len(data))
        raise FileTooLarge(_too_large(path, size, limit), size)
    return data


# --------------------------------------------------------------------------- writing


def check_output(target: Path | str) -> Path | None:
    """The file ``target`` names for writing, or ``None`` for standard output (``-``).

    Refused (:class:`FileRefused`): a target in a folder that does not exist, and an
    existing target that is not a regular file or a folder (a device, a named pipe, a
    socket; a symbolic link is judged by what it points to). A folder is returned as it
    is: the caller writes into it under a default name (and checks that name again).
    """
    if os.fspath(target) in STDOUT:
        return None
    path = Path(target)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        folder = path.parent
        if not folder.is_dir():
            raise FileRefused(
                _say("no_folder", path=_shown_path(path), folder=_shown_path(folder))
            ) from None
        return path
    except OSError as error:
        reason = _reason(error)
        raise FileRefused(_say("cannot_write", path=_shown_path(path), reason=reason)) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise FileRefused(_say("target", path=_shown_path(path), what=_what(mode)))
    return path


def check_suffix(path: Path, extension: str, format_name: str) -> None:
    """Refuse a file name that does not end in ``.extension`` (``csv.zip`` also takes
    ``.zip``): the name of a file must say what it holds."""
    name = path.name.lower()
    accepted = {extension.lower(), extension.lower().rsplit(".", 1)[-1]}
    if not any(name.endswith("." + ext) for ext in accepted):
        message = _say("suffix", path=_shown_path(path), extension=extension, format=format_name)
        raise FileRefused(message)


def _new_file_mode(existing: Path) -> int:
    """The permissions of the file written: those of the file it replaces, else the usual
    ones of a new file (``0o666`` less the umask)."""
    try:
        return stat.S_IMODE(os.stat(existing).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(target: Path | str, data: bytes) -> Path:
    """Write ``data`` to the regular file ``target`` atomically; returns the path written.

    A symbolic link is followed (the file it names is replaced; the link stays). The bytes
    go to a temporary file in the same folder, flushed to disk, then renamed over the
    target; on any failure the temporary file is removed and :class:`FileRefused` names
    the target and the reason (a full disk, a read-only folder, a missing permission, a
    name too long, ...).
    """
    checked = check_output(target)
    if checked is None or checked.is_dir():
        what = Message(WHAT["folder"]) if checked is not None else "-"
        raise FileRefused(_say("target", path=_shown_path(target), what=what))
    path = Path(os.path.realpath(checked)) if checked.is_symlink() else checked
    mode = _new_file_mode(path)
    temporary: str | None = None
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{path.name[:40]}.", suffix=".part", dir=path.parent or "."
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise FileRefused(
            _say("cannot_write", path=_shown_path(target), reason=_reason(error))
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return path


def write_stdout(data: bytes, format_name: str, binary: bool) -> None:
    """Write ``data`` to standard output; a ``binary`` format is refused when standard
    output is a terminal (it would print garbage). A write error (a closed pipe, a full
    device) is :class:`FileRefused`."""
    if binary and sys.stdout.isatty():
        raise FileRefused(_say("terminal", format=format_name))
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as error:
        raise FileRefused(_say("cannot_write", path="-", reason=_reason(error))) from None
