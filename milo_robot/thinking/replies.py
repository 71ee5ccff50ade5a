# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The brain's fixed replies, when it does not answer from the lecture.

Kept apart from `answer` (which imports the whole of thinking) so that the tts node can read them
cheaply: it synthesises their first pieces before they are needed (nodes/tts_node.py).
"""

DECLINE = {'en': "We haven't covered that in class yet, so I'd rather not guess.",
           'fr': "Nous n'avons pas encore vu cela en cours, je préfère ne pas inventer."}
INSTRUCTION = {'en': "I only repeat what was said in class, so I won't do that.",
               'fr': "Je ne répète que ce qui a été dit en cours, donc je ne le ferai pas."}
EMPTY = {'en': "Sorry, I didn't catch a question.", 'fr': "Pardon, je n'ai pas compris la question."}
