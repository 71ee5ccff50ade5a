# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The course notes folder as teachers manage it from the app: checked uploads, listing, removal.

An upload is checked before it touches the folder: a known type, a bounded size, UTF-8 text for
Markdown and text, a PDF that opens, a name no course folder uses. It is written under a new name
(mode 0600) and then renamed, so the brain never reads half a file.
"""

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List

from milo_robot.private_files import private_folder

NOTES_TYPES = ('.md', '.markdown', '.txt', '.pdf')
MAX_NOTES_BYTES = 8 * 1024 * 1024  # a long PDF of course notes; anything larger is likely a mistake
_SAFE_NAME = re.compile(r'[^\w .()+-]', re.U)


class NotesError(ValueError):
    """A notes file that cannot be saved or removed (the message says why)."""


class NotesConflict(NotesError):
    """An upload whose place is taken: a course folder and a notes file would share a name."""


@dataclass(frozen=True)
class NotesFile:
    """A file in the notes folder."""

    name: str  # relative to the folder
    size: int
    modified: float


def safe_name(filename: str) -> str:
    """Return a file name safe to save under the notes folder (NotesError if it cannot be)."""
    name = _SAFE_NAME.sub('_', os.path.basename((filename or '').replace('\\', '/'))).strip(' .')
    if not name:
        raise NotesError('the file has no usable name')
    if os.path.splitext(name)[1].lower() not in NOTES_TYPES:
        raise NotesError(f"{name}: only {', '.join(NOTES_TYPES)} files are course notes")
    return name[-120:]


def check_notes(name: str, data: bytes) -> None:
    """Check an upload's size and content for its type (NotesError with the reason)."""
    if not data:
        raise NotesError(f'{name} is empty')
    if len(data) > MAX_NOTES_BYTES:
        raise NotesError(f'{name} is {len(data)} bytes; notes files are at most {MAX_NOTES_BYTES}')
    if name.lower().endswith('.pdf'):
        _check_pdf(name, data)
        return
    try:
        data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise NotesError(f'{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position '
                         f'{exc.start}); save it as UTF-8 and upload it again') from None


def _check_pdf(name: str, data: bytes) -> None:
    if not data.startswith(b'%PDF-'):
        raise NotesError(f'{name} is not a PDF file')
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise NotesError(f'{name} is a PDF that cannot be read ({type(exc).__name__})') from None
    if pages == 0:
        raise NotesError(f'{name} has no pages')


def course_folder(course: str) -> str:
    """Return the subfolder holding one course's notes: the course's name (NotesError if unusable)."""
    if not course.strip() or course != course.strip() or course in ('.', '..') or len(course) > 200 or \
            any(c in course for c in '/\\\0'):
        raise NotesError(f'{course!r} cannot name a notes folder')
    return course


def save_notes(folder, filename: str, data: bytes, course: str = '') -> Path:
    """Check and save an upload (replacing a file of the same name); return its path.

    Notes for every course go at the top of `folder`; a course's own go in its subfolder, which
    the brain reads only for that course.
    """
    name = safe_name(filename)
    check_notes(name, data)
    top = Path(folder)
    folder = top / course_folder(course) if course else top
    if folder.exists() and not folder.is_dir():
        raise NotesConflict(f'the notes of course {course!r} would go in a folder named like the notes '
                            f'file {folder.relative_to(top)}: rename or remove that file first')
    if (folder / name).is_dir():
        raise NotesConflict(f'{name} is the name of a course notes folder: rename the file and upload '
                            'it again')
    private_folder(folder)  # a course's folder, created readable by Milo's user only
    # mkstemp creates the file 0600: the notes stay Milo's user's only, like everything it keeps.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix='.upload-')
    try:
        with os.fdopen(handle, 'wb') as f:
            f.write(data)
        os.replace(temporary, folder / name)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return folder / name


def list_notes(folder) -> List[NotesFile]:
    """Return the notes files under `folder` (those the brain reads), by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob('*')):
        if path.is_file() and path.suffix.lower() in NOTES_TYPES and not path.name.startswith('.'):
            stat = path.stat()
            found.append(NotesFile(str(path.relative_to(folder)), stat.st_size, stat.st_mtime))
    return found


def delete_notes(folder, name: str) -> None:
    """Remove a listed notes file (NotesError if it is not one)."""
    if name not in {f.name for f in list_notes(folder)}:
        raise NotesError(f'no notes file {name!r}')
    (Path(folder) / name).unlink()
