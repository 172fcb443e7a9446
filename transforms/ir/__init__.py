"""The intermediate representation: gast node construction, names, annotations, ast <-> gast
conversion, and code generation."""
