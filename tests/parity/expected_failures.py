"""Parity cases that are known to fail today, with the reason.

Key: (program name, config id); config ids are tfmode_tensorflow,
agnostic_tensorflow, agnostic_jax and agnostic_torch (see _harness.CONFIGS).
Each entry turns that one case into xfail(strict=False): it still runs, and
shows up as XPASS once it passes. Rule writers: when your rule lands, run
`pytest tests/parity -m parity -rxX` and delete the entries that XPASS.
Entries for programs or configs that do not exist make the suite fail.
"""

EXPECTED_FAILURES = {
}
