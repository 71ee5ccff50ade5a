# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Files only Milo's user can read: folders 0700, files 0600, set when they are created.

Milo writes what a class said (the record, notes packs, logs) and what it heard and spoke (sim
audio). Modes are given at creation, never by a chmod afterwards, so no other account can open
a file in the moment between the two. A file or folder left by an older version with a wider
mode is narrowed before anything new is written into it (folders only where asked).
"""

import os

FILE_MODE, FOLDER_MODE = 0o600, 0o700
PRIVATE_UMASK = 0o077  # what every Milo process creates is its user's only, whoever writes it


def restrict_umask() -> None:
    """Make every file and folder this process (and its children) creates private.

    The entry points call it (`milo`, each node), so that files written by libraries too (ROS
    logs, SQLite's -wal and -shm, model caches) are covered, not only those Milo opens itself.
    """
    os.umask(PRIVATE_UMASK)


def private_folder(path, narrow: bool = False) -> str:
    """Create `path` and its missing parents with mode 0700; return it as a string.

    Folders that exist are left alone, unless `narrow`: then `path` itself, when it is Milo's own
    output folder left wider by an older version, becomes 0700 before anything is written in it.
    A folder others share (world-writable, like /tmp) or another user's is never narrowed.
    """
    path = os.fspath(path)
    missing = []
    head = os.path.abspath(path)
    while not os.path.isdir(head):
        missing.append(head)
        head = os.path.dirname(head)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, FOLDER_MODE)  # the umask can only narrow 0700 further
        except FileExistsError:
            if not os.path.isdir(folder):
                raise
    if narrow and not missing:
        status = os.stat(path)
        if status.st_uid == os.getuid() and not status.st_mode & 0o002 and status.st_mode & 0o077:
            os.chmod(path, FOLDER_MODE)
    return path


def open_private(path, mode: str = 'w', **kwargs):
    """Open a file for writing ('w', 'wb', 'a', 'ab', 'w+b', 'r+b'), created 0600 if missing.

    A file that exists with a wider mode is narrowed before a byte is written to it.
    """
    flags = os.O_CREAT | (os.O_RDWR if '+' in mode else os.O_WRONLY)
    if mode.startswith('w'):
        flags |= os.O_TRUNC
    elif mode.startswith('a'):
        flags |= os.O_APPEND
    elif not mode.startswith('r'):
        raise ValueError(f'open_private opens files for writing, not with mode {mode!r}')
    fd = os.open(path, flags, FILE_MODE)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def write_private_text(path, text: str) -> None:
    """Write a UTF-8 text file readable by Milo's user only."""
    with open_private(path, 'w', encoding='utf-8') as f:
        f.write(text)
