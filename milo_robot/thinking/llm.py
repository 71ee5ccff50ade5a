# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Load the on-device language model (GGUF, llama-cpp-python) for a profile or a file."""

import os

from milo_robot.models import ModelError, get_model, models_dir

PROFILES = {'tiny': 'llm-tiny', 'small': 'llm-small', 'base': 'llm-base'}
MIN_CTX, MAX_CTX = 512, 8192


def model_file(profile: str, path: str = '') -> str:
    """Return the GGUF file of a profile, or of `path` (relative to models/); ModelError if unusable."""
    if path:
        target = path if os.path.isabs(path) else os.path.join(models_dir(), path)
        if not os.path.isfile(target):
            raise ModelError(f'no model file {target}; put a GGUF file there or choose a profile '
                             f"({', '.join(PROFILES)})")
    elif profile in PROFILES:
        target = get_model(PROFILES[profile]).check(verify=False)
        if os.path.isdir(target):
            target = os.path.join(target, 'model.gguf')
    else:
        raise ModelError(f"unknown profile '{profile}'; profiles: {', '.join(PROFILES)}")
    with open(target, 'rb') as f:
        if f.read(4) != b'GGUF':
            raise ModelError(f'{target} is not a GGUF model (corrupt or another format); '
                             'run `milo models prepare` or replace the file')
    return target


def load_llm(profile: str = 'small', path: str = '', n_ctx: int = 4096, threads: int = 2,
             n_gpu_layers: int = 0, prompt_lookup: int = 0):
    """Load the model with a bounded context (never 0, which would mean the model's maximum).

    `n_gpu_layers` offloads layers to a GPU when llama-cpp-python was built with CUDA (-1: all);
    a CPU build ignores it. `prompt_lookup` > 0 drafts that many tokens at a time from the prompt
    itself (LlamaPromptLookupDecoding), which speeds up answers that copy the lecture's words.
    """
    try:
        from llama_cpp import Llama
    except ImportError as exc:  # a broken build of the runtime is a model problem to the user
        raise ModelError(f'llama-cpp-python is not usable ({exc}); run `make setup`') from exc
    if not MIN_CTX <= n_ctx <= MAX_CTX:
        raise ValueError(f'n_ctx {n_ctx} is out of range {MIN_CTX}..{MAX_CTX}')
    target = model_file(profile, path)
    try:
        draft = None
        if prompt_lookup:
            from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

            draft = LlamaPromptLookupDecoding(num_pred_tokens=prompt_lookup)
        # A draft model needs the logits of every position, and llama-cpp-python 0.3 sizes its
        # buffer for them from `logits_all` as passed, not as it forces it: say it, or the first
        # prompt longer than a batch fails to broadcast. The buffer is n_ctx x vocabulary floats.
        return Llama(model_path=target, n_ctx=n_ctx, n_threads=threads, n_batch=256,
                     n_gpu_layers=n_gpu_layers, draft_model=draft, logits_all=draft is not None,
                     verbose=False)
    except (ValueError, RuntimeError) as exc:
        raise ModelError(f'cannot load {target}: {exc}') from exc


class LazyModel:
    """A language model loaded on first use and released on request: no memory while unused.

    Answers need no model (thinking/answer.py); the brain node keeps one only to title a lecture
    that ended, a few seconds a lecture, so the 0.5-2 GB of weights and context are not held the
    rest of the time. Every attribute but `model_path` (known without loading) loads the model:
    the object stands in for the llama_cpp.Llama it loads.
    """

    def __init__(self, profile: str = 'small', path: str = '', n_ctx: int = 4096, threads: int = 2,
                 n_gpu_layers: int = 0):
        """Check now that the model file is there and is a GGUF model (ModelError if not); load later."""
        self.model_path = model_file(profile, path)
        self._options = dict(profile=profile, path=path, n_ctx=n_ctx, threads=threads,
                             n_gpu_layers=n_gpu_layers)
        self._llm = None

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory now."""
        return self._llm is not None

    def load(self):
        """Return the llama_cpp.Llama, loading it if needed (ModelError if it cannot load)."""
        if self._llm is None:
            self._llm = load_llm(**self._options)
        return self._llm

    def release(self) -> None:
        """Free the model's memory (weights, context); the next use loads it again."""
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def __getattr__(self, name: str):
        """Stand in for the model: load it, and return its attribute."""
        if name.startswith('__') or name in ('_llm', '_options'):  # copy/pickle probes; half-built
            raise AttributeError(name)
        return getattr(self.load(), name)
