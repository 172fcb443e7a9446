"""The may-alias analysis behind the in-place fence (transforms/aliasing.py), through
``CheckMutation``: programs whose in-place writes are exact under value semantics are accepted,
those where another name would see the write are rejected with the alias named."""

from __future__ import annotations

import textwrap

import pytest

from autodiff.transforms.testing import mutation_error


def check(body: str) -> str:
    return mutation_error("def f(x):\n" + textwrap.indent(textwrap.dedent(body), "    "))


ACCEPTED = {
    "rebound_before_write_in_loop": """
        y = x * 2.0
        v = y
        for _ in range(2):
            v = np.tanh(y)
            v[0] = 1.0
        return np.sum(v) + np.sum(y)""",
    "tuple_elements_are_distinct": """
        t = (x * 2.0, x * 3.0)
        a = t[0]
        b = t[1]
        a[0] = 1.0
        return np.sum(a) + np.sum(b)""",
    "unpacked_call_results_are_distinct": """
        a, b = np.split(x * 1.0, 2)
        a[0] = 1.0
        return np.sum(a) + np.sum(b)""",
    "different_rows_are_distinct": """
        y = np.outer(x, x)
        r0 = y[0]
        r1 = y[1]
        r0[0] = 1.0
        return np.sum(r0) + np.sum(r1)""",
    "returned_value_then_write_in_while_loop": """
        k = 0
        while k < 4:
            if np.sum(x) > 3.0:
                return x
            x -= x * 0.5
            k = k + 1
        return x""",
    "alias_only_read_in_other_branch": """
        v = x * 1.0
        w = v
        if np.sum(x) > 0.0:
            v[0] = 1.0
            s = np.sum(v)
        else:
            s = np.sum(w)
        return s""",
    "alias_reassigned_before_read": """
        v = x * 1.0
        w = v
        v[0] = 1.0
        w = x * 3.0
        return np.sum(v) + np.sum(w)""",
    "write_after_alias_rebound_in_both_branches": """
        v = x * 1.0
        w = v
        if np.sum(x) > 0.0:
            w = x * 2.0
        else:
            w = x * 3.0
        v[0] = 1.0
        return np.sum(v) + np.sum(w)""",
}

REJECTED = {
    "alias_read_in_next_iteration": ("""
        y = x * 2.0
        v = y
        s = 0.0
        for _ in range(2):
            s = s + np.sum(y)
            v[0] = 1.0
        return s""", "v is modified in place while y"),
    "alias_made_inside_loop_reaches_next_write": ("""
        v = x * 1.0
        s = 0.0
        w = x * 2.0
        for _ in range(3):
            v[0] = 1.0
            s = s + np.sum(w)
            w = v
        return s""", "v is modified in place while w"),
    "alias_in_one_branch": ("""
        v = x * 1.0
        w = x * 2.0
        if np.sum(x) > 0.0:
            w = v
        v[0] = 1.0
        return np.sum(w)""", "v is modified in place while w"),
    "list_holds_the_array": ("""
        h = x * 1.0
        hs = [h]
        h[0] = 2.0
        return np.sum(hs[0])""", "h is modified in place while hs"),
    "split_piece_is_a_view": ("""
        y = x * 1.0
        head, tail = np.split(y, [1])
        y[1] = 2.0
        return np.sum(tail)""", "y is modified in place while tail"),
    "negative_index_row": ("""
        y = np.outer(x, x)
        last = y[-1]
        y[2] = 0.0
        return np.sum(last)""", "y is modified in place while last"),
    "transpose_view": ("""
        y = x * 1.0
        t = np.transpose(y)
        y[0] = 2.0
        return np.sum(t)""", "y is modified in place while t"),
    "augmented_through_alias": ("""
        y = x * 1.0
        z = y
        z += 2.0
        return np.sum(y)""", "z is modified in place while y"),
}


@pytest.mark.parametrize("body", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_exact_in_place_writes_are_accepted(body: str) -> None:
    assert check(body) == "ok"


@pytest.mark.parametrize(("body", "message"), REJECTED.values(), ids=REJECTED.keys())
def test_writes_seen_through_another_name_are_rejected(body: str, message: str) -> None:
    found = check(body)
    assert message in found
    assert "make it a copy" in found
