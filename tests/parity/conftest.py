"""Registers the `parity` marker (run only this suite with `pytest -m parity`)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "parity: runtime-parity programs (migrate, run on a Keras 3 backend, compare with Keras 2)",
    )
