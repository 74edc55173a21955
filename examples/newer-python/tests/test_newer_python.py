import pytest

import newer_python
from newer_python import Release, main, next_minor


def test_next_minor_uses_copy_replace():
    assert next_minor(Release(3, 13, 4)) == Release(3, 14, 0)


def test_deprecated_helper_warns():
    with pytest.deprecated_call():
        newer_python.python_version()


def test_main(capsys):
    assert main(["--next"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Running on Python 3.")
    assert "Next minor release:" in out
