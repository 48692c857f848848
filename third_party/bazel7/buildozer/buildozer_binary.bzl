"""Offline stand-in for buildozer's `buildozer_binary` extension: an empty repository."""

def _empty_repo_impl(rctx):
    rctx.file("BUILD.bazel", "# Empty: buildozer is not available offline.\n")

_empty_repo = repository_rule(implementation = _empty_repo_impl)

def _buildozer_binary_impl(_mctx):
    _empty_repo(name = "buildozer_binary")

buildozer_binary = module_extension(implementation = _buildozer_binary_impl)
