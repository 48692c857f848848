"""The engine's fast code generation and lazy positions agree with libcst's own."""

import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from keras_migrate.engine._codegen import RenderedModule, module_code, node_code
from keras_migrate.engine._positions import node_starts

SOURCE = textwrap.dedent('''\
    """Doc."""
    import tensorflow as tf  # comment
    from tensorflow import keras

    @tf.function(jit_compile=False)
    def f(x, *, y=(1,
                  2)):
        if x: return keras.layers.Dense(3)(x)  ; z = [i for i in y]
        async def g():
            await h()
        return lambda q: q \\
            + 1

    class C(keras.Model):
        def call(self, inputs):
            return tf.reduce_sum(inputs, axis=-1)
    ''')


def test_module_code_is_libcst_code():
    module = cst.parse_module(SOURCE)
    assert module_code(module) == module.code == SOURCE


@pytest.mark.parametrize("source", [
    SOURCE, "", "\n", "# only a comment", "# c\n\nx = 1", "x = 1\r\ny = 2\r\n# footer\r\n",
    "import os\n\n\ndef f():\n    pass\n    # inner\n\n# end\n", "if x:\n\ty = 1\nz = 2  # no newline"])
def test_rendered_module_is_libcst_code_also_with_statements_replaced(source):
    module = cst.parse_module(source)
    rendered = RenderedModule(module)
    assert rendered.code == module.code == source
    body = list(module.body)
    variants = [body[1:], body[:-1], [cst.parse_statement("import sys\n")] + body, body[::-1]] if body else [[]]
    for new_body in variants:
        other = module.with_changes(body=new_body)
        assert rendered.of(other) == other.code
    assert rendered.of(module.with_changes(header=[])) == module.with_changes(header=[]).code


def test_node_code_is_libcst_code_for_node():
    module = cst.parse_module(SOURCE.replace("    ", "\t"))  # another default indent
    nodes = [module, *module.body, module.body[3].body, module.body[3].body.body[0]]
    for node in nodes:
        assert node_code(node, module) == module.code_for_node(node)


def test_node_starts_match_position_provider():
    module = cst.parse_module(SOURCE)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    wanted = [n for n in positions if isinstance(n, (cst.Call, cst.Attribute, cst.FunctionDef, cst.ClassDef,
                                                     cst.ImportFrom, cst.Return, cst.Lambda))]
    starts = node_starts(module, wanted, SOURCE)
    for node in wanted:
        pos = positions[node].start
        assert starts[id(node)] == (pos.line, pos.column + 1), module.code_for_node(node)
