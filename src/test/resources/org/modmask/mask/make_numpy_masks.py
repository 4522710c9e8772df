"""Makes numpy-made.npz, the fixture of MaskFileTest: mask archives as NumPy writes them, without modmask.

Run with Debian's python3-numpy: python3 make_numpy_masks.py
"""
import numpy as np

w = np.arange(12, dtype=np.float64).reshape(3, 4) - 5.5      # float64, Fortran order below
b = np.array([True, False, True])                              # a boolean mask: kept / removed
v = np.array([[0.5, -0.25]], dtype=np.float32)
np.savez_compressed("numpy-made.npz", **{"layers.0.weight": np.asfortranarray(w), "layers.0.bias": b, "out.weight": v})
