"""Optimizations: idioms recognised before differentiation, and the clean-ups of the generated
gradient (dead code, copies, CSE, folding, in-place accumulation, release, rematerialization)."""
