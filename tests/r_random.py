"""R's default random numbers (Mersenne-Twister, normals by inversion), so tests can rebuild the data of
NHSRplotthedots' testthat tests, which draw it with ``set.seed(...)`` and ``rnorm(...)``.

Follows R's documented generator: ``set.seed`` scrambles the seed with the linear congruential step
69069·s + 1, fills the 624-word Mersenne-Twister state, and ``rnorm`` turns two uniforms into one normal by
inverting the normal distribution (Wichura's AS241, which ``statistics.NormalDist.inv_cdf`` also uses).
"""

from __future__ import annotations

from statistics import NormalDist

_N, _M = 624, 397
_UPPER, _LOWER, _MATRIX = 0x80000000, 0x7FFFFFFF, 0x9908B0DF
_MASK = 0xFFFFFFFF
_BIG = 134217728  # 2**27: R draws a second uniform for more precision than one gives
_STANDARD = NormalDist()


class RRandom:
    """One R random number stream, started as ``set.seed(seed)`` starts it."""

    def __init__(self, seed: int) -> None:
        s = seed & _MASK
        for _ in range(50):
            s = (69069 * s + 1) & _MASK
        words = []
        for _ in range(_N + 1):
            s = (69069 * s + 1) & _MASK
            words.append(s)
        self._state = words[1:]
        self._index = _N

    def _next_word(self) -> int:
        if self._index >= _N:
            mt = self._state
            for k in range(_N):
                y = (mt[k] & _UPPER) | (mt[(k + 1) % _N] & _LOWER)
                mt[k] = mt[(k + _M) % _N] ^ (y >> 1) ^ (_MATRIX if y & 1 else 0)
            self._index = 0
        y = self._state[self._index]
        self._index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def runif(self) -> float:
        """One uniform in (0, 1), as R's ``unif_rand``."""
        u = self._next_word() * 2.3283064365386963e-10
        if u <= 0.0:
            return 0.5 * 2.328306437080797e-10
        if 1.0 - u <= 0.0:
            return 1.0 - 0.5 * 2.328306437080797e-10
        return u

    def rnorm(self, n: int, mean: float = 0.0, sd: float = 1.0) -> list[float]:
        """``rnorm(n, mean, sd)``."""
        out = []
        for _ in range(n):
            u = self.runif()
            u = int(_BIG * u) + self.runif()
            out.append(mean + sd * _STANDARD.inv_cdf(u / _BIG))
        return out
