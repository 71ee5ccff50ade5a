# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Render docs/interfaces.md's reference tables from the modules that own the contracts.

The file keeps hand-written explanations; each table lies between `<!-- generated: NAME -->` and
`<!-- end generated -->` and is rewritten by `python -m milo_robot.interfaces.docs --write`.
`test/test_interfaces.py` fails when the file and the code disagree.
"""

import argparse
import os
import re
import sys

from milo_robot.interfaces import topics
from milo_robot.interfaces.payload import Payload

BLOCK = re.compile(r'(<!-- generated: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- end generated -->)', re.S)


def _cell(text) -> str:
    return str(text).replace('|', '\\|').replace('\n', ' ')


def _table(header: tuple, rows) -> str:
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(_cell(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines) + '\n'


def _nodes_of(topic_list, role: str) -> set:
    return {n for topic in topic_list for n in getattr(topic, role)}


def nodes() -> str:
    """Each node with the topics it publishes and subscribes to (by design, from topics.py)."""
    from milo_robot.graph import NODES

    rows = []
    for node in NODES:
        pubs = [f'`{tp.name}`' for tp in topics.TOPICS if node.name in tp.publishers]
        subs = [f'`{tp.name}`' for tp in topics.TOPICS if node.name in tp.subscribers]
        serves = [f'`{s.name}`' for s in topics.SERVICES if s.server == node.name]
        rows.append((f'`{node.name}`', f'`{node.executable}`', ', '.join(pubs + ['`/diagnostics`']),
                     ', '.join(subs) or '-', ', '.join(serves) or '-'))
    return _table(('Node', 'Executable', 'Publishes', 'Subscribes', 'Serves'), rows)


def topic_table() -> str:
    """Every topic: type, QoS, payload, who publishes and subscribes, what it carries."""
    rows = []
    for tp in topics.TOPICS:
        payload = f'[`{tp.payload.__name__}`](#{tp.payload.__name__.lower()})' \
            if isinstance(tp.payload, type) and issubclass(tp.payload, Payload) else \
            ('audio frame' if tp.payload else '-')
        rows.append((f'`{tp.name}`', f'`{tp.msg}`', f'`{tp.qos.name}`', payload,
                     ', '.join(tp.publishers) or '-', ', '.join(tp.subscribers) or '-', tp.summary))
    return _table(('Topic', 'Type', 'QoS', 'Payload', 'Publishers', 'Subscribers', 'Carries'), rows)


def qos_table() -> str:
    """Every QoS profile."""
    profiles = {tp.qos.name: tp.qos for tp in topics.TOPICS}
    rows = [(f'`{q.name}`', q.describe(), q.why) for q in profiles.values()]
    return _table(('Profile', 'Settings', 'Why'), rows)


def payload_tables() -> str:
    """Each payload class with its fields."""
    out = []
    classes = {tp.payload for tp in topics.TOPICS
               if isinstance(tp.payload, type) and issubclass(tp.payload, Payload)}
    for cls in sorted(classes, key=lambda c: c.__name__):
        used = ', '.join(f'`{tp.name}`' for tp in topics.TOPICS if tp.payload is cls)
        wire = 'the bare word in `data`' if cls.WIRE == 'text' else 'a JSON object in `data`'
        out.append(f'<a id="{cls.__name__.lower()}"></a>\n**`{cls.__name__}`** ({used}): '
                   f'{cls.__doc__.splitlines()[0]} Sent as {wire}.\n\n')
        out.append(_table(('Field', 'Accepts', 'Default', 'Meaning'),
                          [(f'`{n}`', a, d, doc) for n, a, d, doc in cls.describe_fields()]))
        out.append('\n')
    return ''.join(out).rstrip('\n') + '\n'


def service_table() -> str:
    """Every service."""
    return _table(('Service', 'Type', 'Server', 'Does'),
                  [(f'`{s.name}`', f'`{s.srv}`', s.server, s.summary) for s in topics.SERVICES])


def parameter_tables() -> str:
    """Every node's parameters, from its ParamSpecs."""
    from milo_robot.graph import NODES

    out = []
    for node in NODES:
        out.append(f'### {node.name}\n\n')
        rows = [(f'`{p.name}`', f'`{p.default!r}`', p.allowed(), 'yes' if p.live else '', p.description)
                for p in node.parameters()]
        out.append(_table(('Parameter', 'Default', 'Allowed', 'Live', 'Description'), rows))
        out.append('\n')
    return ''.join(out).rstrip('\n') + '\n'


def record_tables() -> str:
    """Return the lecture record's tables, as SQL, from record/schema.py."""
    from milo_robot.record import schema

    statements = list(schema.TABLES) + [s for n in sorted(schema.MIGRATIONS) for s in schema.MIGRATIONS[n]]
    body = '\n'.join(' '.join(line.strip() for line in s.splitlines()) + ';' for s in statements)
    return f'Schema version {schema.SCHEMA_VERSION}.\n\n```sql\n{body}\n```\n'


def diagnostic_keys() -> str:
    """Return the /diagnostics value keys other code reads, from interfaces/diagnostics.py."""
    from milo_robot.interfaces import diagnostics

    return _table(('Key', 'Reported by', 'Meaning'),
                  [(f'`{k.name}`', k.reporters, k.meaning) for k in diagnostics.KEYS])


RENDERERS = {'nodes': nodes, 'topics': topic_table, 'qos': qos_table, 'payloads': payload_tables,
             'services': service_table, 'parameters': parameter_tables, 'record': record_tables,
             'diagnostics': diagnostic_keys}


def render(text: str) -> str:
    """Return `text` with every generated block rewritten from the code."""
    def block(match):
        renderer = RENDERERS.get(match.group('name'))
        if renderer is None:
            raise KeyError(f'unknown generated block {match.group("name")!r}')
        return match.group(1) + renderer() + match.group(4)
    return BLOCK.sub(block, text)


def doc_path() -> str:
    """Return docs/interfaces.md in the source tree."""
    from milo_robot.graph import data_root

    return os.path.join(data_root(), 'docs', 'interfaces.md')


def main(argv=None) -> int:
    """Check docs/interfaces.md against the code, or rewrite its generated blocks (--write)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--write', action='store_true', help='rewrite the generated blocks')
    args = parser.parse_args(argv)
    path = doc_path()
    with open(path, encoding='utf-8') as f:
        text = f.read()
    fresh = render(text)
    if args.write:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(fresh)
        print(f'wrote {path}')
        return 0
    if fresh != text:
        print(f'{path} is out of date: run python -m milo_robot.interfaces.docs --write', file=sys.stderr)
        return 1
    print(f'{path} agrees with the code')
    return 0


if __name__ == '__main__':
    sys.exit(main())
