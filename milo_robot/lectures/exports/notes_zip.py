# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A lecture's notes pack as one zip a teacher uploads to Moodle as a File resource.

It holds `index.html` (the self-contained page: inline CSS, no script, no external URL) and
`lecture-<id>.md`, the Markdown twin. In Moodle: add a File resource, upload the zip, unzip it
and set index.html as the main file (docs/lectures.md).
"""

import io
import time
import zipfile

from milo_robot.lectures.notes_pack import NotesPack, render_html, render_markdown


def to_notes_zip(pack: NotesPack) -> bytes:
    """Return the zip's bytes; its files are dated with the lecture's start."""
    stamp = time.localtime(max(pack.lecture.started_at, 315532800))[:6]  # zip dates start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, text in (('index.html', render_html(pack)),
                           (f'lecture-{pack.lecture.id}.md', render_markdown(pack))):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode('utf-8'))
    return out.getvalue()
