# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Voice activity detectors: the probability that a 32 ms frame (512 samples at 16 kHz) is speech.

Silero (the default) runs its ONNX model, shipped in the silero-vad registry package, with
onnxruntime: it ignores steady noise. WebRTC VAD is much cheaper but takes white noise for speech.
"""

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE

FRAME_SAMPLES = 512  # the only frame size Silero accepts at 16 kHz


class SileroVad:
    """Silero VAD v5 on onnxruntime, keeping its recurrent state between frames."""

    _CONTEXT = 64  # samples of the previous frame the model sees before each new one

    def __init__(self, model_path: str, threads: int = 1):
        """Load the model (a single thread: a frame takes a fraction of a millisecond)."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self._session = onnxruntime.InferenceSession(model_path, options,
                                                         providers=['CPUExecutionProvider'])
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            raise ValueError(f'cannot load the Silero VAD model {model_path}: {exc}') from exc
        self._rate = np.array(SAMPLE_RATE, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Forget the audio heard so far."""
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(self._CONTEXT, dtype=np.float32)

    def probability(self, frame: np.ndarray) -> float:
        """Return the speech probability of one 512-sample int16 frame."""
        x = np.concatenate([self._context, frame.astype(np.float32) / 32768.0])[None, :]
        out, self._state = self._session.run(None, {'input': x, 'state': self._state,
                                                    'sr': self._rate})
        self._context = x[0, -self._CONTEXT:]
        return float(out[0][0])


class WebRtcVad:
    """WebRTC VAD: the share of 10 ms pieces of the frame it classifies as speech."""

    def __init__(self, aggressiveness: int = 2):
        """Create the detector; aggressiveness 0 (lenient) to 3 (strict)."""
        import webrtcvad

        self._vad = webrtcvad.Vad(aggressiveness)

    def reset(self) -> None:
        """Nothing to forget: WebRTC VAD keeps no state across calls."""

    def probability(self, frame: np.ndarray) -> float:
        """Return the fraction of 10 ms pieces classified as speech."""
        piece = SAMPLE_RATE // 100
        pieces = [frame[i:i + piece] for i in range(0, len(frame) - piece + 1, piece)]
        votes = [self._vad.is_speech(p.astype('<i2').tobytes(), SAMPLE_RATE) for p in pieces]
        return sum(votes) / len(votes)
