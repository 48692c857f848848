"""The shape of an expression, for the rules' tensor walkers (ast and cst alike).

tf_ops_on_keras_tensors (does it hold a KerasTensor?) and autograph (is it a tensor in
call()'s data flow?) walk expressions the same way through names, subscripts and
operands; what a call or an attribute means differs between them and stays theirs.
"""

from __future__ import annotations

import ast
from typing import Optional, Tuple

import libcst as cst

__all__ = ["CALL", "NAME", "OPERANDS", "SUBSCRIPT", "expression"]

# What an expression is, for a walker deciding whether it holds a tensor.
NAME, SUBSCRIPT, OPERANDS, CALL = "name", "subscript", "operands", "call"


def expression(node) -> Tuple[Optional[str], object]:
    """What tensor walkers need of an ast or cst expression: (kind, parts) with parts the
    name, the subscripted value, the operands (whose tensor-ness makes the whole a
    tensor: `a + b`, `-a`, `[a, b]`), or (callee, arguments); (None, None) otherwise."""
    if isinstance(node, ast.AST):
        if isinstance(node, ast.Name):
            return NAME, node.id
        if isinstance(node, ast.Subscript):
            return SUBSCRIPT, node.value
        if isinstance(node, ast.BinOp):
            return OPERANDS, (node.left, node.right)
        if isinstance(node, ast.UnaryOp):
            return OPERANDS, (node.operand,)
        if isinstance(node, (ast.List, ast.Tuple)):
            return OPERANDS, node.elts
        if isinstance(node, ast.Call):
            return CALL, (node.func, list(node.args) + [k.value for k in node.keywords])
        return None, None
    if isinstance(node, cst.Name):
        return NAME, node.value
    if isinstance(node, cst.Subscript):
        return SUBSCRIPT, node.value
    if isinstance(node, cst.BinaryOperation):
        return OPERANDS, (node.left, node.right)
    if isinstance(node, cst.UnaryOperation):
        return OPERANDS, (node.expression,)
    if isinstance(node, (cst.List, cst.Tuple)):
        return OPERANDS, [e.value for e in node.elements]
    if isinstance(node, cst.Call):
        return CALL, (node.func, [a.value for a in node.args])
    return None, None
