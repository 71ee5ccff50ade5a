# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Offline speech recognition engines with one interface: begin a segment, feed audio, finish it.

- Vosk streams: partial text while the person speaks, a final result at the end of the segment.
- Whisper (faster-whisper's CTranslate2 model) transcribes the whole segment when it ends. Its
  encoder normally takes a fixed 30 s window; here the window is cut to the segment plus a
  margin of silence, which makes a 3-5 s question several times cheaper to transcribe.
"""

import json
import os
from dataclasses import dataclass
from typing import Optional

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.heap import release_memory
from milo_robot.hearing.term_fix import TermFixer
from milo_robot.models import ModelError


@dataclass(frozen=True)
class Transcript:
    """Recognised text of a segment; times in seconds on the lecture clock."""

    text: str
    start: float
    end: float
    language: str
    confidence: float  # 0..1
    final: bool
    engine: str
    # A final that hears again the segment before it, joined with the words after a short pause
    # (SegmentTranscriber's join): it replaces that segment's final, from the same start.
    rejoins: bool = False

    def to_json(self) -> str:
        """Serialise for a std_msgs/String payload (see docs/interfaces.md)."""
        return json.dumps({'text': self.text, 'start': round(self.start, 3),
                           'end': round(self.end, 3), 'language': self.language,
                           'confidence': round(self.confidence, 3), 'final': self.final,
                           'engine': self.engine}, ensure_ascii=False)


class VoskEngine:
    """Streaming recognition with a Vosk (Kaldi) model directory."""

    name = 'vosk'
    streaming = True  # hears the audio as it comes: partials while the person speaks

    def __init__(self, model_dir: str, language: str):
        """Load the model; `language` is the model's language (Vosk models do not say)."""
        if not os.path.isdir(os.path.join(model_dir, 'am')) and \
                not os.path.isfile(os.path.join(model_dir, 'final.mdl')):
            raise ModelError(f'{model_dir} is not a Vosk model directory (no am/ inside); see '
                             'models/README.md to install one')
        import vosk

        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(model_dir)
        except Exception as exc:  # vosk raises a bare Exception for a model it cannot load
            raise ModelError(f'cannot load the Vosk model in {model_dir}: {exc}') from exc
        self.language = language
        self._recognizer = None

    def begin(self, start: float) -> None:
        """Start a segment at `start` seconds."""
        import vosk

        self._recognizer = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        self._recognizer.SetWords(True)
        self._start, self._done, self._words, self._partial = start, [], [], ''

    def accept(self, samples: np.ndarray) -> Optional[str]:
        """Feed audio; return the new partial text when it changed, else None."""
        if self._recognizer.AcceptWaveform(samples.astype('<i2').tobytes()):
            self._take(json.loads(self._recognizer.Result()))  # Vosk found a pause inside
            partial = ''
        else:
            partial = json.loads(self._recognizer.PartialResult()).get('partial', '')
        text = ' '.join(self._done + ([partial] if partial else []))
        if text == self._partial:
            return None
        self._partial = text
        return text

    def peek(self) -> tuple:
        """Return (what Vosk has recognised of the segment so far, its language)."""
        return self._partial, self.language

    def finish(self, end: float) -> Transcript:
        """End the segment; return its final transcript (text may be empty)."""
        self._take(json.loads(self._recognizer.FinalResult()))
        confidence = float(np.mean(self._words)) if self._words else 0.0
        self._recognizer = None
        return Transcript(' '.join(self._done), self._start, end, self.language, confidence,
                          True, self.name)

    def _take(self, result: dict) -> None:
        if result.get('text'):
            self._done.append(result['text'])
            self._words += [w.get('conf', 0.0) for w in result.get('result', [])]


# How the course's vocabulary reaches Whisper's decoder: as faster-whisper's `hotwords`, as its
# `initial_prompt` (all the terms, or the rare ones only: `rare_prompt`, or those then the notes'
# sentences that use them: `context_prompt`), or not at all, and for
# the segments of which detected languages (docs/hearing.md has the measures). By default the
# segments of both languages get the context prompt: the rare terms (the teacher's, names,
# acronyms, units) then a few of the notes' sentences that use them, at most
# vocabulary.EXAMPLE_TOKENS. The terms in the course's own sentences halve the word error on
# sentences rich in them, where the rare terms alone did not; more sentences, and hotwords or the
# full glossary, cost sentences without course terms more word error (the common words they carry
# are what the decoder then writes). The term fix pass (hearing.term_fix), on by default, puts
# back after decoding the terms still misheard.
VOCABULARY_MODES = ('hotwords', 'prompt', 'rare_prompt', 'context_prompt', 'off')
DEFAULT_VOCABULARY_MODE = 'context_prompt'
DEFAULT_VOCABULARY_LANGUAGES = ('en', 'fr')
DEFAULT_TERM_FIX = True
DEFAULT_HOLD_LANGUAGE = True
DEFAULT_CONTEXT = True


class WhisperEngine:
    """Whisper on CTranslate2 (int8), with an encoder window fitted to the segment (a few sizes)."""

    name = 'whisper'
    streaming = False  # hears a segment once it ends (or on a pause, to peek)
    # Encoder windows, in 10 ms frames: from 6 s (shorter ones make the base model repeat itself)
    # to 30 s, the model's trained window. A few sizes only: CTranslate2 keeps memory for each
    # input shape it has seen, and a window sized to every segment grew the asr process by
    # ~400 MB over a 90-minute class; with these it stays flat.
    WINDOW_FRAMES = (600, 800, 1000, 1500, 2000, 3000)  # questions are short: finer there
    PAD_FRAMES = 300  # 3 s of silence after the speech
    NO_REPEAT_NGRAM = 4  # a short window sometimes makes the model loop over its own words
    # A peek's words are the question Milo answers when the voice ends on that pause. On the
    # conversation benchmark's 17 questions (one thread here): greedy 0.27 s and 2 words wrong
    # ("om's law"), beam 2 0.35 s and none, beam 5 0.51 s.
    PEEK_BEAM = 2
    RESERVE_TOKENS = 48  # beam 5: 40 or more left the process flat over segments of up to 27 s
    # A peek is decoded without the course's vocabulary (the term fix pass still runs on it): the
    # rare-terms prompt made the peek's decoding 15 % slower (docs/hearing.md), and a peek is on
    # the path from a question to its answer. The final, off that path, has it.
    PEEK_VOCABULARY = False
    # A detection whose likeliest allowed language is less likely than this is unsure: Whisper
    # base gives some of Kokoro's French sentences English at 0.01 and French at 0.002 (it hears
    # a third language) and then writes English gibberish. Such a segment is decoded in the last
    # language detected surely (docs/hearing.md: French term sentences 0.80x to 0.69x; every
    # English and plain French sentence is detected at 0.67 or more).
    SURE_LANGUAGE = 0.5
    # A final is decoded after the words of the previous final in its language, as Whisper's own
    # transcribe() does (condition_on_previous_text), after the course's terms: the sentence
    # before primes the decoder's French as a whole ("D'appel à la loi des mailles" for "D'appel
    # à l'eau des mailles"). Its last tokens only: the terms and this stay under Whisper's 223.
    CONTEXT_TOKENS = 64

    def __init__(self, model_dir: str, language: str = '', languages: tuple = ('fr', 'en'),
                 threads: int = 2, beam_size: int = 5):
        """Load the model; `language` '' detects it among `languages` for each segment."""
        if not os.path.isfile(os.path.join(model_dir, 'model.bin')):
            raise ModelError(f'{model_dir} holds no Whisper model.bin; run `make setup`')
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(model_dir, device='cpu', compute_type='int8',
                                       cpu_threads=threads, local_files_only=True)
        except Exception as exc:  # CTranslate2 raises RuntimeError or ValueError on bad files
            raise ModelError(f'cannot load the Whisper model in {model_dir}: {exc}') from exc
        self.language = language
        self.languages = tuple(languages)
        self.beam_size = beam_size  # 5 halves greedy decoding's errors for ~0.1 s a question
        # The course's terms by language (hearing.vocabulary.Vocabulary), given to the decoder as
        # faster-whisper gives its `hotwords` or its `initial_prompt` (VOCABULARY_MODES).
        self.vocabulary = None
        self.vocabulary_mode = DEFAULT_VOCABULARY_MODE
        # The languages whose segments (as detected) are decoded with the vocabulary; the others
        # are decoded without it (the term fix pass still applies to them).
        self.vocabulary_languages = DEFAULT_VOCABULARY_LANGUAGES
        # After decoding, a heard word that sounds like one of the vocabulary's rare terms is
        # replaced by the term (hearing.term_fix), whatever the decoder was given.
        self.term_fix = DEFAULT_TERM_FIX
        self._fixers = (None, {})  # (the vocabulary they were built for, {language: TermFixer})
        # An unsure detection is decoded in the last language detected surely (SURE_LANGUAGE),
        # a final after the previous one's words (CONTEXT_TOKENS); forget_lecture() clears both
        # when a lecture starts or ends.
        self.hold_language = DEFAULT_HOLD_LANGUAGE
        self.context = DEFAULT_CONTEXT
        self._sure_language = None
        self._context = None  # (language, tokens) of the last final decoded
        self._context_of = None  # (start, the context it was decoded after) of the last final
        self.detected = ('', 0.0)  # the last detection as Whisper gave it: (language, probability)
        self._audio = []
        self._peeked = None  # (encoder output, language, seconds) of the audio peeked at

    def reserve(self) -> None:
        """Encode each window, longest first, and decode a long text from each; then trim the heap.

        CTranslate2 keeps memory for each input shape it meets, and glibc keeps what a decoding
        freed: met through a class, they grew the asr in steps, 313 to 396 MB in the soak, even
        with this reserve alone (docs/hearing.md). The reserve makes the lasting allocations at
        the start, in order of size, and every decoding ends with a trim that gives the rest back
        (`release_memory`). Measured over 10 segment lengths in 3 shuffled rounds (AMD EPYC): 194
        MB and flat from the first segment, against 294-306 MB with the reserve alone and 215-219
        MB, still creeping, with the trim alone. The cost: a question decoded after a trim faults
        its buffers back in, about 15 ms of its 0.25 s.
        """
        hop = self._model.feature_extractor.hop_length
        for frames in sorted(self.WINDOW_FRAMES, reverse=True):
            encoded = self._encode(np.zeros((frames - self.PAD_FRAMES) * hop, dtype=np.int16))
            self._decode(*encoded, beam_size=self.beam_size, exactly=self.RESERVE_TOKENS)
        self.forget_lecture()  # silence says nothing of the class's language or words
        release_memory()

    def begin(self, start: float) -> None:
        """Start a segment at `start` seconds.

        A segment that starts where the last final did is that one heard again, longer (a sentence
        a pause had cut, hearing/pipeline.py): it is decoded after the words before it, not after
        its own first part.
        """
        if self._context_of is not None and start == self._context_of[0]:
            self._context, self._context_of = self._context_of[1], None
        self._start, self._audio, self._peeked = start, [], None

    def accept(self, samples: np.ndarray) -> Optional[str]:
        """Buffer audio; Whisper gives no partial results."""
        self._audio.append(samples)
        self._peeked = None
        return None

    def peek(self) -> tuple:
        """Transcribe what is buffered so far, with a narrow beam (fast); return (text, language).

        The language is the one detected on these words: a question asked on a pause must say
        which language to answer in, as a final transcript does.
        """
        if not self._audio:
            return '', self.language
        # Kept for finish(): a segment that ends where the pause was (the voice did not go on)
        # holds the same audio, and its final skips the encoder, most of a decoding's time.
        self._peeked = self._encode(np.concatenate(self._audio))
        text, _ = self._decode(*self._peeked, beam_size=min(self.PEEK_BEAM, self.beam_size),
                               vocabulary=self.PEEK_VOCABULARY)
        return text, self._peeked[1]

    def finish(self, end: float) -> Transcript:
        """Transcribe the buffered segment."""
        encoded, audio, self._audio, self._peeked = self._peeked, self._audio, [], None
        context = self._context  # what this final is decoded after
        if encoded is not None:
            language = encoded[1]
            text, confidence = self._decode(*encoded, beam_size=self.beam_size)
            release_memory()  # what the decoding freed, back to the system (reserve)
        else:
            text, language, confidence = self.transcribe(
                np.concatenate(audio) if audio else np.zeros(0, dtype=np.int16))
        self._context_of = (self._start, context)
        return Transcript(text, self._start, end, language, confidence, True, self.name)

    def transcribe(self, audio: np.ndarray) -> tuple:
        """Return (text, language, confidence) for int16 audio of up to 30 s."""
        if len(audio) == 0:
            return '', self.language or self.languages[0], 0.0
        encoded = self._encode(audio)
        text, confidence = self._decode(*encoded, beam_size=self.beam_size)
        release_memory()  # what the decoding freed, back to the system (reserve)
        return text, encoded[1], confidence

    def _encode(self, audio: np.ndarray) -> tuple:
        """Return (encoder output, language, seconds of audio) for int16 audio of up to 30 s."""
        import ctranslate2

        hop = self._model.feature_extractor.hop_length
        frames = self.window_frames(len(audio) // hop)
        padded = np.zeros(frames * hop, dtype=np.float32)
        clip = audio[:len(padded)].astype(np.float32) / 32768.0
        padded[:len(clip)] = clip
        features = np.ascontiguousarray(self._model.feature_extractor(padded)[:, :frames])
        encoded = self._model.model.encode(ctranslate2.StorageView.from_array(features[None]),
                                           to_cpu=False)
        return encoded, self.language or self._detect(encoded), len(clip) / SAMPLE_RATE

    def _decode(self, encoded, language: str, seconds: float, beam_size: int,
                vocabulary: bool = True, exactly: int = 0) -> tuple:
        """Return (text, confidence) decoded from the encoder's output.

        The decoder is given the course's vocabulary as `vocabulary_mode` says, unless `vocabulary`
        is False. `exactly` > 0 decodes that many tokens, the end of text suppressed (`reserve`).
        """
        from faster_whisper.tokenizer import Tokenizer

        tokenizer = Tokenizer(self._model.hf_tokenizer, True, task='transcribe', language=language)
        prompt = self._prompt(tokenizer, language) if vocabulary else \
            self._model.get_prompt(tokenizer, [], without_timestamps=True)
        result = self._model.model.generate(
            encoded, [prompt], beam_size=beam_size,
            max_length=len(prompt) + (exactly or int(20 + 8 * seconds)), return_scores=True,
            suppress_blank=True, suppress_tokens=[-1, tokenizer.eot] if exactly else [-1],
            no_repeat_ngram_size=self.NO_REPEAT_NGRAM, repetition_penalty=1.05)[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        if vocabulary and not exactly:  # a final: the next one reads it
            self._context = (language, tokens[-self.CONTEXT_TOKENS:]) if tokens else None
        text = tokenizer.decode(tokens).strip()
        if self.term_fix:
            text = self.fix_terms(text, language)
        return text, float(np.clip(np.exp(result.scores[0]), 0.0, 1.0))

    def fix_terms(self, text: str, language: str) -> str:
        """Return `text` with the misheard rare terms of the vocabulary put back (hearing.term_fix)."""
        if not self.vocabulary or not text:
            return text
        built_for, fixers = self._fixers
        if built_for is not self.vocabulary:
            self._fixers = built_for, fixers = self.vocabulary, {}
        if language not in fixers:
            fixers[language] = TermFixer(self.vocabulary.words(language), language, self.count_tokens,
                                         self.vocabulary.known.get(language, ()))
        return fixers[language].fix(text)[0]

    def _prompt(self, tokenizer, language: str) -> list:
        """Return the decoder's prompt: the course's terms, the previous final's words, the task.

        The terms in `language`, if any (a segment in a language out of `vocabulary_languages`
        gets none); the previous final's words if it was in `language` too (and `context`).
        faster-whisper's own `get_prompt` lays it out, as its transcribe() does: after
        <|startofprev|>, the terms as `hotwords` (a list, its first tokens kept when too long) or
        as an `initial_prompt` (a glossary sentence taken as what was said before, of all the
        terms or of the rare ones only, or of the rare ones then the notes' sentences that use
        them), then the previous words.
        """
        vocabulary, mode = self.vocabulary, self.vocabulary_mode
        given = mode != 'off' and vocabulary and language in self.vocabulary_languages
        before = self._context[1] if self.context and self._context and self._context[0] == language else []
        if given and mode == 'hotwords':
            return self._model.get_prompt(tokenizer, before, without_timestamps=True,
                                          hotwords=vocabulary.hotwords(language) or None)
        text = vocabulary.prompt(language, rare=mode == 'rare_prompt',
                                 examples=mode == 'context_prompt') if given else ''
        terms = tokenizer.encode(' ' + text) if text else []
        return self._model.get_prompt(tokenizer, terms + before, without_timestamps=True)

    def count_tokens(self, text: str) -> int:
        """Return how many tokens of the model's tokenizer `text` takes (a vocabulary's budget)."""
        return len(self._model.hf_tokenizer.encode(text, add_special_tokens=False).ids)

    @classmethod
    def window_frames(cls, speech_frames: int) -> int:
        """Return the encoder window for a segment of `speech_frames`: the speech, then the pad."""
        needed = speech_frames + cls.PAD_FRAMES
        return next((w for w in cls.WINDOW_FRAMES if w >= needed), cls.WINDOW_FRAMES[-1])

    def forget_lecture(self) -> None:
        """Forget the language last detected surely and the last final's words: a new lecture."""
        self._sure_language = self._context = self._context_of = None

    def _detect(self, encoded) -> str:
        """Return the language to decode in: the likeliest allowed one, if sure.

        Unsure (under SURE_LANGUAGE), the last one detected surely, if `hold_language`.
        """
        scores = dict((token.strip('<|>'), p) for token, p in
                      self._model.model.detect_language(encoded)[0])
        best = max(self.languages, key=lambda lang: scores.get(lang, 0.0))
        self.detected = best, scores.get(best, 0.0)
        if self.detected[1] >= self.SURE_LANGUAGE:
            self._sure_language = best
            return best
        return (self.hold_language and self._sure_language) or best
