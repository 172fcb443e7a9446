"""Differentiation proper: reverse mode (forward sweep + adjoint blocks), forward mode (tangents),
control-flow scaffolding and the emission of rule calls."""
