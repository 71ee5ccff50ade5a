# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A lecture's revision quiz in Moodle XML, the question bank's own import format.

One category question, then one short-answer question per quiz item: the key point with its
blank, the accepted answers at 100 %, and the teacher's sentence as general feedback. Texts are
HTML (escaped once for HTML, once for XML by the writer), in UTF-8.
"""

import html
import xml.etree.ElementTree as ET
from typing import List

from milo_robot.lectures.exports.quiz_items import QuizItem

PENALTY = '0.3333333'  # a third of the mark lost per wrong try, Moodle's default


def _text(parent: ET.Element, tag: str, text: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, 'text').text = text
    return element


def _question(quiz: ET.Element, item: QuizItem) -> None:
    question = ET.SubElement(quiz, 'question', type='shortanswer')
    _text(question, 'name', item.name)
    _text(question, 'questiontext', f'<p>{html.escape(item.prompt.strip())}</p>', format='html')
    _text(question, 'generalfeedback', f'<p>{html.escape(item.feedback)}</p>', format='html')
    for tag, value in (('defaultgrade', '1'), ('penalty', PENALTY), ('hidden', '0'), ('usecase', '0')):
        ET.SubElement(question, tag).text = value
    for answer in item.answers:
        element = _text(question, 'answer', answer, fraction='100', format='moodle_auto_format')
        _text(element, 'feedback', '', format='html')


def to_moodle_xml(items: List[QuizItem], heading: str, category: str) -> bytes:
    """Write the quiz as a Moodle XML document (UTF-8 bytes)."""
    quiz = ET.Element('quiz')
    quiz.append(ET.Comment(' ' + ' '.join(heading.replace('--', '-').split()) + ' '))
    holder = ET.SubElement(quiz, 'question', type='category')
    _text(holder, 'category', category)
    _text(holder, 'info', html.escape(heading), format='html')
    for item in items:
        _question(quiz, item)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding='utf-8', xml_declaration=True) + b'\n'
