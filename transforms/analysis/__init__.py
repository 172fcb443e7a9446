"""Analyses over the front-end IR: activity, aliasing, shapes, cache guards, the mutation fence."""
