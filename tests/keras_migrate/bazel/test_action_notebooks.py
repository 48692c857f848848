"""The Bazel action on a notebook a target lists in data: its report's imports come from
the code cells (the driver's BUILD edits read them), not from parsing JSON as Python."""

import json

from keras_migrate.bazel._action import imported_modules


def _notebook(*sources):
    return json.dumps({"cells": [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [],
                                  "execution_count": None} for s in sources] +
                      [{"cell_type": "markdown", "source": "import not_code", "metadata": {}}],
                      "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_imports_of_a_notebook_are_read_from_its_code_cells():
    data = _notebook("!pip install keras\nimport keras", "%%bash\nimport nothing",
                     "from keras_migrate_runtime import Keras2Metric\nx?")
    assert imported_modules(data, notebook=True) == ["keras", "keras_migrate_runtime"]


def test_an_unreadable_notebook_imports_nothing():
    assert imported_modules(b"{not json", notebook=True) == []
    assert imported_modules(_notebook("def f(:"), notebook=True) == []
