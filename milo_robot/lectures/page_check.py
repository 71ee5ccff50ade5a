# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Check a notes page the way a phone offline would see it: anchors resolve, nothing is fetched.

Used by `milo demo`'s verdict and by the tests of the notes pack.
"""

import re
from html.parser import HTMLParser

_URL_ATTRIBUTES = ('href', 'src', 'action', 'srcset', 'poster', 'data')
_EXTERNAL = re.compile(r'^\s*(https?:|//|ftp:|data:text/html)', re.I)


class Page(HTMLParser):
    """Collects ids, internal links, every URL-bearing attribute, text and style blocks."""

    def __init__(self):
        """Start empty; feed() the HTML."""
        super().__init__()
        self.ids, self.links, self.urls, self.styles, self.text, self.tags = [], [], [], [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        """Collect what a tag names or links to."""
        self.tags.append(tag)
        attrs = dict(attrs)
        if 'id' in attrs:
            self.ids.append(attrs['id'])
        self.urls += [attrs[name] for name in _URL_ATTRIBUTES if attrs.get(name)]
        if tag == 'a' and (attrs.get('href') or '').startswith('#'):
            self.links.append(attrs['href'][1:])
        if 'style' in attrs:
            self.styles.append(attrs['style'])
        self._in_style = tag == 'style'

    def handle_endtag(self, tag):
        """Leave a style block."""
        self._in_style = False

    def handle_data(self, data):
        """Keep text and styles apart."""
        (self.styles if self._in_style else self.text).append(data)


def parse(html: str) -> Page:
    """Parse a page."""
    page = Page()
    page.feed(html)
    page.close()
    return page


def problems(html: str) -> list:
    """Return what is wrong with a self-contained page: dangling anchors, external resources."""
    page = parse(html)
    found = [f'link to #{name} has no target' for name in page.links if name not in set(page.ids)]
    found += [f'duplicate id {name}' for name in {i for i in page.ids if page.ids.count(i) > 1}]
    found += [f'external resource {url}' for url in page.urls if _EXTERNAL.match(url)]
    found += ['external stylesheet' for style in page.styles if re.search(r'@import|url\(\s*["\']?https?:',
                                                                          style, re.I)]
    return found
