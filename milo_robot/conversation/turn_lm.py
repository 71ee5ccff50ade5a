# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""End of turn from the words, judged by a small language model (a "semantic" turn detector).

The word rule of `turns.py` waits after "the" or "la", but a pause after "How do resistors" or
"Quelle est l'unité" leaves words that could end a sentence. A language model knows better what
usually follows: `TurnLM` puts the transcript so far in the model's chat template as a student's
message, its final punctuation taken off, and reads the probability that the message ends there
(the next token is `?`, `.`, `!` or the end of the message) rather than going on. Below
`threshold`, the words look unfinished.

The model is the catalogue's `llm-tiny` (SmolLM2-135M-Instruct, Q4_1, 94 MB) or `llm-small`
(Qwen2.5-0.5B, 469 MB); both use the ChatML template. One call evaluates the dozen or two tokens
of the message on one thread (fewer when it starts as the last one did: the words heard at a
pause, then their final transcript); nothing is generated.
"""

import re
import time
from typing import Optional

import numpy as np

from milo_robot.thinking.llm import model_file

# Punctuation and spaces a transcript ends with: the model judges the words, not Whisper's guess.
_TRAILING = re.compile(r'[\s?.!,;:…«»"\'-]+$')
# What may come next when the message ends there (single tokens of the model's vocabulary).
_ENDINGS = ('?', ' ?', '.', ' .', '!', ' !', '?\n', '.\n', '\n', '<|im_end|>')
PREFIX = '<|im_start|>user\n'
# Calibrated on data/qa_dev (docs/conversation.md): the highest tried that holds at most about 5 %
# of its whole questions in each language (tiny: all of them; small: every third, its calls cost more).
THRESHOLDS = {'tiny': 0.02, 'small': 0.003}


def words_of(text: str) -> str:
    """Return `text` without the punctuation and spaces it ends with."""
    return _TRAILING.sub('', text.strip())


class TurnLM:
    """The probability that a transcript is a whole message, from a small language model."""

    def __init__(self, profile: str = 'tiny', threshold: Optional[float] = None, threads: int = 1,
                 path: str = '', prefix: str = PREFIX):
        """Load the profile's GGUF model (`milo_robot.thinking.llm` profiles) with a small context.

        `prefix`: what comes before the words (the chat template's opening of a user message).
        """
        from llama_cpp import Llama

        self.profile = profile
        self.threshold = THRESHOLDS.get(profile, 0.02) if threshold is None else threshold
        self.llm = Llama(model_path=model_file(profile, path), n_ctx=256, n_batch=256,
                         n_threads=threads, n_threads_batch=threads, verbose=False)
        ids = set()
        for ending in _ENDINGS:
            tokens = self.llm.tokenize(ending.encode(), add_bos=False, special=True)
            if len(tokens) == 1:
                ids.add(tokens[0])
        ids.add(self.llm.token_eos())
        self._ends = np.array(sorted(ids))
        self._prefix = self.llm.tokenize(prefix.encode(), add_bos=False, special=True)
        self.calls = 0
        self.compute_s = 0.0  # process CPU time of all calls
        self.end_probability('Hello')  # the first call pays for setting up

    def end_probability(self, text: str) -> float:
        """Return the probability that the message `text` ends after its last word."""
        words = words_of(text)
        if not words:
            return 1.0
        began = time.process_time()
        tokens = self._prefix + self.llm.tokenize(words.encode(), add_bos=False, special=False)
        tokens = tokens[-200:]
        # The model's memory still holds the last message: keep what it shares with this one (the
        # template's opening, the words heard at a pause before their final transcript).
        kept = 0
        for old, new in zip(self.llm.input_ids[:min(self.llm.n_tokens, len(tokens) - 1)], tokens):
            if old != new:
                break
            kept += 1
        self.llm.n_tokens = kept  # eval drops the memory after it
        self.llm.eval(tokens[kept:])
        logits = np.ctypeslib.as_array(self.llm._ctx.get_logits(), shape=(self.llm.n_vocab(),))
        logits = logits.astype(np.float64)
        exp = np.exp(logits - logits.max())
        p = float(exp[self._ends].sum() / exp.sum())
        self.calls += 1
        self.compute_s += time.process_time() - began
        return p

    def unfinished(self, text: str) -> bool:
        """Return whether the model expects more words after `text`."""
        return self.end_probability(text) < self.threshold

    def close(self) -> None:
        """Free the model's memory."""
        self.llm.close()
