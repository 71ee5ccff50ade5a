# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A small safe arithmetic: parse a formula's right side, evaluate it, and solve it for a variable.

Python's own parser reads the expression (`ast.parse`), and only numbers, names, + - * / **,
unary minus and sqrt are accepted: anything else is an `ExpressionError`. Nothing is ever
evaluated by Python itself (`eval` is never called).

A formula that is a product of powers (a monomial: "k A ΔT / L", "½ ρ v²", "sqrt(2 g h)") can be
solved for any of its variables; most formulas of a first-year course are monomials.
"""

import ast
import math
from typing import Optional


class ExpressionError(ValueError):
    """The text is not an arithmetic expression this module accepts."""


_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
CONSTANTS = {'pi': math.pi}


def parse(text: str) -> ast.AST:
    """Parse an arithmetic expression; ExpressionError if it holds anything else."""
    try:
        tree = ast.parse(text, mode='eval').body
    except SyntaxError as exc:
        raise ExpressionError(f'not an expression: {text!r}') from exc
    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Call)) or \
                type(node) in _BINARY or isinstance(node, (ast.USub, ast.UAdd)):
            if isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
                raise ExpressionError(f'operator not allowed in {text!r}')
            if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and
                                                   node.func.id == 'sqrt' and len(node.args) == 1):
                raise ExpressionError(f'only sqrt() may be called in {text!r}')
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
                not isinstance(node.value, bool):
            continue
        raise ExpressionError(f'{type(node).__name__} not allowed in {text!r}')
    return tree


def names(tree: ast.AST) -> list:
    """Return the variables of an expression, in order of appearance (constants left out)."""
    found = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id != 'sqrt'
             and n.id not in CONSTANTS]
    return list(dict.fromkeys(found))


def evaluate(tree: ast.AST, values: dict) -> float:
    """Evaluate an expression with `values` for its variables (ExpressionError if one is missing)."""
    if isinstance(tree, ast.Constant):
        return float(tree.value)
    if isinstance(tree, ast.Name):
        if tree.id in values:
            return float(values[tree.id])
        if tree.id in CONSTANTS:
            return CONSTANTS[tree.id]
        raise ExpressionError(f'no value for {tree.id}')
    if isinstance(tree, ast.UnaryOp):
        value = evaluate(tree.operand, values)
        return -value if isinstance(tree.op, ast.USub) else value
    if isinstance(tree, ast.Call):
        value = evaluate(tree.args[0], values)
        if value < 0:
            raise ExpressionError('square root of a negative number')
        return math.sqrt(value)
    left, right = evaluate(tree.left, values), evaluate(tree.right, values)
    try:
        return _BINARY[type(tree.op)](left, right)
    except (ZeroDivisionError, OverflowError) as exc:
        raise ExpressionError(str(exc)) from exc


def monomial(tree: ast.AST) -> Optional[tuple]:
    """Return (constant factor, {variable: exponent}) of a product of powers, or None."""
    if isinstance(tree, ast.Constant):
        return float(tree.value), {}
    if isinstance(tree, ast.Name):
        return (CONSTANTS[tree.id], {}) if tree.id in CONSTANTS else (1.0, {tree.id: 1.0})
    if isinstance(tree, ast.UnaryOp):
        inner = monomial(tree.operand)
        return (-inner[0] if isinstance(tree.op, ast.USub) else inner[0], inner[1]) if inner else None
    if isinstance(tree, ast.Call):
        inner = monomial(tree.args[0])
        if inner is None or inner[0] < 0:
            return None
        return math.sqrt(inner[0]), {k: v / 2 for k, v in inner[1].items()}
    if not isinstance(tree, ast.BinOp):
        return None
    if isinstance(tree.op, ast.Pow):
        base = monomial(tree.left)
        if base is None or not isinstance(tree.right, ast.Constant):
            return None
        power = float(tree.right.value)
        return base[0] ** power, {k: v * power for k, v in base[1].items()}
    if not isinstance(tree.op, (ast.Mult, ast.Div)):
        return None
    left, right = monomial(tree.left), monomial(tree.right)
    if left is None or right is None:
        return None
    sign = 1.0 if isinstance(tree.op, ast.Mult) else -1.0
    exponents = dict(left[1])
    for k, v in right[1].items():
        exponents[k] = exponents.get(k, 0.0) + sign * v
    if right[0] == 0 and sign < 0:
        return None
    return left[0] * right[0] ** sign, {k: v for k, v in exponents.items() if v}


def solve(lhs: str, tree: ast.AST, unknown: str, values: dict) -> Optional[float]:
    """Solve `lhs = tree` for `unknown`, given the other values; None when it cannot be solved.

    The left side itself is solved by evaluating; a variable of the right side only when the
    right side is a monomial in which it appears.
    """
    if unknown == lhs:
        return evaluate(tree, values)
    form = monomial(tree)
    if form is None or unknown not in form[1] or lhs not in values:
        return None
    factor, exponents = form
    rest = factor
    for name, power in exponents.items():
        if name != unknown:
            if name not in values:
                return None
            rest *= float(values[name]) ** power
    if rest == 0:
        return None
    ratio = float(values[lhs]) / rest
    power = exponents[unknown]
    if ratio < 0 and power != int(power):
        return None
    try:
        return math.copysign(abs(ratio) ** (1 / power), ratio) if ratio < 0 else ratio ** (1 / power)
    except (ZeroDivisionError, OverflowError):
        return None
