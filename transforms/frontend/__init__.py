"""The front end: source -> checked, normalized, structured, ANF + SSA function, and the
resolution of what each statement computes."""
