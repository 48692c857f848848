"""Owners of a package: the nearest OWNERS file, else CODEOWNERS (last match wins)."""

from keras_migrate.rollout._owners import NO_OWNER, Owners


def _write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_nearest_owners_file_wins_and_parents_follow(tmp_path):
    _write(tmp_path, "OWNERS", "root@x\n")
    _write(tmp_path, "vision/OWNERS", "# team\nvision@x\nper-file *.py=other@x\n")
    _write(tmp_path, "vision/detect/OWNERS", "detect@x\n")
    owners = Owners(str(tmp_path))
    assert owners.owners_of("vision/detect/models") == ("detect@x", "vision@x", "root@x")
    assert owners.owners_of("vision/classify") == ("vision@x", "root@x")
    assert owners.primary("vision/detect/models") == "detect@x"
    assert owners.owners_of("text") == ("root@x",)


def test_set_noparent_stops_inheritance(tmp_path):
    _write(tmp_path, "OWNERS", "root@x\n")
    _write(tmp_path, "secret/OWNERS", "set noparent\nsec@x\n")
    assert Owners(str(tmp_path)).owners_of("secret/a") == ("sec@x",)


def test_codeowners_last_match_wins(tmp_path):
    _write(tmp_path, ".github/CODEOWNERS", "# comment\n* @org/all\n/vision/ @org/vision\ntext/** @org/text\n"
                                           "/vision/legacy @org/legacy @bob\n*.bzl @org/build\n")
    owners = Owners(str(tmp_path))
    assert owners.owners_of("vision/models") == ("@org/vision",)
    assert owners.owners_of("vision/legacy/old") == ("@org/legacy", "@bob")
    assert owners.owners_of("text/bert") == ("@org/text",)
    assert owners.owners_of("tabular") == ("@org/all",)
    assert owners.owners_of("") == ("@org/all",)


def test_unanchored_codeowners_pattern_matches_at_any_depth(tmp_path):
    _write(tmp_path, "CODEOWNERS", "models/ @ml\n")
    owners = Owners(str(tmp_path))
    assert owners.owners_of("a/b/models") == ("@ml",)
    assert owners.owners_of("a/b/modelsx") == ()


def test_an_owners_file_below_the_root_is_nearer_than_codeowners(tmp_path):
    _write(tmp_path, "CODEOWNERS", "* @org/all\n")
    _write(tmp_path, "OWNERS", "root@x\n")
    _write(tmp_path, "vision/OWNERS", "vision@x\n")
    owners = Owners(str(tmp_path))
    assert owners.owners_of("vision/models")[0] == "vision@x"
    assert owners.owners_of("text") == ("@org/all",)


def test_nobody(tmp_path):
    owners = Owners(str(tmp_path))
    assert owners.owners_of("a") == () and owners.primary("a") == NO_OWNER
